"""The first sheet of an XLSX workbook, read as a stream within bounded time and memory.

An XLSX is a zip of XML files. The sheet is parsed with expat as it is decompressed, keeping only
cells that hold a value: an empty cell that only carries formatting costs a counter, not memory.
Before and while reading, the limits of :mod:`parlib.data.limits` are enforced (file size, sheet
size once uncompressed, cells including formatted empty ones, rows, columns, characters per
cell), so a workbook of a few hundred kilobytes that expands to millions of styled empty cells is
refused in seconds with one clear line instead of being loaded whole.

Values are those Excel last computed (the cached value of a formula), as ``openpyxl``'s
``data_only`` gives them: numbers as floats, text as str, booleans as bool.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from parlib.data.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TABLE_BYTES,
    MAX_XLSX_CELLS,
    MAX_XLSX_SHEET_BYTES,
    MAX_XLSX_VALUES,
)
from parlib.errors import DataError

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_CHUNK = 1 << 20
_FIX = (
    "delete the formatted empty rows and columns around the table (Ctrl+End shows where Excel thinks it ends) "
    "and save again, or export it as CSV"
)
# Runs of empty cells that only carry formatting (<c r="B7" s="3"/>) and of empty rows (<row r="9"/>) are
# replaced, before the XML parser sees them, by one <skip n="k"/> (or <skiprow n="k"/>): millions of them
# cost a regex pass, not a Python call each. The run's last reference is kept (<skip n="k" r="F7"/>), so a
# cell or row written without a reference after the run still lands at its place (as openpyxl places it).
_EMPTY_CELLS = re.compile(rb"(?:<(?:\w+:)?c\b[^<>]*/>)+")
_EMPTY_ROWS = re.compile(rb"(?:<(?:\w+:)?row\b[^<>]*/>)+")
_REF = re.compile(rb"""\sr\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")


def _skip(kind: bytes, run: bytes) -> bytes:
    last = _REF.search(run, run.rfind(b"<"))
    ref = b' r="%s"' % (last.group(1) if last.group(1) is not None else last.group(2)) if last else b""
    return b'<%s n="%d"%s/>' % (kind, run.count(b"<"), ref)


def _skip_cells(m: re.Match[bytes]) -> bytes:
    return _skip(b"skip", m.group(0))


def _skip_rows(m: re.Match[bytes]) -> bytes:
    return _skip(b"skiprow", m.group(0))


@dataclass(frozen=True)
class Merged:
    """A merged range, 1-based and inclusive like openpyxl's CellRange."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def coord(self) -> str:
        return f"{column_letter(self.min_col)}{self.min_row}:{column_letter(self.max_col)}{self.max_row}"


def column_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _local(name: str) -> str:
    """An element's name without its namespace ("<ns> c" → "c"; some writers use prefixes)."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


class _Limit(Exception):
    pass


