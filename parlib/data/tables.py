"""Read score tables as publishers print them and turn them into two tidy frames.

Accepted: CSV (UTF-8 with or without BOM; comma, semicolon or tab separated) and XLSX (a title
row above the header is skipped). Headers in English or in the Vietnamese agencies print. Four
granularities, detected from the headers:

- ``totals``: unit, total and/or index (% of maximum); optionally printed rank and band;
- ``components``: appraised points and/or survey points (+ printed total);
- ``fields``: one column of points per field of the methodology (wide);
- ``criteria``: one row per unit and field (or criterion) with maximum, self-assessed,
  appraised and survey points (long; exports of the PAR Index software).

Output, for every table: a *units* frame (one row per unit) and a *fields* frame (one row per unit
and field; empty for the first two granularities). Nothing is written.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parlib.data.dataset import Dataset, Methodology, TableSpec
from parlib.data.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_TABLE_BYTES
from parlib.data.numbers import parse_number_codes, total_from_parts
from parlib.data.text import clean_codes, clean_name, clean_names, name_key, near_miss, per_unique, spread
from parlib.data.xlsx import column_letter, read_xlsx
from parlib.errors import DataError, ErrorCollector, raise_all, show

# Canonical column → the headers (compared case-folded, NFC) publishers print for it.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "unit": (
        "unit",
        "unit name",
        "tên đơn vị",
        "đơn vị",
        "tên cơ quan",
        "cơ quan",
        "đơn vị, địa phương",
        "tên đơn vị, địa phương",
        "địa phương",
        "tỉnh",
        "tỉnh, thành phố",
        "tỉnh/thành phố",
        "province",
        "bộ, ngành",
        "bộ, cơ quan ngang bộ",
    ),
    "field": ("field", "lĩnh vực", "tên lĩnh vực"),
    "criterion": ("criterion", "tiêu chí", "tiêu chí thành phần"),
    "max": ("max", "max points", "maximum", "điểm tối đa", "điểm chuẩn"),
    "self_assessed": ("self_assessed", "self-assessed", "self assessed", "điểm tự đánh giá", "tự đánh giá"),
    "appraised": ("appraised", "điểm thẩm định", "thẩm định"),
    "survey": ("survey", "điểm điều tra xhh", "điểm điều tra xã hội học", "điều tra xhh", "điểm xhh"),
    "total": ("total", "tổng điểm", "tổng", "tổng số điểm"),
    "index": ("index", "index %", "chỉ số", "chỉ số (%)", "chỉ số cchc", "chỉ số cchc (%)"),
    "rank": ("rank", "xếp hạng", "thứ hạng", "hạng"),
    "band": ("band", "xếp loại"),
    "provenance": ("provenance", "nguồn gốc số liệu"),
    "status": ("status",),
    "no": ("stt", "no", "no."),
}
_ALIAS_TO_CANON = {name_key(a): canon for canon, aliases in HEADER_ALIASES.items() for a in aliases}
NUMERIC = ("max", "self_assessed", "appraised", "survey", "total", "index", "rank")
GRANULARITIES = ("totals", "components", "fields", "criteria")
_EPS = 1e-9
_HEADER_SEARCH_ROWS = 10  # an XLSX header is looked for in the first rows (title rows above it are skipped)


@dataclass(frozen=True)
class TableScores:
    """The two tidy frames of one table, and its detected granularity."""

    units: pd.DataFrame
    fields: pd.DataFrame
    granularity: str


def read_raw_table(
    path: Path, rows: dict[str, Any] | None = None, *, unit_headers: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, int]:
    """Read a CSV or XLSX as text cells. Returns the frame and the file row of its first data row.

    ``unit_headers``: headers mapped to the unit column under ``columns:`` (an XLSX header row is
    found by its unit column). The limits of :mod:`parlib.data.limits` are checked before the work
    they protect. The frame's index is each row's offset from the first data row (blank rows,
    including rows of spaces only, are dropped but keep their place)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx_table(path, unit_headers)
    if suffix not in (".csv", ".txt"):
        raise DataError(f"unsupported file type {suffix!r}", "save the table as .csv (UTF-8) or .xlsx", path)
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise DataError(
            f"the file is {size:,} bytes; parlib reads tables of at most {MAX_TABLE_BYTES:,}",
            "is this the right file? keep only the score table",
            path,
        )
    data = path.read_bytes()
    if not data or data.isspace():
        raise DataError("the file is empty", "export the table again with its header and rows", path)
    _refuse_other_formats(data, path)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(
            "the file is UTF-16, not UTF-8", "save it as 'CSV UTF-8' (Excel) or re-encode it to UTF-8", path
        )
    head = data[:4096]
    if head.count(b"\x00") * 4 >= len(head):
        # NUL bytes between letters: UTF-16 written without a byte-order mark
        raise DataError(
            "the file looks like UTF-16 without a byte-order mark, not UTF-8",
            "save it as 'CSV UTF-8' (Excel) or re-encode it to UTF-8",
            path,
        )
    # The first megabyte (the header, the "sep=" line, the rows the separator is sniffed on: every
    # real table whole) is checked here; past it, pandas' strict decoding finds a bad byte, and the
    # reader then locates it (a 16 MB table: 0.08 s of decoding saved). So in a file over 1 MB with a
    # bad byte past its first megabyte and another mistake the checks before parsing find (a NUL, a
    # row too wide), that other mistake is the one reported; the file is refused either way.
    _check_utf8(data, path, end=_HEAD_BYTES)
    text = _decoded_head(data)
    if not text.strip() and len(data) <= _HEAD_BYTES:
        raise DataError("the file is empty", "export the table again with its header and rows", path)
    n_lines = _count_byte(data, b"\n") + (not data.endswith(b"\n"))
    if n_lines > MAX_ROWS:
        raise DataError(
            f"the file has {n_lines:,} lines; parlib reads tables of at most {MAX_ROWS:,} rows",
            "is this the right file? keep only the score table (or raise PARLIB_MAX_ROWS for a genuinely large one)",
            path,
        )
    # Excel's "sep=;" first line names the separator; the header is then the second line.
    header_row = 1
    m = re.match(r"sep=(.)\r?\n", text)
    forced = m.group(1) if m else None
    if m:
        text, header_row = text[m.end() :], 2
    first = text.split("\n", 1)[0].rstrip("\r")
    _check_header_line(first, path, header_row)
    sep = forced or _guess_separator(text, first)
    n_columns = first.count(sep) + 1
    if n_columns > MAX_COLUMNS:
        raise DataError(
            f"the header has {n_columns:,} columns; parlib reads at most {MAX_COLUMNS}",
            "delete the empty columns right of the table",
            path,
            header_row,
        )
    if n_columns * n_lines > MAX_CELLS:
        raise DataError(
            f"the table has {n_lines:,} rows of {n_columns} columns; parlib reads tables of at "
            f"most {MAX_CELLS:,} cells",
            "is this the right file? keep only the score table (or raise PARLIB_MAX_CELLS for a genuinely large one)",
            path,
        )
    _check_row_widths(data, sep, path)
    if b"\x00" in data:
        _refuse_nul(data, first, sep, path, header_row)
    may_hold_long_cells = _longest_line(data) > MAX_CELL_CHARS or b'"' in data
    del data  # pandas reads the file itself
    try:
        # From the path, not from a decoded copy: the C reader streams the file (a 4-million-row
        # table: 1.5 s and 0.6 GB against 40 s and 2.1 GB through io.StringIO).
        frame = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            skiprows=header_row - 1,
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"\bline (\d+)", str(exc))
        raise DataError(
            f"not a well-formed CSV table: {str(exc).strip().splitlines()[-1]}",
            "check quoting and that every row has the header's number of columns",
            path,
            int(m.group(1)) + header_row - 1 if m else None,
        ) from None
    except UnicodeDecodeError:
        _check_utf8(path.read_bytes(), path)  # raises, with the line of the first bad byte
        raise _not_utf8(path, None) from None
    except (csv.Error, ValueError, OverflowError) as exc:
        raise DataError(
            f"not a well-formed CSV table: {str(exc).strip()}", "check quoting and the separator", path
        ) from None
    if not isinstance(frame.index, pd.RangeIndex):
        raise DataError(
            f"rows have more columns than the header (read with separator {sep!r})",
            "give every row the header's number of columns; quote values holding the separator",
            path,
            header_row + 1 + _first_long_row(path, header_row, sep, len(frame.columns)),
        )
    frame = _check_csv_header(frame, first, sep, path, header_row)
    if may_hold_long_cells:  # a cell is never longer than its line, unless quotes make it span lines
        _check_cell_lengths(frame, path, header_row + 1)
    # Drop empty lines (and the ",,,," lines Excel exports, and lines of spaces) but keep every row's
    # place: the index stays the row's offset from the first data row, so errors name the right file row.
    blank = _blank_rows(frame)
    return (frame[~blank] if blank.any() else frame), header_row + 1  # no copy of a table without blank rows


