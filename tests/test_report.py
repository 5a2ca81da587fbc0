"""The annual report end to end: `parlib build` runs the notebook with papermill, exports HTML and
PDF; the tests read what a reader gets (HTML, PDF text) and what an auditor gets (the executed
notebook). One build per dataset shared by the module (about 12 s per report)."""

from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from parlib.report.i18n import fmt_count, fmt_number
from parlib.report.render import ReportError, execute_notebook

ROOT = Path(__file__).resolve().parents[1]

# The Báo Bắc Kạn article's figures, as printed (see /work/shared/reference/published-figures.md).
ARTICLE = [
    "90,766",
    "87,45",
    "82,609",
    "83,77",
    "95,476",
    "15,356",
    "87,46",
    "5,651",
    "tăng 6 bậc",
    "12,071",
    "19/19 sở, ngành",
    "05/08 địa phương",
]


@pytest.fixture
def built(built_reports) -> Path:
    return built_reports


def _report(built: Path, ds: str, lang: str, ext: str) -> Path:
    return built / ds / "2023" / f"report.{lang}.{ext}"


def _html(built: Path, ds: str, lang: str) -> str:
    return _report(built, ds, lang, "html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    """Visible text of the HTML, whitespace collapsed, styles and data URIs dropped."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.imgs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("script", "link", "img"):
            for key in ("src", "href"):
                if a.get(key):
                    self.refs.append((tag, a[key]))
        if tag == "img":
            self.imgs.append(a.get("src", ""))


def _refs(html: str) -> _Refs:
    p = _Refs()
    p.feed(html)
    return p


# --- unit checks of the formatting the report relies on ------------------------------------------


def test_numbers_are_formatted_by_language():
    assert fmt_number(90.766, "vi", 3) == "90,766"
    assert fmt_number(90.766, "en", 3) == "90.766"
    assert fmt_number(1234.5, "vi", 1) == "1.234,5"
    assert fmt_number(87.450, "vi", 3, trim=True) == "87,45"
    assert fmt_number(15.356, "vi", 3, sign=True) == "+15,356"
    assert fmt_number(0.0005, "vi", 3) == "0,001"  # half up, as publishers round
    assert fmt_count(5, 8) == "05/08" and fmt_count(19, 19) == "19/19" and fmt_count(3) == "03"
    # English does not zero-pad ("first of 8 districts", not "first of 08 districts")
    assert fmt_count(5, 8, lang="en") == "5/8" and fmt_count(3, lang="en") == "3"


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name}: cell {cell.get('id')} has outputs"
                assert cell.execution_count is None, f"{path.name}: cell {cell.get('id')} has an execution count"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"


# --- HTML ----------------------------------------------------------------------------------------


def test_backan_vi_html_states_the_article_figures(built):
    text = _text(_html(built, "backan", "vi"))
    assert unicodedata.is_normalized("NFC", text)
    for figure in ARTICLE:
        assert figure in text, figure
    # the article prints 87,45 and 83,77; the report prints every total at the methodology's 3 decimals,
    # as in its tables (issue 10: the same decimals in text and tables)
    assert "tổng điểm trung bình đạt 90,766/100 điểm, cao hơn so với năm 2022 (năm 2022 đạt 87,450 điểm)" in text
    assert "tổng điểm trung bình đạt 82,609/100 điểm, thấp hơn so với năm 2022 (năm 2022 đạt 83,770 điểm)" in text
    assert "không có sở, ngành nào xếp loại Xuất sắc (năm 2022 có 05 sở, ngành xếp loại Xuất sắc)" in text
    assert "Sở Giao thông vận tải đứng đầu 19 sở, ngành với tổng số điểm đạt 95,476, tăng 15,356 điểm" in text
    assert "Thành phố Bắc Kạn đứng đầu 08 địa phương với tổng số điểm đạt 87,460, tăng 5,651 điểm và tăng 6 bậc" in text
    # lower-case "huyện" inside a sentence; the name and the total are illustrative (marked †)
    assert "huyện Pác Nặm † có tổng điểm thấp nhất (75,242 † điểm)" in text
    assert "(12,071 điểm)" in text
    # data/raw/backan/published.yml lists 21 figures of 2023, all matching (the tables print no rank or band)
    assert "21/21 số liệu đã công bố khớp" in text


