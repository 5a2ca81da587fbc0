"""Generate the corpus of malformed datasets under tests/bad_inputs/ (issue 5, part 1).

Each case is a tiny dataset folder: a valid base (one level of four departments, one year, a
components table) with exactly one thing wrong, and an ``expected.txt`` holding the substrings,
one per line, that the single error line of ``parlib validate <case>`` must contain.

Run ``python tests/bad_inputs/make_corpus.py`` to (re)write every case; the files are committed,
so the tests never depend on running this script. It is deterministic: running it twice gives the
same bytes.
"""
from __future__ import annotations

import copy
import hashlib
import io
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

HEADER = "STT,Tên đơn vị,Điểm thẩm định,Điểm điều tra XHH,Tổng điểm,Xếp hạng,Xếp loại"
ROWS = [
    ["1", "Sở Nội vụ", '"65,50"', '"26,25"', '"91,75"', "1", "Xuất sắc"],
    ["2", "Sở Tư pháp", '"60,10"', '"25,40"', '"85,50"', "2", "Tốt"],
    ["3", "Sở Tài chính", '"55,00"', '"20,30"', '"75,30"', "3", "Khá"],
    ["4", "Sở Giao thông vận tải", '"40,00"', '"18,00"', '"58,00"', "4", "Trung bình"],
]
TABLE = "2023/ket-qua-2023.csv"
FIELDS_HEADER = "Tên đơn vị,chi-dao,the-che,tthc,xhh"
FIELDS_ROWS = [
    ["Sở Nội vụ", '"9,00"', '"18,50"', '"38,00"', '"26,25"'],
    ["Sở Tư pháp", '"8,50"', '"16,60"', '"35,00"', '"25,40"'],
    ["Sở Tài chính", '"8,00"', '"15,00"', '"32,00"', '"20,30"'],
    ["Sở Giao thông vận tải", '"6,00"', '"10,00"', '"24,00"', '"18,00"'],
]


def csv_text(header: str, rows: list[list[str]]) -> str:
    return header + "\n" + "".join(",".join(r) + "\n" for r in rows)


def base_yaml() -> dict:
    return {
        "id": "bad-input-case",
        "title": {"vi": "Bộ dữ liệu thử lỗi", "en": "Bad-input test dataset"},
        "publisher": {"vi": "Sở Nội vụ tỉnh thử", "en": "Test Department of Home Affairs"},
        "date_published": "2024-03-01",
        "levels": [{
            "id": "departments",
            "name": {"vi": "Cấp sở", "en": "Departments"},
            "noun": {"vi": "sở, ban, ngành", "en": "departments"},
            "units": [
                {"id": "noi-vu", "name": {"vi": "Sở Nội vụ", "en": "Department of Home Affairs"}},
                {"id": "tu-phap", "name": {"vi": "Sở Tư pháp", "en": "Department of Justice"}},
                {"id": "tai-chinh", "name": {"vi": "Sở Tài chính", "en": "Department of Finance"}},
                {"id": "gtvt", "name": {"vi": "Sở Giao thông vận tải", "en": "Department of Transport"},
                 "aliases": ["Sở GTVT"]},
            ],
        }],
        "methodologies": [{
            "id": "test-2023",
            "title": {"vi": "Bộ tiêu chí thử 2023", "en": "Test criteria 2023"},
            "max_total": 100,
            "decimals": 2,
            "survey_max": 30,
            "fields": [
                {"id": "chi-dao", "name": {"vi": "Công tác chỉ đạo, điều hành", "en": "Direction"}, "max": 10},
                {"id": "the-che", "name": {"vi": "Cải cách thể chế", "en": "Institutions"}, "max": 20},
                {"id": "tthc", "name": {"vi": "Cải cách thủ tục hành chính", "en": "Procedures"}, "max": 40},
                {"id": "xhh", "name": {"vi": "Điều tra xã hội học", "en": "Survey"}, "max": 30,
                 "component": "survey"},
            ],
            "bands": [
                {"id": "xuat-sac", "name": {"vi": "Xuất sắc", "en": "Excellent"}, "min_total": 90},
                {"id": "tot", "name": {"vi": "Tốt", "en": "Good"}, "min_total": 80},
                {"id": "kha", "name": {"vi": "Khá", "en": "Fair"}, "min_total": 70},
                {"id": "trung-binh", "name": {"vi": "Trung bình", "en": "Average"}, "min_total": 50},
                {"id": "yeu", "name": {"vi": "Yếu", "en": "Weak"}, "min_total": 0},
            ],
        }],
        "sources": [{
            "id": "test-source", "title": "Test decision", "url": "https://example.org/qd",
            "publisher": "UBND tỉnh thử", "date_published": "2024-03-01", "date_accessed": "2024-03-02",
            "provenance": "illustrative",
        }],
        "years": [{"year": 2023, "tables": [{
            "file": TABLE, "level": "departments", "methodology": "test-2023", "source": "test-source",
        }]}],
    }


