"""Issue 10: the page a researcher publishes. Commentary from the notebook and from commentary
files, a table of contents, numbered and linkable figures and tables, CSV downloads that match their
table, illustrative marks on every illustrative figure, a footer with parlib's version, no English
in the Vietnamese methods, and a page that fits a phone."""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

import parlib
from parlib.data.commentary import split_commentary
from parlib.errors import DataError
from parlib.report.markdown import render_markdown

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPORTS = [("backan", "vi"), ("backan", "en"), ("vn-ministries", "vi")]


@pytest.fixture
def built(built_reports) -> Path:
    return built_reports


def _html(built: Path, ds: str, lang: str) -> str:
    return (built / ds / "2023" / f"report.{lang}.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class _Blocks(HTMLParser):
    """Each table block: its id, classes, CSV link, header cells and body rows (text as shown)."""

    def __init__(self):
        super().__init__()
        self.blocks: list[dict] = []
        self.figures: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "figure" and "parlib-table-block" in cls:
            self.blocks.append({"id": a.get("id"), "class": cls, "csv": None, "head": [], "rows": []})
        elif tag == "figure" and "parlib-chart" in cls:
            self.figures.append({"id": a.get("id"), "class": cls})
        elif tag == "a" and "csv" in cls.split() and self.blocks:
            self.blocks[-1]["csv"] = a.get("href")
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self.blocks:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.blocks:
            self.blocks[-1]["head" if self._in_head else "rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Blocks:
    p = _Blocks()
    p.feed(html)
    return p


def _as_number(shown: str, lang: str) -> Decimal | None:
    """A number as the page shows it, read independently of parlib: vi 1.234,5 / en 1,234.5."""
    group, point = (".", ",") if lang == "vi" else (",", ".")
    g, p = re.escape(group), re.escape(point)
    if not re.fullmatch(rf"[+-]?(\d+|\d{{1,3}}({g}\d{{3}})+)({p}\d+)?", shown):
        return None  # text, or a number printed in the other language (a quoted published figure)
    return Decimal(shown.replace(group, "").replace(point, ".").lstrip("+"))


# --- commentary ----------------------------------------------------------------------------------


def test_commentary_split_by_section_and_notes_dropped():
    text = "<!-- a note -->\nOpening.\n<!-- section: ranking -->\nOn *ranks*.\n<!-- section: summary -->\nSum."
    assert split_commentary(text, ["intro", "summary", "ranking"]) == {
        "intro": "Opening.",
        "ranking": "On *ranks*.",
        "summary": "Sum.",
    }


def test_commentary_marker_of_an_unknown_section_is_a_located_error():
    with pytest.raises(DataError) as e:
        split_commentary("x\n\n<!-- section: nowhere -->\ny", ["intro", "summary"], "c/2023.vi.md")
    assert "c/2023.vi.md, row 3" in str(e.value) and "nowhere" in str(e.value) and "summary" in str(e.value)


def test_markdown_is_rendered_without_raw_html_or_unsafe_links():
    out = str(render_markdown("# T\n\n<b>x</b> [a](javascript:alert(1)) [b](https://example.org) ![i](http://e/x.png)"))
    assert "<b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "javascript:" not in out.split("[a]")[0] and 'href="javascript' not in out
    assert '<a href="https://example.org">b</a>' in out
    assert "<img" not in out
    assert out.startswith("<h4>T</h4>")  # below the report's own headings


def test_commentary_file_appears_in_html_and_pdf(built):
    from pypdf import PdfReader

    vi = _text(_html(built, "backan", "vi"))
    assert "Nhận xét của nhóm nghiên cứu" in vi
    assert "hai cấp đi theo hai hướng" in vi  # from data/raw/backan/commentary/2023.vi.md
    assert "a note" not in vi and "section:" not in vi
    en = _text(_html(built, "backan", "en"))
    assert "the two levels moved apart in 2023" in en
    pdf = " ".join(
        "".join(p.extract_text() for p in PdfReader(built / "backan" / "2023" / "report.vi.pdf").pages).split()
    )
    assert "hai cấp đi theo hai hướng" in pdf


def test_notebook_markdown_cells_are_commentary_unless_removed(tmp_path):
    import nbformat

    from parlib.report.render import REMOVED_TAGS, report_view

    nb = nbformat.v4.new_notebook(metadata={"parlib": {"lang": "en"}})
    nb.cells = [
        nbformat.v4.new_markdown_cell("How to run this notebook", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("Our reading: **fewer** cuts <script>x</script>"),
        nbformat.v4.new_code_cell("1"),
    ]
    view = report_view(nb)
    html = "".join(o["data"]["text/html"] for c in view.cells for o in c.outputs if "data" in o)
    assert "remove-cell" in REMOVED_TAGS
    assert "How to run" not in html
    assert "<strong>fewer</strong>" in html and "&lt;script&gt;" in html and "Researchers&#39; commentary" in html
    top = nbformat.read(ROOT / "notebooks" / "annual_report.ipynb", as_version=4).cells[0]
    assert top.cell_type == "markdown" and "remove-cell" in top.metadata.get("tags", [])


# --- page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("ds,lang", REPORTS)
def test_toc_numbering_anchors_and_footer(built, ds, lang):
    html = _html(built, ds, lang)
    toc = re.search(r'<nav class="parlib-toc" id="toc">(.*?)</nav>', html, re.S).group(1)
    h2 = re.findall(r'<h2 id="([^"]+)"', html)
    assert h2 and re.findall(r'<li><a href="#([^"]+)"', toc) == h2
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "anchors must be unique"
    word = {"vi": ("Hình", "Bảng"), "en": ("Figure", "Table")}[lang]
    for kind in word:
        nums = [int(n) for n in re.findall(rf'<span class="parlib-num">{kind} (\d+)\.</span>', html)]
        assert nums == list(range(1, len(nums) + 1)) and nums
    page = _parse(html)
    assert all(f["id"] and f["id"].startswith("fig-") for f in page.figures)
    assert all(b["id"].startswith("tbl-") for b in page.blocks)
    assert html.count('class="anchor"') >= len(page.figures) + len(page.blocks) + len(h2)
    assert f"parlib {parlib.__version__}" in _text(html) and "commit" in _text(html)


@pytest.mark.parametrize("ds,lang", REPORTS)
def test_every_table_downloads_as_csv_matching_the_table(built, ds, lang):
    page = _parse(_html(built, ds, lang))
    assert len(page.blocks) >= 3
    for b in page.blocks:
        assert b["csv"] and b["csv"].startswith("data:text/csv;charset=utf-8;base64,"), b["id"]
        text = base64.b64decode(b["csv"].split(",", 1)[1]).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == b["head"][0], b["id"]  # headers in the report's language
        assert len(rows) - 1 == len(b["rows"]), b["id"]
        for got, shown in zip(rows[1:], b["rows"]):
            assert len(got) == len(shown)
            for g, s in zip(got, shown):
                n = _as_number(s, lang)
                if s in ("—", "·"):
                    assert g == ""
                elif n is not None:
                    assert Decimal(g) == n, (b["id"], s, g)
                    point = "," if lang == "vi" else "."
                    shown_dec = len(s.split(point)[1]) if point in s else 0
                    got_dec = len(g.split(".")[1]) if "." in g else 0
                    assert got_dec == shown_dec, (b["id"], s, g)  # the printed decimals are kept
                else:
                    assert g == s, (b["id"], s, g)


def test_illustrative_marks_on_every_illustrative_figure_and_table(built):
    page = _parse(_html(built, "backan", "vi"))
    assert page.figures and all("illustrative" in f["class"] for f in page.figures)
    data = [b for b in page.blocks if not b["id"].startswith(("tbl-files", "tbl-published"))]
    assert data and all("illustrative" in b["class"] for b in data)
    html = _html(built, "backan", "vi")
    assert html.count('class="ill-badge"') >= len(page.figures) + len(data)
    real = _parse(_html(built, "vn-ministries", "vi"))
    assert real.figures and not any("illustrative" in f["class"] for f in real.figures + real.blocks)


def test_vietnamese_methods_and_sources_have_no_english(built):
    for ds in ("backan", "vn-ministries"):
        html = _html(built, ds, "vi")
        part = html[html.index('<h2 id="methods"') :]
        part = part[: part.index('<h2 id="published"')]
        part = re.sub(
            r"<table.*?</table>|<code>.*?</code>|<a [^>]*>.*?</a>|<figcaption>.*?</figcaption>", " ", part, flags=re.S
        )
        words = set(
            re.findall(r"[A-Za-z]+", re.sub(r"\S+\.(py|csv|xlsx|yml)\b", " ", _text(part)))
        )  # file names are names
        english = {
            "the",
            "of",
            "and",
            "is",
            "are",
            "by",
            "with",
            "from",
            "to",
            "for",
            "not",
            "made",
            "tables",
            "page",
            "address",
            "published",
            "illustrative",
            "assumed",
            "points",
            "maximum",
            "record",
            "news",
        }
        assert not words & english, (ds, sorted(words & english))


def test_dates_in_each_language(built):
    assert "truy cập 26/11/2026" in _text(_html(built, "backan", "vi"))
    assert "accessed 26 November 2026" in _text(_html(built, "backan", "en"))
    assert "2026-11-26" not in _text(_html(built, "backan", "vi"))


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium missing (scripts/system-deps.sh --browser)")
@pytest.mark.parametrize("ds,lang", REPORTS)
def test_page_fits_a_phone_without_sideways_scroll(built, ds, lang):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 390, "height": 844})
        page.goto((built / ds / "2023" / f"report.{lang}.html").as_uri(), wait_until="load")
        width = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        # a chart wider than the screen scrolls inside its own box, never the page
        boxes = page.evaluate("""() => Array.from(document.images).map(i => {
            const box = i.closest('.chart-wrap') || i;
            return [box.getBoundingClientRect().right, getComputedStyle(box).overflowX, i.naturalWidth > 0]; })""")
        b.close()
    assert width <= 390
    assert boxes and all(right <= 390 and ok for right, _, ok in boxes)


# --- pieces, on hand-made values -----------------------------------------------------------------


def test_change_groups_add_up_to_the_level_units():
    """A partial previous year: 2 scored in both years, 1 ranked only, 2 absent from the partial
    table; 1 unit of last year gone. 2 + 1 + 2 = the 5 units of this year."""
    import pandas as pd

    from parlib.model.compare import CHANGE_GROUPS, get_change_groups

    nan = float("nan")
    yoy = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c", "d", "e", "f"],
            "total": [90.0, 85.0, 80.0, 75.0, 70.0, nan],
            "rank": [1, 2, 3, 4, 5, pd.NA],
            "change": [1.0, -2.0, nan, nan, nan, nan],
            "status": ["both", "both", "both", "unpublished", "unpublished", "missing"],
        }
    )
    g = get_change_groups(yoy)
    assert g["both"] == ["a", "b"] and g["ranked_only"] == ["c"] and g["unpublished"] == ["d", "e"]
    assert g["new"] == [] and g["gone"] == ["f"]
    assert sum(len(g[k]) for k in CHANGE_GROUPS) == 5


