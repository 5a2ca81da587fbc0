"""Draw a report's sections in worker processes while the notebook shows them in order.

A report's sections are pure functions of its context (context → HTML fragment), and most of
their time is matplotlib drawing charts, on one core. :func:`start_sections` forks worker
processes from the kernel once the context is ready; each draws whole sections, the most costly
first, and sends back its HTML, so that the notebook's ``show_*`` cells only display a fragment
that is (or soon will be) ready. The fragments are the same strings a serial run makes: a worker
runs the same function on a copy of the same context.

How many processes: ``PARLIB_REPORT_PROCESSES`` (a positive integer) in the kernel's environment;
``parlib build`` sets it from ``--jobs`` and the number of reports it renders at once (one report
with ``--jobs 2``: two processes; eight reports with ``--jobs 2``: one each, since the reports
already fill the cores). Unset, or 1, sections are drawn in the notebook's process, one after
another, as before.

Why fork: the workers need the context (the dataset, the analysis), which is costly to make again
and slow to send; a forked process has it already. Forking happens once, from the kernel's main
thread, before any worker runs; a worker touches nothing of the kernel's (no display, no socket),
prints nothing (its output and warnings are sent back and shown by the notebook's process), and is
killed by the system if the kernel dies (``PR_SET_PDEATHSIG``), so an interrupted report leaves no
process behind. Whatever goes wrong in a worker (an exception, a crash), the notebook's process
draws that section itself: its error is then raised exactly as in a serial run.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import multiprocessing
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

#: The environment variable that says how many processes may draw one report's sections.
PROCESSES_ENV = "PARLIB_REPORT_PROCESSES"

# What a worker sends back for one section: its HTML, what it printed to stdout and stderr, and
# its warnings as (message, category, filename, lineno).
_Drawn = tuple[str, str, str, list[tuple[str, type[Warning], str, int]]]

# The sections the next pool's workers draw: set while the workers are forked, so each has a copy.
_SECTIONS: dict[str, Callable[[], str]] = {}


def report_processes(environ: Mapping[str, str] | None = None) -> int:
    """How many processes may draw a report's sections: ``PARLIB_REPORT_PROCESSES`` when it is a
    positive integer, else 1 (unset, empty or not a number: the sections are drawn one after another)."""
    value = (os.environ if environ is None else environ).get(PROCESSES_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _die_with_parent(parent: int) -> None:
    """A worker is killed when the kernel that forked it (process ``parent``) dies (Linux);
    elsewhere it exits with the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the kernel's: it stops the pool
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
        if os.getppid() != parent:  # the kernel died before the signal was asked for: nobody sends it
            os._exit(1)


def _draw(name: str) -> _Drawn:
    """Draw one section in a worker, keeping what it prints and warns for the notebook to show."""
    out, err = io.StringIO(), io.StringIO()
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        fragment = _SECTIONS[name]()
    said = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
    return fragment, out.getvalue(), err.getvalue(), said


class SectionWorkers:
    """Sections being drawn by worker processes; :meth:`fragment` gives one, in any order.

    ``sections`` maps each section's name to a function that draws it (no argument; the context is
    bound), in the order the workers should start them: the most costly first, so that the last
    one to finish is short. Made by :func:`start_sections`."""

    def __init__(self, sections: Mapping[str, Callable[[], str]], processes: int):
        self._draw_here = dict(sections)
        self._pending: dict[str, Future[_Drawn]] = {}
        self._pool: ProcessPoolExecutor | None = None
        _SECTIONS.clear()
        _SECTIONS.update(sections)
        try:
            # with fork, every worker is forked at the first submit, from this (the main) thread
            self._pool = ProcessPoolExecutor(
                processes,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            self._pending = {name: self._pool.submit(_draw, name) for name in sections}
        except (OSError, ValueError):  # no fork here, or no process left: every section is drawn here
            self.close()
        finally:
            _SECTIONS.clear()  # the workers have their copy; the kernel keeps no second reference

    def fragment(self, name: str) -> str:
        """The HTML of section ``name``: from its worker, or drawn here if the worker failed or was
        never asked (an error is then raised here, as in a serial run)."""
        pending = self._pending.pop(name, None)
        drawn: _Drawn | None = None
        if pending is not None:
            try:
                drawn = pending.result()
            except KeyboardInterrupt:
                self.close()
                raise
            except Exception:  # drawn again below, where its error has its real traceback
                drawn = None
        if not self._pending:
            self.close()
        if drawn is None:
            return self._draw_here[name]()
        fragment, out, err, said = drawn
        sys.stdout.write(out)
        sys.stderr.write(err)
        for message, category, filename, lineno in said:
            warnings.showwarning(message, category, filename, lineno)
        return fragment

    def close(self) -> None:
        """Stop the workers: at once when sections are left (nothing will wait for them)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not self._pending:
            pool.shutdown(wait=True)
            return
        self._pending.clear()
        stop_pool(pool)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now, without waiting for what they run or would run: its pending work
    is cancelled, each live worker terminated, then each waited for (at most 10 s). Used for the
    section workers and for ``parlib build --jobs``' report workers (a failed or interrupted build
    does not wait for reports it will discard)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=10)
        # join returns once the worker's sentinel pipe closes, a moment before the worker can be
        # reaped: until then it still reads as alive, so wait (briefly) for its exit code too
        deadline = time.monotonic() + 1
        while proc.exitcode is None and time.monotonic() < deadline:
            time.sleep(0.005)


def start_sections(sections: Sequence[tuple[str, Callable[[], str]]], processes: int) -> SectionWorkers | None:
    """Start drawing ``sections`` (name, function; most costly first) in ``processes`` forked
    workers, or return None when ``processes`` is 1 or less (the caller draws them itself)."""
    if processes <= 1 or not sections:
        return None
    return SectionWorkers(dict(sections), processes)


def draw_section(workers: SectionWorkers | None, name: str, draw: Callable[[], str]) -> str:
    """Section ``name``'s HTML: from ``workers`` when they draw it, else ``draw()`` here."""
    return workers.fragment(name) if workers is not None else draw()
