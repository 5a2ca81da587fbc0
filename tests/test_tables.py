"""parlib.tables: score tables of every granularity read into tidy frames.

Expected values are the hand computations written in each tests/data/<name>/dataset.yml, or the
ministries' table as published (Bộ Tư pháp 61,86 + 28,10, printed total 89,95).
"""

import unicodedata

import openpyxl
import pandas as pd
import pytest
from handmade import load, load_unverified, variant

from parlib.data.load import load_dataset
from parlib.data.tables import detect_granularity, map_columns, read_raw_table, read_scores_table
from parlib.errors import DataError


def _units(ds, year=None):
    spec = ds.tables[0] if year is None else next(t for t in ds.tables if t.year == year)
    ts = read_scores_table(spec, ds)
    return ts, ts.units.set_index("unit_id")


def test_totals_with_vietnamese_headers_decimal_commas_aliases_case_and_nfd():
    ts, u = _units(load("totals-vi"))
    assert ts.granularity == "totals"
    assert ts.fields.empty
    # "Sở GTVT" (alias), "Sở Tài Chính" (case), NFD "Sở Y tế" all found
    assert u["total"].to_dict() == pytest.approx({"so-gtvt": 90.766, "so-tc": 80.0, "so-yt": 80.0, "so-nv": 79.999})
    assert u.loc["so-yt", "name_printed"] == "Sở Y tế"  # stored in NFC
    assert unicodedata.is_normalized("NFC", u.loc["so-yt", "name_printed"])
    assert u["printed_rank"].tolist() == [1, 2, 2, 4]
    assert u["printed_band"].tolist() == ["Xuất sắc", "Tốt", "Tốt", "Khá"]
    assert u["printed_index"].tolist() == pytest.approx([90.766, 80.0, 80.0, 79.999])
    assert u["row"].tolist() == [2, 3, 4, 5]  # file rows, header is row 1
    assert (u["provenance"] == "illustrative").all()


def test_components_with_printed_total_accepted_within_rounding():
    ts, u = _units(load("components"))
    assert ts.granularity == "components"
    assert u.loc["so-xd", "appraised"] == 61.86 and u.loc["so-xd", "survey"] == 28.10
    assert u.loc["so-xd", "parts_total"] == pytest.approx(89.96)
    assert u.loc["so-xd", "total"] == 89.95  # the printed total is the total
    assert u.loc["so-xd", "n_parts"] == 2
    assert u["total"].to_dict() == {"so-tp": 91.0, "so-ct": 95.0, "so-xd": 89.95, "so-nv": 75.0}


def test_components_without_printed_total_sum_the_parts(tmp_path):
    p = variant(
        tmp_path,
        "components",
        edits={
            "2023/diem-thanh-phan.csv": [
                (",Tổng điểm\n", "\n"),
                (',"91,00"\n', "\n"),
                (',"95,00"\n', "\n"),
                (',"89,95"\n', "\n"),
                (',"75,00"\n', "\n"),
            ]
        },
    )
    _, u = _units(load_unverified(p))
    assert u.loc["so-xd", "total"] == 89.96  # 61,86 + 28,10, exactly at 2 decimals
    assert u["printed_total"].isna().all()


def test_fields_wide_headers_by_id_vietnamese_and_english_name():
    ts, u = _units(load("fields-wide"))
    assert ts.granularity == "fields"
    f = ts.fields.set_index(["unit_id", "field_id"])
    assert len(f) == 12
    assert f.loc[("so-a", "f1"), "points"] == 38 and f.loc[("so-a", "f1"), "max"] == 40
    assert f.loc[("so-b", "f2"), "appraised"] == 23 and pd.isna(f.loc[("so-b", "f2"), "survey"])
    assert f.loc[("so-b", "xhh"), "survey"] == 29 and pd.isna(f.loc[("so-b", "xhh"), "appraised"])
    assert u["appraised"].to_dict() == {"so-a": 66, "so-b": 63, "so-c": 57, "so-d": 52}
    assert u["survey"].to_dict() == {"so-a": 27, "so-b": 29, "so-c": 24, "so-d": 18}
    assert u["parts_total"].to_dict() == {"so-a": 93, "so-b": 92, "so-c": 81, "so-d": 70}
    assert (u["n_parts"] == 3).all()