def test_vn_ministries_groups_name_all_17(built):
    text = _text(_html(built, "vn-ministries", "vi"))
    m = re.search(
        r"Năm 2023 có (\d+) bộ, cơ quan ngang bộ: (\d+) có điểm cả hai năm; (\d+) chỉ có thứ hạng[^;]*; "
        r"(\d+) không có điểm năm 2022 được công bố",
        text,
    )
    assert m and int(m.group(1)) == 17 == sum(int(m.group(i)) for i in (2, 3, 4))


def test_material_gap_and_strengths():
    """Two units, one field with a 3 pp gap (not material) and one with 20 pp (material)."""
    import pandas as pd

    from parlib.model.fields import MATERIAL_GAP_PP, get_strengths_weaknesses, material_gap

    f = pd.DataFrame(
        {
            "unit_id": ["a", "a", "b", "b", "c", "c"],
            "field_id": ["x", "y"] * 3,
            "points": [9.0, 5.0, 8.7, 7.0, 8.4, 9.0],
            "max": [10.0] * 6,
        }
    )
    f["pct"] = f["points"] / f["max"] * 100
    # medians: x 87 %, y 70 %; a: x +3 pp (not material), y -20 pp; c: y +20 pp
    assert material_gap(f, 3) == MATERIAL_GAP_PP == 5.0
    assert material_gap(f.assign(max=0.1), 0) == 2 * 100 * 1 / 0.1  # coarse rounding raises the bar
    sw = get_strengths_weaknesses(f, min_gap=5.0)
    assert set(zip(sw["unit_id"], sw["kind"], sw["field_id"])) == {("a", "weakness", "y"), ("c", "strength", "y")}


