"""Awkward but valid inputs load correctly (issue 5, parts 1 and 3).

- NFD text, trailing and doubled spaces, other capitalisation: accepted and matched to the units;
- "95.476" with a decimal point: resolved by the methodology's printed decimals and maximum;
- an XLSX annex with a title row and a two-row merged header: the header is reconstructed;
- hostile unit names (HTML, Markdown/LaTeX specials, a 2,000-character name) load verbatim and
  reach figures.json as plain strings (escaping them is the report's job, not the loader's).

Datasets are built in a temporary folder from the valid base of tests/bad_inputs/make_corpus.py.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import unicodedata
from pathlib import Path

import pytest

from parlib.build.outputs import get_figures, write_json
from parlib.check.published import get_checks
from parlib.data.load import load_dataset
from parlib.data.numbers import NumberFormatError, parse_number
from parlib.data.published import load_published
from parlib.data.tables import read_scores_table
from parlib.errors import DataError
from parlib.model.analysis import analyse
from parlib.model.scoring import score_dataset

_spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).parent / "bad_inputs" / "make_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def write_case(c, folder: Path) -> Path:
    c.write(folder)
    return folder


def scored(folder: Path):
    ds = load_dataset(folder)
    return ds, score_dataset(ds)


def test_base_is_valid(tmp_path):
    ds, s = scored(write_case(corpus.Case("base", "valid base"), tmp_path / "base"))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert list(u["rank"]) == [1, 2, 3, 4]
    assert u.loc["noi-vu", "total"] == pytest.approx(91.75)
    assert u.loc["gtvt", "band"] == "trung-binh"


def test_nfd_trailing_spaces_and_case_are_matched(tmp_path):
    c = corpus.Case("nfd", "NFD names, trailing and doubled spaces, other capitalisation")
    header = nfd(corpus.HEADER.replace("Tên đơn vị", "  Tên  đơn vị ").replace("Tổng điểm", "Tổng điểm "))
    rows = [list(r) for r in corpus.ROWS]
    rows[0][1] = nfd("Sở Nội vụ ")
    rows[1][1] = nfd("  Sở  Tư pháp")
    rows[2][1] = "Sở Tài chính\u00a0"
    rows[3][1] = nfd("Sở Giao Thông Vận Tải")
    rows[1][6] = nfd("Tốt ")
    c.set_rows(rows, header)
    # dataset.yml itself in NFD with a trailing space in a name
    c.yml["levels"][0]["units"][0]["name"]["vi"] = nfd("Sở Nội vụ ")
    ds, s = scored(write_case(c, tmp_path / "nfd"))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert sorted(u.index) == ["gtvt", "noi-vu", "tai-chinh", "tu-phap"]
    assert u.loc["tu-phap", "band"] == "tot"
    assert u.loc["noi-vu", "name_printed"] == "Sở Nội vụ"
    assert unicodedata.is_normalized("NFC", u.loc["gtvt", "name_printed"])
    assert ds.units()["noi-vu"].name["vi"] == "Sở Nội vụ"


def test_bom_crlf_semicolon_csv_is_read(tmp_path):
    c = corpus.Case("bom", "UTF-8 with BOM, CRLF line ends, semicolon separator")
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(corpus.HEADER.split(","))
    for r in corpus.ROWS:
        w.writerow([x.strip('"') for x in r])
    data = out.getvalue()
    c.files[corpus.TABLE] = b"\xef\xbb\xbf" + data.encode("utf-8")
    ds, s = scored(write_case(c, tmp_path / "bom"))
    assert s.level_units(2023, "departments")["total"].tolist() == [91.75, 85.5, 75.3, 58.0]


# --- "95.476": a decimal point or a thousands point? ----------------------------------------------


def test_parse_number_resolves_by_maximum_and_decimals():
    assert parse_number("95.476", decimals=2, maximum=100) == pytest.approx(95.476)  # 95476 > 100
    assert parse_number("95.476", decimals=3) == pytest.approx(95.476)  # 3 decimals printed
    assert parse_number("95,476") == pytest.approx(95.476)
    assert parse_number("1.234,5") == pytest.approx(1234.5)
    with pytest.raises(NumberFormatError, match="could be"):
        parse_number("95.476")  # nothing decides
    with pytest.raises(NumberFormatError, match="could be"):
        parse_number("1.000", decimals=2, maximum=1000)  # both readings fit


def test_decimal_point_with_three_decimals_resolved_in_a_table(tmp_path):
    c = corpus.Case("resolved", "'95.476' in a 100-point methodology: 95476 is impossible, so 95.476")
    rows = [list(r) for r in corpus.ROWS]
    rows[0][2:5] = ["66.226", '"29,25"', "95.476"]
    c.set_rows(rows)
    ds, s = scored(write_case(c, tmp_path / "resolved"))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert u.loc["noi-vu", "total"] == pytest.approx(95.476)
    assert u.loc["noi-vu", "appraised"] == pytest.approx(66.226)
    assert u.loc["noi-vu", "band"] == "xuat-sac"


def test_decimal_point_resolved_by_printed_decimals(tmp_path):
    c = corpus.Case("resolved3", "methodology printing 3 decimals, maximum 1000: '95.476' is 95.476")
    c.meth.update(max_total=1000, decimals=3, survey_max=300)
    del c.meth["fields"]
    for b, t in zip(c.meth["bands"], (900, 800, 700, 500, 0)):
        b["min_total"] = t
    c.set_rows(
        [
            ["1", "Sở Nội vụ", '"65,226"', '"30,250"', "95.476", "1", "Yếu"],
            ["2", "Sở Tư pháp", '"60,100"', '"25,400"', '"85,500"', "2", "Yếu"],
            ["3", "Sở Tài chính", '"55,000"', '"20,300"', '"75,300"', "3", "Yếu"],
            ["4", "Sở Giao thông vận tải", '"40,000"', '"18,000"', '"58,000"', "4", "Yếu"],
        ]
    )
    ds, s = scored(write_case(c, tmp_path / "resolved3"))
    assert s.level_units(2023, "departments").set_index("unit_id").loc["noi-vu", "total"] == pytest.approx(95.476)


# --- XLSX with a title row and a merged two-row header --------------------------------------------

XLSX_ROWS = [
    ["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA CÁC SỞ, BAN, NGÀNH", None, None, None, None, None],
    ["STT", "Tên đơn vị", "Điểm đạt được", None, "Tổng điểm", "Xếp hạng"],
    [None, None, "Điểm thẩm định", "Điểm điều tra XHH", None, None],
    [1, "Sở Nội vụ", 65.5, 26.25, 91.75, 1],
    [2, "Sở Tư pháp", 60.1, 25.4, 85.5, 2],
    [3, "Sở Tài chính", 55, 20.3, 75.3, 3],
    [4, "Sở Giao thông vận tải", 40, 18, 58, 4],
]
XLSX_MERGES = ["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"]


def _xlsx_case(tmp_path, rows, merges, name="xlsx") -> Path:
    c = corpus.Case(name, "XLSX annex")
    c.files = {"2023/ket-qua-2023.xlsx": corpus.xlsx_bytes(rows, merges)}
    c.table["file"] = "2023/ket-qua-2023.xlsx"
    return write_case(c, tmp_path / name)


def test_xlsx_merged_two_row_header_is_reconstructed(tmp_path):
    ds, s = scored(_xlsx_case(tmp_path, XLSX_ROWS, XLSX_MERGES))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert s.granularity[(2023, "departments")] == "components"
    assert u.loc["noi-vu", "appraised"] == pytest.approx(65.5)
    assert u.loc["noi-vu", "survey"] == pytest.approx(26.25)
    assert u.loc["tu-phap", "total"] == pytest.approx(85.5)
    assert u.loc["noi-vu", "row"] == 4  # sheet row of the first unit
    assert list(u["rank"]) == [1, 2, 3, 4]


def test_xlsx_title_row_and_one_row_header(tmp_path):
    rows = [
        XLSX_ROWS[0],
        ["STT", "Tên đơn vị", "Điểm thẩm định", "Điểm điều tra XHH", "Tổng điểm", "Xếp hạng"],
        *XLSX_ROWS[3:],
    ]
    ds, s = scored(_xlsx_case(tmp_path, rows, ["A1:F1"]))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert u.loc["noi-vu", "row"] == 3
    assert u.loc["gtvt", "total"] == pytest.approx(58)


def test_xlsx_error_names_the_sheet_row(tmp_path):
    rows = [list(r) for r in XLSX_ROWS]
    rows[5][1] = "Sở Y tế"
    folder = _xlsx_case(tmp_path, rows, XLSX_MERGES)
    ds = load_dataset(folder)
    with pytest.raises(DataError) as err:
        read_scores_table(ds.tables[0], ds)
    assert err.value.row == 6 and "unknown unit 'Sở Y tế'" in str(err.value)


# --- hostile text ---------------------------------------------------------------------------------

HOSTILE = {
    "noi-vu": "<script>alert(1)</script>",
    "tu-phap": "<img src=x onerror=alert(1)>",
    "tai-chinh": "Sở *Tài* _chính_ # $100 50% & {x} \\textbf{y} `code` [a](b) | ~ ^",
    "gtvt": "Sở " + ("Giao thông vận tải ăâđêôơư " * 80)[:1997].strip(),
}


def _hostile_case(tmp_path) -> Path:
    c = corpus.Case("hostile", "hostile unit names")
    for u in c.yml["levels"][0]["units"]:
        u["name"] = {"vi": HOSTILE[u["id"]], "en": HOSTILE[u["id"]]}
        u.pop("aliases", None)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(corpus.HEADER.split(","))
    for r, uid in zip(corpus.ROWS, ["noi-vu", "tu-phap", "tai-chinh", "gtvt"]):
        w.writerow([r[0], HOSTILE[uid], *[x.strip('"') for x in r[2:]]])
    c.files[corpus.TABLE] = out.getvalue().encode("utf-8")
    return write_case(c, tmp_path / "hostile")


def test_hostile_names_load_verbatim(tmp_path):
    assert len(HOSTILE["gtvt"]) >= 1990
    ds, s = scored(_hostile_case(tmp_path))
    units = ds.units()
    u = s.level_units(2023, "departments").set_index("unit_id")
    for uid, name in HOSTILE.items():
        assert units[uid].name["vi"] == name
        assert u.loc[uid, "name_printed"] == name
    assert u.loc["noi-vu", "total"] == pytest.approx(91.75)


def test_hostile_names_reach_figures_json_as_plain_strings(tmp_path):
    ds, s = scored(_hostile_case(tmp_path))
    path = tmp_path / "figures.json"
    a = analyse(ds, 2023, s)
    write_json(path, get_figures(a, get_checks(a, load_published(ds))))
    doc = json.loads(path.read_text(encoding="utf-8"))
    got = {r["unit_id"]: r for r in doc["levels"]["departments"]["units"]}
    for uid, name in HOSTILE.items():
        assert isinstance(got[uid]["name_vi"], str)
        assert got[uid]["name_vi"] == name and got[uid]["name_en"] == name
    # no escaping at this stage: the raw characters are in the file
    assert "<script>alert(1)</script>" in path.read_text(encoding="utf-8")


def test_empty_and_separator_only_lines_are_skipped_rows_keep_file_numbers(tmp_path):
    c = corpus.Case("blank-lines", "empty lines and ',,,,,,' lines between and after the rows")
    lines = corpus.csv_text(corpus.HEADER, corpus.ROWS).splitlines()
    text = "\n".join([lines[0], lines[1], "", ",,,,,,", lines[2], lines[3], " , ,", lines[4], ",,,,,,", ""])
    c.files[corpus.TABLE] = text.encode("utf-8")
    ds, s = scored(write_case(c, tmp_path / "blank-lines"))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert u["row"].to_dict() == {"noi-vu": 2, "tu-phap": 5, "tai-chinh": 6, "gtvt": 8}
    assert list(u["rank"]) == [1, 2, 3, 4]


def test_trailing_empty_column_from_excel_is_dropped(tmp_path):
    """Excel writes a separator after the last column: an empty column without a header is dropped
    (it used to be reported as an unknown column 'Unnamed: 7', a name not in the file)."""
    import shutil

    src = Path(__file__).resolve().parent / "bad_inputs" / "header-missing-over-values"
    dst = tmp_path / "case"
    shutil.copytree(src, dst)
    table = dst / "2023" / "ket-qua-2023.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",x\n", ",\n"), encoding="utf-8")
    yml = dst / "dataset.yml"
    import hashlib
    import re

    text = re.sub(
        r"sha256: [0-9a-f]{64}",
        "sha256: " + hashlib.sha256(table.read_bytes()).hexdigest(),
        yml.read_text(encoding="utf-8"),
    )
    yml.write_text(text, encoding="utf-8")
    from parlib.data.load import load_dataset
    from parlib.model.scoring import score_dataset

    s = score_dataset(load_dataset(dst))
    assert s.units["total"].tolist() == [91.75, 85.5, 75.3, 58.0]


# --- issue 13: valid files that were refused, and awkward ones that must stay accepted ------------

BASE_TOTALS = {"noi-vu": 91.75, "tu-phap": 85.5, "tai-chinh": 75.3, "gtvt": 58.0}  # from corpus.ROWS by hand


def _totals(folder: Path) -> dict:
    ds, s = scored(folder)
    return s.level_units(2023, "departments").set_index("unit_id")["total"].to_dict()


def test_xlsx_with_its_own_headers_mapped_under_columns(tmp_path):
    """An XLSX whose headers are not ones parlib knows is read through 'columns:' (its header row used
    to be searched for known names only: "no header row with a unit column found")."""
    rows = [
        ["Bảng 1. Kết quả", None, None],
        ["Ministry", "Appraisal pts", "Survey pts"],
        *[
            [r[1], float(r[2].strip('"').replace(",", ".")), float(r[3].strip('"').replace(",", "."))]
            for r in corpus.ROWS
        ],
    ]
    c = corpus.Case("mapped", "XLSX with its own headers, mapped")
    c.files = {"2023/ket-qua-2023.xlsx": corpus.xlsx_bytes(rows)}
    c.table.update(
        file="2023/ket-qua-2023.xlsx",
        columns={"unit": "Ministry", "appraised": "Appraisal pts", "survey": "Survey pts"},
    )
    # 65,50 + 26,25 = 91,75; 60,10 + 25,40 = 85,50; 55,00 + 20,30 = 75,30; 40,00 + 18,00 = 58,00
    assert _totals(write_case(c, tmp_path / "mapped")) == pytest.approx(BASE_TOTALS)


def test_sha256_in_upper_case_is_the_same_digest(tmp_path):
    import hashlib

    c = corpus.Case("upper", "sha256 as Windows' certutil prints it")
    c.table["sha256"] = hashlib.sha256(c.files[corpus.TABLE]).hexdigest().upper()
    assert _totals(write_case(c, tmp_path / "upper")) == pytest.approx(BASE_TOTALS)


def test_xlsx_row_of_spaces_is_skipped_like_in_csv(tmp_path):
    rows = [
        corpus.HEADER.split(","),
        *[[x.strip('"') for x in r] for r in corpus.ROWS[:2]],
        [" ", None, "  "],
        *[[x.strip('"') for x in r] for r in corpus.ROWS[2:]],
    ]
    ds, s = scored(_xlsx_case(tmp_path, rows, []))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert u["total"].to_dict() == pytest.approx(BASE_TOTALS)
    assert u["row"].to_dict() == {"noi-vu": 2, "tu-phap": 3, "tai-chinh": 5, "gtvt": 6}


def test_csv_row_of_spaces_is_skipped(tmp_path):
    c = corpus.Case("spaces", "a line of spaces and a line of separators and spaces")
    lines = corpus.csv_text(corpus.HEADER, corpus.ROWS).splitlines()
    c.files[corpus.TABLE] = "\n".join([*lines[:3], "     ", " ,  , ,\t,,,", *lines[3:], ""]).encode("utf-8")
    assert _totals(write_case(c, tmp_path / "spaces")) == pytest.approx(BASE_TOTALS)


def test_excel_sep_line_names_the_separator(tmp_path):
    """Excel's 'sep=;' first line: read with that separator, rows counted from the top of the file."""
    c = corpus.Case("sep", "sep=; then a semicolon table")
    body = "\n".join(";".join(x.strip('"') for x in [*h]) for h in [corpus.HEADER.split(","), *corpus.ROWS])
    c.files[corpus.TABLE] = ("sep=;\r\n" + body + "\n").encode("utf-8")
    ds, s = scored(write_case(c, tmp_path / "sep"))
    u = s.level_units(2023, "departments").set_index("unit_id")
    assert u["total"].to_dict() == pytest.approx(BASE_TOTALS)
    assert u.loc["noi-vu", "row"] == 3