def test_fields_wide_missing_field_column(tmp_path):
    text = (
        'Tên đơn vị,f1,Cải cách thủ tục hành chính,Tổng điểm\nSở A,"38,00","28,00","93,00"\n'
        'Sở B,"40,00","23,00","92,00"\nSở C,"30,00","27,00","81,00"\nSở D,"32,00","20,00","70,00"\n'
    )
    p = variant(tmp_path, "fields-wide", files={"2023/diem-linh-vuc.csv": text})
    with pytest.raises(DataError, match="xhh missing"):
        _units(load_unverified(p))


def test_field_points_above_maximum(tmp_path):
    p = variant(tmp_path, "fields-wide", edits={"2023/diem-linh-vuc.csv": [('Sở C,"30,00"', 'Sở C,"41,00"')]})
    with pytest.raises(DataError, match="above its maximum 40") as e:
        _units(load_unverified(p))
    assert e.value.row == 4


def test_criteria_long_self_assessed_appraised_survey():
    ts, u = _units(load("criteria-long"))
    assert ts.granularity == "criteria"
    f = ts.fields.set_index(["unit_id", "field_id"])
    assert len(f) == 9
    assert f.loc[("so-tp", "f1"), "self_assessed"] == 39.5
    assert f.loc[("so-tp", "f1"), "appraised"] == 37.5
    assert f.loc[("so-tp", "f2"), "appraised"] == 25.25
    assert f.loc[("so-tp", "xhh"), "survey"] == 26.5 and f.loc[("so-tp", "xhh"), "points"] == 26.5
    assert f.loc[("so-nv", "f1"), "max"] == 40
    assert u["total"].to_dict() == {"so-tp": 89.25, "so-yt": 97.0, "so-nv": 60.0}
    assert u["self_assessed"].to_dict() == {"so-tp": 67.5, "so-yt": 70.0, "so-nv": 50.0}
    assert u["appraised"].to_dict() == {"so-tp": 62.75, "so-yt": 69.0, "so-nv": 42.0}
    assert u["survey"].to_dict() == {"so-tp": 26.5, "so-yt": 28.0, "so-nv": 18.0}


def test_criteria_long_a_unit_and_a_field_under_several_spellings(tmp_path):
    # one unit printed in capitals on some rows, a field with doubled spaces: the same unit and
    # field (rows are keyed by unit and field, not by the printed text); totals as hand-computed above
    p = variant(
        tmp_path,
        "criteria-long",
        edits={
            "2023/tieu-chi.csv": [
                ("Sở Y tế,f1,1.2,", "SỞ Y TẾ,f1,1.2,"),
                ("Sở Y tế,xhh,", "  sở y tế ,xhh,"),
                ("Sở Nội vụ,Cải cách thủ tục", "Sở Nội vụ,Cải  cách thủ tục"),
            ]
        },
    )
    ts, u = _units(load_unverified(p))
    f = ts.fields.set_index(["unit_id", "field_id"])
    assert len(f) == 9
    assert f.loc[("so-yt", "f1"), "appraised"] == 40 and f.loc[("so-yt", "xhh"), "survey"] == 28
    assert f.loc[("so-nv", "f2"), "appraised"] == 20
    assert u["total"].to_dict() == {"so-tp": 89.25, "so-yt": 97.0, "so-nv": 60.0}
    assert u.loc["so-yt", "name_printed"] == "Sở Y tế"  # the unit's first row


def test_criteria_long_a_criterion_given_twice_under_two_spellings(tmp_path):
    # "SỞ Y TẾ, f1, ' 1.1 '" is Sở Y tế's criterion 1.1 again (file row 7)
    p = variant(tmp_path, "criteria-long", edits={"2023/tieu-chi.csv": [("Sở Y tế,f1,1.2,", 'SỞ Y TẾ,f1," 1.1 ",')]})
    with pytest.raises(DataError, match="has field 'f1' criterion '1.1' twice") as e:
        _units(load_unverified(p))
    assert e.value.row == 7