def read_xlsx(path: Path) -> tuple[list[list[Any]], list[Merged]]:
    """The first sheet as rows of values (row i is sheet row i + 1; ``None`` where a cell is empty; each
    row as long as its last value) and its merged ranges. Every problem is a :class:`DataError`."""
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise DataError(
            f"the file is {size:,} bytes; parlib reads tables of at most {MAX_TABLE_BYTES:,}",
            "is this the right file? save only the table's sheet",
            path,
        )
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            "the file is an Excel 97-2003 workbook (.xls) or a password-protected one, not an XLSX",
            "open it in Excel and save it as .xlsx without a password",
            path,
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError("cannot read as XLSX (not a zip archive)", "re-save it from Excel as .xlsx", path) from None
    with zf:
        try:
            sheet = _first_sheet(zf)
            strings = _shared_strings(zf, path)
            info = zf.getinfo(sheet)
            if info.file_size > MAX_XLSX_SHEET_BYTES:
                raise DataError(
                    f"the sheet is {info.file_size:,} bytes once uncompressed; parlib reads sheets of at "
                    f"most {MAX_XLSX_SHEET_BYTES:,}",
                    _FIX,
                    path,
                )
            return _read_sheet(zf, sheet, strings, path)
        except DataError:
            raise
        except (
            KeyError,
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            expat.ExpatError,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise DataError(
                f"cannot read as XLSX ({type(exc).__name__})", "re-save it from Excel as .xlsx", path
            ) from None


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _Limit(name)
    return data


def _first_sheet(zf: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (as Excel orders them), through the relationships."""
    names = set(zf.namelist())
    try:
        wb = _read_member(zf, "xl/workbook.xml", 8 << 20)
        rels = _read_member(zf, "xl/_rels/workbook.xml.rels", 8 << 20)
    except (KeyError, _Limit):
        if "xl/worksheets/sheet1.xml" in names:
            return "xl/worksheets/sheet1.xml"
        raise KeyError("no worksheet") from None
    first: list[str] = []

    def start_wb(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet" and not first:
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            if rid:
                first.append(rid)

    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start_wb
    p.Parse(wb, True)
    targets: dict[str, str] = {}

    def start_rel(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]

    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start_rel
    p.Parse(rels, True)
    if first and first[0] in targets:
        target = targets[first[0]]
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if member in names:
            return member
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    raise KeyError("no worksheet")


def _shared_strings(zf: zipfile.ZipFile, path: Path) -> list[str]:
    """The workbook's shared strings (text cells point into this list), without phonetic runs."""
    try:
        info = zf.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return []
    if info.file_size > MAX_XLSX_SHEET_BYTES:
        raise DataError(
            f"the workbook's text is {info.file_size:,} bytes once uncompressed; parlib reads at most "
            f"{MAX_XLSX_SHEET_BYTES:,}",
            _FIX,
            path,
        )
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "skip": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "si":
            parts.clear()
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] += 1
        elif tag == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name: str) -> None:
        tag = _local(name)
        if tag == "si":
            strings.append("".join(parts))
            if len(strings) > MAX_XLSX_CELLS:
                raise _Limit("strings")
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    p.buffer_text = True
    try:
        _feed(zf, "xl/sharedStrings.xml", p)
    except _Limit:
        raise DataError(f"the workbook holds more than {MAX_XLSX_CELLS:,} texts", _FIX, path) from None
    return strings


