"""The CSV reader's checks on the file's bytes (issue 13's limits, kept when issue 14 made pandas read
from the path): line bounds and UTF-8 read a chunk at a time, rows too wide, NUL located, Excel's
"sep=" line with a byte-order mark, cells longer than the limit inside quotes. Hand-made tiny files;
the chunk size and the limits are lowered so that a few bytes cross them."""

import numpy as np
import pytest

import parlib.data.tables as tables
from parlib.data.tables import read_raw_table
from parlib.errors import DataError


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5, 64])
def test_line_bounds_whatever_the_chunk(monkeypatch, chunk):
    # lines: "ab" (0-2), "cdefgh" (3-9), "" (10-10), "xyz" (11-14, no newline at the end)
    monkeypatch.setattr(tables, "_CHUNK", chunk)
    bounds = list(tables._line_bounds(b"ab\ncdefgh\n\nxyz"))
    starts = np.concatenate([s for s, _ in bounds]).tolist()
    ends = np.concatenate([e for _, e in bounds]).tolist()
    assert (starts, ends) == ([0, 3, 10, 11], [2, 9, 10, 14])
    assert tables._longest_line(b"ab\ncdefgh\n\nxyz") == 6
    assert tables._longest_line(b"ab\n") == 2


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_utf8_checked_in_chunks_a_letter_cut_between_two_is_fine(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(tables, "_CHUNK", chunk)
    p = tmp_path / "t.csv"
    good = "Tên đơn vị,Tổng điểm\nSở Tư pháp,80\n".encode()  # 'ê', 'ơ', 'ở' are 2-3 bytes each
    tables._check_utf8(good, p)
    bad = good + b"S\xe9 Y t\xe9,70\n"  # Windows-1258 bytes on the third line
    with pytest.raises(DataError, match="not UTF-8") as e:
        tables._check_utf8(bad, p)
    assert e.value.row == 3


def test_a_data_row_padded_with_separators_is_refused_with_its_row(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("unit,total\nSở Y tế,80\nSở Nội vụ,70" + "," * 600 + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="the row has 602 cells; parlib reads at most 500") as e:
        read_raw_table(p)
    assert e.value.row == 3


def test_separators_inside_quotes_do_not_count_as_columns(tmp_path):
    p = tmp_path / "t.csv"
    name = "Sở" + "," * 600 + "Y tế"
    p.write_text(f'unit,total\n"{name}",80\n', encoding="utf-8")
    frame, first = read_raw_table(p)
    assert frame["unit"].tolist() == [name] and frame["total"].tolist() == ["80"] and first == 2


def test_bom_then_sep_line_then_semicolons(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes("\ufeffsep=;\r\nunit;total\r\nSở Y tế;80,5\r\n\r\nSở Nội vụ;70\r\n".encode())
    frame, first = read_raw_table(p)
    assert first == 3  # the header is file row 2, the first data row file row 3
    assert list(frame.columns) == ["unit", "total"]
    assert frame["total"].tolist() == ["80,5", "70"]
    assert [first + i for i in frame.index] == [3, 5]  # the blank row 4 keeps its place


def test_nul_after_a_sep_line_names_file_row_and_column(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(b"sep=;\nunit;total\nS\xe1\xbb\x9f Y t\xe1\xba\xbf;80\nS\xe1\xbb\x9f N\x00i v\xe1\xbb\xa5;70\n")
    with pytest.raises(DataError, match=r"NUL character \(U\+0000\)") as e:
        read_raw_table(p)
    assert (e.value.row, e.value.column) == (4, "unit")


def test_a_long_cell_spanning_short_lines_inside_quotes_is_refused(tmp_path, monkeypatch):
    # every line is at most 31 bytes, but the quoted cell holds 3 × 30 letters and 2 newlines = 92
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 50)
    p = tmp_path / "t.csv"
    p.write_text('unit,total\nSở Y tế,80\n"' + "\n".join(["a" * 30] * 3) + '",70\n', encoding="utf-8")
    with pytest.raises(DataError, match="the cell holds 92 characters") as e:
        read_raw_table(p)
    assert (e.value.row, e.value.column) == (3, "unit")


def test_a_long_unquoted_cell_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 50)
    p = tmp_path / "t.csv"
    p.write_text("unit,total\nSở Y tế,80\n" + "b" * 60 + ",70\n", encoding="utf-8")
    with pytest.raises(DataError, match="the cell holds 60 characters") as e:
        read_raw_table(p)
    assert (e.value.row, e.value.column) == (3, "unit")


@pytest.mark.parametrize("head", [4, 13, 14, 15, 1 << 20])
def test_a_bad_byte_past_the_checked_head_is_still_found_at_its_line(tmp_path, monkeypatch, head):
    """read_raw_table checks the first ``_HEAD_BYTES`` itself and leaves the rest to pandas' strict
    decoding; either way the error is the same line. Bytes 13–14 are the 'ơ' of "Sở" on line 2,
    so a head of 14 cuts that letter in two, which is fine."""
    monkeypatch.setattr(tables, "_HEAD_BYTES", head)
    p = tmp_path / "t.csv"
    good = "unit,total\nSở Tư pháp,80\nSở Y tế,70\n".encode()
    p.write_bytes(good)
    frame, _ = read_raw_table(p)
    assert frame["unit"].tolist() == ["Sở Tư pháp", "Sở Y tế"]
    p.write_bytes(good + b"S\xe9 N\xf4i v\xf9,60\n")  # Windows-1258 bytes on line 4
    with pytest.raises(DataError, match="not UTF-8") as e:
        read_raw_table(p)
    assert (e.value.row, e.value.file) == (4, p)


def test_a_row_is_blank_only_when_every_cell_is_empty_or_spaces(tmp_path):
    """Rows 3 and 6 are blank (empty cells, spaces, a tab); row 4 has only its last cell, row 5 only
    its first, row 7 only its middle one: those are rows (with mistakes the table's checks report)."""
    p = tmp_path / "t.csv"
    p.write_text(
        "unit,field,total\nSở Y tế,a,80\n,,\n,, 70\nSở Nội vụ,,\n  ,\t, \n,b,\nSở Tư pháp,c,60\n", encoding="utf-8"
    )
    frame, first = read_raw_table(p)
    assert [first + i for i in frame.index] == [2, 4, 5, 7, 8]
    assert tables._blank_rows(frame).tolist() == [False] * 5


@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 22])
def test_count_byte_counts_as_bytes_count_does_across_chunks(monkeypatch, chunk):
    monkeypatch.setattr(tables, "_CHUNK", chunk)
    data = "a;b\nSở;Y tế\n\n;;\n".encode()
    assert tables._count_byte(data, b"\n") == 4  # counted by hand
    assert tables._count_byte(data, b";") == 4
    assert tables._count_byte(b"a||b||c|", b"||") == 2  # a separator of two bytes: bytes.count
    assert tables._count_byte(b"", b"\n") == 0
    assert tables._count_byte(data, b"\xe1") == data.count(b"\xe1") == 2  # a byte inside 'ở' and 'ế'
