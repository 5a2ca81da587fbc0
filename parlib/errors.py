"""One error type for everything a user can get wrong, printed as one clear line.

Every problem with input data is raised as :class:`DataError`, which knows the file, the row and
the column where it was found, what is wrong and what to do about it. The CLI prints
``str(error)`` and exits with code 2; no traceback unless ``--debug``.
"""
from __future__ import annotations

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
