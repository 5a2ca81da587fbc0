"""The type check of `make mutation` (mutmut's ``type_check_command``; see docs/testing.md).

mutmut writes every mutant of a function beside the original in mutants/, runs this once per run in
mutants/, and counts a mutant whose function mypy rejects as caught (exit code 37) without running
its tests: a mutant that makes parlib ill-typed fails ``make lint`` (mypy, the configuration of
pyproject.toml), which is part of ``make test``. Two kinds of mypy error are dropped, because they come
from mutmut's own rewriting, not from a mutation: ``unused-ignore`` (mutmut's ``# type: ignore``
lines; a mutation never needs an ignore) and ``no-untyped-def`` (mutmut renames ``__init__`` to a
plain method, for which mypy's strict mode wants ``-> None``; a mutation never removes an
annotation). The rest of mypy's JSON lines is printed unchanged, for mutmut to read.
"""

from __future__ import annotations

import json
import subprocess
import sys

DROPPED = frozenset({"unused-ignore", "no-untyped-def"})


def keep(line: str) -> bool:
    """Whether a line of mypy's ``--output json`` is a type error a mutation can cause."""
    if not line.strip():
        return False
    return json.loads(line).get("code") not in DROPPED


def main() -> int:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--output", "json"], capture_output=True, encoding="utf-8", check=False
    )
    if done.returncode not in (0, 1):  # 2: mypy itself failed (a crash or a bad configuration)
        sys.stderr.write(done.stdout + done.stderr)
        return done.returncode
    sys.stdout.write("".join(line + "\n" for line in done.stdout.splitlines() if keep(line)) or "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
