"""One error type for everything a user can get wrong, printed as one clear line.

Every problem with input data is raised as :class:`DataError`, which knows the file, the row and
the column where it was found, what is wrong and what to do about it. The CLI prints
``str(error)`` and exits with code 2; no traceback unless ``--debug``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXIT_BAD_INPUT = 2


@dataclass
class DataError(Exception):
    """A problem in a user's input, located as precisely as it can be."""

    what: str
    todo: str = ""
    file: str | Path | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = (", ".join(where) + ": " if where else "") + self.what
        if self.todo:
            text += f" — {self.todo}"
        return text.replace("\n", " ")


MAX_LINES = 50


class DataErrors(DataError):
    """Several independent problems found in one pass, reported together: one line each, sorted by
    file, row and column, at most :data:`MAX_LINES` lines then "and N more"."""

    def __init__(self, errors: list[DataError]):
        flat: list[DataError] = []
        for e in errors:
            flat.extend(e.errors if isinstance(e, DataErrors) else [e])
        unique = {str(e): e for e in flat}
        self.errors = sorted(unique.values(), key=_sort_key)
        super().__init__(f"{len(self.errors)} problems")

    def lines(self, limit: int = MAX_LINES) -> list[str]:
        out = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            out.append(f"and {len(self.errors) - limit} more")
        return out

    def __str__(self) -> str:
        return "\n".join([*self.lines(), f"{len(self.errors)} problems"])


def _sort_key(e: DataError) -> tuple:
    """File, row, then column in natural order (units[3] before units[10]), then the text."""
    column = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(e.column or "")) if p]
    return (str(e.file or ""), e.row or 0, column, e.what)


class ErrorCollector:
    """Gathers the DataErrors of independent steps so that all of them are reported at once."""

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def add(self, error: DataError) -> None:
        self.errors.append(error)

    def run(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, or None with its DataError(s) kept."""
        try:
            return fn(*args, **kwargs)
        except DataError as exc:
            self.errors.append(exc)
            return None

    def raise_if_any(self) -> None:
        raise_all(self.errors)


def raise_all(errors: list[DataError]) -> None:
    """Raise nothing, the one error, or all of them as :class:`DataErrors`."""
    if len(errors) == 1 and not isinstance(errors[0], DataErrors):
        raise errors[0]
    if errors:
        raise DataErrors(errors)