def test_xlsx_with_formatted_empty_cells_around_the_table(tmp_path):
    """Thousands of empty cells that only carry a style, as a formatted sheet has, are not data."""
    c = corpus.Case("styled", "styled empty cells")
    c.files = {"2023/ket-qua-2023.xlsx": corpus.xlsx_styled_bomb(40_000)}
    c.table["file"] = "2023/ket-qua-2023.xlsx"
    assert _totals(write_case(c, tmp_path / "styled")) == pytest.approx(BASE_TOTALS)


def test_xlsx_header_merged_over_an_empty_column_is_read(tmp_path):
    """A header merged over a column that holds nothing (a layout habit) is read as meant: the empty
    column is dropped."""
    rows = [corpus.HEADER.split(",")[:5] + [None], *[[x.strip('"') for x in r[:5]] + [None] for r in corpus.ROWS]]
    assert _totals(_xlsx_case(tmp_path, rows, ["E1:F1"])) == pytest.approx(BASE_TOTALS)


def test_ampersand_in_a_name_and_thousands_space_are_not_refused(tmp_path):
    """'&' is not a YAML anchor inside a plain text; a non-breaking space between groups of three
    digits is a thousands separator (1 000 points)."""
    from parlib.data.numbers import parse_number

    c = corpus.Case("amp", "an ampersand in a unit name")
    c.yml["levels"][0]["units"][1]["aliases"] = ["Sở KH&CN"]
    assert _totals(write_case(c, tmp_path / "amp")) == pytest.approx(BASE_TOTALS)
    assert parse_number("1\u00a0000,5") == pytest.approx(1000.5)


def test_symlink_inside_the_dataset_is_followed(tmp_path):
    c = corpus.Case("link", "the table is a link to a file in the same dataset")
    c.files["raw/ket-qua-2023.csv"] = c.files.pop(corpus.TABLE)
    c.links = {corpus.TABLE: "../raw/ket-qua-2023.csv"}
    import hashlib

    c.table["sha256"] = hashlib.sha256(c.files["raw/ket-qua-2023.csv"]).hexdigest()
    assert _totals(write_case(c, tmp_path / "link")) == pytest.approx(BASE_TOTALS)


def test_one_file_for_two_years_with_distinct_filters(tmp_path):
    c = corpus.Case("filters", "one file holding two years, each table filtered")
    rows = [r + ["2023"] for r in corpus.ROWS] + [r + ["2022"] for r in corpus.ROWS]
    c.set_rows(rows, corpus.HEADER + ",year")
    c.table["filter"] = {"year": "2023"}
    t22 = dict(c.table, filter={"year": "2022"})
    c.yml["years"].insert(0, {"year": 2022, "tables": [t22]})
    ds, s = scored(write_case(c, tmp_path / "filters"))
    assert s.level_units(2022, "departments")["total"].tolist() == pytest.approx(list(BASE_TOTALS.values()))
