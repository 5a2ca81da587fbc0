"""A report's kernel started ahead (parlib.report.kernel, issue 14): it is handed over only to a report
with the environment it was started with, it has imported the report's modules without a trace in
the notebook (execution count from 1, no name bound), and no kernel or folder is left behind; the
build starts one only for a report it renders in its own process."""

from __future__ import annotations

import os
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

    started, discarded = [], []
    monkeypatch.setattr(ahead, "prestart", lambda changes: started.append(changes))
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