_HEAD_BYTES = 1 << 20
_CHUNK = 1 << 22


def _check_utf8(data: bytes, path: Path, *, end: int | None = None) -> None:
    """The file is UTF-8 (checked chunk by chunk, without holding a decoded copy), its first ``end``
    bytes only when given (a letter cut at ``end`` is fine); if not, the error names the line of the
    first bad byte."""
    stop = len(data) if end is None else min(end, len(data))
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, stop, _CHUNK):
        try:
            piece_end = min(start + _CHUNK, stop)
            decoder.decode(data[start:piece_end], final=piece_end >= len(data))
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, data.count(b"\n", 0, max(start + exc.start, 0)) + 1) from None


def _not_utf8(path: Path, line: int | None) -> DataError:
    return DataError(
        "the file is not UTF-8 (perhaps Windows-1258 or another legacy encoding)",
        "save it as 'CSV UTF-8' or re-encode it, e.g. iconv -f CP1258 -t UTF-8",
        path,
        line,
    )


def _count_byte(data: bytes, needle: bytes) -> int:
    """``data.count(needle)``; a single byte is counted by numpy a few megabytes at a time: three
    times faster than bytes.count on a 30 MB table, in bounded memory."""
    if len(needle) != 1:
        return data.count(needle)
    arr = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(arr[i : i + _CHUNK] == needle[0])) for i in range(0, len(arr), _CHUNK))


def _decoded_head(data: bytes) -> str:
    """The text of the file's first megabyte, without its byte-order mark (the header, the "sep="
    line and the rows the separator is sniffed on)."""
    head = data[:_HEAD_BYTES].decode("utf-8", errors="ignore")  # only a character cut at the end is dropped
    return head.removeprefix("\ufeff")


def _line_bounds(data: bytes) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The (starts, ends) byte offsets of the file's lines, as arrays, a few megabytes of the file at a
    time (vectorised; bounded memory whatever the file's size). An end excludes its newline."""
    arr = np.frombuffer(data, dtype=np.uint8)
    prev = -1
    for start in range(0, len(arr), _CHUNK):
        nl = np.flatnonzero(arr[start : start + _CHUNK] == 10) + start
        if len(nl):
            yield np.concatenate(([prev + 1], nl[:-1] + 1)), nl
            prev = int(nl[-1])
    if prev + 1 < len(arr):
        yield np.array([prev + 1]), np.array([len(arr)])


def _longest_line(data: bytes) -> int:
    """The length in bytes of the file's longest line."""
    return max((int((ends - starts).max()) for starts, ends in _line_bounds(data)), default=0)


def _refuse_other_formats(data: bytes, path: Path) -> None:
    """A file named .csv that is something else: an XLSX or XLS workbook, a PDF, an HTML page (Excel's
    'Web page' or a table saved from a browser) or an Excel XML spreadsheet."""
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            "the file is an XLSX workbook (a zip), not a CSV, though its name ends in .csv",
            "rename it to .xlsx (and its 'file:' in dataset.yml), or save it from Excel as CSV UTF-8",
            path,
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            "the file is an Excel 97-2003 workbook (.xls), not a CSV", "save it from Excel as CSV UTF-8 or .xlsx", path
        )
    if data.startswith(b"%PDF"):
        raise DataError(
            "the file is a PDF, not a CSV",
            "copy the table out of the PDF into a spreadsheet and save it as CSV UTF-8",
            path,
        )
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<body", b"<meta", b"<div")):
        raise DataError(
            "the file is an HTML page, not a CSV (a table saved from a web page or as Excel's 'Web Page')",
            "open it in a spreadsheet and save it as CSV UTF-8 or .xlsx",
            path,
        )
    if start.startswith(b"<?xml"):
        raise DataError(
            "the file is XML (perhaps an Excel 2003 XML spreadsheet), not a CSV",
            "open it in Excel and save it as CSV UTF-8 or .xlsx",
            path,
        )


