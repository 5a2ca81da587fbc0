"""Render one annual report: execute the notebook with papermill, clean it, export HTML with
nbconvert and PDF with WeasyPrint.

Outputs in ``out_dir``: ``report.<lang>.ipynb`` (executed, without timestamps or random ids),
``report.<lang>.html`` (no code, no prompt, no parameters cell, no request to the internet) and
``report.<lang>.pdf`` (A4, fonts embedded). Nothing here reads the clock, so the same inputs give
the same bytes. A failing cell raises :class:`ReportError` naming the cell and the error.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

# nbformat validates notebooks with jsonschema: parlib/__init__.py keeps jsonschema's IRI grammar
# (rfc3987_syntax, seconds of CPU at import) out of every parlib process.
import nbformat

import parlib
from parlib.data.dataset import EMBEDDED_ROOT, PROJECT_ROOT, Dataset
from parlib.report.i18n import t
from parlib.report.kernel import KERNEL, KERNEL_ARGS, Kernel, analysis_ahead
from parlib.report.kernel import take as take_kernel
from parlib.report.markdown import render_markdown
from parlib.report.printer import PREFIX as PRINTER_PREFIX
from parlib.report.templating import render

NOTEBOOK = PROJECT_ROOT / "notebooks" / "annual_report.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "parlib_report"
CELL_TIMEOUT = 600
STEPS = ("execute", "clean", "html", "pdf")
REMOVED_TAGS = ("parameters", "injected-parameters", "remove-cell")


class ReportError(Exception):
    """A report could not be built (a notebook cell failed, or an export step did)."""


def dataset_parameter(ds: Dataset) -> str:
    """How the notebook is told which dataset: its id when embedded, else its folder."""
    return ds.id if ds.root == (EMBEDDED_ROOT / ds.id).resolve() else str(ds.root)


def execute_notebook(
    ds: Dataset, year: int, lang: str, out_dir: Path, target: Path, kernel: Kernel | None = None
) -> None:
    """Run the report notebook with papermill into ``target``, in ``out_dir`` as working folder, in
    ``kernel`` when one was started ahead (:mod:`parlib.report.kernel`; the caller stops it), else
    in a kernel papermill starts and stops."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    params = {"dataset": dataset_parameter(ds), "year": int(year), "lang": lang, "output_dir": "."}
    ahead = {} if kernel is None else {"km": kernel.manager}
    try:
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(target),
            parameters=params,
            kernel_name=KERNEL,
            cwd=str(out_dir),
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT,
            # Every output has arrived when the last cell is done, so the kernel is stopped at once: a
            # graceful shutdown took 0.4 s, and a kernel holding a long level's charts did not stop
            # within jupyter_client's 5 s and was interrupted ("KeyboardInterrupt caught in kernel").
            shutdown_kernel="immediate",
            # the kernel's "running over TCP without encryption" warning is noise
            # on a local build: the kernel logs errors only
            extra_arguments=KERNEL_ARGS,
            **ahead,
        )
    except PapermillExecutionError as exc:
        lines = [ln for ln in (exc.source or "").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        try:
            cell_id = next(
                (c.get("id", "?") for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.source == exc.source),
                "injected-parameters",
            )
        except Exception:  # the saved notebook is only for the message
            cell_id = "?"
        raise ReportError(
            f"report {ds.id} {year} {lang}: notebook cell {cell_id!r} of {NOTEBOOK.name} "
            f"(execution {exc.exec_count}, `{(lines[-1] if lines else '').strip()[:80]}`) failed: "
            f"{exc.ename}: {exc.evalue}"
        ) from None
    except Exception as exc:  # dead kernel, timeout, missing kernel: not PapermillExecutionError
        raise ReportError(
            f"report {ds.id} {year} {lang}: the notebook could not run: {type(exc).__name__}: {exc}"
        ) from None


def clean_notebook(nb: nbformat.NotebookNode, ds: Dataset, year: int, lang: str) -> nbformat.NotebookNode:
    """Remove what differs between two runs: papermill/nbclient timings and paths, the injected
    cell's random id. Adds the report's title and parameters to the metadata."""
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata.pop("papermill", None)
    nb.metadata["parlib"] = {"dataset": ds.id, "year": int(year), "lang": lang, "parameters": params}
    nb.metadata["title"] = f"{t('report_title', lang, year=year, index=ds.index[lang])} — {ds.title[lang]}"
    nb.metadata["parlib"]["footer"] = footer_text(lang)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb


def git_commit() -> str:
    """The project's commit (12 hex digits), marked when tracked files differ from it; "" outside git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if head.returncode != 0 or not head.stdout.strip():
            return ""
        dirty = subprocess.run(
            [
                "git",
                "-C",
                str(PROJECT_ROOT),
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "parlib",
                "notebooks",
                "data/raw",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")


def footer_text(lang: str) -> str:
    """The page's footer: parlib's version and the commit the report was made from."""
    commit = git_commit()
    if not commit:
        shown = t("footer_no_commit", lang)
    elif commit.endswith("+"):
        shown = t("footer_dirty", lang, commit=commit[:-1])
    else:
        shown = commit
    return t("footer", lang, version=parlib.__version__, commit=shown)


def markdown_cell_output(cell: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """A markdown cell of the notebook as a cell of output: the researcher's words rendered safely
    (raw HTML off, see :mod:`parlib.report.markdown`)."""
    body = render_markdown(cell.source)
    fragment = render("commentary.html.j2", tr=lambda key, **kw: t(key, lang, **kw), body=body, source="notebook")
    out: nbformat.NotebookNode = nbformat.v4.new_code_cell(source="", id=cell.get("id", "markdown"))
    out.outputs = [nbformat.v4.new_output("display_data", data={"text/html": fragment, "text/plain": cell.source})]
    return out


def report_view(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The cells a reader sees: code cells with displayed output and markdown cells (the
    researcher's commentary), without cells tagged ``remove-cell`` or the parameters, and
    without stderr (warnings are logs, not report content)."""
    view = copy.deepcopy(nb)
    lang = view.metadata.get("parlib", {}).get("lang", "vi")
    cells = []
    for cell in view.cells:
        if set(cell.metadata.get("tags", [])) & set(REMOVED_TAGS):
            continue
        if cell.cell_type == "markdown":
            if cell.source.strip():
                cells.append(markdown_cell_output(cell, lang))
            continue
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
        if cell.outputs:
            cells.append(cell)
    view.cells = cells
    return view


@functools.lru_cache(maxsize=1)
def html_exporter() -> Any:
    """nbconvert's HTML exporter with parlib's template, made once per process: its Jinja
    environment keeps the compiled templates (a third of an export's time)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TemplateExporter.exclude_markdown = True
    c.TemplateExporter.exclude_raw = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS)
    return HTMLExporter(config=c, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])


def export_html(nb: nbformat.NotebookNode, name: str) -> str:
    """The report as one self-contained HTML page, through nbconvert and parlib's template."""
    body, _ = html_exporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    return str(body)


_TOC = "<!--parlib:toc-->"
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)(?: <a class="anchor"[^>]*>¶</a>)?</h2>', re.S)
_NUM = re.compile(r'<span class="parlib-num" data-kind="(figure|table)"></span>')


