"""One error type for everything a user can get wrong, printed as one clear line.

Every problem with input data is raised as :class:`DataError`, which knows the file, the row and
the column where it was found, what is wrong and what to do about it. The CLI prints
``str(error)`` and exits with code 2; no traceback unless ``--debug``.

The line is at most :data:`MAX_MESSAGE` characters: a long value is shortened in the middle with
"…", and characters a reader cannot see (zero-width spaces, control characters, a NUL byte, an
unusual space) are written as code points (``Sở\\u200bY tế``) so that two names that look
identical on screen can be told apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")

EXIT_BAD_INPUT = 2
MAX_MESSAGE = 285  # characters of one error line; with the "parlib: error: " prefix at most 300
MAX_VALUE = 60  # characters of one value quoted in a message


def _invisible(ch: str) -> bool:
    """A character that does not show as itself on screen: controls, format characters (zero-width
    space, byte-order mark, bidi marks), unassigned or private ones, and spaces other than ' '."""
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (cat == "Zs" and ch != " ")


def visible(text: str) -> str:
    """``text`` with every invisible character written as its code point: "Sở\u200bY tế" → 'Sở\\u200bY tế'."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_code_point(c) if _invisible(c) else c for c in text)


def _code_point(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def shorten(text: str, limit: int = MAX_VALUE) -> str:
    """``text`` cut in the middle to at most ``limit`` characters, the cut marked with "…"."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2 + (limit - 1) % 2
    tail = limit - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def show(value: object, limit: int = MAX_VALUE) -> str:
    """A value quoted for an error message: invisible characters as code points, shortened in the
    middle when long ('Sở Rất Dài Rất…Cuối')."""
    return "'" + shorten(visible(str(value)), limit) + "'"


@dataclass
class DataError(Exception):
    """A problem in a user's input, located as precisely as it can be."""

    what: str
    todo: str = ""
    file: str | Path | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        file = visible(str(self.file)) if self.file is not None else None
        what, todo = (
            visible(str(t).replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))
            for t in (self.what, self.todo)
        )
        # Over MAX_MESSAGE characters, shorten in the middle: first what to do (to 60), then the
        # file's path (to 60, its name stays whole at the end), then what to do again, then what is wrong.
        text = self._line(file, what, todo)
        for part, floor in (("todo", 60), ("file", 60), ("todo", 20), ("what", 40), ("file", 30)):
            excess = len(text) - MAX_MESSAGE
            if excess <= 0:
                break
            if part == "todo" and todo:
                todo = shorten(todo, max(len(todo) - excess, floor))
            elif part == "file" and file:
                file = shorten(file, max(len(file) - excess, floor))
            elif part == "what":
                what = shorten(what, max(len(what) - excess, floor))
            text = self._line(file, what, todo)
        return text

    def _line(self, file: str | None, what: str, todo: str) -> str:
        where = [] if file is None else [file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {show(self.column, 40)}")
        text = (", ".join(where) + ": " if where else "") + what
        return text + f" — {todo}" if todo else text


MAX_LINES = 50


class DataErrors(DataError):
    """Several independent problems found in one pass, reported together: one line each, sorted by
    file, row and column, at most :data:`MAX_LINES` lines then "and N more"."""

    errors: list[DataError]

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


def _sort_key(e: DataError) -> tuple[str, int, list[tuple[int, int, str]], str]:
    """File, row, then column in natural order (units[3] before units[10]), then the text."""
    column = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(e.column or "")) if p]
    return (str(e.file or ""), e.row or 0, column, e.what)


class ErrorCollector:
    """Gathers the DataErrors of independent steps so that all of them are reported at once."""

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def add(self, error: DataError) -> None:
        self.errors.append(error)

    def run(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
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