def test_criteria_long_field_missing_for_a_unit(tmp_path):
    p = variant(tmp_path, "criteria-long", edits={"2023/tieu-chi.csv": [("Sở Y tế,xhh,3.1,30,,,28\n", "")]})
    with pytest.raises(DataError, match="no row for field"):
        _units(load_unverified(p))


def test_criteria_long_maxima_disagree_with_methodology(tmp_path):
    p = variant(tmp_path, "criteria-long", edits={"2023/tieu-chi.csv": [("Sở Y tế,f1,1.1,20,", "Sở Y tế,f1,1.1,25,")]})
    with pytest.raises(DataError, match="sum to 45"):
        _units(load_unverified(p))


def test_criteria_long_self_assessed_above_maximum(tmp_path):
    p = variant(
        tmp_path, "criteria-long", edits={"2023/tieu-chi.csv": [("Sở Nội vụ,f1,1.1,20,15,", "Sở Nội vụ,f1,1.1,20,21,")]}
    )
    with pytest.raises(DataError, match="self assessed 21 is above the maximum 20") as e:
        _units(load_unverified(p))
    assert e.value.row == 10


def _xlsx_variant(tmp_path, name, rows, title="BẢNG TỔNG HỢP KẾT QUẢ CHỈ SỐ CCHC"):
    """The dataset ``name`` with its table replaced by an XLSX written here (numbers as numeric cells)."""
    ds = load(name)
    rel = ds.tables[0].rel
    xrel = rel.rsplit(".", 1)[0] + ".xlsx"
    p = variant(tmp_path, name, yml=[(rel, xrel)])
    (p / rel).unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])  # a title row above the header, as agencies print
    for r in rows:
        ws.append(r)
    wb.save(p / xrel)
    return load_unverified(p)


def test_xlsx_totals_with_title_row(tmp_path):
    nfd = unicodedata.normalize("NFD", "Sở Y tế")
    ds = _xlsx_variant(
        tmp_path,
        "totals-vi",
        [
            ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại"],
            [1, "Sở GTVT", 90.766, 1, "Xuất sắc"],
            [2, "Sở Tài Chính", "80,000", 2, "Tốt"],  # a text cell with a decimal comma
            [3, nfd, 80, 2, "Tốt"],
            [4, "Sở Nội vụ", 79.999, 4, "Khá"],
        ],
    )
    ts, u = _units(ds)
    assert ts.granularity == "totals"
    assert u["total"].to_dict() == pytest.approx({"so-gtvt": 90.766, "so-tc": 80.0, "so-yt": 80.0, "so-nv": 79.999})
    assert u["printed_rank"].tolist() == [1, 2, 2, 4]
    assert u.loc["so-gtvt", "row"] == 3  # title row 1, header row 2


def test_xlsx_criteria_long(tmp_path):
    header = [
        "Tên đơn vị",
        "Lĩnh vực",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
    ]
    rows = [header]
    for name, f1, f2, xhh in (
        ("Sở Tư pháp", [(20, 18), (19.5, 19.5)], (28, 25.25), 26.5),
        ("Sở Y tế", [(20, 20), (20, 20)], (30, 29), 28),
        ("Sở Nội vụ", [(15, 10), (15, 12)], (20, 20), 18),
    ):
        rows += [
            [name, "f1", "1.1", 20, *f1[0], None],
            [name, "f1", "1.2", 20, *f1[1], None],
            [name, "f2", "2.1", 30, *f2, None],
            [name, "xhh", "3.1", 30, None, None, xhh],
        ]
    ts, u = _units(_xlsx_variant(tmp_path, "criteria-long", rows, title=None))
    assert ts.granularity == "criteria"
    assert u["total"].to_dict() == {"so-tp": 89.25, "so-yt": 97.0, "so-nv": 60.0}
    assert u["self_assessed"].to_dict() == {"so-tp": 67.5, "so-yt": 70.0, "so-nv": 50.0}