def finish_page(html_text: str, lang: str) -> str:
    """Put the page together: number figures and tables in page order ("Hình 3.", "Bảng 2.") and
    fill the table of contents with every section heading (``<h2 id=…>``), linked to its anchor.
    Only markup the templates wrote is matched: text from data is escaped and cannot look like it."""
    counts = {"figure": 0, "table": 0}

    def number(m: re.Match[str]) -> str:
        counts[m.group(1)] += 1
        return f'<span class="parlib-num">{t("num_" + m.group(1), lang, n=counts[m.group(1)])}</span> '

    html_text = _NUM.sub(number, html_text)
    items = "".join(f'<li><a href="#{a}">{text}</a></li>' for a, text in _H2.findall(html_text))
    toc = f'<p class="toc-title">{t("toc", lang)}</p><ol>{items}</ol>' if items else ""
    return html_text.replace(_TOC, toc, 1)


def start_printer() -> subprocess.Popen[str]:
    """Start the PDF printer process (:mod:`parlib.report.printer`): it imports WeasyPrint while the
    notebook runs in its kernel, then waits for :func:`export_pdf`."""
    return subprocess.Popen(
        [sys.executable, "-m", "parlib.report.printer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def export_pdf(printer: subprocess.Popen[str], html_path: Path, target: Path, base: Path, label: str) -> None:
    """The HTML page at ``html_path`` printed to A4 PDF (fonts embedded as subsets) by the printer
    process, which ends then. What WeasyPrint warns of is passed on to standard error; a failure is
    a :class:`ReportError` naming the report."""
    job = json.dumps({"html": str(html_path), "pdf": str(target), "base": str(base)})
    _, err = printer.communicate(job + "\n")
    lines = err.splitlines()
    failed = [ln.removeprefix(PRINTER_PREFIX) for ln in lines if ln.startswith(PRINTER_PREFIX)]
    if printer.returncode != 0 or failed:
        what = failed[-1] if failed else (lines[-1] if lines else f"the printer stopped with code {printer.returncode}")
        raise ReportError(f"report {label}: the PDF could not be written: {what}")
    if err:
        sys.stderr.write(err)


def _load_exporter() -> None:
    """Make the HTML exporter and export an empty notebook with it (nbconvert's import and the
    compiling of its templates): most of a second that every report needs before its page."""
    try:
        export_html(nbformat.v4.new_notebook(), "warm-up")
    except Exception:  # only a head start: the export itself reports what is wrong
        pass


def start_loading_exporter() -> threading.Thread:
    """Run :func:`_load_exporter` in a thread while the notebook runs in its kernel (this process
    only waits for the kernel then). Join the thread before exporting.

    papermill (with nbclient and jupyter_client, which nbconvert imports too) is imported first, in
    the calling thread: two threads importing jupyter_client at once can each find the other's
    half-run import, and one then fails with "cannot import name ... from partially initialized
    module 'jupyter_client.manager'" (a `verify` rebuild did, in about 1 run in 30 with the threads
    switching often)."""
    import papermill  # noqa: F401

    loader = threading.Thread(target=_load_exporter, name="parlib-load-exporter", daemon=True)
    loader.start()
    return loader


# False while `parlib build` shows one progress bar for the whole job (and in its worker processes).
SHOW_PROGRESS = True


class _Progress:
    """A tqdm bar per report on a terminal; plain log lines otherwise; nothing when SHOW_PROGRESS is off."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.quiet = not SHOW_PROGRESS
        if sys.stderr.isatty() and not self.quiet:
            from tqdm import tqdm

            self.bar = tqdm(total=len(STEPS), desc=label, unit="step", leave=True, file=sys.stderr)

    def step(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(name)
        elif not self.quiet:
            print(f"parlib: {self.label}: {name}", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def render_report(ds: Dataset, year: int, lang: str, out_dir: Path, analysis: str | None = None) -> None:
    """Write report.<lang>.ipynb, .html and .pdf of one dataset, year and language into ``out_dir``.

    ``analysis``: a file holding the build's analysis of this year (a
    :class:`parlib.report.kernel.HandOver` file), handed to the notebook's kernel when papermill
    starts it (a kernel started ahead has its own)."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb, html_path, pdf = (out_dir / f"report.{lang}.{ext}" for ext in ("ipynb", "html", "pdf"))
    label = f"{ds.id} {year} {lang}"
    progress = _Progress(label)
    kernel = take_kernel(dict(os.environ))
    printer = start_printer()
    loader = start_loading_exporter()
    try:
        progress.step("execute")
        try:
            with analysis_ahead(analysis if kernel is None else None):
                execute_notebook(ds, year, lang, out_dir, ipynb, kernel)
        finally:
            if kernel is not None:
                kernel.stop()
        progress.done()
        loader.join()
        progress.step("clean")
        nb = clean_notebook(nbformat.read(ipynb, as_version=4), ds, year, lang)
        nbformat.write(nb, ipynb)
        progress.done()
        progress.step("html")
        view = report_view(nb)
        if not view.cells:
            raise ReportError(f"report {ds.id} {year} {lang}: the notebook displayed nothing")
        html_text = finish_page(export_html(view, f"report.{lang}"), lang)
        html_path.write_text(html_text, encoding="utf-8")
        progress.done()
        progress.step("pdf")
        del nb, view, html_text  # the printer process reads the page from its file
        export_pdf(printer, html_path, pdf, out_dir, label)
        progress.done()
    finally:
        if printer.poll() is None:  # the report failed before its page: no PDF to print
            printer.kill()
            printer.communicate()
        # a failed report's loader may still be importing nbconvert: the next report's must not
        # import it alongside
        loader.join()
        progress.close()