def _check_header_line(first: str, path: Path, header_row: int) -> None:
    """A header line whose every cell is longer than MAX_CELL_CHARS, whatever the separator, is refused
    before the csv module meets it (its field limit is 131,072 characters)."""
    if len(first) <= MAX_CELL_CHARS:
        return
    longest = min(max(len(c) for c in first.split(d)) for d in (",", ";", "\t"))
    if longest > MAX_CELL_CHARS:
        raise DataError(
            f"the header holds a cell of {longest:,} characters; parlib reads cells of at most {MAX_CELL_CHARS:,}",
            "is this the right file? the first line must be the table's header",
            path,
            header_row,
        )


def _guess_separator(text: str, first: str) -> str:
    """The separator that splits the header into the most headers parlib knows: a header such as
    "Đơn vị, địa phương" holds a comma even in a semicolon-separated file. Headers parlib does not
    know (mapped under 'columns:') fall back to sniffing the first rows (at most 64 KB of them)."""
    known = {d: sum(name_key(c) in _ALIAS_TO_CANON for c in _split_line(first, d)) for d in (",", ";", "\t")}
    sep = max(known, key=lambda d: known[d])
    if known[sep] == 0:
        sample = "\n".join(text[:65536].splitlines()[:10])
        try:
            sep = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            sep = ","
    return sep


def _check_row_widths(data: bytes, sep: str, path: Path) -> None:
    """No row with more than MAX_COLUMNS cells (a row padded with 100,000 separators would make the
    CSV parser build a 100,000-level index), checked before parsing on the bytes: only a line of at
    least MAX_COLUMNS - 1 bytes can hold that many separators; such a line's separators are counted,
    and a line with too many is read as CSV to be sure (a quoted cell may hold separators)."""
    sep_bytes = sep.encode("utf-8")
    if _count_byte(data, sep_bytes) + 1 <= MAX_COLUMNS:
        return
    need = (MAX_COLUMNS - 1) * len(sep_bytes)
    for starts, ends in _line_bounds(data):
        for i in np.flatnonzero(ends - starts >= need):
            s, e = int(starts[i]), int(ends[i])
            if data.count(sep_bytes, s, e) + 1 > MAX_COLUMNS:
                cells = len(_split_line(data[s:e].decode("utf-8", errors="replace").rstrip("\r"), sep))
                if cells > MAX_COLUMNS:
                    raise DataError(
                        f"the row has {cells:,} cells; parlib reads at most {MAX_COLUMNS} columns",
                        "delete the empty cells right of the table",
                        path,
                        data.count(b"\n", 0, s) + 1,
                    )


def _split_line(line: str, sep: str) -> list[str]:
    """One CSV line's cells (a quoted cell longer than the csv module's field limit: split plainly)."""
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return line.split(sep)


def _refuse_nul(data: bytes, first: str, sep: str, path: Path, header_row: int) -> None:
    """A NUL character in a UTF-8 file (a damaged export): refused with its row, column and cell."""
    at = data.index(b"\x00")
    row = data.count(b"\n", 0, at) + 1
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    line = data[start : end if end >= 0 else len(data)].decode("utf-8", errors="replace").rstrip("\r")
    header = first.split(sep)
    cells = line.split(sep)
    col = next((i for i, c in enumerate(cells) if "\x00" in c), None)
    column = clean_name(header[col]) if col is not None and col < len(header) and row > header_row else None
    cell = cells[col] if col is not None else line
    raise DataError(
        f"a NUL character (U+0000) in {show(cell)}",
        "remove it; the file may be damaged, export it again as CSV UTF-8",
        path,
        row,
        column,
    )


def _first_long_row(path: Path, header_row: int, sep: str, n_columns: int) -> int:
    """Offset from the header of the first row with more cells than the header (for the error's row;
    the file is read again, only on this error's path)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            for _ in range(header_row - 1):
                f.readline()
            for i, row in enumerate(csv.reader(f, delimiter=sep)):
                if i and len(row) > n_columns:
                    return i - 1
    except (csv.Error, OSError, ValueError):
        pass
    return 0


def _check_cell_lengths(frame: pd.DataFrame, path: Path, first_row: int) -> None:
    """No cell longer than MAX_CELL_CHARS (checked a column at a time, once per distinct value)."""
    for c in frame.columns:
        lengths = per_unique(frame[c], lambda u: u.fillna("").astype(str).str.len())
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            i = int(lengths.to_numpy().argmax())
            raise DataError(
                f"the cell holds {int(lengths.iloc[i]):,} characters ({show(frame[c].iloc[i])}); "
                f"parlib reads cells of at most {MAX_CELL_CHARS:,}",
                "is this the right cell? shorten it",
                path,
                first_row + int(frame.index[i]),
                c,
            )


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every cell is empty or spaces only (the same rule for CSV and XLSX). Column by
    column, only over the rows still blank so far (after the first column looked at, hardly any),
    once per distinct value. The last column first: a column of a few hundred printed numbers is
    factorised in half the time of the unit names' column (10,000 distinct names)."""
    candidates = np.arange(len(frame))
    for col in reversed(range(frame.shape[1])):
        if not len(candidates):
            break
        candidates = candidates[per_unique(frame.iloc[candidates, col], _is_blank).to_numpy(dtype=bool)]
    blank = np.zeros(len(frame), dtype=bool)
    blank[candidates] = True
    return pd.Series(blank, index=frame.index)


