"""parlib.data.xlsx: the first sheet of a workbook read as a stream, within its limits.

Fast: each workbook is a zip of a few lines of XML written here (the parts of the Office Open XML
format parlib reads: workbook, relationships, shared strings, one or two sheets), so that every cell,
reference and limit is in view; one test reads a workbook openpyxl wrote. The limits are lowered for a
test (the module takes them at import) so that a sheet exactly at a limit and one just over stay small.
Expected values by hand.
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import openpyxl
import pytest

from parlib.data import xlsx
from parlib.data.xlsx import Merged, column_letter, read_xlsx
from parlib.errors import DataError

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
WORKBOOK = f'<workbook {NS} {REL_NS}><sheets><sheet name="Một" sheetId="1" r:id="rId1"/></sheets></workbook>'
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _sheet(rows: str, merges: str = "") -> str:
    merged = f"<mergeCells>{merges}</mergeCells>" if merges else ""
    return f"<worksheet {NS}><sheetData>{rows}</sheetData>{merged}</worksheet>"


def _strings(*texts: str) -> str:
    return f"<sst {NS}>" + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>"


def _book(
    tmp_path: Path, sheet: str | None, *, strings: str | None = None, name: str = "t.xlsx", **members: str
) -> Path:
    """A workbook whose first sheet is ``sheet`` (xl/worksheets/sheet1.xml); ``members`` add or replace
    parts by their name in the zip."""
    parts = {"xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": RELS}
    if sheet is not None:
        parts["xl/worksheets/sheet1.xml"] = sheet
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    for key, content in members.items():
        parts[key] = content
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, content in parts.items():
            if content is not None:
                zf.writestr(member, content)
    return path


def _refused(path: Path) -> DataError:
    with pytest.raises(DataError) as e:
        read_xlsx(path)
    return e.value


def test_column_letters():
    assert [column_letter(c) for c in (1, 2, 26, 27, 28, 52, 53, 702, 703, 16384)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",  # Excel's last column
    ]
    assert column_letter(0) == ""


def test_column_numbers_from_letters():
    assert [xlsx._column_number(s) for s in ("A", "b", "Z", "AA", "az", "BA", "ZZ", "AAA", "XFD")] == [
        1,
        2,
        26,
        27,
        52,
        53,
        702,
        703,
        16384,
    ]


def test_local_names():
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    assert xlsx._local(f"{main} c") == "c"
    assert xlsx._local("x:row") == "row"
    assert xlsx._local(f"{main} x:t") == "t"
    assert xlsx._local("v") == "v"


def test_values_typed_as_excel_stored_them(tmp_path):
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>90.766</v></c><c r="B2" t="n"><v>7</v></c><c r="C2" t="str"><f>A2</f><v>90,77</v></c></row>'
        '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="b"><v>true</v></c>'
        '<c r="D3" t="e"><v>#DIV/0!</v></c><c r="E3" t="inlineStr"><is><t>Sở </t></is></c></row>'
        '<row r="5"><c r="B5" t="inlineStr"><is><r><t>Bắc </t></r><r><t>Kạn</t></r></is></c>'
        '<c r="C5" t="d"><v>2023-12-31</v></c><c r="D5"><v>abc</v></c></row>'
    )
    path = _book(tmp_path, _sheet(rows), strings=_strings("Tên đơn vị", "Tổng điểm"))
    assert read_xlsx(path) == (
        [
            ["Tên đơn vị", None, "Tổng điểm"],
            [90.766, 7.0, "90,77"],
            [True, False, True, "#DIV/0!", "Sở "],
            [],
            [None, "Bắc Kạn", "2023-12-31", "abc"],
        ],
        [],
    )


def test_empty_text_cells_and_empty_rows_hold_nothing(tmp_path):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c><c r="B1" t="s"><v>0</v></c></row><row r="2"/>'
    assert read_xlsx(_book(tmp_path, _sheet(rows), strings=_strings(""))) == ([], [])
    rows = '<row r="1"><c r="C1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>'  # a cell may come after
    assert read_xlsx(_book(tmp_path, _sheet(rows), strings=_strings("x"))) == ([[None, 2.0, "x"]], [])


def test_cells_and_rows_without_a_reference_follow_the_one_before(tmp_path):
    rows = (
        '<row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c><c r="E2"><v>5</v></c><c><v>6</v></c></row>'
        "<row><c><v>7</v></c></row>"  # row 3, first column
        '<row r="x"><c><v>8</v></c></row>'  # not a row number: the next row, 4
    )
    assert read_xlsx(_book(tmp_path, _sheet(rows)))[0] == [[], [None, 1.0, 2.0, None, 5.0, 6.0], [7.0], [8.0]]


def test_formatted_empty_cells_and_rows_keep_every_value_at_its_place(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c><c s="3"/><c s="3"/><c><v>4</v></c><c r="F1" s="2"/><c><v>7</v></c></row>'
        '<row r="2" s="1"/><row r="3"/><row r="4"/><row><c><v>5</v></c></row>'
        '<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c s="1"/><x:c><x:v>9</x:v></x:c></x:row>'
    )
    assert read_xlsx(_book(tmp_path, _sheet(rows)))[0] == [
        [1.0, None, None, 4.0, None, None, 7.0],  # 7 after F1: G1
        [],
        [],
        [],
        [5.0],
        [None, 9.0],
    ]


CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def test_empty_cells_and_rows_with_a_reference_then_values_without(tmp_path):
    """An empty cell or row keeps its reference when collapsed: a value written after it without one
    is at the next place, as openpyxl (whose data_only reading parlib follows) places it."""
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c><c/><c/><c><v>4</v></c><c r="F1"/><c><v>7</v></c></row>'
        '<row r="2"/><row r="3"/><row r="4"/><row><c><v>5</v></c></row>'
        "<row r='9'/><row><c r='B10'/><c><v>3</v></c></row>"
    )
    rels = RELS.replace(
        'Type="worksheet"', 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    )
    path = _book(
        tmp_path,
        _sheet(rows),
        **{"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS, "xl/_rels/workbook.xml.rels": rels},
    )
    values, _ = read_xlsx(path)
    placed = {
        f"{column_letter(c + 1)}{r + 1}": v for r, row in enumerate(values) for c, v in enumerate(row) if v is not None
    }
    assert placed == {"A1": 1.0, "D1": 4.0, "G1": 7.0, "A5": 5.0, "C10": 3.0}
    ws = openpyxl.load_workbook(path, data_only=True).active
    assert {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None} == placed


def test_merged_ranges(tmp_path):
    merges = (
        '<mergeCell ref="A1:C1"/><mergeCell ref="B3:B4"/><mergeCell ref="$D$5"/><mergeCell ref="junk"/><mergeCell/>'
    )
    rows, merged = read_xlsx(_book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row>', merges)))
    assert merged == [Merged(1, 1, 1, 3), Merged(3, 2, 4, 2), Merged(5, 4, 5, 4)]
    assert [m.coord for m in merged] == ["A1:C1", "B3:B4", "D5:D5"]


def test_phonetic_runs_are_not_part_of_a_text(tmp_path):
    strings = (
        f'<sst {NS}><si><r><t>Sở </t></r><rPh sb="0" eb="1"><t>so</t></rPh><r><t>Y tế</t></r>'
        '<phoneticPr fontId="1"/></si><si><t>Hai</t><rPh><t>x</t></rPh></si></sst>'
    )
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    assert read_xlsx(_book(tmp_path, _sheet(rows), strings=strings))[0] == [["Sở Y tế", "Hai"]]


def test_a_text_the_workbook_does_not_have(tmp_path):
    rows = '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>5</v></c></row>'
    path = _book(tmp_path, _sheet(rows), strings=_strings("a", "b"))
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "cell B2 points to a text the workbook does not have",
        "re-save it from Excel as .xlsx",
        path,
        None,
    )
    assert _refused(_book(tmp_path, _sheet('<row r="2"><c r="C2" t="s"><v>x</v></c></row>'))).what == (
        "cell C2 points to a text the workbook does not have"
    )


def test_the_first_sheet_is_the_workbooks_first_through_its_relationships(tmp_path):
    workbook = (
        f'<workbook {NS} {REL_NS}><sheets><sheet name="B" sheetId="2" r:id="rId7"/>'
        '<sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Target="{}"/></Relationships>'
    )
    one = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    two = _sheet('<row r="1"><c r="A1"><v>2</v></c></row>')
    for target in ("worksheets/sheet2.xml", "/xl/worksheets/sheet2.xml", "./worksheets/../worksheets/sheet2.xml"):
        assert read_xlsx(_book(tmp_path, one, **{"xl/worksheets/sheet2.xml": two}))[0] == [[1.0]]
        path = _book(
            tmp_path,
            one,
            **{
                "xl/workbook.xml": workbook,
                "xl/_rels/workbook.xml.rels": rels.format(target),
                "xl/worksheets/sheet2.xml": two,
            },
        )
        assert read_xlsx(path)[0] == [[2.0]], target


def _zip(tmp_path: Path, parts: dict[str, str], name: str = "z.xlsx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, content in parts.items():
            zf.writestr(member, content)
    return path


def test_without_its_workbook_part_sheet1_is_read(tmp_path):
    one = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    assert read_xlsx(_zip(tmp_path, {"xl/worksheets/sheet1.xml": one}))[0] == [[1.0]]
    # relationships that lead nowhere in the zip: sheet1 too
    rels = RELS.replace("worksheets/sheet1.xml", "worksheets/gone.xml")
    parts = {"xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": one}
    assert read_xlsx(_zip(tmp_path, parts))[0] == [[1.0]]
    # a first sheet without a relationship id, then one with: the first sheet's id is looked for only
    wb = WORKBOOK.replace('r:id="rId1"', "")
    parts = {"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": RELS, "xl/worksheets/sheet1.xml": one}
    assert read_xlsx(_zip(tmp_path, parts))[0] == [[1.0]]


def test_a_relationship_without_its_target_is_not_followed(tmp_path):
    one = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    two = _sheet('<row r="1"><c r="A1"><v>2</v></c></row>')
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1"/><Relationship Target="worksheets/s2.xml"/></Relationships>'
    )
    parts = {"xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": rels}
    parts |= {"xl/worksheets/sheet1.xml": one, "xl/worksheets/s2.xml": two}
    assert read_xlsx(_zip(tmp_path, parts))[0] == [[1.0]]


def test_a_zip_without_a_sheet(tmp_path):
    path = _zip(tmp_path, {"xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": RELS})
    e = _refused(path)
    assert (e.what, e.todo, e.file) == ("cannot read as XLSX (KeyError)", "re-save it from Excel as .xlsx", path)
    assert _refused(_zip(tmp_path, {"mimetype": "x"})).what == "cannot read as XLSX (KeyError)"


def test_broken_xml(tmp_path):
    path = _book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></row>'))
    assert _refused(path).what == "cannot read as XLSX (ExpatError)"


def test_not_a_zip_and_an_old_excel_file(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"STT,Ten\n1,So\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        "cannot read as XLSX (not a zip archive)",
        "re-save it from Excel as .xlsx",
        path,
    )
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        "the file is an Excel 97-2003 workbook (.xls) or a password-protected one, not an XLSX",
        "open it in Excel and save it as .xlsx without a password",
        path,
    )


def test_file_size_at_the_limit_and_one_byte_over(tmp_path, monkeypatch):
    path = _book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    size = path.stat().st_size
    monkeypatch.setattr(xlsx, "MAX_TABLE_BYTES", size)
    assert read_xlsx(path)[0] == [[1.0]]
    monkeypatch.setattr(xlsx, "MAX_TABLE_BYTES", size - 1)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        f"the file is {size:,} bytes; parlib reads tables of at most {size - 1:,}",
        "is this the right file? save only the table's sheet",
        path,
    )


def test_sheet_size_once_uncompressed(tmp_path, monkeypatch):
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    path = _book(tmp_path, sheet)
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(sheet))
    assert read_xlsx(path)[0] == [[1.0]]
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(sheet) - 1)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        f"the sheet is {len(sheet):,} bytes once uncompressed; parlib reads sheets of at most {len(sheet) - 1:,}",
        xlsx._FIX,
        path,
    )


def test_a_stream_is_read_within_its_limit(tmp_path, monkeypatch):
    """The bytes are counted as they are decompressed, whatever size the zip states."""
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    path = _book(tmp_path, sheet)
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(sheet) - 1)
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(xlsx._Limit):
            xlsx._feed(zf, "xl/worksheets/sheet1.xml", _NullParser())
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(sheet))
    with zipfile.ZipFile(path) as zf:
        parser = _NullParser()
        xlsx._feed(zf, "xl/worksheets/sheet1.xml", parser)
        assert b"".join(parser.fed) == sheet.encode() and parser.ended


class _NullParser:
    def __init__(self):
        self.fed: list[bytes] = []
        self.ended = False

    def Parse(self, data: bytes, eof: bool) -> None:  # noqa: N802 (expat's name)
        self.fed.append(data)
        self.ended = self.ended or eof


def test_the_read_limit_of_a_stream_and_its_message(tmp_path, monkeypatch):
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    path = _book(tmp_path, sheet)
    real_getinfo, real_open = zipfile.ZipFile.getinfo, zipfile.ZipFile.open

    def lying(self, name):  # the sheet's entry states 10 bytes
        info = copy.copy(real_getinfo(self, name))
        if name.endswith("sheet1.xml"):
            info.file_size = 10
        return info

    def open_as_written(self, name, *args, **kwargs):
        return real_open(self, real_getinfo(self, name) if isinstance(name, str) else name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "getinfo", lying)
    monkeypatch.setattr(zipfile.ZipFile, "open", open_as_written)
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", 20)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == ("the sheet is more than 20 bytes once uncompressed", xlsx._FIX, path)


def test_read_in_small_chunks_gives_the_same_rows(tmp_path, monkeypatch):
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Sở Giao thông vận tải</t></is></c><c s="1"/><c s="1"/>'
        '<c r="D1"><v>90.766</v></c></row><row r="2"/><row r="3"/><row r="4"><c r="B4"><v>12</v></c></row>'
    )
    path = _book(tmp_path, _sheet(rows))
    whole = read_xlsx(path)
    assert whole[0] == [["Sở Giao thông vận tải", None, None, 90.766], [], [], [None, 12.0]]
    for chunk in (100, 101, 128, 257):  # longer than the longest tag
        monkeypatch.setattr(xlsx, "_CHUNK", chunk)
        assert read_xlsx(path) == whole, chunk


def test_no_tag_ends_within_a_chunk(tmp_path, monkeypatch):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "x" * 300 + "</t></is></c></row>"
    path = _book(tmp_path, _sheet(rows))
    monkeypatch.setattr(xlsx, "_CHUNK", 99)
    assert _refused(path).what == "cannot read as XLSX (ExpatError)"
    monkeypatch.setattr(xlsx, "_CHUNK", 300)  # a chunk as long as the text: the text is carried whole
    assert read_xlsx(path)[0] == [["x" * 300]]


def test_cells_at_the_limit_and_one_over_formatted_ones_included(tmp_path, monkeypatch):
    # 2 cells with a value and 2 formatted empty ones: 4 cells (a line break after "<c": counted as parsed)
    rows = '<row r="1"><c r="A1"><v>1</v></c><c s="1"/><c\ns="1"/></row><row r="2"><c\nr="A2"><v>2</v></c></row>'
    path = _book(tmp_path, _sheet(rows))
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 4)
    assert read_xlsx(path)[0] == [[1.0], [2.0]]
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 3)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        "the sheet has more than 3 cells (reached near row 2), most of them probably empty but formatted",
        xlsx._FIX,
        path,
    )


def test_cells_are_counted_before_they_are_parsed(tmp_path, monkeypatch):
    """A bomb of formatted empty cells is refused from the raw XML: the count says where it was reached."""
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="2">' + '<c s="1"/>' * 5 + "</row>"
    path = _book(tmp_path, _sheet(rows))
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 6)
    assert read_xlsx(path)[0] == [[1.0]]
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 5)
    # counted in the raw chunk, before any row of it is parsed: the row reached is still 0
    assert _refused(path).what == (
        "the sheet has more than 5 cells (reached near row 0), most of them probably empty but formatted"
    )


@pytest.mark.parametrize(
    ("cell", "n"),
    [('<c r="A1"><v>1</v></c>', 1), ("<c><v>1</v></c>", 1), ("<c/>", 1), ('<x:c r="A1"><x:v>1</x:v></x:c>', 1)],
)
def test_every_way_of_writing_a_cell_is_counted_raw(cell, n):
    seen = []
    sheet = f'<worksheet {NS} xmlns:x="{NS[7:-1]}"><sheetData><row r="1">{cell}</row></sheetData></worksheet>'
    buf = _MemZip(sheet)
    xlsx._feed(buf.zf, "s.xml", _NullParser(), collapse=True, on_cells=seen.append)
    assert sum(seen) == n


class _MemZip:
    def __init__(self, sheet: str):
        import io

        self.raw = io.BytesIO()
        with zipfile.ZipFile(self.raw, "w") as zf:
            zf.writestr("s.xml", sheet)
        self.zf = zipfile.ZipFile(self.raw)


def test_values_at_the_limit_and_one_over(tmp_path, monkeypatch):
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c><c s="1"/></row><row r="7"><c r="A7"><v>2</v></c><c r="B7"><v>3</v></c></row>'
    )
    path = _book(tmp_path, _sheet(rows))
    monkeypatch.setattr(xlsx, "MAX_XLSX_VALUES", 3)
    assert len(read_xlsx(path)[0]) == 7
    monkeypatch.setattr(xlsx, "MAX_XLSX_VALUES", 2)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        "the sheet has more than 2 cells that hold a value (reached at row 7)",
        "is this the right sheet? keep only the score table",
        path,
    )


def test_values_and_rows_are_written_with_thousands_separators(tmp_path, monkeypatch):
    rows = '<row r="1234"><c r="A1234"><v>1</v></c><c r="B1234"><v>1</v></c></row>'
    monkeypatch.setattr(xlsx, "MAX_XLSX_VALUES", 1)
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 1500)
    assert _refused(_book(tmp_path, _sheet(rows))).what == (
        "the sheet has more than 1 cells that hold a value (reached at row 1,234)"
    )
    monkeypatch.setattr(xlsx, "MAX_XLSX_VALUES", 1500)
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 1000)
    rows = '<row r="1234"><c\nr="A1234"><v>1</v></c>' + '<c\ns="1"/>' * 1000 + "</row>"
    assert _refused(_book(tmp_path, _sheet(rows))).what == (
        "the sheet has more than 1,000 cells (reached near row 1,234), most of them probably empty but formatted"
    )


def test_rows_at_the_limit_and_one_over(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    ok = '<row r="3"><c r="A3"><v>1</v></c></row>'
    assert read_xlsx(_book(tmp_path, _sheet(ok)))[0] == [[], [], [1.0]]
    path = _book(tmp_path, _sheet('<row r="4"><c r="A4"><v>1</v></c></row>'))
    e = _refused(path)
    assert (e.what, e.todo, e.file) == ("the sheet has more than 3 rows (formatted empty rows count)", xlsx._FIX, path)
    # empty formatted rows count: two empty rows after row 1 reach row 3; three pass the limit
    assert read_xlsx(_book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row s="1"/><row s="1"/>')))[0] == [
        [1.0]
    ]
    many = '<row r="1"><c r="A1"><v>1</v></c></row><row s="1"/><row s="1"/><row s="1"/>'
    assert _refused(_book(tmp_path, _sheet(many))).what == "the sheet has more than 3 rows (formatted empty rows count)"
    monkeypatch.setattr(xlsx, "MAX_ROWS", 1000)
    assert _refused(_book(tmp_path, _sheet('<row r="1001"><c r="A1001"><v>1</v></c></row>'))).what == (
        "the sheet has more than 1,000 rows (formatted empty rows count)"
    )
    assert _refused(_book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row>' + "<row/>" * 1000))).what == (
        "the sheet has more than 1,000 rows (formatted empty rows count)"
    )


def test_columns_at_the_limit_and_one_over(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_COLUMNS", 27)
    assert read_xlsx(_book(tmp_path, _sheet('<row r="2"><c r="AA2"><v>1</v></c></row>')))[0] == [
        [],
        [None] * 26 + [1.0],
    ]
    path = _book(tmp_path, _sheet('<row r="2"><c r="AB2"><v>1</v></c></row>'))
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "cell AB2 holds a value beyond column 27 (AA), parlib's limit",
        "delete what lies right of the table",
        path,
        2,
    )
    # a formatted empty cell beyond the limit holds nothing: no error
    assert read_xlsx(_book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="AB1" s="1"/></row>')))[0] == [[1.0]]


def test_characters_in_a_cell_at_the_limit_and_one_over(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_CELL_CHARS", 5)
    assert read_xlsx(_book(tmp_path, _sheet('<row r="1"><c r="A1" t="str"><v>12345</v></c></row>')))[0] == [["12345"]]
    path = _book(tmp_path, _sheet('<row r="3"><c r="B3" t="str"><v>123456</v></c></row>'))
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "cell B3 holds 6 characters; parlib reads cells of at most 5",
        "is this the right cell? shorten it",
        path,
        3,
    )
    monkeypatch.setattr(xlsx, "MAX_CELL_CHARS", 1000)
    assert _refused(
        _book(tmp_path, _sheet('<row r="1"><c r="A1" t="str"><v>' + "x" * 1234 + "</v></c></row>"))
    ).what == ("cell A1 holds 1,234 characters; parlib reads cells of at most 1,000")


def test_shared_strings_limits(tmp_path, monkeypatch):
    sheet = _sheet('<row r="1"><c r="A1" t="s"><v>2</v></c></row>')
    strings = _strings("a", "b", "c" * 200)  # larger than the sheet
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 3)
    assert read_xlsx(_book(tmp_path, sheet, strings=strings))[0] == [["c" * 200]]
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 2)
    path = _book(tmp_path, sheet, strings=strings)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == ("the workbook holds more than 2 texts", xlsx._FIX, path)
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 1000)
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(strings))
    assert read_xlsx(_book(tmp_path, sheet, strings=strings))[0] == [["c" * 200]]
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(strings) - 1)
    e = _refused(path)
    assert (e.what, e.todo, e.file) == (
        f"the workbook's text is {len(strings):,} bytes once uncompressed; parlib reads at most {len(strings) - 1:,}",
        xlsx._FIX,
        path,
    )


def test_more_than_a_thousand_texts_is_written_with_a_separator(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 1000)
    path = _book(tmp_path, _sheet(""), strings=_strings(*["a"] * 1001))
    assert _refused(path).what == "the workbook holds more than 1,000 texts"


def test_the_parts_of_a_workbook_are_read_within_a_limit(tmp_path):
    with zipfile.ZipFile(_book(tmp_path, _sheet(""))) as zf:
        assert xlsx._read_member(zf, "xl/workbook.xml", len(WORKBOOK.encode())) == WORKBOOK.encode()
        with pytest.raises(xlsx._Limit):
            xlsx._read_member(zf, "xl/workbook.xml", len(WORKBOOK.encode()) - 1)


def test_a_workbook_openpyxl_wrote(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Tên đơn vị", "Tổng điểm"])
    ws.append([1, "Sở Y tế", 90.766])
    ws.append([2, "Sở Tư pháp", 80])
    ws["E4"] = True
    ws.merge_cells("A5:C5")
    ws["A5"] = "Ghi chú"
    wb.save(tmp_path / "b.xlsx")
    assert read_xlsx(tmp_path / "b.xlsx") == (
        [
            ["STT", "Tên đơn vị", "Tổng điểm"],
            [1.0, "Sở Y tế", 90.766],
            [2.0, "Sở Tư pháp", 80.0],
            [None, None, None, None, True],
            ["Ghi chú"],
        ],
        [Merged(5, 1, 5, 3)],
    )


def test_cells_are_counted_raw_over_every_chunk_read(tmp_path, monkeypatch):
    """Three formatted empty cells a row: the 9th cell is in row 3. The raw count adds up every chunk
    read (no chunk of 64 bytes holds more than 6 cells), so the sheet is refused from it before row 3
    is parsed; counted as parsed, it would be refused in row 3."""
    rows = "".join(f'<row r="{r}">' + '<c s="1"/>' * 3 + "</row>" for r in range(1, 7))
    path = _book(tmp_path, _sheet(rows))
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 8)
    monkeypatch.setattr(xlsx, "_CHUNK", 64)
    what = _refused(path).what
    assert what.startswith("the sheet has more than 8 cells (reached near row ")
    assert int(what.split("near row ")[1].split(")")[0]) < 3


def test_a_sheet_written_with_line_breaks_and_indents_between_its_tags(tmp_path):
    rows = '\n  <row r="1">\n    <c r="A1"><v>1</v></c>\n    <c r="B1" t="inlineStr">\n      <is><t>Sở</t></is>\n    </c>\n  </row>\n'
    assert read_xlsx(_book(tmp_path, _sheet(rows).replace("><sheetData>", ">\n <sheetData>")))[0] == [[1.0, "Sở"]]


def test_texts_and_dates_stay_texts_even_when_they_look_like_numbers(tmp_path):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>05</t></is></c><c r="B1" t="d"><v>20231231</v></c></row>'
    assert read_xlsx(_book(tmp_path, _sheet(rows)))[0] == [["05", "20231231"]]


def test_a_cell_opened_and_closed_without_a_value_holds_nothing(tmp_path):
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="b"></c><c r="C1" t="s"></c><c r="D1"></c></row>'
    assert read_xlsx(_book(tmp_path, _sheet(rows), strings=_strings("x")))[0] == [[1.0]]


def test_formatted_empty_rows_over_the_limit_name_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    path = _book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row s="1"/><row s="1"/><row s="1"/>'))
    e = _refused(path)
    assert (e.what, e.todo, e.file) == ("the sheet has more than 3 rows (formatted empty rows count)", xlsx._FIX, path)


SECOND_FIRST = (
    f'<workbook {NS} {REL_NS}>{{pad}}<sheets><sheet name="B" sheetId="2" r:id="rId7"/>'
    '<sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
SECOND_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{pad}'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Target="worksheets/sheet2.xml"/>'
    "</Relationships>"
)


def _two_sheets(tmp_path: Path, workbook: str, rels: str) -> Path:
    one = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    two = _sheet('<row r="1"><c r="A1"><v>2</v></c></row>')
    return _book(
        tmp_path,
        one,
        **{"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet2.xml": two},
    )


@pytest.mark.parametrize("part", ["workbook", "rels"])
def test_a_workbook_part_of_8_mib_is_read_and_one_byte_more_is_not(tmp_path, part):
    """The workbook and its relationships are read up to 8 MiB each (spaces pad them here): at the
    limit the workbook's first sheet (sheet2) is read; one byte over, the part is not read and
    sheet1.xml is taken."""
    for extra, expected in ((0, [[2.0]]), (1, [[1.0]])):
        texts = {"workbook": SECOND_FIRST.format(pad=""), "rels": SECOND_RELS.format(pad="")}
        texts[part] = (
            texts[part]
            .replace("{pad}", "")
            .replace(">", ">" + " " * (8 * 2**20 - len(texts[part].encode()) + extra), 1)
        )
        assert len(texts[part].encode()) == 8 * 2**20 + extra
        assert read_xlsx(_two_sheets(tmp_path, texts["workbook"], texts["rels"]))[0] == expected, extra


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_a_workbook_part_cut_short_is_not_an_xlsx(tmp_path, part):
    texts = {"xl/workbook.xml": SECOND_FIRST.format(pad=""), "xl/_rels/workbook.xml.rels": SECOND_RELS.format(pad="")}
    texts[part] = texts[part].rsplit("</", 1)[0]  # the last end tag lost
    assert _refused(_two_sheets(tmp_path, *texts.values())).what == "cannot read as XLSX (ExpatError)"


def test_only_a_sheet_element_names_the_first_sheet(tmp_path):
    workbook = SECOND_FIRST.format(pad='<bookViews r:id="rId1"/>')  # an id on another element before the sheets
    assert read_xlsx(_two_sheets(tmp_path, workbook, SECOND_RELS.format(pad="")))[0] == [[2.0]]


def test_shared_strings_written_with_line_breaks_between_their_tags(tmp_path):
    strings = f"<sst {NS}>\n  <si><t>Tên</t></si>\n  <si>\n    <t>Điểm</t>\n  </si>\n</sst>"
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    assert read_xlsx(_book(tmp_path, _sheet(rows), strings=strings))[0] == [["Tên", "Điểm"]]


def test_a_stream_is_counted_over_all_its_chunks(tmp_path, monkeypatch):
    """No chunk alone is over the limit (64 bytes each); together they are."""
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    path = _book(tmp_path, sheet)
    monkeypatch.setattr(xlsx, "_CHUNK", 64)
    monkeypatch.setattr(xlsx, "MAX_XLSX_SHEET_BYTES", len(sheet) - 1)
    assert len(sheet) > 2 * 64
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(xlsx._Limit):
            xlsx._feed(zf, "xl/worksheets/sheet1.xml", _NullParser())


def test_a_text_exactly_one_chunk_long_without_a_tag_end_is_carried_whole(tmp_path, monkeypatch):
    """With a chunk as long as everything up to the cell's <t>, the first chunk ends on that tag's '>'
    and the second holds only the text's x's: a run of exactly one chunk without '>' is kept whole
    (not "no element ends in 1 MB", which is for more than a chunk)."""
    head = f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    n = len(head)
    path = _book(tmp_path, _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "x" * n + "</t></is></c></row>"))
    monkeypatch.setattr(xlsx, "_CHUNK", n)
    assert read_xlsx(path)[0] == [["x" * n]]