def _feed(zf: zipfile.ZipFile, member: str, parser: Any, collapse: bool = False, on_cells: Any = None) -> None:
    """Decompress ``member`` chunk by chunk into ``parser``, never past MAX_XLSX_SHEET_BYTES (a zip may
    state a false size). With ``collapse``, runs of empty formatted cells and rows are collapsed first,
    after ``on_cells(n)`` is told about how many cells the chunk holds (counted without parsing)."""
    read, carry = 0, b""
    with zf.open(member) as fh:
        while True:
            data = fh.read(_CHUNK)
            eof = not data
            read += len(data)
            if read > MAX_XLSX_SHEET_BYTES:
                raise _Limit("bytes")
            if collapse:
                data = carry + data
                cut = len(data) if eof else data.rfind(b">") + 1
                data, carry = data[:cut], data[cut:]
                if len(carry) > _CHUNK:  # no tag ends in a whole megabyte: not the XML of a sheet
                    raise expat.ExpatError("no element ends in 1 MB")
                if on_cells is not None:
                    on_cells(data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/") + data.count(b":c "))
                data = _EMPTY_ROWS.sub(_skip_rows, _EMPTY_CELLS.sub(_skip_cells, data))
            parser.Parse(data, eof)
            if eof:
                return


def _read_sheet(
    zf: zipfile.ZipFile, member: str, strings: list[str], path: Path
) -> tuple[list[list[Any]], list[Merged]]:
    rows: list[list[Any]] = []
    merged: list[Merged] = []
    st: dict[str, Any] = {
        "row": 0,
        "col": 0,
        "type": "n",
        "text": None,
        "in_text": False,
        "cells": 0,
        "values": 0,
        "seen": 0,
    }
    buf: list[str] = []

    def count(n: int, values: bool = False) -> None:
        st["cells"] += n
        if st["cells"] > MAX_XLSX_CELLS:
            raise DataError(
                f"the sheet has more than {MAX_XLSX_CELLS:,} cells (reached near row {st['row']:,}), "
                "most of them probably empty but formatted",
                _FIX,
                path,
            )
        if values:
            st["values"] += n
            if st["values"] > MAX_XLSX_VALUES:
                raise DataError(
                    f"the sheet has more than {MAX_XLSX_VALUES:,} cells that hold a value (reached at "
                    f"row {st['row']:,})",
                    "is this the right sheet? keep only the score table",
                    path,
                )

    def estimate(n: int) -> None:
        """Cells counted in the raw XML before it is parsed: a bomb is refused without parsing it."""
        st["seen"] += n
        if st["seen"] > MAX_XLSX_CELLS:
            count(st["seen"] - st["cells"])

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            count(1, True)
            ref = attrs.get("r")
            m = _CELL_REF.match(ref) if ref else None
            if m:
                st["col"] = _column_number(m.group(1))
            else:
                st["col"] += 1
            st["type"] = attrs.get("t", "n")
            st["text"] = None
        elif tag == "skip":
            n = int(attrs.get("n", "1"))
            count(n)
            ref = attrs.get("r")
            m = _CELL_REF.match(ref) if ref else None
            st["col"] = _column_number(m.group(1)) if m else st["col"] + n
        elif tag == "skiprow":
            n = int(attrs.get("n", "1"))
            count(n)
            r = attrs.get("r")
            st["row"] = int(r) if r and r.isdigit() else st["row"] + n
            if st["row"] > MAX_ROWS:
                raise DataError(f"the sheet has more than {MAX_ROWS:,} rows (formatted empty rows count)", _FIX, path)
        elif tag == "row":
            r = attrs.get("r")
            st["row"] = int(r) if r and r.isdigit() else st["row"] + 1
            st["col"] = 0
            if st["row"] > MAX_ROWS:
                raise DataError(f"the sheet has more than {MAX_ROWS:,} rows (formatted empty rows count)", _FIX, path)
        elif tag in ("v", "t"):
            st["in_text"] = True
            buf.clear()
        elif tag == "mergeCell":
            rng = attrs.get("ref", "")
            a, _, b = rng.partition(":")
            ma, mb = _CELL_REF.match(a), _CELL_REF.match(b or a)
            if ma and mb:
                merged.append(
                    Merged(int(ma.group(2)), _column_number(ma.group(1)), int(mb.group(2)), _column_number(mb.group(1)))
                )

    def end(name: str) -> None:
        tag = _local(name)
        if tag in ("v", "t"):
            st["in_text"] = False
            st["text"] = (st["text"] or "") + "".join(buf)
        elif tag == "c" and st["text"] is not None:
            _store(rows, st, strings, path)

    def text(data: str) -> None:
        if st["in_text"]:
            buf.append(data)

    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    p.buffer_text = True
    try:
        _feed(zf, member, p, collapse=True, on_cells=estimate)
    except _Limit:
        raise DataError(
            f"the sheet is more than {MAX_XLSX_SHEET_BYTES:,} bytes once uncompressed", _FIX, path
        ) from None
    return rows, merged


def _store(rows: list[list[Any]], st: dict[str, Any], strings: list[str], path: Path) -> None:
    """Put the cell just read at its place, typed as Excel stored it."""
    raw, kind, r, c = st["text"], st["type"], st["row"], st["col"]
    value: Any
    if kind == "s":
        try:
            value = strings[int(raw)]
        except (ValueError, IndexError):
            raise DataError(
                f"cell {column_letter(c)}{r} points to a text the workbook does not have",
                "re-save it from Excel as .xlsx",
                path,
            ) from None
    elif kind in ("str", "inlineStr", "e", "d"):
        value = raw
    elif kind == "b":
        value = raw.strip() in ("1", "true")
    else:
        try:
            value = float(raw)
        except ValueError:
            value = raw
    if isinstance(value, str):
        if value == "":
            return
        if len(value) > MAX_CELL_CHARS:
            raise DataError(
                f"cell {column_letter(c)}{r} holds {len(value):,} characters; parlib reads cells of at "
                f"most {MAX_CELL_CHARS:,}",
                "is this the right cell? shorten it",
                path,
                r,
            )
    if c > MAX_COLUMNS:
        raise DataError(
            f"cell {column_letter(c)}{r} holds a value beyond column {MAX_COLUMNS} "
            f"({column_letter(MAX_COLUMNS)}), parlib's limit",
            "delete what lies right of the table",
            path,
            r,
        )
    while len(rows) < r:
        rows.append([])
    row = rows[r - 1]
    if len(row) < c:
        row.extend([None] * (c - len(row)))
    row[c - 1] = value