def test_backan_en_html_is_english(built):
    text = _text(_html(built, "backan", "en"))
    for figure in ("90.766", "87.45", "82.609", "83.77", "95.476", "15.356", "87.46", "5.651", "12.071"):
        assert figure in text, figure
    for heading in (
        "Summary",
        "Ranking",
        "Strengths and weaknesses by field",
        "Compared with 2022",
        "Appraisal",
        "Methods and data",
        "Published-figure check",
    ):
        assert heading in text
    # published sentences and source titles are quoted in Vietnamese; the report's own text is not
    own = text.split("Methods and data")[0]
    for vi in ("Tóm tắt", "Bảng xếp hạng", "Tổng điểm", "Xếp loại", "điểm", "năm", "Cấp"):
        assert vi not in own, vi


# Charts: backan 8 + per level (2) a rank-interval chart and a field-correlation heatmap = 12;
# vn-ministries 2023: 2 + one rank-interval chart (no field points, so no heatmap) = 3.
@pytest.mark.parametrize("ds,lang,charts", [("backan", "vi", 12), ("backan", "en", 12), ("vn-ministries", "vi", 3)])
def test_html_is_self_contained_without_code(built, ds, lang, charts):
    html = _html(built, ds, lang)
    refs = _refs(html)
    assert refs.scripts == 0
    assert not [r for r in refs.refs if re.match(r"(?i)\s*(https?:)?//", r[1])], refs.refs
    assert len(refs.imgs) == charts and all(s.startswith("data:image/png;base64,") for s in refs.imgs)
    for marker in (
        "jp-InputArea",
        "jp-InputPrompt",
        "jp-OutputPrompt",
        "report.show_",
        "report.prepare",
        "injected-parameters",
        "output_dir",
    ):
        assert marker not in html, marker
    text = _text(html)
    assert not re.search(r"\bnan\b|\bNaN\b|<NA>|0x[0-9a-f]{6,}", text)
    assert "@page" in html and "A4" in html and "DejaVu Sans" in html


def test_illustrative_banner_only_where_rows_are_illustrative(built):
    assert 'class="parlib-banner"' in _html(built, "backan", "vi")
    assert "DỮ LIỆU MINH HỌA" in _html(built, "backan", "vi")
    assert 'class="parlib-banner"' not in _html(built, "vn-ministries", "vi")


def test_totals_only_sections_are_left_out_with_a_sentence(built):
    text = _text(_html(built, "vn-ministries", "vi"))
    assert "phần này được lược bỏ vì bảng số liệu năm 2023 chỉ có tổng điểm và điểm thành phần" in text
    assert "không có cả điểm tự đánh giá và điểm thẩm định" in text
    assert "năm 2022 chỉ được công bố một phần" in text
    assert "Bộ Tư pháp đứng đầu 17" in text


# --- PDF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ds,lang,sentence",
    [
        ("backan", "vi", "tổng điểm trung bình đạt 90,766/100 điểm"),
        ("backan", "en", "the mean total was 90.766 of 100 points"),
        ("vn-ministries", "vi", "Đối chiếu số liệu đã công bố"),
    ],
)
def test_pdf_text_fonts_and_pages(built, ds, lang, sentence):
    from pypdf import PdfReader

    reader = PdfReader(_report(built, ds, lang, "pdf"))
    assert len(reader.pages) > 1
    text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)))
    assert sentence in text
    if ds == "backan":
        banner = "DỮ LIỆU MINH HỌA" if lang == "vi" else "ILLUSTRATIVE DATA"
        for i, page in enumerate(reader.pages):
            assert banner in unicodedata.normalize("NFC", page.extract_text()), f"page {i + 1} has no banner"
    fonts = 0
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            desc = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts += 1
    assert fonts


# --- the executed notebook -----------------------------------------------------------------------


