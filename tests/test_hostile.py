"""Issue 5: hostile text is shown as text in HTML and PDF, never executed or interpreted; no code
can be injected through a notebook parameter; the notebook runs top to bottom as committed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SPECIALS = r"**đậm** _nghiêng_ $\frac{1}{2}$ & 100% #1 {x} \LaTeX"
LONG = "Sở " + "Rất Dài " * 40 + "Cuối"
NAMES = [SCRIPT, IMG, SPECIALS, LONG, "Sở Bình Thường"]


def _write_dataset(root: Path) -> Path:
    """A tiny two-year dataset, per field, whose unit names are hostile."""
    ds = root / "hostile"
    for year, base in ((2022, 60.0), (2023, 62.0)):
        (ds / str(year)).mkdir(parents=True)
        lines = ["unit,f1,f2"]
        for i, name in enumerate(NAMES):
            quoted = '"' + name.replace('"', '""') + '"'
            lines.append(f'{quoted},"{base - 5 * i:.1f}","{20 + i:.1f}"'.replace(".", ","))
        (ds / str(year) / "scores.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = "\n".join(
        f"      - {{id: u{i}, name: {{vi: '{n.replace(chr(39), chr(39) * 2)}', en: '{n.replace(chr(39), chr(39) * 2)}'}}}}"
        for i, n in enumerate(NAMES)
    )
    tables = "\n".join(
        f"""  - year: {y}
    tables:
      - {{file: {y}/scores.csv, level: units, methodology: m, source: s,
          sha256: {hashlib.sha256((ds / str(y) / "scores.csv").read_bytes()).hexdigest()}}}"""
        for y in (2022, 2023)
    )
    (ds / "dataset.yml").write_text(
        f"""id: hostile
title: {{vi: '{SCRIPT} Bộ thử', en: '{SCRIPT} Test set'}}
publisher: {{vi: Thử nghiệm, en: Test}}
date_published: "2024-01-01"
levels:
  - id: units
    name: {{vi: 'Cấp {IMG}', en: 'Level {IMG}'}}
    noun: {{vi: đơn vị, en: units}}
    units:
{units}
methodologies:
  - id: m
    title: {{vi: Phương pháp thử, en: Test method}}
    max_total: 100
    decimals: 1
    fields:
      - {{id: f1, name: {{vi: '{IMG} Lĩnh vực', en: '{IMG} Field'}}, max: 70}}
      - {{id: f2, name: {{vi: '$x^2$ khảo sát', en: '$x^2$ survey'}}, max: 30, component: survey}}
    bands:
      - {{id: tot, name: {{vi: Tốt, en: Good}}, min_total: 80}}
      - {{id: kha, name: {{vi: Khá, en: Fair}}, min_total: 0}}
sources:
  - {{id: s, title: '{SCRIPT}', url: 'javascript:alert(1)', publisher: Test, date_published: "2024",
     date_accessed: "2024", provenance: illustrative}}
years:
{tables}
""",
        encoding="utf-8",
    )
    (ds / "commentary").mkdir()
    (ds / "commentary" / "2023.vi.md").write_text(HOSTILE_MD, encoding="utf-8")
    return ds


# A researcher's commentary that tries raw HTML, a script link, an image request and LaTeX.
HOSTILE_MD = """<!-- section: summary -->
Nhận xét: <script>alert(2)</script> và <img src=x onerror=alert(3)>
[bấm vào đây](javascript:alert(4)) ![ảnh](http://example.invalid/x.png) $\\sum x$ **in đậm**
"""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.js_links = 0, [], []

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.handlers += [(tag, k) for k, _ in attrs if k.lower().startswith("on")]
        self.js_links += [
            v for k, v in attrs if k in ("href", "src") and v and v.strip().lower().startswith("javascript:")
        ]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    ds = _write_dataset(root)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "parlib",
            "build",
            str(ds),
            "--year",
            "2023",
            "--lang",
            "vi",
            "--out",
            str(root / "out"),
            "--processed",
            str(root / "processed"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    return root / "out" / "hostile" / "2023"


def test_hostile_names_are_text_in_html(hostile_report):
    html = (hostile_report / "report.vi.html").read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(html)
    assert tags.scripts == 0 and tags.handlers == [] and tags.js_links == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "**đậm** _nghiêng_ $\\frac{1}{2}$ &amp; 100% #1 {x} \\LaTeX" in html
    assert LONG in html


def test_hostile_commentary_is_text(hostile_report):
    """Markdown commentary: raw HTML shown as text, no javascript: link, no image fetched."""
    html = (hostile_report / "report.vi.html").read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(html)
    assert tags.scripts == 0 and tags.handlers == [] and tags.js_links == []
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "<strong>in đậm</strong>" in html and "$\\sum x$" in html
    assert 'src="http://example.invalid' not in html
    from pypdf import PdfReader

    flat = " ".join("".join(p.extract_text() for p in PdfReader(hostile_report / "report.vi.pdf").pages).split())
    assert "<script>alert(2)</script>" in flat


def test_hostile_names_are_text_in_pdf(hostile_report):
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(hostile_report / "report.vi.pdf").pages)
    flat = " ".join(text.split())
    assert SCRIPT in flat
    assert IMG in flat
    assert "$\\frac{1}{2}$" in flat and "**đậm**" in flat


def test_no_code_through_a_parameter(tmp_path):
    """A dataset parameter crafted to break out of its string: refused before anything runs."""
    marker = tmp_path / "pwned"
    evil = f"backan\"; open({str(marker)!r}, 'w').write('x') #"
    r = subprocess.run(
        [sys.executable, "-m", "parlib", "build", evil, "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "no dataset" in r.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()
    # Straight into the notebook, past the CLI: papermill writes values as literals, prepare() refuses it.
    import papermill

    from parlib.data.load import load_dataset
    from parlib.report.render import ReportError, execute_notebook

    with pytest.raises(papermill.PapermillExecutionError, match="parameter dataset"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "annual_report.ipynb"),
            str(tmp_path / "nb.ipynb"),
            parameters={"dataset": evil, "year": 2023, "lang": "vi", "output_dir": "."},
            kernel_name="python3",
            cwd=str(tmp_path),
            progress_bar=False,
        )
    assert not marker.exists()
    with pytest.raises(ReportError, match="parameter lang"):
        execute_notebook(load_dataset("backan"), 2023, "vi'; import os #", tmp_path, tmp_path / "r.ipynb")


def test_notebook_runs_top_to_bottom_with_its_defaults(tmp_path):
    """As JupyterLab would run it: the committed notebook, no injected parameters, in notebooks/."""
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / "annual_report.ipynb", as_version=4)
    NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "90,766" in html and "Sở Giao thông vận tải" in html


def test_chart_labels_are_literal_and_bounded():
    """Matplotlib would read "$...$" in a name as math; a very long name would overlap its neighbours."""
    from parlib.report.charts import _RC, _wrap

    assert _RC["text.parse_math"] is False
    lines = _wrap(LONG, 42).split("\n")
    assert len(lines) == 2 and lines[-1].endswith("…") and all(len(x) <= 42 for x in lines)
    assert _wrap("Sở Y tế", 42) == "Sở Y tế"