def test_xlsx_numeric_cells_with_three_decimals(tmp_path):
    # A numeric cell 19,125 is a number, not the text "19.125" that could be 19125: an XLSX
    # export with three-decimal sub-criterion points must read. Hand computation: Sở Tư pháp f1
    # self-assessed 19,125 + 19,5 = 38,625; appraised 18,125 + 19,5 = 37,625;
    # total 37,625 + 25,25 + 26,5 = 89,375, which the methodology prints at 2 decimals: 89,38.
    header = [
        "Tên đơn vị",
        "Lĩnh vực",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
    ]
    rows = [header]
    for name, f1, f2, xhh in (
        ("Sở Tư pháp", [(19.125, 18.125), (19.5, 19.5)], (28, 25.25), 26.5),
        ("Sở Y tế", [(20, 20), (20, 20)], (30, 29), 28),
        ("Sở Nội vụ", [(15, 10), (15, 12)], (20, 20), 18),
    ):
        rows += [
            [name, "f1", "1.1", 20, *f1[0], None],
            [name, "f1", "1.2", 20, *f1[1], None],
            [name, "f2", "2.1", 30, *f2, None],
            [name, "xhh", "3.1", 30, None, None, xhh],
        ]
    ts, u = _units(_xlsx_variant(tmp_path, "criteria-long", rows))
    f = ts.fields.set_index(["unit_id", "field_id"])
    assert f.loc[("so-tp", "f1"), "self_assessed"] == pytest.approx(38.625)
    assert f.loc[("so-tp", "f1"), "appraised"] == pytest.approx(37.625)
    assert u.loc["so-tp", "total"] == 89.38


def test_ministries_2023_as_published():
    ds = load_dataset("vn-ministries")
    ts, u = _units(ds, 2023)
    assert ts.granularity == "components"
    assert len(u) == 17
    assert u.loc["tu-phap", "appraised"] == 61.86 and u.loc["tu-phap", "survey"] == 28.10
    assert u.loc["tu-phap", "total"] == 89.95
    assert u.loc["tu-phap", "parts_total"] == pytest.approx(89.96)
    assert u.loc["y-te", "name_printed"] == "Bộ Y Tế"  # printed with a capital T: an alias
    assert u["printed_rank"].tolist() == list(range(1, 18))


def test_ministries_2022_partial_filtered_index_only():
    ds = load_dataset("vn-ministries")
    ts, u = _units(ds, 2022)
    assert ts.granularity == "totals"
    assert len(u) == 7  # 2022 rows of the file: ranks 1–5, 17, and one unranked
    assert u["partial"].all()
    assert u.loc["nhnn", "total"] == pytest.approx(91.77)  # index % × 100 points / 100
    assert u.loc["ngoai-giao", "total"] == pytest.approx(72.65)
    assert pd.isna(u.loc["noi-vu", "total"])  # rank only, no value printed
    assert u.loc["kh-dt", "provenance"] == "inferred"  # INFERRED in the file
    assert u.loc["nhnn", "provenance"] == "published"


def test_every_vietnamese_header_is_recognised():
    ds = load("criteria-long")
    spec, meth = ds.tables[0], ds.methodologies["mf"]
    headers = [
        "Tên đơn vị",
        "Lĩnh vực",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
        "Tổng điểm",
        "Chỉ số",
        "Xếp hạng",
        "Xếp loại",
        "STT",
    ]
    canon, fields = map_columns(headers, spec, meth, spec.path)
    assert canon == {
        "unit": "Tên đơn vị",
        "field": "Lĩnh vực",
        "max": "Điểm tối đa",
        "self_assessed": "Điểm tự đánh giá",
        "appraised": "Điểm thẩm định",
        "survey": "Điểm điều tra XHH",
        "total": "Tổng điểm",
        "index": "Chỉ số",
        "rank": "Xếp hạng",
        "band": "Xếp loại",
        "no": "STT",
    }
    assert fields == {}
    canon, _ = map_columns(["TÊN ĐƠN VỊ", unicodedata.normalize("NFD", "Tổng điểm")], spec, meth, spec.path)
    assert canon == {"unit": "TÊN ĐƠN VỊ", "total": unicodedata.normalize("NFD", "Tổng điểm")}