def test_heatmap_never_shows_99_6_as_100():
    from parlib.report.charts import pct_label

    assert pct_label(99.6, "vi") == "99,6" and pct_label(100.0, "vi") == "100" and pct_label(87.4, "en") == "87"
    assert pct_label(99.96, "en") == "99.96" and pct_label(0.2, "vi") == "0,2"


def test_csv_cells_and_processed_tables_without_float_noise():
    import pandas as pd

    from parlib.build.outputs import without_float_noise
    from parlib.report.sections import csv_cell

    assert [csv_cell(x, "vi") for x in ("90,760", "+5,651", "-1,2", "05", "1.234,5", "—", "05/08", "Sở Y tế")] == [
        "90.760",
        "5.651",
        "-1.2",
        "5",
        "1234.5",
        "",
        "05/08",
        "Sở Y tế",
    ]
    assert [csv_cell(x, "en") for x in ("90.760", "1,234.5", "2023")] == ["90.760", "1234.5", "2023"]
    frame = pd.DataFrame({"total": [0.1 + 0.2, 86.91999999999999], "unit": ["a", "b"]})
    assert without_float_noise(frame).to_csv(index=False) == "total,unit\n0.3,a\n86.92,b\n"


def test_illustrative_figures_in_sentences_are_marked_where_they_stand(built):
    """Báo Bắc Kạn prints the transport department's 95,476 and +15,356 but not its rank change:
    the rank change is marked †, the printed figures are not; the mark has its legend."""
    html = _html(built, "backan", "vi")
    assert 'tổng số điểm đạt 95,476, tăng 15,356 điểm và tăng 18<sup class="ill">†</sup> bậc' in html
    assert "tăng 5,651 điểm và tăng 6 bậc" in html  # the city's rank change is printed by the article
    assert "số liệu có dấu † được tính từ các dòng minh họa" in html
    assert 'class="ill"' not in _html(built, "vn-ministries", "vi")


