"""Start a report's notebook kernel ahead of the report, while the build still analyses the data.

A kernel takes about a second to start and the notebook's first cell another second and a half to
import the report's modules (pandas, matplotlib, seaborn, parlib), all before the report can begin.
When ``parlib build`` knows a report will be rendered in its own process, it calls :func:`prestart`
before analysing the dataset and writing its tables: the kernel boots and imports on the other
core meanwhile, and :func:`parlib.report.render.render_report` hands it to papermill
(:func:`take`). The notebook then runs in it exactly as in a kernel papermill starts: the same
parameters, the same cells, the execution count from 1 (the import at start-up is IPython's
``exec_lines``, which does not count and binds no name), the same environment (taken when the
kernel starts: the build's, with the number of section processes), in a working folder of its own
(empty, as the report's staging folder papermill would give it; removed with the kernel).

The build also hands the kernel the analysis it has just made (:func:`hand_over`), so that the
notebook's ``prepare`` does not analyse the same data a second time (a second of the report's
critical path for backan): a file in a folder of the kernel's own, named by the kernel's
environment variable ``PARLIB_ANALYSIS_AHEAD``, read once by :func:`take_analysis` for the same
dataset folder and year, else ignored. A report whose kernel papermill starts (one rendered by a
``--jobs`` worker, or a later report of the build) is handed it the same way through the
environment papermill's kernel inherits (:func:`analysis_ahead`). A notebook run any other way
analyses the data itself.

This module imports nothing heavy, so that a build with nothing to render loses no time by it.
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import json
import os
import pickle
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parlib.model.analysis import Analysis

#: The kernel's environment variable naming the file its analysis is handed over in.
ANALYSIS_ENV = "PARLIB_ANALYSIS_AHEAD"

#: The kernel papermill runs a report's notebook in (passed explicitly: see docs/toolchain).
KERNEL = "python3"
#: The kernel's own arguments: it logs errors only (its "running over TCP without encryption"
#: warning is noise on a local build).
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
# Imported at start-up, out of the notebook's history and namespace; an error is left for the
# notebook's own import to raise, where the report says which cell failed.
_WARM_UP = (
    '--IPKernelApp.exec_lines=[\'with __import__("contextlib").suppress(Exception): '
    '__import__("importlib").import_module("parlib.report.sections")\']'
)


@dataclass
class Kernel:
    """A started kernel: its manager (jupyter_client's), the environment it was started with and
    its working folder."""

    manager: Any
    env: dict[str, str]
    cwd: str
    #: where :func:`hand_over` writes the analysis (in a folder of its own, not the working folder)
    analysis_path: str

    def stop(self) -> None:
        """Kill the kernel at once (a report's outputs have all arrived when it is stopped) and
        remove its working folder and its hand-over folder."""
        from jupyter_core.utils import run_sync

        try:
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.cwd, ignore_errors=True)
            shutil.rmtree(os.path.dirname(self.analysis_path), ignore_errors=True)


_waiting: list[Kernel] = []


def start_kernel(env: dict[str, str]) -> Kernel:
    """A new kernel started with ``env``, importing the report's modules as it starts."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    cwd = tempfile.mkdtemp(prefix="parlib-kernel-")
    handover = tempfile.mkdtemp(prefix="parlib-analysis-")
    path = os.path.join(handover, "analysis.pickle")
    manager = AsyncKernelManager(kernel_name=KERNEL)
    try:
        run_sync(manager.start_kernel)(
            extra_arguments=[*KERNEL_ARGS, _WARM_UP], env={**env, ANALYSIS_ENV: path}, cwd=cwd
        )
    except BaseException:
        shutil.rmtree(cwd, ignore_errors=True)
        shutil.rmtree(handover, ignore_errors=True)
        raise
    return Kernel(manager, dict(env), cwd, path)


def prestart(env_changes: dict[str, str]) -> None:
    """Start the next report's kernel now, with this process's environment and ``env_changes``
    (a kernel already waiting is stopped first). A kernel that cannot start is left for papermill
    to start, and to report on, when the report runs."""
    discard()
    try:
        _waiting.append(start_kernel({**os.environ, **env_changes}))
    except Exception:
        pass


def take(env: dict[str, str]) -> Kernel | None:
    """The waiting kernel if it was started with exactly ``env`` (else it is stopped: a report's
    kernel has the environment of its report), or None."""
    kernel = _waiting.pop() if _waiting else None
    if kernel is None:
        return None
    if kernel.env != env or not kernel.manager.has_kernel:
        kernel.stop()
        return None
    return kernel


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mapping_proxy, (dict(proxy),)


def pickled_analysis(analysis: Analysis) -> bytes:
    """``analysis`` as a kernel takes it over (:func:`take_analysis`): a line saying which dataset
    folder and year it is of, then the pickled analysis."""
    buffer = io.BytesIO()
    buffer.write(json.dumps({"root": str(analysis.dataset.root), "year": int(analysis.year)}).encode() + b"\n")
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # an Analysis keeps its levels in read-only mappings, which pickle cannot take by default
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_mapping_proxy}
    pickler.dump(analysis)
    return buffer.getvalue()


def _write_whole(path: Path, data: bytes) -> None:
    """``data`` written to ``path`` whole or not at all (a temporary file renamed)."""
    partial = path.with_suffix(".partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def hand_over(analysis: Analysis) -> None:
    """Give the waiting kernel ``analysis`` (:func:`pickled_analysis`); nothing when no kernel is
    waiting. A failure leaves the notebook to analyse the data."""
    if not _waiting:
        return
    with contextlib.suppress(Exception):  # only a head start
        _write_whole(Path(_waiting[-1].analysis_path), pickled_analysis(analysis))


class HandOver:
    """A private folder (0700, this user's) of analyses for kernels papermill starts, owned by the
    build: each report gets a file of its own (a kernel removes the file it reads), and the folder
    goes when the build ends, whatever the reports did (a ``--jobs`` worker stopped with SIGTERM
    runs no clean-up of its own). A file that cannot be written is not handed: the notebook then
    analyses the data itself."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self._count = 0

    def file_for(self, handed: bytes | None) -> str | None:
        """A new file holding ``handed`` (:func:`pickled_analysis`), or None."""
        if handed is None:
            return None
        try:
            if self.folder is None:
                self.folder = Path(tempfile.mkdtemp(prefix="parlib-analysis-"))  # made 0700
            self._count += 1
            path = self.folder / f"{self._count}.pickle"
            _write_whole(path, handed)
            return str(path)
        except OSError:
            return None

    def remove(self) -> None:
        """Remove the folder and whatever no kernel read."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def pickled_or_none(analysis: Analysis) -> bytes | None:
    """:func:`pickled_analysis`, or None when the analysis cannot be pickled (the notebook then
    analyses the data itself)."""
    try:
        return pickled_analysis(analysis)
    except Exception:
        return None


@contextlib.contextmanager
def environ_set(name: str, value: str) -> Iterator[None]:
    """``name`` set to ``value`` in this process's environment (which a report's kernel inherits)
    for the duration, then as it was."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def analysis_ahead(path: str | None) -> contextlib.AbstractContextManager[None]:
    """For a report whose kernel papermill starts (no kernel was started ahead for it: a report of
    ``parlib build --jobs`` rendered in a worker process, any report after the first, ``parlib
    verify``'s rebuild): while the block runs, ``PARLIB_ANALYSIS_AHEAD`` in this process's
    environment names ``path`` (a :class:`HandOver` file), so that the kernel papermill starts
    inherits it (:func:`take_analysis`); afterwards the variable is as it was. Nothing is done when
    ``path`` is None."""
    return contextlib.nullcontext() if path is None else environ_set(ANALYSIS_ENV, path)


def take_analysis(root: Path, year: int) -> Analysis | None:
    """The analysis the build handed this kernel over (:func:`hand_over` to a kernel started ahead,
    :func:`analysis_ahead` to one papermill started) if it is of the dataset folder ``root`` and
    ``year``, else None; read once (the file is removed, and the variable naming it, so that no
    process this one starts sees it). Only from a folder of this user's that no one
    else may read or write (as the build makes it); the analysis is unpickled only when the line
    before it names the same folder and year. Outside a kernel started by the build, or when the
    file cannot be read, None: the caller analyses the data itself."""
    from parlib.model.analysis import Analysis

    path = os.environ.pop(ANALYSIS_ENV, "")
    if not path or not os.path.isfile(path):
        return None
    try:
        folder = os.stat(os.path.dirname(path))
        if folder.st_uid != os.getuid() or stat.S_IMODE(folder.st_mode) & 0o077:
            return None
        with open(path, "rb") as fh:
            if json.loads(fh.readline()) != {"root": str(root), "year": year}:
                return None
            handed = pickle.load(fh)
    except Exception:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return handed if isinstance(handed, Analysis) else None


def discard() -> None:
    """Stop a kernel started ahead that no report took (the build rendered elsewhere, or nothing)."""
    while _waiting:
        _waiting.pop().stop()