def _is_blank(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().eq("")


def _check_csv_header(frame: pd.DataFrame, first_line: str, sep: str, path: Path, header_row: int = 1) -> pd.DataFrame:
    """Headers as the file has them (pandas renames a repeated "Tổng điểm" to "Tổng điểm.1" and an
    empty header to "Unnamed: 6"): a repeated header is refused; a column without a header is
    dropped when empty (Excel's trailing separator) and refused when it holds values."""
    header = [clean_name(h) for h in _split_line(first_line, sep)]
    if len(header) != len(frame.columns):  # a header spanning lines: keep pandas' names
        frame.columns = [clean_name(c) for c in frame.columns]
        return frame
    keys = [name_key(h) for h in header]
    for h, k in zip(header, keys):
        if h and keys.count(k) > 1:
            raise DataError(
                f"column {h!r} appears twice in the header",
                "keep one column of that name, or rename one",
                path,
                header_row,
                h,
            )
    unnamed = [c for c, h in zip(frame.columns, header) if not h]
    for c in unnamed:
        filled = frame[c].fillna("").astype(str).str.strip().ne("")
        if filled.any():
            raise DataError(
                f"column {list(frame.columns).index(c) + 1} has no header but holds values",
                "give the column a header, or delete it",
                path,
                int(np.flatnonzero(filled.to_numpy())[0]) + header_row + 1,
            )
    frame = frame.drop(columns=unnamed)
    frame.columns = [h for h in header if h]
    return frame


def _read_xlsx_table(path: Path, unit_headers: tuple[str, ...] = ()) -> tuple[pd.DataFrame, int]:
    """The first sheet of an XLSX as text cells: title rows above the header skipped, a header merged
    over two rows rebuilt, blank rows dropped (keeping their place), within the limits."""
    rows, merged = read_xlsx(path)
    width = max((len(r) for r in rows), default=0)
    if width * len(rows) > MAX_CELLS:
        raise DataError(
            f"the sheet spans {len(rows):,} rows by {width} columns; parlib reads tables of at most "
            f"{MAX_CELLS:,} cells",
            "delete what lies below and right of the table, or is this the right file?",
            path,
        )
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows[:_HEADER_SEARCH_ROWS]], dtype=object)
    header_at = _find_header_row(grid, unit_headers)
    if header_at is None:
        raise DataError(
            f"no header row with a unit column found in the first {_HEADER_SEARCH_ROWS} rows",
            "put a header such as 'Tên đơn vị' or 'unit' above the data, or map yours under 'columns:'",
            path,
        )
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    header_at, header_end = _header_block(grid, merged, header_at)
    header = [clean_name(h) if pd.notna(h) and str(h).strip() else "" for h in grid.iloc[header_end]]
    frame = grid.iloc[header_end + 1 :].reset_index(drop=True)
    frame.columns = pd.RangeIndex(frame.shape[1])
    frame = frame.map(_xlsx_cell_text).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    blank = _blank_rows(frame)
    for j, h in enumerate(header):
        if h:
            continue
        filled = frame[j].str.strip().ne("") & ~blank
        if not filled.any():
            continue
        i = int(np.flatnonzero(filled.to_numpy())[0])
        cover = next(
            (
                m
                for m in merged
                if m.min_col - 1 < j + 1 <= m.max_col
                and m.min_row - 1 <= header_end
                and m.max_row - 1 >= header_at
                and m.min_col - 1 != j
            ),
            None,
        )
        if cover is not None:
            name = clean_name(grid.iat[cover.min_row - 1, cover.min_col - 1])
            raise DataError(
                f"the header cell {show(name)} is merged over {cover.coord}, and column "
                f"{column_letter(j + 1)} under it holds values: parlib cannot tell what that column is",
                "unmerge the cells and give each column its own header",
                path,
                header_end + 1,
                name,
            )
        raise DataError(
            f"column {column_letter(j + 1)} has no header but holds values",
            "give the column a header, or delete it",
            path,
            header_end + 2 + i,
        )
    keep = [j for j, h in enumerate(header) if h]
    frame = frame[keep]
    frame.columns = [header[j] for j in keep]
    _check_cell_lengths(frame, path, header_end + 2)
    return frame[~blank], header_end + 2


def _header_block(grid: pd.DataFrame, merged: list[Any], header_at: int) -> tuple[int, int]:
    """The rows of a header whose cells are merged down over several rows (a group such as "Điểm
    đạt được" over its sub-headers "Thẩm định" and "Điều tra XHH"). Merged cells of the block take
    their top-left value; each column is then named by its lowest header cell. Returns the first
    and last rows of the block (the same row for a plain one-row header)."""
    end = header_at
    for m in merged:
        if m.min_row - 1 == header_at and m.max_row - 1 > end:
            end = m.max_row - 1
    if end == header_at:
        return header_at, end
    end = min(end, len(grid) - 1)
    for m in merged:
        if header_at <= m.min_row - 1 <= end:
            # the grid holds whatever openpyxl read (dtype object): any value
            value: Any = grid.iat[m.min_row - 1, m.min_col - 1] if m.min_col - 1 < grid.shape[1] else None
            for r in range(m.min_row - 1, min(m.max_row - 1, end) + 1):
                for c in range(m.min_col - 1, min(m.max_col, grid.shape[1])):
                    grid.iat[r, c] = value
    for c in range(grid.shape[1]):
        if grid.iat[end, c] is None or str(grid.iat[end, c]).strip() == "":
            above: list[Any] = [grid.iat[r, c] for r in range(header_at, end) if grid.iat[r, c] is not None]
            grid.iat[end, c] = above[-1] if above else None
    return header_at, end