@pytest.mark.parametrize(
    "canon, fields, gran",
    [
        ({"unit": "u", "total": "t"}, {}, "totals"),
        ({"unit": "u", "index": "i"}, {}, "totals"),
        ({"unit": "u", "appraised": "a", "survey": "s", "total": "t"}, {}, "components"),
        ({"unit": "u", "survey": "s"}, {}, "components"),
        ({"unit": "u", "total": "t"}, {"f1": "f1"}, "fields"),
        ({"unit": "u", "field": "f", "appraised": "a"}, {}, "criteria"),
    ],
)
def test_detect_granularity(canon, fields, gran):
    assert detect_granularity(canon, fields) == gran


def test_unknown_column_is_an_error_unless_ignored(tmp_path):
    p = variant(
        tmp_path, "two-years", edits={"2022/ket-qua-2022.csv": [("unit,total,rank", "unit,total,rank,ghi chú")]}
    )
    with pytest.raises(DataError, match="unknown or repeated column 'ghi chú'"):
        _units(load_unverified(p), 2022)
    p2 = variant(
        tmp_path / "b",
        "two-years",
        edits={"2022/ket-qua-2022.csv": [("unit,total,rank", "unit,total,rank,ghi chú")]},
        yml=[("sha256: ", "ignore_columns: [Ghi chú]\n        sha256: ")],
    )
    _, u = _units(load_unverified(p2), 2022)
    assert u.loc["so-gtvt", "total"] == 90.0


def test_columns_mapping(tmp_path):
    p = variant(
        tmp_path,
        "two-years",
        edits={"2022/ket-qua-2022.csv": [("unit,total,rank", "don_vi,diem,hang")]},
        yml=[("sha256: ", "columns: {unit: don_vi, total: diem, rank: hang}\n        sha256: ")],
    )
    _, u = _units(load_unverified(p), 2022)
    assert u.loc["so-dl", "total"] == 50.0
    p2 = variant(tmp_path / "b", "two-years", yml=[("sha256: ", "columns: {unit: ten}\n        sha256: ")])
    with pytest.raises(DataError, match="which the table does not have"):
        _units(load_unverified(p2), 2022)


def test_unknown_unit_names_the_row(tmp_path):
    p = variant(tmp_path, "totals-vi", edits={"2023/bang-diem-2023.csv": [("Sở Nội vụ", "Sở Nội Vụ Tỉnh")]})
    with pytest.raises(DataError, match="unknown unit 'Sở Nội Vụ Tỉnh'") as e:
        _units(load_unverified(p))
    assert e.value.row == 5 and e.value.column == "Tên đơn vị"


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("79,999;79,999", ";79,999", "missing"),
        ("79,999;79,999", "-79,999;79,999", "negative"),
        ("79,999;79,999", "100,500;79,999", "above the maximum"),
        ("79,999;79,999", "bảy mươi;79,999", "not a number"),
        ("4;Sở Nội vụ", "4;Sở GTVT", "more than once"),
    ],
)
def test_bad_cells(tmp_path, old, new, message):
    p = variant(tmp_path, "totals-vi", edits={"2023/bang-diem-2023.csv": [(old, new)]})
    with pytest.raises(DataError, match=message):
        _units(load_unverified(p))


def test_csv_with_bom_and_tab_separator(tmp_path):
    text = "\ufeffunit\ttotal\nSở GTVT\t90,766\nSở Tài chính\t80\nSở Y tế\t80\nSở Nội vụ\t79,999\n"
    p = variant(tmp_path, "totals-vi", files={"2023/bang-diem-2023.csv": text})
    _, u = _units(load_unverified(p))
    assert u["total"].to_dict() == pytest.approx({"so-gtvt": 90.766, "so-tc": 80.0, "so-yt": 80.0, "so-nv": 79.999})