def base_published() -> dict:
    return {"source": "test-source", "figures": [
        {"id": "top-2023", "measure": "top_unit", "level": "departments", "year": 2023,
         "printed": "Sở Nội vụ", "sentence": "Sở Nội vụ đứng đầu"},
    ]}


class Case:
    """A dataset folder being built: its dataset.yml (as data), files (as bytes) and expectations."""

    def __init__(self, name: str, doc: str):
        self.name, self.doc = name, doc
        self.yml = base_yaml()
        self.files: dict[str, bytes] = {TABLE: csv_text(HEADER, ROWS).encode("utf-8")}
        self.published: dict | None = None
        self.raw_published: bytes | None = None  # published.yml written verbatim
        self.links: dict[str, str] = {}         # symbolic links: path → target (relative, as written)
        self.raw_yml: bytes | None = None   # dataset.yml written verbatim (no checksums filled in)
        self.fill_sha = True
        self.expected: list[str] = []

    @property
    def table(self) -> dict:
        return self.yml["years"][0]["tables"][0]

    @property
    def meth(self) -> dict:
        return self.yml["methodologies"][0]

    def set_rows(self, rows: list[list[str]], header: str = HEADER, path: str = TABLE) -> None:
        self.files[path] = csv_text(header, rows).encode("utf-8")

    def write(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for rel, data in self.files.items():
            p = folder / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        for rel, target in self.links.items():
            p = folder / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.symlink_to(target)
        if self.raw_yml is not None:
            (folder / "dataset.yml").write_bytes(self.raw_yml)
        else:
            yml = copy.deepcopy(self.yml)
            if self.fill_sha:
                for y in yml.get("years", []):
                    for t in y.get("tables", []):
                        if "sha256" not in t and not (folder / t["file"]).is_symlink() and (folder / t["file"]).is_file():
                            t["sha256"] = hashlib.sha256((folder / t["file"]).read_bytes()).hexdigest()
            text = f"# {self.doc}\n" + yaml.safe_dump(yml, allow_unicode=True, sort_keys=False, width=120)
            (folder / "dataset.yml").write_text(text, encoding="utf-8", newline="\n")
        if self.published is not None:
            text = yaml.safe_dump(self.published, allow_unicode=True, sort_keys=False, width=120)
            (folder / "published.yml").write_text(text, encoding="utf-8", newline="\n")
        if self.raw_published is not None:
            (folder / "published.yml").write_bytes(self.raw_published)
        (folder / "expected.txt").write_text("".join(e + "\n" for e in self.expected), encoding="utf-8",
                                             newline="\n")


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258: precomposed base letters (ă â ê ô ơ ư đ) plus combining
    tone marks, as legacy Windows software writes it."""
    import unicodedata
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def rows_with(i: int, j: int, value: str, rows=ROWS) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[i][j] = value
    return out


def xlsx_bytes(rows: list[list[object]], merges: list[str] = ()) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_dates(buf.getvalue())


def _fixed_zip_dates(data: bytes) -> bytes:
    """Rewrite an XLSX (a zip) with fixed member dates and properties, so the bytes are reproducible."""
    import re
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", content)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, content)
    return out.getvalue()


def cases() -> list[Case]:
    out: list[Case] = []

    def case(name: str, doc: str) -> Case:
        c = Case(name, doc)
        out.append(c)
        return c

    # --- encodings -------------------------------------------------------------------------
    c = case("encoding-cp1258", "The table is saved in Windows-1258, not UTF-8.")
    c.files[TABLE] = to_cp1258(csv_text(HEADER, ROWS))
    c.expected = ["ket-qua-2023.csv", "row 1", "not UTF-8", "Windows-1258"]

    c = case("encoding-utf16", "The table is saved as UTF-16 (with a byte-order mark), as Excel's 'Unicode text' does.")
    c.files[TABLE] = csv_text(HEADER, ROWS).encode("utf-16")
    c.expected = ["ket-qua-2023.csv", "UTF-16", "UTF-8"]

    c = case("encoding-utf16-no-bom", "The table is UTF-16 little-endian without a byte-order mark.")
    c.files[TABLE] = csv_text(HEADER, ROWS).encode("utf-16-le")
    c.expected = ["ket-qua-2023.csv", "UTF-16", "UTF-8"]

    c = case("dataset-yml-cp1258", "dataset.yml itself is saved in Windows-1258.")
    c.raw_yml = ("# dataset.yml in Windows-1258\n" + yaml.safe_dump(base_yaml(), allow_unicode=True, sort_keys=False))
    c.raw_yml = to_cp1258(c.raw_yml)
    c.expected = ["dataset.yml", "row 4", "not UTF-8"]

    # --- numbers ---------------------------------------------------------------------------
    c = case("mixed-comma-point-thousands", "A total printed with a thousands point and a decimal comma "
             "('9.175,00'): 9175 points, far above the maximum of 100.")
    c.set_rows(rows_with(0, 4, '"9.175,00"'))
    c.expected = ["ket-qua-2023.csv", "row 2", "9175", "above the maximum 100"]

    c = case("mixed-separators-in-one-value", "A value mixing separators that is no number in either style ('65,5.0').")
    c.set_rows(rows_with(0, 2, '"65,5.0"'))
    c.expected = ["ket-qua-2023.csv", "row 2", "column 'Điểm thẩm định'", "is not a number"]

    c = case("ambiguous-thousands-point", "Methodology of 1000 points printed with 2 decimals: '1.000' could be "
             "1 point (decimal point) or 1000 points (thousands point); neither the decimals nor the maximum decide.")
    c.meth["max_total"] = 1000
    c.meth["survey_max"] = 300
    del c.meth["fields"]
    for b, t in zip(c.meth["bands"], (900, 800, 700, 500, 0)):
        b["min_total"] = t
    c.set_rows([["1", "Sở Nội vụ", '"650,50"', '"262,50"', '"913,00"', "1", "Xuất sắc"],
                ["2", "Sở Tư pháp", '"600,10"', '"254,00"', '"854,10"', "2", "Tốt"],
                ["3", "Sở Tài chính", '"0,500"', '"0,500"', "1.000", "4", "Yếu"],
                ["4", "Sở Giao thông vận tải", '"400,00"', '"180,00"', '"580,00"', "3", "Trung bình"]])
    c.expected = ["ket-qua-2023.csv", "row 4", "column 'Tổng điểm'", "could be 1 (decimal point) or 1000 (thousands point)"]

    for name, token in (("missing-dash", "—"), ("missing-x", "x"), ("missing-na", "n/a")):
        c = case(name, f"A score printed as {token!r} instead of a number, in a table not marked partial.")
        c.set_rows(rows_with(2, 3, token))
        c.expected = ["ket-qua-2023.csv", "row 4", "column 'Điểm điều tra XHH'", f"{token!r} is missing or not a number"]

    c = case("missing-empty-cell", "An empty score cell in a table not marked partial.")
    c.set_rows(rows_with(1, 4, ""))
    c.expected = ["ket-qua-2023.csv", "row 3", "column 'Tổng điểm'", "the value is missing", "partial"]

    c = case("non-numeric-text", "A score cell holding words ('chưa chấm').")
    c.set_rows(rows_with(3, 2, "chưa chấm"))
    c.expected = ["ket-qua-2023.csv", "row 5", "column 'Điểm thẩm định'", "'chưa chấm' is not a number"]

    c = case("negative-score", "A negative appraised score.")
    c.set_rows(rows_with(2, 2, '"-5,00"'))
    c.expected = ["ket-qua-2023.csv", "row 4", "column 'Điểm thẩm định'", "negative score -5"]

    c = case("score-above-maximum", "A total of 101,50 points under a methodology of 100.")
    c.set_rows(rows_with(0, 4, '"101,50"'))
    c.expected = ["ket-qua-2023.csv", "row 2", "column 'Tổng điểm'", "total 101.5 is above the maximum 100"]

    c = case("survey-above-maximum", "Survey points of 31,00 when the survey gives at most 30.")
    c.set_rows([["1", "Sở Nội vụ", '"60,75"', '"31,00"', '"91,75"', "1", "Xuất sắc"], *ROWS[1:]])
    c.expected = ["ket-qua-2023.csv", "row 2", "survey points 31 above the maximum 30"]

    c = case("field-above-maximum", "A per-field table where one field has 12 points and its maximum is 10.")
    c.set_rows(rows_with(2, 1, '"12,00"', FIELDS_ROWS), FIELDS_HEADER)
    c.expected = ["ket-qua-2023.csv", "row 4", "column 'chi-dao'", "above its maximum 10"]

    c = case("printed-total-mismatch", "The printed total differs from appraised + survey by 1 point, beyond rounding.")
    c.set_rows(rows_with(1, 4, '"86,50"'))
    c.expected = ["ket-qua-2023.csv", "row 3", "printed total 86.5 differs from the sum of its parts 85.5",
                  "more than rounding allows"]

    # --- table shape -----------------------------------------------------------------------
    c = case("empty-file", "The table file is empty (0 bytes).")
    c.files[TABLE] = b""
    c.expected = ["ket-qua-2023.csv", "the file is empty"]

    c = case("bom-only-file", "The table file holds only a UTF-8 byte-order mark and a line end.")
    c.files[TABLE] = b"\xef\xbb\xbf\r\n"
    c.expected = ["ket-qua-2023.csv", "the file is empty"]

    c = case("header-no-rows", "The table has its header and no rows.")
    c.set_rows([])
    c.expected = ["ket-qua-2023.csv", "row 2", "header but no rows"]

    c = case("extra-column", "The table has a column parlib does not know ('Ghi chú'), not listed under ignore_columns.")
    c.set_rows([r + ["ghi chú"] for r in ROWS], HEADER + ",Ghi chú")
    c.expected = ["ket-qua-2023.csv", "row 1", "column 'Ghi chú'", "unknown or repeated column", "ignore_columns"]

    c = case("no-unit-column", "The unit column is headed 'Tên' which is not a header parlib knows; mapped away nothing.")
    c.set_rows(ROWS, HEADER.replace("Tên đơn vị", "Tên"))
    c.expected = ["ket-qua-2023.csv", "column 'Tên'", "unknown or repeated column"]

    c = case("ragged-rows", "One row has more cells than the header (an unquoted decimal comma).")
    c.set_rows(rows_with(1, 4, "85,50"))
    c.expected = ["ket-qua-2023.csv", "not a well-formed CSV table", "row 3"]

    c = case("unsupported-file-type", "The table is an .ods file, which parlib does not read.")
    c.files = {"2023/ket-qua-2023.ods": b"PK\x03\x04 not really an ods file"}
    c.table["file"] = "2023/ket-qua-2023.ods"
    c.expected = ["ket-qua-2023.ods", "unsupported file type '.ods'", ".xlsx"]

    c = case("broken-xlsx", "A file named .xlsx that is not a workbook.")
    c.files = {"2023/ket-qua-2023.xlsx": b"this is not a zip file\n"}
    c.table["file"] = "2023/ket-qua-2023.xlsx"
    c.expected = ["ket-qua-2023.xlsx", "cannot read as XLSX"]

    c = case("xlsx-merged-header-unrecoverable", "An XLSX annex with a title row and a two-row merged header whose "
             "group 'Điểm đạt được' has sub-headers parlib does not know ('Phần 1', 'Phần 2'): the header cannot be "
             "reconstructed into known columns.")
    c.files = {"2023/ket-qua-2023.xlsx": xlsx_bytes([
        ["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA CÁC SỞ, BAN, NGÀNH", None, None, None, None],
        ["STT", "Tên đơn vị", "Điểm đạt được", None, "Tổng điểm"],
        [None, None, "Phần 1", "Phần 2", None],
        [1, "Sở Nội vụ", 65.5, 26.25, 91.75],
        [2, "Sở Tư pháp", 60.1, 25.4, 85.5],
        [3, "Sở Tài chính", 55, 20.3, 75.3],
        [4, "Sở Giao thông vận tải", 40, 18, 58],
    ], merges=["A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3"])}
    c.table["file"] = "2023/ket-qua-2023.xlsx"
    c.expected = ["ket-qua-2023.xlsx", "row 3", "Phần 1", "unknown or repeated column"]

    # --- units -----------------------------------------------------------------------------
    c = case("duplicate-unit", "The same unit appears on two rows.")
    c.set_rows(rows_with(3, 1, "Sở Tư pháp"))
    c.expected = ["ket-qua-2023.csv", "row 5", "column 'Tên đơn vị'", "'Sở Tư pháp' appears more than once"]

    c = case("duplicate-unit-by-alias", "One unit printed twice, once by its name and once by its alias 'Sở GTVT'.")
    c.set_rows(rows_with(2, 1, "Sở GTVT"))
    c.expected = ["ket-qua-2023.csv", "row 5", "column 'Tên đơn vị'", "appears more than once"]

    c = case("unknown-unit", "A unit the dataset does not list ('Sở Y tế').")
    c.set_rows(rows_with(2, 1, "Sở Y tế"))
    c.expected = ["ket-qua-2023.csv", "row 4", "column 'Tên đơn vị'", "unknown unit 'Sở Y tế'", "alias"]

    c = case("unknown-unit-after-blank-lines", "An unknown unit below an empty line and a line of separators "
             "only (as Excel exports): the error names the row as it is in the file.")
    text = csv_text(HEADER, ROWS[:1]) + "\n" + ",,,,,,\n" + csv_text(HEADER, [ROWS[1], rows_with(2, 1, "Sở Y tế")[2]]).split("\n", 1)[1] + ",,,,,,\n"
    c.files[TABLE] = text.encode("utf-8")
    c.expected = ["ket-qua-2023.csv", "row 6", "column 'Tên đơn vị'", "unknown unit 'Sở Y tế'"]

    c = case("empty-unit-name", "A row without a unit name.")
    c.set_rows(rows_with(1, 1, ""))
    c.expected = ["ket-qua-2023.csv", "row 3", "column 'Tên đơn vị'", "the unit name is empty"]

    # --- printed ranks and bands -----------------------------------------------------------
    c = case("printed-rank-inconsistent", "Ranks 2 and 3 printed swapped.")
    rows = rows_with(1, 5, "3")
    rows[2][5] = "2"
    c.set_rows(rows)
    c.expected = ["ket-qua-2023.csv", "row 3", "printed rank 3 but the totals give rank 2"]

    c = case("printed-band-inconsistent", "A unit with 85,50 points printed as 'Xuất sắc' under a 90/80/70/50 rule.")
    c.set_rows(rows_with(1, 6, "Xuất sắc"))
    c.expected = ["ket-qua-2023.csv", "row 3", "printed band 'Xuất sắc' but the band rule gives 'tot'"]

    c = case("printed-band-unknown", "A band name the methodology does not have ('Loại A').")
    c.set_rows(rows_with(0, 6, "Loại A"))
    c.expected = ["ket-qua-2023.csv", "row 2", "band 'Loại A' is not a band of methodology 'test-2023'"]

    c = case("printed-rank-fraction", "A rank printed as '1,5'.")
    c.set_rows(rows_with(0, 5, '"1,5"'))
    c.expected = ["ket-qua-2023.csv", "row 2", "column 'Xếp hạng'", "rank 1.5 is not a whole number"]

    c = case("printed-index-inconsistent", "A printed index (Chỉ số) of 95,00 beside a total of 85,50 (maximum 100).")
    rows = [r + [r[4]] for r in ROWS]
    rows[1][7] = '"95,00"'
    c.set_rows(rows, header=HEADER + ",Chỉ số")
    c.expected = ["ket-qua-2023.csv", "row 3", "printed index 95 is not the total 85.5"]

    # --- headers ---------------------------------------------------------------------------
    c = case("header-repeated", "The header has 'Tổng điểm' twice.")
    c.set_rows([r + [r[4]] for r in ROWS], header=HEADER + ",Tổng điểm")
    c.expected = ["ket-qua-2023.csv", "row 1", "column 'Tổng điểm' appears twice"]

    c = case("header-missing-over-values", "A column without a header that holds values.")
    c.set_rows([r + ["x"] for r in ROWS], header=HEADER + ",")
    c.expected = ["ket-qua-2023.csv", "row 2", "column 8 has no header but holds values"]

    c = case("columns-unknown-key", "dataset.yml maps a misspelt column name ('totl') under 'columns:'.")
    c.table["columns"] = {"totl": "Tổng điểm"}
    c.expected = ["dataset.yml", "'totl'", "not a column parlib knows"]

    # --- methodology -----------------------------------------------------------------------
    c = case("bands-out-of-order", "Bands listed with 'Khá' (70) before 'Tốt' (80).")
    b = c.meth["bands"]
    b[1], b[2] = b[2], b[1]
    c.expected = ["dataset.yml", "column 'methodologies[0].bands[2]'", "overlap or are out of order"]

    c = case("bands-overlap", "Two bands with the same threshold and no other condition.")
    c.meth["bands"][2]["min_total"] = 80
    c.expected = ["dataset.yml", "bands[2]", "'kha'", "overlap or are out of order"]

    c = case("bands-no-floor", "The lowest band starts at 50, so a unit below 50 would get no band.")
    c.meth["bands"] = c.meth["bands"][:4]
    c.expected = ["dataset.yml", "bands[3]", "the last band must take every score"]

    c = case("field-maxima-sum", "Field maxima sum to 95, but max_total is 100.")
    c.meth["fields"][2]["max"] = 35
    c.expected = ["dataset.yml", "methodologies[0].fields", "field maxima sum to 95, not to max_total 100"]

    c = case("decimals-invalid", "The methodology's printed decimals given as text ('hai').")
    c.meth["decimals"] = "hai"
    c.expected = ["dataset.yml", "methodologies[0].decimals", "'hai' is not a number of decimals"]

    c = case("year-folder-without-methodology", "A folder 2024/ with a table, but no year 2024 (and so no "
             "methodology) in dataset.yml.")
    c.files["2024/ket-qua-2024.csv"] = csv_text(HEADER, ROWS).encode("utf-8")
    c.expected = ["dataset.yml", "year folder 2024/", "no methodology"]

    c = case("unknown-methodology", "A table names a methodology dataset.yml does not define.")
    c.table["methodology"] = "test-2024"
    c.expected = ["dataset.yml", "years[0].tables[0].methodology", "no methodology 'test-2024' for 2023"]

    # --- dataset.yml -----------------------------------------------------------------------
    for key in ("id", "levels", "methodologies", "years"):
        c = case(f"dataset-yml-missing-{key}", f"dataset.yml has no '{key}:' key.")
        del c.yml[key]
        c.expected = ["dataset.yml", f"column '{key}'", "required key is missing"]

    c = case("dataset-yml-missing-max-total", "The methodology has no max_total.")
    del c.meth["max_total"]
    c.expected = ["dataset.yml", "column 'methodologies[0].max_total'", "required key is missing"]

    c = case("dataset-yml-syntax-error", "dataset.yml has a YAML syntax error (an unclosed bracket).")
    c.raw_yml = "id: bad-input-case\ntitle: {vi: Thử, en: Test\nlevels: []\n".encode("utf-8")
    c.expected = ["dataset.yml", "row 3", "YAML syntax error"]

    c = case("dataset-yml-not-mapping", "dataset.yml is a list, not a mapping.")
    c.raw_yml = "- id: bad-input-case\n".encode("utf-8")
    c.expected = ["dataset.yml", "must be a mapping"]

    c = case("checksum-mismatch", "The table's recorded sha256 is not the file's: the raw file changed.")
    c.table["sha256"] = "0" * 64
    c.expected = ["ket-qua-2023.csv", "has changed", "sha256", "records 000000…000000"]

    c = case("table-file-missing", "dataset.yml lists a table file that is not there.")
    c.table["file"] = "2023/khong-co.csv"
    c.expected = ["dataset.yml", "years[0].tables[0].file", "table file '2023/khong-co.csv' not found"]

    # --- published.yml ---------------------------------------------------------------------
    c = case("published-unknown-unit", "A published figure names a unit id the dataset does not have.")
    c.published = base_published()
    c.published["figures"].append({"id": "so-y-te-2023", "measure": "unit_total", "unit": "y-te", "year": 2023,
                                   "printed": "88,00"})
    c.expected = ["published.yml", "column 'figures[1].unit'", "figure 'so-y-te-2023': unknown unit 'y-te'"]

    c = case("published-unknown-measure", "A published figure names a measure parlib cannot compute.")
    c.published = base_published()
    c.published["figures"].append({"id": "median-2023", "measure": "median_total", "level": "departments",
                                   "year": 2023, "printed": "80,50"})
    c.expected = ["published.yml", "column 'figures[1].measure'", "unknown measure 'median_total'"]

    c = case("published-printed-not-number", "A published number figure whose printed value is not a number.")
    c.published = base_published()
    c.published["figures"].append({"id": "mean-2023", "measure": "mean_total", "level": "departments",
                                   "year": 2023, "printed": "khoảng 77"})
    c.expected = ["published.yml", "column 'figures[1].printed'", "'khoảng 77' is not a number"]

    c = case("published-threshold-not-number", "A published count figure whose threshold is text ('80'), not a number.")
    c.published = base_published()
    c.published["figures"].append({"id": "at-least-80", "measure": "count_at_least", "level": "departments",
                                   "year": 2023, "threshold": "80", "printed": "02"})
    c.expected = ["published.yml", "column 'figures[1].threshold'", "threshold '80' is not a number"]

    c = case("published-unknown-band", "A published count figure names a band no methodology has.")
    c.published = base_published()
    c.published["figures"].append({"id": "loai-a", "measure": "count_band", "level": "departments",
                                   "year": 2023, "band": "Loại A", "printed": "01"})
    c.expected = ["published.yml", "column 'figures[1].band'", "unknown band 'Loại A'"]

    c = case("published-unit-band-not-a-band", "A published unit_band figure whose printed value is not a band.")
    c.published = base_published()
    c.published["figures"].append({"id": "band-noi-vu", "measure": "unit_band", "unit": "noi-vu",
                                   "year": 2023, "printed": "Hạng A"})
    c.expected = ["published.yml", "column 'figures[1].printed'", "'Hạng A' is not a band"]

    hostile_cases(case)

    names = [c.name for c in out]
    assert len(names) == len(set(names)), "case names must be unique"
    return out


def dataset_text(c: Case, extra: str = "") -> str:
    """The dataset.yml a case would write (checksums filled in from its files), plus ``extra`` lines."""
    yml = copy.deepcopy(c.yml)
    for y in yml["years"]:
        for t in y["tables"]:
            if t["file"] in c.files and "sha256" not in t:
                t["sha256"] = hashlib.sha256(c.files[t["file"]]).hexdigest()
    return f"# {c.doc}\n" + yaml.safe_dump(yml, allow_unicode=True, sort_keys=False, width=120) + extra


def xlsx_styled_bomb(n_cells: int) -> bytes:
    """A small XLSX (a few kilobytes) whose sheet holds a valid table and then ``n_cells`` empty cells
    that only carry a style: millions of cells once uncompressed."""
    import zipfile
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER.split(",")] + [[x.strip('"') for x in r] for r in ROWS])))
    sheet = base.read("xl/worksheets/sheet1.xml")
    filler = b'<row r="6">' + b'<c s="1"/>' * (n_cells // 4) + b"</row>"
    filler += b"".join(b'<row r="%d">' % r + b'<c s="1"/>' * (n_cells // 4) + b"</row>" for r in (7, 8, 9))
    sheet = sheet.replace(b"</sheetData>", filler + b"</sheetData>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in base.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, sheet if info.filename == "xl/worksheets/sheet1.xml" else base.read(info.filename),
                         compresslevel=9)
    return out.getvalue()


def hostile_cases(case) -> None:
    """Issue 13: messy and hostile files, one case (at least) per class of the issue."""
    # --- resource bombs ------------------------------------------------------------------------
    c = case("yaml-alias-bomb", "A YAML alias bomb in the title: nine levels of nine aliases, a few hundred bytes "
             "that would expand into gigabytes.")
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    c.raw_yml = dataset_text(c).replace("title:\n", "\n".join(lines) + "\ntitle:\n", 1).encode("utf-8")
    c.raw_yml = c.raw_yml.replace(b"title:\n  vi: B\xe1\xbb\x99", b"title: [*a8, *a8]\nold_title:\n  vi: B\xe1\xbb\x99")
    c.expected = ["dataset.yml", "row 3", "anchors and aliases", "are not accepted"]

    c = case("yaml-deep-nesting", "An assumption nested 200 lists deep.")
    c.raw_yml = dataset_text(c, "assumptions:\n  - " + "[" * 200 + "x" + "]" * 200 + "\n").encode("utf-8")
    c.expected = ["dataset.yml", "nested more than 100 levels"]

    c = case("yaml-impossible-date", "The date of publication is written without quotes and names no real day: "
             "YAML reads it as a date, and there is no 30 February.")
    c.raw_yml = dataset_text(c).replace("date_published: '2024-03-01'", "date_published: 2024-02-30", 1).encode("utf-8")
    c.expected = ["dataset.yml", "row 9", "'2024-02-30' is written as a date but is not one", "YYYY-MM-DD"]

    c = case("csv-padded-columns", "The header is padded with 100,000 empty columns (separators only).")
    c.files[TABLE] = (HEADER + "," * 100_000 + "\n" + "".join(",".join(r) + "\n" for r in ROWS)).encode("utf-8")
    c.expected = ["ket-qua-2023.csv", "row 1", "100,007 columns", "at most 500"]

    c = case("csv-too-many-lines", "A table followed by 200,000 empty lines.")
    c.files[TABLE] = (csv_text(HEADER, ROWS) + "\n" * 200_000).encode("utf-8")
    c.expected = ["ket-qua-2023.csv", "200,005 lines", "at most 200,000 rows"]

    c = case("csv-huge-cell", "A unit name of 20,000 characters: refused, and shown shortened in the middle.")
    c.set_rows(rows_with(1, 1, "Sở Tư pháp " + "x" * 20_000 + " cuối"))
    c.expected = ["ket-qua-2023.csv", "row 3", "column 'Tên đơn vị'", "20,016 characters", "…", "at most 10,000"]

    c = case("csv-first-line-too-long", "A first line of 140,000 characters, longer than Python's csv field limit.")
    c.files[TABLE] = ("Tên đơn vị" + "y" * 140_000 + "\n" + "Sở Nội vụ\n").encode("utf-8")
    c.expected = ["ket-qua-2023.csv", "row 1", "header holds a cell of 140,010 characters"]

    c = case("xlsx-styled-cells-bomb", "An XLSX of a few kilobytes holding the table and 2,000,000 empty cells that "
             "only carry a style.")
    c.files = {"2023/ket-qua-2023.xlsx": xlsx_styled_bomb(2_000_000)}
    c.table["file"] = "2023/ket-qua-2023.xlsx"
    c.expected = ["ket-qua-2023.xlsx", "more than 1,000,000 cells", "formatted"]

    # --- tracebacks ----------------------------------------------------------------------------
    c = case("table-symlink-loop", "The table file is a symbolic link to itself.")
    c.files = {}
    c.links = {TABLE: "ket-qua-2023.csv"}
    c.table["sha256"] = "0" * 64
    c.expected = ["dataset.yml", "years[0].tables[0].file", "symbolic link", "loops"]

    c = case("table-symlink-outside", "The table file is a symbolic link to a file outside the dataset folder.")
    c.files = {}
    c.links = {TABLE: "../../make_corpus.py"}
    c.table["sha256"] = "0" * 64
    c.expected = ["dataset.yml", "years[0].tables[0].file", "symbolic link", "outside the dataset folder"]

    # --- silently accepted ---------------------------------------------------------------------
    c = case("dataset-yml-duplicate-key", "dataset.yml gives the key 'id' twice (YAML would keep the last).")
    text = dataset_text(c)
    c.raw_yml = text.replace("\ntitle:", "\nid: another-id\ntitle:", 1).encode("utf-8")
    c.expected = ["dataset.yml", "row 3", "the key 'id' is given twice", "first at line 2"]

    c = case("published-duplicate-key", "A figure of published.yml gives 'printed' twice.")
    c.raw_published = ("source: test-source\nfigures:\n  - id: top-2023\n    measure: top_unit\n"
                       "    level: departments\n    year: 2023\n    printed: Sở Nội vụ\n"
                       "    printed: Sở Tư pháp\n").encode("utf-8")
    c.expected = ["published.yml", "row 8", "the key 'printed' is given twice"]

    c = case("max-total-nan", "max_total: .nan (every 'above the maximum' check would pass).")
    c.meth["max_total"] = float("nan")
    c.expected = ["dataset.yml", "methodologies[0].max_total", "not a finite number"]

    c = case("table-used-twice", "One file listed as the table of two years.")
    c.yml["years"].insert(0, {"year": 2022, "tables": [dict(c.table)]})
    c.expected = ["dataset.yml", "years[1].tables[0].file", "already the table of 2022 departments"]

    c = case("published-printed-unquoted", "An unquoted printed value, 'printed: 82.560', which YAML reads as 82.56.")
    c.raw_published = ("source: test-source\nfigures:\n  - id: total-noi-vu\n    measure: unit_total\n"
                       "    unit: noi-vu\n    year: 2023\n    printed: 91.750\n").encode("utf-8")
    c.expected = ["published.yml", "figures[0].printed", "not in quotes", "82.560 becomes 82.56"]

    c = case("published-printed-too-many-decimals", "A unit's total printed '91,7500' where the method prints "
             "2 decimals.")
    c.published = {"source": "test-source", "figures": [
        {"id": "total-noi-vu", "measure": "unit_total", "unit": "noi-vu", "year": 2023, "printed": "91,7500"}]}
    c.expected = ["published.yml", "figures[0].printed", "has 4 decimals", "prints totals with 2"]

    c = case("xlsx-header-merged-over-two-columns", "An XLSX whose header 'Tổng điểm' is merged over two columns, "
             "both holding values.")
    c.files = {"2023/ket-qua-2023.xlsx": xlsx_bytes(
        [HEADER.split(",")[:5] + [None]] + [[x.strip('"') for x in r[:5]] + ["1"] for r in ROWS], merges=["E1:F1"])}
    c.table["file"] = "2023/ket-qua-2023.xlsx"
    c.expected = ["ket-qua-2023.xlsx", "row 1", "column 'Tổng điểm'", "merged over E1:F1", "column F"]

    c = case("number-inner-space", "A score printed with a space inside ('65, 50').")
    c.set_rows(rows_with(0, 2, '"65, 50"'))
    c.expected = ["ket-qua-2023.csv", "row 2", "column 'Điểm thẩm định'", "'65, 50' has a space inside"]

    # --- errors that point at their place ------------------------------------------------------
    c = case("nul-in-name", "A NUL byte inside a unit name.")
    c.set_rows(rows_with(1, 1, "Sở Tư\x00 pháp"))
    c.expected = ["ket-qua-2023.csv", "row 3", "column 'Tên đơn vị'", "NUL character (U+0000)", "\\u0000"]

    c = case("excel-sep-line-unknown-unit", "Excel's 'sep=,' first line above the header, and an unknown unit: the "
             "row is counted from the top of the file.")
    c.files[TABLE] = ("sep=,\n" + csv_text(HEADER, rows_with(2, 1, "Sở Y tế"))).encode("utf-8")
    c.expected = ["ket-qua-2023.csv", "row 5", "column 'Tên đơn vị'", "unknown unit 'Sở Y tế'"]

    c = case("filter-matches-no-row", "A filter {year: '2022'} on a table whose year column holds only 2023.")
    c.set_rows([r + ["2023"] for r in ROWS], HEADER + ",year")
    c.table["filter"] = {"year": "2022"}
    c.expected = ["ket-qua-2023.csv", "column 'year'", "matches no row", "'2023'"]

    c = case("zero-width-space-in-name", "A zero-width space inside a unit name that looks identical on screen.")
    c.set_rows(rows_with(1, 1, "Sở Tư\u200bpháp"))
    c.expected = ["ket-qua-2023.csv", "row 3", "'Sở Tư\\u200bpháp'", "U+200B ZERO WIDTH SPACE"]

    c = case("lookalike-letter-in-name", "A unit name typed with Ð (U+00D0, Icelandic eth) for Đ (U+0110).")
    c.yml["levels"][0]["units"][3]["name"]["vi"] = "Đài Phát thanh và Truyền hình"
    c.set_rows(rows_with(3, 1, "\u00d0ài Phát thanh và Truyền hình"))
    c.expected = ["ket-qua-2023.csv", "row 5", "Ð (U+00D0) where Đ (U+0110) is expected"]

    c = case("html-saved-as-csv", "An HTML page saved with a .csv name.")
    c.files[TABLE] = ("<!DOCTYPE html>\n<html><body><table><tr><td>Tên đơn vị</td></tr></table></body></html>\n"
                      ).encode("utf-8")
    c.expected = ["ket-qua-2023.csv", "HTML page, not a CSV"]

    c = case("xlsx-named-csv", "An XLSX workbook saved with a .csv name.")
    c.files[TABLE] = xlsx_bytes([HEADER.split(",")] + [[x.strip('"') for x in r] for r in ROWS])
    c.expected = ["ket-qua-2023.csv", "XLSX workbook", "rename it to .xlsx"]


def main() -> int:
    keep = {"make_corpus.py", "README.md", "__pycache__"}
    made = cases()
    for c in made:
        c.write(HERE / c.name)
    stale = [p for p in HERE.iterdir() if p.is_dir() and p.name not in keep and p.name not in {c.name for c in made}]
    for p in stale:
        shutil.rmtree(p)
    print(f"{len(made)} cases written under {HERE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