def _xlsx_cell_text(value: object) -> object:
    """A numeric XLSX cell as text that cannot be misread: 19.125 → "19,125" (with a decimal point,
    three decimals would read as a thousands point), 2022.0 → "2022". Other cells unchanged."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        if float(value).is_integer():
            return str(int(value))
        return np.format_float_positional(float(value), trim="-").replace(".", ",")
    return value


def _find_header_row(grid: pd.DataFrame, unit_headers: tuple[str, ...] = ()) -> int | None:
    """The first of the first rows holding a unit column header (one parlib knows, or one mapped to
    the unit column under 'columns:')."""
    mapped = {name_key(h) for h in unit_headers}
    for i in range(min(_HEADER_SEARCH_ROWS, len(grid))):
        keys = {name_key(v) for v in grid.iloc[i] if pd.notna(v)}
        if any(_ALIAS_TO_CANON.get(k) == "unit" for k in keys) or keys & mapped:
            return i
    return None


def map_columns(
    headers: list[str], spec: TableSpec, meth: Methodology, path: Path, header_row: int = 1
) -> tuple[dict[str, str], dict[str, str]]:
    """Match headers to canonical columns and to field ids. Returns (canonical → header, field id → header).
    ``header_row`` is the file row of the header, for error messages."""
    canon: dict[str, str] = {}
    field_cols: dict[str, str] = {}
    by_key = {name_key(h): h for h in headers}
    for c, h in spec.columns.items():
        if c not in HEADER_ALIASES:
            raise DataError(
                f"dataset.yml maps {c!r}, which is not a column parlib knows, to {h!r}",
                f"use one of: {', '.join(HEADER_ALIASES)} (or list the column under ignore_columns)",
                spec_file(spec),
            )
        if name_key(h) not in by_key:
            raise DataError(
                f"dataset.yml maps {c!r} to column {h!r}, which the table does not have",
                f"the table's columns are: {', '.join(headers)}",
                path,
            )
        canon[c] = by_key[name_key(h)]
    field_keys = {}
    for f in meth.fields:
        for n in (f.id, f.name["vi"], f.name["en"]):
            field_keys[name_key(n)] = f.id
    ignored = {name_key(c) for c in spec.ignore_columns}
    used = set(canon.values())
    for h in headers:
        if h in used or name_key(h) in ignored or h == "":
            continue
        key = name_key(h)
        if key in _ALIAS_TO_CANON and _ALIAS_TO_CANON[key] not in canon:
            canon[_ALIAS_TO_CANON[key]] = h
        elif key in field_keys and field_keys[key] not in field_cols:
            field_cols[field_keys[key]] = h
        else:
            known = ", ".join(a[0] for a in HEADER_ALIASES.values())
            raise DataError(
                f"unknown or repeated column {h!r}",
                f"rename it to one parlib knows ({known}, "
                "or a field id), map it under 'columns:' or list it under 'ignore_columns:' in dataset.yml",
                path,
                header_row,
                h,
            )
    if "unit" not in canon:
        raise DataError("no unit column", "name the column of unit names 'Tên đơn vị' or 'unit'", path, header_row)
    return canon, field_cols


def spec_file(spec: TableSpec) -> Path:
    """The dataset.yml a table is declared in (for errors about its declaration)."""
    return next((p / "dataset.yml" for p in spec.path.parents if (p / "dataset.yml").is_file()), spec.path)


def detect_granularity(canon: dict[str, str], field_cols: dict[str, str]) -> str:
    """Which of the four granularities a table's columns give."""
    if "field" in canon:
        return "criteria"
    if field_cols:
        return "fields"
    if "appraised" in canon or "survey" in canon:
        return "components"
    if "total" in canon or "index" in canon:
        return "totals"
    raise ValueError("no score column")


#: The most cells of one column that one check reports one by one; the rest are counted in one line.
MAX_CELL_ERRORS = 100


def row_errors(
    bad: pd.Series, what: Callable[[int], str], fix: str, path: Path, rows: pd.Series, column: str | None
) -> list[DataError]:
    """One error per row where ``bad`` holds (``what(i)`` says what is wrong in the i-th row), so that
    a table with five mistakes gets five lines from one run; past :data:`MAX_CELL_ERRORS` rows, one
    more line counts the rest."""
    where = np.flatnonzero(bad.to_numpy())
    out = [DataError(what(int(i)), fix, path, int(rows.iloc[int(i)]), column) for i in where[:MAX_CELL_ERRORS]]
    if len(where) > MAX_CELL_ERRORS:
        rest = len(where) - MAX_CELL_ERRORS
        out.append(
            DataError(
                f"{rest:,} more rows below with the same kind of problem in this column",
                fix,
                path,
                int(rows.iloc[int(where[MAX_CELL_ERRORS])]),
                column,
            )
        )
    return out


def _numbers(
    frame: pd.DataFrame,
    col: str,
    header: str,
    path: Path,
    rows: pd.Series,
    *,
    decimals: int,
    maximum: float | None,
    required: bool,
) -> pd.Series:
    """The numbers of one column; every bad cell of it is reported at once (DataErrors)."""
    codes, parsed, messages = parse_number_codes(frame[header], decimals=decimals, maximum=maximum)
    values = spread(parsed, codes, frame.index)
    failed = (messages.to_numpy() != "")[codes]
    found = row_errors(
        pd.Series(failed, index=frame.index),
        lambda i: str(messages.iloc[codes[i]]),
        "write a number (decimal comma or point), or fix the cell",
        path,
        rows,
        header,
    )
    if required:
        found += row_errors(
            pd.Series(values.isna().to_numpy() & ~failed, index=frame.index),
            lambda i: "the value is missing",
            "fill in the cell, or mark the table 'partial: true' in dataset.yml if the publisher did not print it",
            path,
            rows,
            header,
        )
    found += row_errors(
        values < 0,
        lambda i: f"negative score {values.iloc[i]:g}",
        "scores are points ≥ 0; check the sign",
        path,
        rows,
        header,
    )
    raise_all(found)
    return values


def match_units(
    names: pd.Series,
    dataset: Dataset,
    level: str,
    path: Path,
    rows: pd.Series,
    header: str,
    ids: pd.Series,
) -> pd.Series:
    """Unit ids for printed names, through names and aliases (NFC, case-folded). ``ids``: the
    lookup already made (:func:`unit_ids_of` on the column's uniques, spread to its rows); the
    unknown names are reported here."""
    missing = ids.isna() & (names != "")  # an empty name is reported by itself
    if missing.any():
        units = dataset.level(level).units
        known = [n for u in units for n in (*u.name.values(), *u.aliases)]
        errors = []
        for i in np.flatnonzero(missing.to_numpy())[:MAX_CELL_ERRORS]:
            i = int(i)
            why = near_miss(names.iloc[i], known)
            errors.append(
                DataError(
                    f"unknown unit {show(names.iloc[i])} for level {level!r}" + (f": {why}" if why else ""),
                    "add it, or this spelling as an alias of the right unit, under 'units:' in dataset.yml"
                    if not why
                    else "retype the name",
                    path,
                    int(rows.iloc[i]),
                    header,
                )
            )
        n_missing = int(missing.sum())
        if n_missing > MAX_CELL_ERRORS:
            errors.append(
                DataError(
                    f"{n_missing - MAX_CELL_ERRORS:,} more rows below with an unknown unit",
                    "add the units under 'units:' in dataset.yml, or leave 'units:' out to take them from the table",
                    path,
                    int(rows.iloc[int(np.flatnonzero(missing.to_numpy())[MAX_CELL_ERRORS])]),
                    header,
                )
            )
        raise_all(errors)
    return ids