def test_encodings_and_empty_files(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes("unit,total\nSở Y tế,80\n".encode("utf-16"))
    with pytest.raises(DataError, match="UTF-16"):
        read_raw_table(f)
    f.write_bytes(b"unit,total\nS\xe9 Y t\xe9,80\n")
    with pytest.raises(DataError, match="not UTF-8") as e:
        read_raw_table(f)
    assert e.value.row == 2
    f.write_text("  \n", encoding="utf-8")
    with pytest.raises(DataError, match="empty"):
        read_raw_table(f)
    (tmp_path / "t.ods").write_text("x")
    with pytest.raises(DataError, match="unsupported file type"):
        read_raw_table(tmp_path / "t.ods")


def test_semicolon_csv_whose_header_holds_a_comma(tmp_path):
    # "Đơn vị, địa phương" is a unit header; in a semicolon-separated file its comma must not be
    # taken for the separator (it was: the rows were then read as an index and parlib crashed).
    text = (
        "STT;Đơn vị, địa phương;Tổng điểm\n1;Sở GTVT;90,766\n2;Sở Tài chính;80,000\n"
        "3;Sở Y tế;80,000\n4;Sở Nội vụ;79,999\n"
    )
    p = variant(tmp_path, "totals-vi", files={"2023/bang-diem-2023.csv": text})
    _, u = _units(load_unverified(p))
    assert u["total"].to_dict() == pytest.approx({"so-gtvt": 90.766, "so-tc": 80.0, "so-yt": 80.0, "so-nv": 79.999})


def test_rows_longer_than_the_header_are_a_data_error(tmp_path):
    text = "unit,total\nSở GTVT,90,766\nSở Tài chính,80\nSở Y tế,80\nSở Nội vụ,79,999\n"  # unquoted decimal commas
    p = variant(tmp_path, "totals-vi", files={"2023/bang-diem-2023.csv": text})
    with pytest.raises(DataError, match="more columns than the header"):
        _units(load_unverified(p))


def test_every_mistake_of_one_table_is_reported_at_once(tmp_path):
    """Five independent mistakes in five rows of one table: five lines from one load, each with its
    row and column (rows counted from the header, row 1)."""
    from handmade import one_year

    from parlib.data.load import load_dataset
    from parlib.errors import DataErrors
    from parlib.model.scoring import score_dataset

    rows = [
        "Đơn vị 0;85,50",
        "Đơn vị 1;abc",
        "Đơn vị 9;70,00",
        ";60,00",
        "Đơn vị 4;",
        "Đơn vị 5;-3,00",
        "Đơn vị 6;71,00",
    ]
    folder = one_year(tmp_path / "tiny", rows, "Đơn vị;Tổng điểm")
    with pytest.raises(DataErrors) as caught:
        score_dataset(load_dataset(folder))
    lines = [str(e) for e in caught.value.errors]
    assert len(lines) == 5, lines
    assert "row 3" in lines[0] and "'abc'" in lines[0]  # not a number
    assert "row 4" in lines[1] and "unknown unit 'Đơn vị 9'" in lines[1]
    assert "row 5" in lines[2] and "the unit name is empty" in lines[2]
    assert "row 6" in lines[3] and "the value is missing" in lines[3]
    assert "row 7" in lines[4] and "negative score -3" in lines[4]


def test_a_column_of_bad_numbers_is_counted_past_the_first_hundred(tmp_path):
    from handmade import one_year

    from parlib.data.load import load_dataset
    from parlib.errors import DataErrors
    from parlib.model.scoring import score_dataset

    rows = [f"Đơn vị {i};x{i}" for i in range(130)]
    folder = one_year(tmp_path / "tiny", rows, "Đơn vị;Tổng điểm")
    with pytest.raises(DataErrors) as caught:
        score_dataset(load_dataset(folder))
    lines = [str(e) for e in caught.value.errors]
    assert len(lines) == 101  # 100 cells one by one, then one line for the 30 others
    assert any("30 more rows below with the same kind of problem" in x and "row 102" in x for x in lines)
