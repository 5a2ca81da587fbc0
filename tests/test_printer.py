"""parlib.report.printer: the PDF is printed in a process of its own (issue 14: a 500-unit report's
peak memory), with the same bytes as WeasyPrint in the build's own process, and one clear line when
it cannot be."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parlib.report import render
from parlib.report.render import ReportError, export_pdf, start_printer

PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo</title>
<style>@page { size: A4 } body { font-family: "DejaVu Sans" }</style></head>
<body><h1>Chỉ số CCHC 2023</h1><p>Sở Nội vụ: 90,77 điểm, xếp hạng 1/19.</p>
<table><tr><th>Đơn vị</th><th>Điểm</th></tr><tr><td>Sở Tư pháp</td><td>89,02</td></tr></table></body></html>"""


def test_the_printer_writes_the_bytes_weasyprint_writes_in_process(tmp_path):
    from weasyprint import HTML

    page = tmp_path / "report.vi.html"
    page.write_text(PAGE, encoding="utf-8")
    export_pdf(start_printer(), page, tmp_path / "report.vi.pdf", tmp_path, "t 2023 vi")
    expected = HTML(string=PAGE, base_url=str(tmp_path)).write_pdf()
    assert (tmp_path / "report.vi.pdf").read_bytes() == expected
    assert expected.startswith(b"%PDF-")


def test_a_page_that_cannot_be_read_is_one_line_naming_the_report(tmp_path):
    with pytest.raises(ReportError) as e:
        export_pdf(start_printer(), tmp_path / "missing.html", tmp_path / "out.pdf", tmp_path, "backan 2023 vi")
    message = str(e.value)
    assert message.startswith("report backan 2023 vi: the PDF could not be written: FileNotFoundError: ")
    assert "missing.html" in message and "\n" not in message and "Traceback" not in message
    assert not (tmp_path / "out.pdf").exists()


def test_with_no_job_the_printer_ends_without_printing(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "parlib.report.printer"], input="", capture_output=True, text=True, cwd=tmp_path
    )
    assert (r.returncode, r.stderr) == (0, "")
    assert list(tmp_path.iterdir()) == []


def test_a_report_failing_before_its_page_stops_its_printer(tmp_path, monkeypatch):
    started: list[subprocess.Popen[str]] = []

    def printer() -> subprocess.Popen[str]:
        started.append(start_printer())
        return started[-1]

    def failing_notebook(*args: object) -> None:
        raise ReportError("report t 2023 vi: notebook cell 'ranking' failed")

    monkeypatch.setattr(render, "start_printer", printer)
    monkeypatch.setattr(render, "execute_notebook", failing_notebook)
    ds = type("DatasetStandIn", (), {"id": "t"})()
    with pytest.raises(ReportError, match="cell 'ranking' failed"):
        render.render_report(ds, 2023, "vi", tmp_path)  # type: ignore[arg-type]
    assert len(started) == 1 and started[0].poll() is not None  # not left running
    assert not any(p.suffix == ".pdf" for p in Path(tmp_path).iterdir())