def test_executed_notebook_has_no_timestamps_or_random_ids(built):
    path = _report(built, "backan", "vi", "ipynb")
    raw = path.read_text(encoding="utf-8")
    assert "start_time" not in raw and "end_time" not in raw and "iopub." not in raw
    assert str(built) not in raw
    nb = nbformat.read(path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c["id"] for c in injected] == ["injected-parameters"]
    assert nb.metadata["parlib"]["lang"] == "vi"
    assert not re.search(r"at 0x[0-9a-f]+", raw)
    assert json.loads((built / "backan" / "2023" / "figures.json").read_text())["dataset"] == "backan"


def test_a_failing_cell_names_the_cell_and_the_error(tmp_path):
    from parlib.data.load import load_dataset

    ds = load_dataset("vn-ministries")
    with pytest.raises(ReportError, match=r"cell 'setup' .*report\.prepare.*ValueError: parameter year"):
        execute_notebook(ds, 1999, "vi", tmp_path, tmp_path / "report.vi.ipynb")


def test_every_unit_is_named_once_in_strengths_and_weaknesses(built):
    """Each of the 27 units (19 departments + 8 districts) is named once: in its own sentence when a
    field is at least the material gap (5 pp) from the level median, else in the closing sentence
    of units without a material gap; a gap of less than 5 pp is never called a strength."""
    html = _html(built, "backan", "en")
    items = re.findall(r'<ul class="sw">(.*?)</ul>', html, flags=re.S)
    sentences = [s for block in items for s in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]
    own = [s for s in sentences if "pp or more from the median:" not in s]
    rest = [s for s in sentences if "pp or more from the median:" in s]
    named = len(own) + sum(int(re.match(r"\s*(\d+) ", s).group(1)) for s in rest)
    assert named == 27
    assert all("% of maximum" in s for s in own)
    gaps = [float(g) for s in own for g in re.findall(r"(\d+\.\d) pp (?:above|below)", s)]
    assert gaps and min(gaps) >= 5.0
    assert any("Department of Transport:" in s for s in own)


def test_illustrative_summary_says_what_may_not_be_quoted(built):
    """The backan summary mixes the article's real figures with values of illustrative rows: it says
    so right under the summary; vn-ministries (all published) does not."""
    assert "must not be quoted as real" in _text(_html(built, "backan", "en"))
    assert "không được trích dẫn như số liệu thật" in _text(_html(built, "backan", "vi"))
    assert "không được trích dẫn như số liệu thật" not in _text(_html(built, "vn-ministries", "vi"))


def test_inferred_value_is_marked_in_the_ranking(tmp_path):
    """vn-ministries 2022: the Ministry of Planning and Investment's 85,38 is inferred, not printed."""
    import subprocess
    import sys

    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "parlib",
            "build",
            "vn-ministries",
            "--year",
            "2022",
            "--lang",
            "en",
            "--out",
            str(tmp_path),
            "--processed",
            str(tmp_path / "p"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    text = _text((tmp_path / "vn-ministries" / "2022" / "report.en.html").read_text(encoding="utf-8"))
    assert "Ministry of Planning and Investment (inferred)" in text
    assert "a value the source does not print" in text


def test_the_exporter_thread_starts_after_the_imports_it_shares_with_papermill():
    """Bug of session 9's last CI run: a `verify` rebuild failed with "cannot import name
    'AsyncKernelManager' from partially initialized module 'jupyter_client.manager'": the thread
    loading nbconvert and the build's own papermill import both imported jupyter_client at once.
    In a fresh process (nothing imported yet), the thread must start only once papermill, nbclient
    and jupyter_client's manager are whole in sys.modules."""
    import subprocess
    import sys

    script = """
import sys, threading
seen = []
start = threading.Thread.start
def recording_start(self):
    seen.append(sorted(m for m in ("papermill", "nbclient", "jupyter_client.manager") if m in sys.modules))
    start(self)
threading.Thread.start = recording_start
from parlib.report.render import start_loading_exporter
start_loading_exporter().join()
print(seen)
"""
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[['jupyter_client.manager', 'nbclient', 'papermill']]"