def unit_ids_of(names: pd.Series, dataset: Dataset, level: str) -> pd.Series:
    """The unit id each clean name (:func:`~parlib.data.text.clean_name`) stands for in ``level``
    (names and aliases, NFC, case-folded), NaN for a name of no unit."""
    return names.str.casefold().map(dataset.level(level).unit_names())


def printed_unit_names(spec: TableSpec, dataset: Dataset) -> list[str]:
    """The unit names a table prints, in file order (for a level that lists no units)."""
    meth = dataset.methodologies[spec.methodology]
    frame, first_row = read_raw_table(spec.path)
    for col, value in spec.filter.items():
        if col not in frame.columns:
            raise DataError(
                f"dataset.yml filters on column {col!r}, which the table does not have",
                f"the table's columns are: {', '.join(frame.columns)}",
                spec.path,
                first_row - 1,
            )
        frame = frame[clean_names(frame[col]) == value]
    canon, _ = map_columns([c for c in frame.columns if c not in spec.filter], spec, meth, spec.path, first_row - 1)
    return [n for n in clean_names(frame[canon["unit"]]).tolist() if n]


def read_scores_table(spec: TableSpec, dataset: Dataset) -> TableScores:
    """Read one table and return its tidy unit and field frames, validated against the methodology."""
    meth = dataset.methodologies[spec.methodology]
    path = spec.path
    frame, first_row = read_raw_table(path, unit_headers=tuple(v for k, v in spec.columns.items() if k == "unit"))
    # the frame's index is each row's offset from the first data row (gaps where empty rows were dropped)
    rows = pd.Series(frame.index.to_numpy() + first_row, index=frame.index)
    for col, value in spec.filter.items():
        if col not in frame.columns:
            raise DataError(
                f"dataset.yml filters on column {col!r}, which the table does not have",
                f"the table's columns are: {', '.join(frame.columns)}",
                path,
                first_row - 1,
            )
        values = clean_names(frame[col])
        keep = values == value
        if not keep.any() and not frame.empty:
            seen = sorted(set(values[values != ""]))
            listed = ", ".join(show(v, 20) for v in seen[:8]) + (f" and {len(seen) - 8} more" if len(seen) > 8 else "")
            raise DataError(
                f"the filter {col}: {show(value)} in dataset.yml matches no row: column {show(col)} holds "
                f"{listed or 'no value'}",
                "correct the filter's value (it is compared as text)",
                path,
                first_row - 1,
                col,
            )
        frame, rows = frame[keep], rows[keep]
    if frame.empty:
        raise DataError("the table has a header but no rows", "add the units' rows below the header", path, first_row)
    canon, field_cols = map_columns([c for c in frame.columns if c not in spec.filter], spec, meth, path, first_row - 1)
    frame, rows = frame.reset_index(drop=True), rows.reset_index(drop=True)
    gran = (
        detect_granularity(canon, field_cols)
        if (set(canon) - {"unit", "rank", "band", "no", "provenance", "status"}) or field_cols
        else None
    )
    if gran is None:
        raise DataError(
            "no score column (total, index, appraised, survey, or field points)",
            "add at least a 'Tổng điểm' column",
            path,
            first_row - 1,
        )
    # The checks of names, numbers, ranks and provenance are independent of each other: every
    # mistake of the table is reported at once, one line each.
    collect = ErrorCollector()
    codes, clean_u = clean_codes(frame[canon["unit"]])
    names = spread(clean_u, codes, frame.index)
    collect.errors.extend(
        row_errors(
            spread(clean_u == "", codes, frame.index),
            lambda i: "the unit name is empty",
            "fill in the unit's name",
            path,
            rows,
            canon["unit"],
        )
    )
    ids_u = unit_ids_of(clean_u, dataset, spec.level)
    found = spread(ids_u, codes, frame.index)
    unit_ids = collect.run(match_units, names, dataset, spec.level, path, rows, canon["unit"], found)
    dec = meth.decimals
    num: dict[str, pd.Series] = {}
    for c in NUMERIC:
        if c in canon:
            maximum = {
                "total": meth.max_total,
                "index": 100.0,
                "appraised": meth.max_total,
                "survey": meth.survey_max or meth.max_total,
                "rank": None,
            }.get(c)
            parsed = collect.run(
                _numbers,
                frame,
                c,
                canon[c],
                path,
                rows,
                decimals=dec,
                maximum=maximum,
                required=(c not in ("rank", "max") and not spec.partial and gran != "criteria"),
            )
            if parsed is not None:
                num[c] = parsed
    if "rank" in num:
        r = num["rank"]
        collect.errors.extend(
            row_errors(
                r.notna() & ((r % 1 != 0) | (r < 1)),
                lambda i: f"rank {r.iloc[i]:g} is not a whole number of 1 or more",
                "write the rank as printed, e.g. 3",
                path,
                rows,
                canon["rank"],
            )
        )
    prov = pd.Series(spec.provenance, index=frame.index, dtype=object)
    if "provenance" in canon:
        given = clean_names(frame[canon["provenance"]]).str.lower()
        prov = given.where(given != "", spec.provenance)
        collect.errors.extend(
            row_errors(
                ~prov.isin(["published", "inferred", "illustrative"]),
                lambda i: f"provenance {prov.iloc[i]!r} unknown",
                "write published, inferred or illustrative",
                path,
                rows,
                canon["provenance"],
            )
        )
    collect.raise_if_any()
    assert unit_ids is not None  # match_units raised into `collect` otherwise
    if "status" in canon:
        prov = prov.where(~clean_names(frame[canon["status"]]).str.casefold().str.contains("inferred"), "inferred")

    base = pd.DataFrame(
        {
            "year": spec.year,
            "level": spec.level,
            "unit_id": unit_ids,
            "name_printed": names,
            "row": rows,
            "provenance": prov,
        }
    )
    if gran == "criteria":
        unit_codes = pd.factorize(ids_u)[0]  # per distinct printed name: the unit's code (aliases share one)
        return _criteria_table(frame, canon, base, num, meth, spec, rows, unit_codes[codes])

    raise_all(
        row_errors(
            base["unit_id"].duplicated(),
            lambda i: f"unit {names.iloc[i]!r} appears more than once",
            "keep one row per unit",
            path,
            rows,
            canon["unit"],
        )
    )
    units = base.copy()
    for c in ("appraised", "survey", "self_assessed"):
        units[c] = num.get(c, pd.Series(np.nan, index=frame.index))
    units["printed_total"] = num.get("total", pd.Series(np.nan, index=frame.index))
    units["printed_index"] = num.get("index", pd.Series(np.nan, index=frame.index))
    units["printed_rank"] = num.get("rank", pd.Series(np.nan, index=frame.index))
    units["printed_band"] = clean_names(frame[canon["band"]]) if "band" in canon else ""
    fields = _empty_fields()
    if gran == "fields":
        missing = [f.id for f in meth.fields if f.id not in field_cols]
        if missing:
            raise DataError(
                f"field column(s) {', '.join(missing)} missing",
                f"give one column per field of the methodology {meth.id!r}, or none",
                path,
                first_row - 1,
            )
        parts = []
        for f in meth.fields:
            pts = _numbers(
                frame, f.id, field_cols[f.id], path, rows, decimals=dec, maximum=f.max, required=not spec.partial
            )
            parts.append(
                pd.DataFrame(
                    {
                        "year": spec.year,
                        "level": spec.level,
                        "unit_id": unit_ids,
                        "row": rows,
                        "field_id": f.id,
                        "max": f.max,
                        "self_assessed": np.nan,
                        "appraised": pts if f.component == "appraisal" else np.nan,
                        "survey": pts if f.component == "survey" else np.nan,
                        "points": pts,
                    }
                )
            )
        fields = pd.concat(parts, ignore_index=True)
        _check_field_maxima(fields, meth, path, field_cols)
        by_unit = fields.groupby("unit_id", sort=False)
        # unit_id is unique here: duplicates were refused above, with their row
        units = units.set_index("unit_id")
        if "appraised" not in num:
            units["appraised"] = by_unit["appraised"].sum(min_count=1)
        if "survey" not in num:
            units["survey"] = by_unit["survey"].sum(min_count=1)
        units["parts_total"] = by_unit["points"].sum(min_count=1)
        units["n_parts"] = len(meth.fields)
        units = units.reset_index()
    else:
        have_parts = "appraised" in num and "survey" in num
        units["parts_total"] = (units["appraised"] + units["survey"]) if have_parts else np.nan
        units["n_parts"] = 2 if have_parts else 0
    return TableScores(_finish_units(units, meth, spec, canon), fields, gran)


