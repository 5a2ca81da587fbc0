"""A report's kernel started ahead (parlib.report.kernel, issue 14): it is handed over only to a report
with the environment it was started with, it has imported the report's modules without a trace in
the notebook (execution count from 1, no name bound), and no kernel or folder is left behind; the
build starts one only for a report it renders in its own process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from parlib.build import runner
from parlib.report import kernel as ahead
from parlib.report.workers import PROCESSES_ENV


@pytest.fixture(autouse=True)
def _nothing_waiting():
    ahead.discard()
    yield
    ahead.discard()


def _run(k: ahead.Kernel, code: str) -> tuple[int, str]:
    """Execute ``code`` in the kernel as a notebook cell would; its execution count and stdout."""
    from jupyter_core.utils import run_sync

    out: list[dict] = []
    client = k.manager.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=60)
        reply = run_sync(client.execute_interactive)(code, timeout=60, output_hook=lambda m: out.append(m))
    finally:
        client.stop_channels()
    text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
    return reply["content"]["execution_count"], text


def test_a_kernel_started_ahead_is_handed_over_with_the_same_environment_and_leaves_nothing():
    ahead.prestart({PROCESSES_ENV: "2", "SOURCE_DATE_EPOCH": "1709251200"})
    env = {**os.environ, PROCESSES_ENV: "2", "SOURCE_DATE_EPOCH": "1709251200"}
    k = ahead.take(env)
    assert k is not None and k.manager.has_kernel
    assert ahead.take(env) is None  # handed over once
    cwd = Path(k.cwd)
    assert cwd.is_dir() and not any(cwd.iterdir())  # a working folder of its own, empty
    try:
        count, text = _run(
            k,
            "import os, sys\n"
            "print('parlib.report.sections' in sys.modules, 'parlib' in dir(), "
            f"os.environ.get({PROCESSES_ENV!r}), os.getcwd() == {str(cwd)!r})",
        )
        # the report's modules are imported, yet the notebook's first cell is execution 1 and
        # nothing of the start-up is in its namespace
        assert (count, text) == (1, "True False 2 True\n")
    finally:
        k.stop()
    assert not k.manager.has_kernel
    assert not cwd.exists()


def test_a_kernel_with_another_environment_is_stopped_not_handed_over():
    ahead.prestart({PROCESSES_ENV: "2"})
    k = ahead._waiting[0]
    assert ahead.take({**os.environ, PROCESSES_ENV: "1"}) is None
    assert not k.manager.has_kernel and not Path(k.cwd).exists()


def test_a_kernel_nobody_takes_is_stopped_by_discard():
    ahead.prestart({})
    k = ahead._waiting[0]
    ahead.discard()
    assert not k.manager.has_kernel and not Path(k.cwd).exists()
    assert ahead.take(dict(os.environ)) is None


def test_a_kernel_that_cannot_start_is_left_to_papermill(monkeypatch):
    def broken(env):
        raise OSError("no such kernel")

    monkeypatch.setattr(ahead, "start_kernel", broken)
    ahead.prestart({})
    assert ahead.take(dict(os.environ)) is None


@pytest.mark.parametrize(
    ("langs", "jobs", "no_report", "expected"),
    [
        (["vi"], 2, False, [{"PROCESSES": "2"}]),  # one report: started ahead, both cores for its sections
        (["vi", "en"], 1, False, [{"PROCESSES": "1"}]),  # --jobs 1: the first report's kernel
        (["vi", "en"], 2, False, []),  # two reports in worker processes: none here
        (["vi"], 2, True, []),  # --no-report
    ],
)
def test_the_build_starts_a_kernel_ahead_only_for_a_report_it_renders_itself(
    tmp_path, monkeypatch, langs, jobs, no_report, expected
):
    from handmade import load

    from parlib.report import render

    started, discarded, handed = [], [], []
    monkeypatch.setattr(ahead, "prestart", lambda changes: started.append(changes))
    monkeypatch.setattr(ahead, "hand_over", lambda analysis: handed.append((analysis.dataset.root, analysis.year)))
    monkeypatch.setattr(ahead, "discard", lambda: discarded.append(True))
    monkeypatch.setattr(render, "render_report", lambda *a: None)
    monkeypatch.setattr(runner, "ProcessPoolExecutor", _SerialPool)
    folder = load("three-years").root
    args = runner.argparse.Namespace(
        all=False,
        dataset=[str(folder)],
        year=[2023],
        lang=langs,
        out=tmp_path / "out",
        processed=tmp_path / "proc",
        no_report=no_report,
        force=True,
        jobs=jobs,
        clean=False,
        allow_mismatch=False,
    )
    assert runner.run_build(args) == 0
    assert [{"PROCESSES": c[PROCESSES_ENV]} for c in started] == expected
    for c in started:  # the build's date for the kernel's environment: the dataset's, never the clock
        assert c["SOURCE_DATE_EPOCH"] == "1709251200"
    assert discarded == [True]  # whatever happened, a kernel left waiting is stopped at the end
    # the kernel started ahead gets the analysis of the report it is for
    assert handed == ([(folder.resolve(), 2023)] if expected else [])


class _SerialPool:
    """A stand-in for the worker pool: runs each report at once, here."""

    def __init__(self, *a, **k):
        pass

    def submit(self, fn, *args):
        from concurrent.futures import Future

        f: Future = Future()
        f.set_result(None)
        return f

    def shutdown(self, *a, **k):
        pass


# --- the build's analysis handed over to the kernel (issue 14: the notebook's prepare analysed the
# data a second time, a second of backan's report) ----------------------------------------------


def _analysis(year: int):  # type: ignore[no-untyped-def]
    from parlib.data.load import load_dataset
    from parlib.model.analysis import analyse_years

    return analyse_years(load_dataset("backan"), [2022, 2023])[year]


def test_the_kernel_s_prepare_takes_the_analysis_handed_over_once():
    ahead.prestart({})
    handed = _analysis(2022)
    # handed over as if it were 2023's: prepare(…, 2023) returns it as it is, which shows it was
    # taken and not made again (the build only ever hands over the analysis of the report it renders)
    object.__setattr__(handed, "year", 2023)
    ahead.hand_over(handed)
    k = ahead.take(dict(os.environ))
    assert k is not None and Path(k.analysis_path).is_file()
    try:
        count, text = _run(
            k,
            "from parlib.report import sections\n"
            "ctx = sections.prepare('backan', 2023, 'vi', '.')\n"
            "print(ctx.analysis.previous_year, sections.prepare('backan', 2023, 'vi', '.').analysis.previous_year)",
        )
        # 2022's analysis has no previous year; the second prepare finds no file and analyses 2023
        assert text == "None 2022\n"
        assert not Path(k.analysis_path).exists()  # read once
    finally:
        k.stop()
    assert not Path(k.analysis_path).parent.exists()  # its folder goes with the kernel


def _private_folder(parent: Path) -> Path:
    folder = parent / "handover"
    folder.mkdir(mode=0o700)
    return folder


def _hand_over_to(path: Path, analysis) -> None:  # type: ignore[no-untyped-def]
    """hand_over as the build calls it, to a kernel stand-in whose file is ``path``."""
    waiting, ahead._waiting[:] = list(ahead._waiting), [ahead.Kernel(None, {}, str(path.parent), str(path))]
    try:
        ahead.hand_over(analysis)
    finally:
        ahead._waiting[:] = waiting


@pytest.mark.parametrize(("root", "year"), [("other", 2023), ("backan", 2022)])
def test_an_analysis_of_another_dataset_or_year_is_not_taken(tmp_path, monkeypatch, root, year):
    from parlib.data.dataset import EMBEDDED_ROOT

    path = _private_folder(tmp_path) / "analysis.pickle"
    _hand_over_to(path, _analysis(2023))
    monkeypatch.setenv(ahead.ANALYSIS_ENV, str(path))
    dataset_root = (EMBEDDED_ROOT / "backan").resolve() if root == "backan" else tmp_path
    assert ahead.take_analysis(dataset_root, year) is None
    assert not path.exists()  # consumed all the same: the kernel runs one notebook
    assert ahead.ANALYSIS_ENV not in os.environ  # and nothing it starts is told of it


def test_an_analysis_in_a_folder_others_may_write_is_not_read(tmp_path, monkeypatch):
    from parlib.data.dataset import EMBEDDED_ROOT

    folder = _private_folder(tmp_path)
    path = folder / "analysis.pickle"
    _hand_over_to(path, _analysis(2023))
    folder.chmod(0o777)
    monkeypatch.setenv(ahead.ANALYSIS_ENV, str(path))
    assert ahead.take_analysis((EMBEDDED_ROOT / "backan").resolve(), 2023) is None
    folder.chmod(0o700)
    _hand_over_to(path, _analysis(2023))
    monkeypatch.setenv(ahead.ANALYSIS_ENV, str(path))
    assert ahead.take_analysis((EMBEDDED_ROOT / "backan").resolve(), 2023) is not None  # the same file, private


def test_a_handed_over_analysis_draws_the_report_a_fresh_one_draws(tmp_path, monkeypatch):
    """The build's analysis (analyse_years, after the build's checks have read it, pickled and read
    back) and the notebook's own (analyse) give every section the same bytes: the report is the
    same whichever the kernel used."""
    from parlib.data.load import load_dataset
    from parlib.model.analysis import analyse
    from parlib.report import sections

    ds = load_dataset("backan")
    built = _analysis(2023)
    # what the build does with it before handing it over
    runner.get_figures(built, runner.get_checks(built, runner.load_published(ds)))
    runner.get_processed_tables(built)
    path = _private_folder(tmp_path) / "analysis.pickle"
    _hand_over_to(path, built)
    monkeypatch.setenv(ahead.ANALYSIS_ENV, str(path))
    taken = ahead.take_analysis(ds.root, 2023)
    assert taken is not None
    fresh = sections.ReportContext(analyse(ds, 2023), "en", {})
    handed = sections.ReportContext(taken, "en", {})
    for name, draw in sections.SECTIONS_BY_COST:
        assert draw(handed) == draw(fresh), name


def test_outside_a_kernel_started_by_the_build_nothing_is_taken(monkeypatch, tmp_path):
    monkeypatch.delenv(ahead.ANALYSIS_ENV, raising=False)
    assert ahead.take_analysis(tmp_path, 2023) is None
    monkeypatch.setenv(ahead.ANALYSIS_ENV, str(tmp_path / "missing.pickle"))
    assert ahead.take_analysis(tmp_path, 2023) is None
    folder = _private_folder(tmp_path)
    for bad in (b"not a line of JSON", b'{"root": "%s", "year": 2023}\nnot a pickle' % str(tmp_path).encode()):
        (folder / "bad.pickle").write_bytes(bad)
        monkeypatch.setenv(ahead.ANALYSIS_ENV, str(folder / "bad.pickle"))
        assert ahead.take_analysis(tmp_path, 2023) is None
        assert not (folder / "bad.pickle").exists()


def test_analysis_ahead_names_the_file_while_the_report_runs_then_restores_the_environment(monkeypatch):
    monkeypatch.delenv(ahead.ANALYSIS_ENV, raising=False)
    with ahead.analysis_ahead("/a/file.pickle"):
        assert os.environ[ahead.ANALYSIS_ENV] == "/a/file.pickle"
    assert ahead.ANALYSIS_ENV not in os.environ
    monkeypatch.setenv(ahead.ANALYSIS_ENV, "as it was")
    with pytest.raises(RuntimeError), ahead.analysis_ahead("/a/file.pickle"):
        raise RuntimeError("the report failed")
    assert os.environ[ahead.ANALYSIS_ENV] == "as it was"
    with ahead.analysis_ahead(None):  # nothing handed: nothing named
        assert os.environ[ahead.ANALYSIS_ENV] == "as it was"


def test_a_hand_over_gives_each_report_a_private_file_and_removes_them_all(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    handover = ahead.HandOver()
    assert handover.file_for(None) is None and handover.folder is None  # nothing handed: no folder
    first, second = handover.file_for(b"the bytes"), handover.file_for(b"the bytes")
    assert first is not None and second is not None and first != second
    assert Path(first).read_bytes() == Path(second).read_bytes() == b"the bytes"
    folder = Path(first).parent
    assert folder.parent == tmp_path and folder.stat().st_mode & 0o777 == 0o700
    handover.remove()
    assert not folder.exists()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))  # nowhere to write: not handed
    assert ahead.HandOver().file_for(b"the bytes") is None


def test_a_kernel_started_ahead_is_not_named_a_second_analysis(tmp_path, monkeypatch):
    """render_report names the hand-over file only to a kernel papermill starts: a kernel started
    ahead has its own (handed by the build before it), and its environment must stay as started."""
    from parlib.data.load import load_dataset
    from parlib.report import render

    seen: list[str | None] = []

    class Started:
        def stop(self) -> None:
            seen.append("stopped")

    def execute(ds, year, lang, out_dir, target, kernel):  # type: ignore[no-untyped-def]
        seen.append(os.environ.get(ahead.ANALYSIS_ENV))
        raise RuntimeError("enough")

    monkeypatch.delenv(ahead.ANALYSIS_ENV, raising=False)
    monkeypatch.setattr(render, "execute_notebook", execute)
    ds = load_dataset("backan")
    monkeypatch.setattr(render, "take_kernel", lambda env: Started())
    with pytest.raises(RuntimeError):
        render.render_report(ds, 2023, "vi", tmp_path, "/a/file.pickle")
    monkeypatch.setattr(render, "take_kernel", lambda env: None)
    with pytest.raises(RuntimeError):
        render.render_report(ds, 2023, "vi", tmp_path, "/a/file.pickle")
    assert seen == [None, "stopped", "/a/file.pickle"]
    assert ahead.ANALYSIS_ENV not in os.environ


def test_a_report_rendered_by_a_worker_takes_the_analysis_it_is_handed(tmp_path, monkeypatch):
    """A report of `parlib build --jobs` (render_in_process; papermill starts its kernel) handed an
    analysis whose dataset carries another title shows that title: the notebook used the analysis
    it was given instead of analysing data/raw/backan again; its file is read once."""
    from dataclasses import replace

    from parlib.data.load import load_dataset

    monkeypatch.delenv(ahead.ANALYSIS_ENV, raising=False)
    monkeypatch.setenv(PROCESSES_ENV, "1")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # other processes make folders in the system's
    handed = _analysis(2023)
    marked = replace(handed.dataset, title={"vi": "Tiêu đề của bản phân tích được trao", "en": "Handed"})
    object.__setattr__(handed, "dataset", marked)
    ds = load_dataset("backan")
    handover = ahead.HandOver()
    path = handover.file_for(ahead.pickled_analysis(handed))
    assert path is not None
    out = tmp_path / "out"
    runner.render_in_process(ds, 2023, "vi", out, "1709251200", path)
    html = (out / "report.vi.html").read_text(encoding="utf-8")
    assert '<p class="subtitle">Tiêu đề của bản phân tích được trao</p>' in html
    assert ahead.ANALYSIS_ENV not in os.environ
    assert not Path(path).exists()  # the kernel took it
    handover.remove()
