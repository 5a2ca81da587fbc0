"""The type check of `make mutation` (mutmut's ``type_check_command``; see docs/testing.md).

mutmut writes every mutant of a function beside the original in mutants/, runs this once per run in
mutants/, and counts a mutant whose function mypy rejects as caught (exit code 37) without running
its tests: a mutant that makes parlib ill-typed fails ``make lint`` (mypy, the configuration of
pyproject.toml), which is part of ``make test``. Two kinds of mypy error are dropped, because they come
from mutmut's own rewriting, not from a mutation: ``unused-ignore`` (mutmut's ``# type: ignore``
lines; a mutation never needs an ignore) and ``no-untyped-def`` (mutmut renames ``__init__`` to a
plain method, for which mypy's strict mode wants ``-> None``; a mutation never removes an
annotation). The rest of mypy's JSON lines is printed unchanged, for mutmut to read.

mutmut reads every file mypy names with libcst to find the mutant an error is in, which takes many
minutes for the largest mutated files (tables.py and dataset.py hold some 12 MB of mutants each).
When ``MUTATION_TYPECHECK_GLOBS`` holds the mutant-name globs of the run (scripts/mutation.sh sets
it), only the errors of the modules those globs name are printed: the mutants of the other modules
are not run in this run, and keep the result they have. mypy is then also given only those modules
(``-m``, one per module of the run) instead of the whole of parlib: it still checks everything they
import, so their errors are the same as in a run over parlib (a module's errors depend only on it and
on what it imports), but the first run over a fresh copy no longer type-checks every mutant of the
other modules (about 30 minutes when tables.py and dataset.py are among them).
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

DROPPED = frozenset({"unused-ignore", "no-untyped-def"})


def module_of(path: str) -> str:
    """'parlib/data/numbers.py' → 'parlib.data.numbers'; 'parlib/data/schema/__init__.py' → 'parlib.data.schema'."""
    parts = path.replace("\\", "/").removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def in_run(module: str, globs: list[str]) -> bool:
    """Whether a module's mutants may be named by one of the globs ('parlib.check.*',
    'parlib.data.numbers.*', 'parlib.model.compare.x_series_id*', a mutant's own name)."""
    for g in globs:
        head = g.split(".x_")[0].split(".x\u01c1")[0]  # the module part of a function's glob or name
        if fnmatch.fnmatchcase(module, head) or fnmatch.fnmatchcase(module + ".", head):
            return True
    return False


def keep(line: str, globs: list[str] | None = None) -> bool:
    """Whether a line of mypy's ``--output json`` is a type error a mutation can cause (in a module
    of the run, when ``globs`` are given)."""
    if not line.strip():
        return False
    error = json.loads(line)
    if error.get("code") in DROPPED:
        return False
    return not globs or in_run(module_of(error.get("file", "")), globs)


def modules_in_run(globs: list[str], root: Path = Path("parlib")) -> list[str]:
    """The modules under ``root`` whose mutants the globs may name, in order of their files."""
    return [
        m
        for m in (module_of(p.relative_to(root.parent).as_posix()) for p in sorted(root.rglob("*.py")))
        if in_run(m, globs)
    ]


def mypy_command(globs: list[str] | None, root: Path = Path("parlib")) -> list[str]:
    """mypy over the modules of the run (``-m`` each) when globs name some, else over parlib (its configuration's files)."""
    command = [sys.executable, "-m", "mypy", "--output", "json"]
    modules = modules_in_run(globs, root) if globs else []
    if modules:  # without this, mypy prints a note, not JSON, for the configuration's sections of other modules
        command.append("--no-warn-unused-configs")
    for module in modules:
        command += ["-m", module]
    return command


def main() -> int:
    globs = os.environ.get("MUTATION_TYPECHECK_GLOBS", "").split() or None
    done = subprocess.run(mypy_command(globs), capture_output=True, encoding="utf-8", check=False)
    if done.returncode not in (0, 1):  # 2: mypy itself failed (a crash or a bad configuration)
        sys.stderr.write(done.stdout + done.stderr)
        return done.returncode
    sys.stdout.write("".join(line + "\n" for line in done.stdout.splitlines() if keep(line, globs)) or "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