def _criteria_table(
    frame: pd.DataFrame,
    canon: dict[str, str],
    base: pd.DataFrame,
    num: dict[str, pd.Series],
    meth: Methodology,
    spec: TableSpec,
    rows: pd.Series,
    unit_k: np.ndarray,
) -> TableScores:
    """The criteria granularity: one row per unit and field (or criterion), summed per field and
    per unit. ``unit_k``: each row's unit as a small integer, the same for every name of a unit."""
    path = spec.path
    lookup = {}
    for k, f in enumerate(meth.fields):
        for n in (f.id, f.name["vi"], f.name["en"]):
            lookup[name_key(n)] = k
    # Rows are keyed by small integers (unit, field, criterion codes), each text column factorised
    # once: duplicate rows and the per-field sums need no string hashing of 400,000 rows again.
    codes, clean_u = clean_codes(frame[canon["field"]])
    field_k = clean_u.str.casefold().map(lookup).to_numpy(dtype=float)[codes]
    if np.isnan(field_k).any():
        i = int(np.flatnonzero(np.isnan(field_k))[0])
        raise DataError(
            f"unknown field {clean_u.iloc[codes[i]]!r}",
            f"use a field id or name of methodology {meth.id!r}",
            path,
            int(rows.iloc[i]),
            canon["field"],
        )
    n_fields = len(meth.fields)
    field_ids = np.array([f.id for f in meth.fields], dtype=object)
    first_rows = np.unique(unit_k, return_index=True)[1]  # [c]: the first row of the unit coded c
    unit_ids = base["unit_id"].to_numpy(dtype=object)[first_rows]
    uf_key = unit_k.astype(np.int64) * n_fields + field_k.astype(np.int64)
    crit = base.assign(field_id=field_ids[field_k.astype(np.int64)])
    key = uf_key
    if "criterion" in canon:
        ccodes, cclean_u = clean_codes(frame[canon["criterion"]])
        crit["criterion"] = spread(cclean_u, ccodes, frame.index)
        ck, _ = pd.factorize(cclean_u)  # raw spellings that clean to one criterion are one criterion
        ck = ck[ccodes].astype(np.int64)
        key = uf_key * (int(ck.max(initial=0)) + 1) + ck
    dup = pd.Series(key).duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(
            f"unit {crit['name_printed'].iloc[i]!r} has field {crit['field_id'].iloc[i]!r}"
            + (f" criterion {crit['criterion'].iloc[i]!r}" if "criterion" in canon else "")
            + " twice",
            "keep one row per unit and field (or criterion)",
            path,
            int(rows.iloc[i]),
            canon["unit"],
        )
    for c in ("max", "self_assessed", "appraised", "survey"):
        crit[c] = num.get(c, pd.Series(np.nan, index=frame.index))
    scored = crit[["appraised", "survey"]].notna().any(axis=1)
    if not scored.all():
        i = int(np.flatnonzero((~scored).to_numpy())[0])
        raise DataError(
            "no appraised or survey points in this row",
            "fill in the points, 0 if none were given",
            path,
            int(rows.iloc[i]),
            canon.get("appraised", canon.get("survey")),
        )
    crit["points"] = crit[["appraised", "survey"]].sum(axis=1, min_count=1)
    for c in ("points", "self_assessed"):
        over = crit["max"].notna() & (crit[c] > crit["max"] + _EPS)
        if over.any():
            i = int(np.flatnonzero(over.to_numpy())[0])
            raise DataError(
                f"{c.replace('_', ' ')} {crit[c].iloc[i]:g} is above the maximum {crit['max'].iloc[i]:g}",
                "check the score and the maximum",
                path,
                int(rows.iloc[i]),
                canon.get("appraised" if c == "points" else c),
            )
    # Vectorised group sums (min_count=1 keeps "not given" apart from 0); no Python call per group.
    g = crit.groupby(uf_key, sort=False)
    fields = g[["max", "self_assessed", "appraised", "survey"]].sum(min_count=1).rename(columns={"max": "max_given"})
    fields["row"] = g["row"].min()
    fields["points"] = g["points"].sum()
    group_key = fields.index.to_numpy(dtype=np.int64)
    fields.insert(0, "field_id", field_ids[group_key % n_fields])
    fields.insert(0, "unit_id", unit_ids[group_key // n_fields])
    fields = fields.reset_index(drop=True)
    fmax = {f.id: f.max for f in meth.fields}
    fields["max"] = fields["field_id"].map(fmax)
    bad_max = fields["max_given"].notna() & ((fields["max_given"] - fields["max"]).abs() > 1e-6)
    if bad_max.any():
        i = int(np.flatnonzero(bad_max.to_numpy())[0])
        r = fields.iloc[i]
        raise DataError(
            f"the maxima of field {r['field_id']!r} sum to {r['max_given']:g}, the methodology says {r['max']:g}",
            "correct the maximum points in the table or in dataset.yml",
            path,
            int(r["row"]),
            canon.get("max"),
        )
    counts = fields.groupby("unit_id")["field_id"].nunique()
    short = counts[counts < len(meth.fields)]
    if len(short):
        uid = short.index[0]
        have = set(fields.loc[fields["unit_id"] == uid, "field_id"])
        lack = [f.id for f in meth.fields if f.id not in have]
        r0 = int(fields.loc[fields["unit_id"] == uid, "row"].min())
        raise DataError(
            f"unit {uid!r} has no row for field(s) {', '.join(lack)}",
            "give every unit a row for every field",
            path,
            r0,
            canon["field"],
        )
    fields.insert(0, "level", spec.level)
    fields.insert(0, "year", spec.year)
    fields = fields[
        ["year", "level", "unit_id", "row", "field_id", "max", "self_assessed", "appraised", "survey", "points"]
    ]
    _check_field_maxima(fields, meth, path, {})
    by_unit = fields.groupby("unit_id", sort=False)
    first = crit.iloc[np.sort(first_rows)].set_index("unit_id")  # each unit's first row
    units = pd.DataFrame(
        {
            "year": spec.year,
            "level": spec.level,
            "name_printed": first["name_printed"],
            "row": first["row"],
            "provenance": first["provenance"],
            "appraised": by_unit["appraised"].sum(min_count=1),
            "survey": by_unit["survey"].sum(min_count=1),
            "self_assessed": by_unit["self_assessed"].sum(min_count=1),
            "printed_total": np.nan,
            "printed_index": np.nan,
            "printed_rank": np.nan,
            "printed_band": "",
            "parts_total": by_unit["points"].sum(),
            "n_parts": len(meth.fields),
        }
    )
    units = units.rename_axis("unit_id").reset_index()
    return TableScores(_finish_units(units, meth, spec, canon), fields.reset_index(drop=True), "criteria")


def _check_field_maxima(fields: pd.DataFrame, meth: Methodology, path: Path, field_cols: dict[str, str]) -> None:
    over = fields["points"] > fields["max"] + _EPS
    if over.any():
        i = int(np.flatnonzero(over.to_numpy())[0])
        r = fields.iloc[i]
        raise DataError(
            f"field {r['field_id']!r} has {r['points']:g} points, above its maximum {r['max']:g}",
            "check the score, or the field's maximum in dataset.yml",
            path,
            int(r["row"]),
            field_cols.get(r["field_id"]),
        )


def _empty_fields() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in (
                ("year", "int64"),
                ("level", object),
                ("unit_id", object),
                ("row", "int64"),
                ("field_id", object),
                ("max", float),
                ("self_assessed", float),
                ("appraised", float),
                ("survey", float),
                ("points", float),
            )
        }
    )


