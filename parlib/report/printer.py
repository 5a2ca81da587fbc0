"""Print a report's HTML page to PDF with WeasyPrint, in a process of its own
(``python -m parlib.report.printer``).

:func:`parlib.report.render.render_report` starts this process before it runs the notebook. The
printer imports WeasyPrint and prints a one-line page (fontconfig and Pango start up then) while
the notebook runs in its kernel, then waits for one job on its standard input: a JSON line
``{"html": …, "pdf": …, "base": …}``. An empty input (the report failed before its page was
written) ends it without printing.

Why a process and not a call: WeasyPrint holds the layout of every page until the PDF is written
(740 MB for a 500-unit level's 213 pages), and the build process already holds pandas, the
notebook and the page, so the report's peak memory was their sum (1,068 MB); here it is the
layout and the page alone (874 MB, the same bytes). A failure is one line on standard error,
``parlib-printer: <what>``, and exit code 1.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

PREFIX = "parlib-printer: "


def print_pdf(html_path: Path, pdf_path: Path, base: Path) -> None:
    """The HTML page printed to A4 PDF by WeasyPrint (fonts embedded as subsets)."""
    from weasyprint import HTML

    HTML(string=html_path.read_text(encoding="utf-8"), base_url=str(base)).write_pdf(str(pdf_path))


def _warm_up() -> None:
    from weasyprint import HTML

    HTML(string='<html lang="vi"><p>Chỉ số 1,5</p></html>').write_pdf()


def main() -> int:
    # Ctrl-C is the build's: it stops this process when it stops the report
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _warm_up()
    except Exception:  # only a head start: the job itself says what is wrong
        pass
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    try:
        job = json.loads(line)
        print_pdf(Path(job["html"]), Path(job["pdf"]), Path(job["base"]))
    except Exception as exc:  # one line for the report's error message, no traceback
        print(f"{PREFIX}{type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
