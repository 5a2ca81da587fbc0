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

This module imports nothing heavy, so that a build with nothing to render loses no time by it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

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

    def stop(self) -> None:
        """Kill the kernel at once (a report's outputs have all arrived when it is stopped) and
        remove its working folder."""
        from jupyter_core.utils import run_sync

        try:
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.cwd, ignore_errors=True)


_waiting: list[Kernel] = []


def start_kernel(env: dict[str, str]) -> Kernel:
    """A new kernel started with ``env``, importing the report's modules as it starts."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    cwd = tempfile.mkdtemp(prefix="parlib-kernel-")
    manager = AsyncKernelManager(kernel_name=KERNEL)
    try:
        run_sync(manager.start_kernel)(extra_arguments=[*KERNEL_ARGS, _WARM_UP], env=env, cwd=cwd)
    except BaseException:
        shutil.rmtree(cwd, ignore_errors=True)
        raise
    return Kernel(manager, dict(env), cwd)


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


def discard() -> None:
    """Stop a kernel started ahead that no report took (the build rendered elsewhere, or nothing)."""
    while _waiting:
        _waiting.pop().stop()