def _finish_units(
    units: pd.DataFrame, meth: Methodology, spec: TableSpec, canon: dict[str, str] | None = None
) -> pd.DataFrame:
    """Totals from what the table gives: printed total, else sum of parts, else index × maximum.
    ``canon`` (canonical column → header) names the column of a total above the maximum."""
    canon = canon or {}
    units = units.copy()
    parts = total_from_parts(units["parts_total"], meth.decimals)
    from_index = units["printed_index"] * meth.max_total / 100.0
    units["total"] = units["printed_total"].fillna(parts).fillna(from_index)
    over = units["total"] > meth.max_total + _EPS
    if over.any():
        i = int(np.flatnonzero(over.to_numpy())[0])
        if pd.notna(units["printed_total"].iloc[i]):
            column, source = canon.get("total"), ""
        elif pd.notna(units["parts_total"].iloc[i]):
            column, source = (
                None,
                " (the sum of its parts"
                + (
                    f": {canon['appraised']} + {canon['survey']})"
                    if "appraised" in canon and "survey" in canon
                    else ")"
                ),
            )
        else:
            column, source = canon.get("index"), " (from the printed index)"
        raise DataError(
            f"total {units['total'].iloc[i]:g}{source} is above the maximum {meth.max_total:g}",
            "check the score and the methodology's max_total",
            spec.path,
            int(units["row"].iloc[i]),
            column,
        )
    if meth.survey_max is not None:
        over = units["survey"] > meth.survey_max + _EPS
        if over.any():
            i = int(np.flatnonzero(over.to_numpy())[0])
            raise DataError(
                f"survey points {units['survey'].iloc[i]:g} above the maximum {meth.survey_max:g}",
                "check the score and the methodology's survey_max",
                spec.path,
                int(units["row"].iloc[i]),
                canon.get("survey"),
            )
    units["partial"] = spec.partial
    cols = [
        "year",
        "level",
        "unit_id",
        "name_printed",
        "row",
        "provenance",
        "self_assessed",
        "appraised",
        "survey",
        "parts_total",
        "n_parts",
        "printed_total",
        "printed_index",
        "printed_rank",
        "printed_band",
        "total",
        "partial",
    ]
    return units[cols].reset_index(drop=True)
