"""Sections drawn in worker processes (parlib.report.workers): how many processes, the fragments the
same as drawn here, a failing or dying worker's section drawn here, what a worker prints or warns
shown here, no process left behind; and the report's sections byte for byte the same drawn by two
processes as by one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

from parlib.report import sections
from parlib.report.workers import PROCESSES_ENV, SectionWorkers, draw_section, report_processes, start_sections

PARENT = os.getpid()


@pytest.mark.parametrize(
    ("value", "processes"),
    [(None, 1), ("", 1), ("1", 1), ("2", 2), (" 3 ", 3), ("0", 1), ("-2", 1), ("two", 1), ("2.5", 1)],
)
def test_the_processes_come_from_the_environment_and_anything_else_is_one(value, processes):
    environ = {} if value is None else {PROCESSES_ENV: value}
    assert report_processes(environ) == processes


def test_one_process_draws_nothing_ahead():
    assert start_sections([("a", lambda: "A")], 1) is None
    assert start_sections([], 2) is None
    assert draw_section(None, "a", lambda: "drawn here") == "drawn here"


def _pid_section() -> str:
    return f"pid {os.getpid()}"


def test_each_fragment_comes_from_a_worker_in_any_order_and_the_workers_then_stop():
    sections_ = [(name, (lambda n=name: f"<p>{n}</p>")) for name in ("a", "b", "c", "d")]
    workers = start_sections([*sections_, ("pid", _pid_section)], 2)
    assert isinstance(workers, SectionWorkers)
    procs = list(workers._pool._processes.values())
    assert len(procs) == 2
    assert workers.fragment("c") == "<p>c</p>"
    assert workers.fragment("a") == "<p>a</p>"
    assert workers.fragment("pid") != f"pid {PARENT}"  # drawn elsewhere
    assert workers.fragment("d") == "<p>d</p>"
    assert workers.fragment("b") == "<p>b</p>"
    # the last fragment taken: the pool is shut down and its processes are gone
    assert workers._pool is None
    for p in procs:
        p.join(timeout=10)
        assert not p.is_alive()


def _fails() -> str:
    raise ValueError("no such field: 'x9'")


def test_a_section_that_fails_in_its_worker_fails_here_with_its_own_error():
    calls = []

    def fails_here() -> str:
        calls.append(os.getpid())
        return _fails()

    workers = start_sections([("bad", fails_here), ("good", lambda: "ok")], 2)
    assert workers is not None
    with pytest.raises(ValueError, match=r"no such field: 'x9'") as info:
        workers.fragment("bad")
    assert calls == [PARENT]  # drawn again here, so the traceback is this process's
    assert "_fails" in "".join(str(e.name) for e in info.traceback)
    assert workers.fragment("good") == "ok"


def _dies_in_a_worker() -> str:
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return "drawn by the notebook's process"


def test_a_worker_that_dies_leaves_its_section_to_be_drawn_here():
    workers = start_sections([("dies", _dies_in_a_worker), ("other", lambda: "other")], 2)
    assert workers is not None
    assert workers.fragment("dies") == "drawn by the notebook's process"
    # the pool is broken by the death; the other section is drawn here too
    assert workers.fragment("other") == "other"


def _chatty() -> str:
    print("printed in the worker")
    print("to stderr", file=sys.stderr)
    warnings.warn("a worker's warning", UserWarning, stacklevel=1)
    return "chatty"


def test_what_a_worker_prints_and_warns_is_shown_here(capsys):
    workers = start_sections([("chatty", _chatty)], 2)
    assert workers is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert workers.fragment("chatty") == "chatty"
    out, err = capsys.readouterr()
    assert out == "printed in the worker\n"
    assert err == "to stderr\n"
    assert [(str(w.message), w.category) for w in caught] == [("a worker's warning", UserWarning)]


def test_closing_early_stops_the_workers_at_once():
    workers = start_sections([("slow", lambda: time.sleep(60) or "late"), ("b", lambda: "b")], 2)
    assert workers is not None
    procs = list(workers._pool._processes.values())
    t0 = time.monotonic()
    workers.close()
    assert time.monotonic() - t0 < 10
    assert not any(p.is_alive() for p in procs)
    assert workers.fragment("b") == "b"  # asked after closing: drawn here


_ORPHAN = textwrap.dedent(
    """
    import sys, time
    from parlib.report.workers import start_sections
    w = start_sections([("a", lambda: time.sleep(120) or "a"), ("b", lambda: time.sleep(120) or "b")], 2)
    print(" ".join(str(p) for p in w._pool._processes), flush=True)
    time.sleep(120)
    """
)


def test_the_workers_die_with_the_kernel_that_forked_them():
    """A kernel killed mid-report (papermill stops it at once on an error) leaves no worker behind."""
    kernel = subprocess.Popen([sys.executable, "-c", _ORPHAN], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in kernel.stdout.readline().split()]
        assert len(pids) == 2
        for pid in pids:
            os.kill(pid, 0)  # alive
        kernel.kill()
        kernel.wait(timeout=10)
        deadline = time.monotonic() + 10
        alive = pids
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in alive if _running(pid)]
            time.sleep(0.05)
        assert alive == []
    finally:
        kernel.kill()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"  # a zombie has exited (its parent is gone, init reaps it)
    except FileNotFoundError:
        return False


def test_backan_sections_drawn_by_two_processes_are_the_same_bytes(monkeypatch):
    monkeypatch.setenv(PROCESSES_ENV, "1")
    serial = sections.prepare("backan", 2023, "en", ".")
    assert serial.workers is None
    monkeypatch.setenv(PROCESSES_ENV, "2")
    ctx = sections.prepare("backan", 2023, "en", ".")
    assert ctx.workers is not None
    names = ["title", "summary", "ranking", "robustness", "strengths", "changes", "appraisal", "methods"]
    names += ["published", "profiles"]
    assert sorted(names) == sorted(name for name, _ in sections.SECTIONS_BY_COST)
    for name in names:
        here = getattr(sections, f"html_{name}")(serial)
        assert draw_section(ctx.workers, name, lambda: "not drawn by a worker") == here, name