def test_unit_profiles_appendix(built):
    """One compact block per unit: 19 + 8 in backan (fields against the level median as bars, each
    bar's width the unit's % of maximum), 17 in vn-ministries (totals only: no bars)."""
    html = _html(built, "backan", "vi")
    blocks = re.findall(r'<section class="profile[^"]*" id="unit-([^"]+)">(.*?)</section>', html, re.S)
    assert len(blocks) == 27
    gtvt = dict(blocks)["so-gtvt"]
    assert "Hạng 1 · 95,476 điểm · Tốt" in gtvt
    assert 'class="median"' in gtvt and "<text" not in gtvt
    # the field numbers and values beside the bars: one line per bar, in the field key's order
    labels = re.search(r'class="bar-labels">(.*?)</div>', gtvt, re.S)
    values = re.search(r'class="bar-values">(.*?)</div>', gtvt, re.S)
    assert labels and labels.group(1).split("\n") == ["1", "2", "3", "4", "5", "6", "7", "8"]
    # field 1 appraised 9,821 of 10 → 98,21 %; field 2 9,446 of 10 → 94,46 % (data/raw, illustrative rows)
    assert values and values.group(1).split("\n")[:2] == ["98,2", "94,5"] and len(values.group(1).split("\n")) == 8
    # printed two to a row, a row never split across pages: 19 departments in 10 rows, 8 districts in 4
    assert html.count('<div class="profile-row">') == 10 + 4
    assert 'href="#profiles"' in html  # listed in the table of contents
    vn = re.findall(r'<section class="profile[^"]*" id="unit-', _html(built, "vn-ministries", "vi"))
    assert len(vn) == 17
