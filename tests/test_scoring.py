"""parlib.scoring: totals, printed-total tolerance, % of maximum, ranks, bands, summaries.

Expected values: the ministries' table as published (61,86 + 28,10 printed 89,95; mean index
84,38; 14 of 17 at ≥ 80 %; printed ranks 1..17) and the hand computations in tests/data/.
"""

from pathlib import Path

import pandas as pd
import pytest
from handmade import load, load_unverified, one_year, variant

from parlib.check.published import check_printed_columns
from parlib.data.dataset import Band, Methodology, TableSpec
from parlib.data.load import load_dataset
from parlib.data.numbers import round_half_up, total_from_parts
from parlib.errors import DataError
from parlib.model.analysis import analyse
from parlib.model.scoring import (
    band_of,
    check_printed_ranks,
    check_printed_totals,
    get_level_summary,
    pct_of_max,
    printed_total_tolerance,
    rank_units,
    score_dataset,
)


def _meth(bands, decimals=3, max_total=100.0):
    return Methodology("m", {"vi": "m", "en": "m"}, max_total, decimals, (), tuple(bands))


PLAIN = [
    Band("xs", {"vi": "Xuất sắc", "en": "Excellent"}, min_total=90),
    Band("tot", {"vi": "Tốt", "en": "Good"}, min_total=80),
    Band("kha", {"vi": "Khá", "en": "Fair"}, min_total=70),
    Band("yeu", {"vi": "Yếu", "en": "Weak"}, min_total=0),
]


def test_tied_ranks_share_the_best_rank():
    assert rank_units(pd.Series([90.0, 85.0, 85.0, 80.0])).tolist() == [1, 2, 2, 4]
    assert rank_units(pd.Series([70.0, 90.0, 90.0, 90.0])).tolist() == [4, 1, 1, 1]


def test_ranks_within_groups_and_missing_totals():
    r = rank_units(pd.Series([90.0, 80.0, 70.0, float("nan"), 75.0]), pd.Series(["d", "d", "h", "h", "h"]))
    assert r.iloc[[0, 1, 2, 4]].tolist() == [1, 2, 2, 1]
    assert pd.isna(r.iloc[3])


def test_band_edges():
    m = _meth(PLAIN, decimals=3)
    t = pd.Series([90.0, 89.999, 80.0, 79.999, 70.0, 69.999, 0.0, float("nan")])
    assert band_of(t, m).tolist()[:7] == ["xs", "tot", "tot", "kha", "kha", "yeu", "yeu"]
    assert pd.isna(band_of(t, m).iloc[7])


def test_band_of_total_printed_at_the_methodology_precision():
    # 79,9996 printed at 3 decimals is 80,000: in the ≥ 80 band
    assert band_of(pd.Series([79.9996]), _meth(PLAIN, decimals=3)).tolist() == ["tot"]


def test_band_by_pct_of_maximum():
    bands = [
        Band("a", {"vi": "Nhóm A", "en": "A"}, min_pct=90),
        Band("b", {"vi": "Nhóm B", "en": "B"}, min_pct=80),
        Band("c", {"vi": "Dưới", "en": "Below"}, min_pct=0),
    ]
    m = _meth(bands, decimals=2, max_total=50.0)
    # 45 of 50 = 90 %, 40 of 50 = 80 %, 39,99 of 50 = 79,98 %
    assert band_of(pd.Series([45.0, 40.0, 39.99]), m).tolist() == ["a", "b", "c"]


def test_band_conditions_min_field_pct_and_min_survey():
    bands = [
        Band("xs", {"vi": "Xuất sắc", "en": "Excellent"}, min_total=90, min_field_pct=80, min_survey=25),
        *PLAIN[1:],
    ]
    m = _meth(bands, decimals=2)
    total = pd.Series([95.0, 95.0, 95.0, 95.0, 95.0])
    fmin = pd.Series([80.0, 79.99, 85.0, float("nan"), 90.0])
    survey = pd.Series([25.0, 28.0, 24.99, 28.0, float("nan")])
    # all met; a field below 80 %; survey below 25; no field data; no survey data → Tốt
    assert band_of(total, m, min_field_pct=fmin, survey=survey).tolist() == ["xs", "tot", "tot", "tot", "tot"]


def test_printed_total_tolerance():
    assert printed_total_tolerance(2, 2) == pytest.approx(0.015)  # 3 × 0,005
    assert printed_total_tolerance(3, 2) == pytest.approx(0.02)
    assert printed_total_tolerance(2, 3) == pytest.approx(0.0015)


def test_check_printed_totals_accepts_rounding_and_flags_beyond():
    u = pd.DataFrame(
        {
            "year": 2023,
            "level": "x",
            "unit_id": list("abcde"),
            "row": [2, 3, 4, 5, 6],
            "printed_total": [89.95, 90.00, 90.015, 90.016, 90.02],
            "parts_total": [89.96, 90.00, 90.00, 90.00, 90.00],
            "n_parts": 2,
        }
    )
    chk = check_printed_totals(u, 2).set_index("unit_id")
    assert chk["gap"].tolist() == pytest.approx([-0.01, 0.0, 0.015, 0.016, 0.02])
    assert chk["ok"].tolist() == [True, True, True, False, False]


def test_total_from_parts_removes_float_noise():
    s = pd.Series([61.86 + 28.10, 0.1 + 0.2])
    assert total_from_parts(s, 2).tolist() == [89.96, 0.3]


def test_pct_of_max():
    assert pct_of_max(pd.Series([27.0, 5.0]), pd.Series([30.0, 0.0])).iloc[0] == pytest.approx(90.0)
    assert pd.isna(pct_of_max(pd.Series([27.0, 5.0]), pd.Series([30.0, 0.0])).iloc[1])
    assert pct_of_max(pd.Series([89.95]), 100.0).iloc[0] == pytest.approx(89.95)


def test_ministries_2023_scores_match_the_published_statements():
    s = score_dataset(load_dataset("vn-ministries"))
    u = s.level_units(2023, "ministries").set_index("unit_id")
    chk = s.total_checks[s.total_checks["year"] == 2023].set_index("unit_id")
    assert chk.loc["tu-phap", "gap"] == pytest.approx(-0.01) and chk.loc["tu-phap", "ok"]  # 89,95 vs 89,96
    assert chk["ok"].all()
    assert round_half_up(u["pct"].mean(), 2) == 84.38  # average index 84,38 %
    assert int((u["pct"] >= 80).sum()) == 14  # 14 of 17 at ≥ 80 %
    assert (u["rank"] == u["printed_rank"]).all()  # printed ranks 1..17
    assert sorted(u["rank"].tolist()) == list(range(1, 18))
    summary = get_level_summary(s.level_units(2023, "ministries"), s.dataset.methodology_for(2023, "ministries"))
    assert summary["n_units"] == 17 and summary["at_least"]["80"] == 14
    assert not summary["partial"]


def test_ministries_2022_partial_keeps_printed_ranks():
    s = score_dataset(load_dataset("vn-ministries"))
    u = s.level_units(2022, "ministries").set_index("unit_id")
    assert u.loc["nhnn", "rank"] == 1 and u.loc["ngoai-giao", "rank"] == 17  # as printed, not 1..7
    assert u.loc["noi-vu", "rank"] == 4 and pd.isna(u.loc["noi-vu", "total"])
    assert pd.isna(u.loc["kh-dt", "rank"])
    assert get_level_summary(s.level_units(2022, "ministries"), s.dataset.methodology_for(2022, "ministries"))[
        "partial"
    ]


def test_totals_vi_ranks_bands_and_summary():
    s = score_dataset(load("totals-vi"))
    u = s.units.set_index("unit_id")
    assert u["rank"].to_dict() == {"so-gtvt": 1, "so-tc": 2, "so-yt": 2, "so-nv": 4}
    assert u["band"].to_dict() == {"so-gtvt": "xuat-sac", "so-tc": "tot", "so-yt": "tot", "so-nv": "kha"}
    summ = get_level_summary(s.units, s.dataset.methodologies["m3"])
    assert summ["mean"] == pytest.approx(82.69125)
    assert summ["median"] == 80.0
    assert summ["min"] == 79.999 and summ["max"] == 90.766
    assert summ["band_counts"] == {"xuat-sac": 1, "tot": 2, "kha": 1, "trung-binh": 0, "yeu": 0}
    assert summ["at_least"] == {"80": 3}


def test_components_band_with_survey_condition():
    s = score_dataset(load("components"))
    u = s.units.set_index("unit_id")
    assert u["band"].to_dict() == {"so-tp": "xuat-sac", "so-ct": "tot", "so-xd": "tot", "so-nv": "kha"}
    assert u["rank"].to_dict() == {"so-ct": 1, "so-tp": 2, "so-xd": 3, "so-nv": 4}


def test_fields_band_with_field_condition():
    s = score_dataset(load("fields-wide"))
    u = s.units.set_index("unit_id")
    assert u["min_field_pct"].to_dict() == pytest.approx({"so-a": 90.0, "so-b": 230 / 3, "so-c": 75.0, "so-d": 60.0})
    assert u["band"].to_dict() == {"so-a": "xuat-sac", "so-b": "tot", "so-c": "tot", "so-d": "kha"}


def test_criteria_ranks_and_bands():
    s = score_dataset(load("criteria-long"))
    u = s.units.set_index("unit_id")
    assert u["rank"].to_dict() == {"so-yt": 1, "so-tp": 2, "so-nv": 3}
    assert u["band"].to_dict() == {"so-yt": "xuat-sac", "so-tp": "tot", "so-nv": "trung-binh"}
    assert s.has_fields(2023, "departments")


def test_printed_total_beyond_rounding_is_flagged(tmp_path):
    # 61,86 + 28,10 = 89,96 printed 89,94: a gap of 0,02 > 0,015
    p = variant(tmp_path, "components", edits={"2023/diem-thanh-phan.csv": [('"89,95"', '"89,94"')]})
    ds = load_unverified(p)
    with pytest.raises(DataError, match="more than rounding allows") as e:
        score_dataset(ds)
    assert e.value.row == 4
    chk = score_dataset(ds, strict=False).total_checks.set_index("unit_id")
    assert not chk.loc["so-xd", "ok"] and chk.loc["so-xd", "gap"] == pytest.approx(-0.02)


@pytest.mark.parametrize(
    "old, new, message, column",
    [
        (
            "4;Sở Nội vụ;79,999;79,999;4;Khá",
            "4;Sở Nội vụ;79,999;79,999;3;Khá",
            "printed rank 3 but the totals give rank 4",
            "ranks",
        ),
        (
            "4;Sở Nội vụ;79,999;79,999;4;Khá",
            "4;Sở Nội vụ;79,999;79,999;4;Tốt",
            "printed band 'Tốt' but the band rule gives 'kha'",
            "bands",
        ),
        ("4;Sở Nội vụ;79,999;79,999;4;Khá", "4;Sở Nội vụ;79,999;79,999;4;Loại B", "not a band", "bands"),
    ],
)
def test_printed_rank_or_band_contradicted(tmp_path, old, new, message, column):
    p = variant(tmp_path, "totals-vi", edits={"2023/bang-diem-2023.csv": [(old, new)]})
    ds = load_unverified(p)
    with pytest.raises(DataError, match=message):
        score_dataset(ds)
    # the check command still scores it, and reports the mismatch: 3 of the 4 printed values agree
    checks = check_printed_columns(analyse(ds, 2023, score_dataset(ds, strict=False))).set_index("id")
    assert checks.loc[f"{column}-departments-2023", ["printed", "computed", "match"]].tolist() == ["4", "3", False]
    other = "bands" if column == "ranks" else "ranks"
    assert checks.loc[f"{other}-departments-2023", ["printed", "computed", "match"]].tolist() == ["4", "4", True]


def test_unknown_year():
    with pytest.raises(DataError, match="no table for year"):
        score_dataset(load("totals-vi"), years=[2019])


def test_ranks_bands_and_counts_round_half_up_like_the_printed_figures(tmp_path):
    """Bug: pandas' binary round turned 88,185 into 88,18 (rank 2 behind 88,19) and 39,995 into
    39,99 (below a threshold of 40). Printed at 2 decimals both are 88,19 and 40,00: by hand, the
    two share rank 1 and 39,995 reaches the 40 band. Through score_dataset, which must do the
    rounding itself (the table prints 3 decimals, the methodology 2)."""
    from parlib.data.numbers import round_half_up_series

    t = pd.Series([88.185, 88.19, 39.995, 39.994])
    assert round_half_up_series(t, 2).tolist() == [88.19, 88.19, 40.0, 39.99]
    assert round_half_up_series(pd.Series([-5.305, float("nan")]), 2).iloc[0] == -5.31
    folder = one_year(
        tmp_path / "d",
        ['Đơn vị 0,"88,185"', 'Đơn vị 1,"88,190"', 'Đơn vị 2,"39,995"', 'Đơn vị 3,"39,994"'],
        "unit,total",
        bands=(40, 0),
    )
    u = score_dataset(load_dataset(folder)).units
    assert u["rank"].astype(int).tolist() == [1, 1, 3, 4]
    assert u["band"].tolist() == ["tot", "tot", "tot", "kha"]
    m = Methodology(
        "m",
        {"vi": "m", "en": "m"},
        100,
        2,
        (),
        (Band("a", {"vi": "A", "en": "A"}, min_total=40), Band("b", {"vi": "B", "en": "B"}, min_total=0)),
    )
    assert band_of(t, m).tolist() == ["a", "a", "a", "b"]


def _rank_errors(rows, ties="printed", partial=True):
    """check_printed_ranks on a table given as (name, printed total, printed rank) rows, file rows 2, 3, ...:
    the (what, todo, row) of each error, in order."""
    u = pd.DataFrame(
        {
            "row": range(2, 2 + len(rows)),
            "name_printed": [r[0] for r in rows],
            "total_printed": [float(r[1]) for r in rows],
            "total": [float(r[1]) for r in rows],
            "printed_rank": [float(r[2]) for r in rows],
        }
    )
    meth = Methodology("m", {"vi": "m", "en": "m"}, 100.0, 2, (), tuple(PLAIN), rank_ties=ties)
    spec = TableSpec(Path("t.csv"), "t.csv", 2023, "d", "m", "s", "illustrative", "", partial=partial)
    return [(e.what, e.todo, e.row) for e in check_printed_ranks(u, meth, spec, rank_units(u["total"]))]


CHECK_BOTH = "check both rows' ranks and totals against the source"


def test_a_lower_total_ranked_above_a_higher_one_names_both_rows():
    # rank 1: 90, rank 2: 70, rank 3: 80 — the 70 of rank 2 stands above the 80 of rank 3 (row 4)
    assert _rank_errors([("P", 90, 1), ("Q", 70, 2), ("R", 80, 3)]) == [
        (
            "row 3 (Q, 70.00, rank 2) is ranked above row 4 (R, 80.00, rank 3): a lower total above a higher one",
            CHECK_BOTH,
            4,
        ),
    ]


def test_the_lowest_total_of_all_better_ranks_is_the_one_named():
    # ranks 1..4 with totals 90, 70, 85, 80: the lowest total above rank 3 is 70 (rank 2), and it stays
    # the lowest above rank 4 too (85 is not below 70): two errors, both naming row 3
    assert _rank_errors([("P", 90, 1), ("Q", 70, 2), ("R", 85, 3), ("S", 80, 4)]) == [
        (
            "row 3 (Q, 70.00, rank 2) is ranked above row 4 (R, 85.00, rank 3): a lower total above a higher one",
            CHECK_BOTH,
            4,
        ),
        (
            "row 3 (Q, 70.00, rank 2) is ranked above row 5 (S, 80.00, rank 4): a lower total above a higher one",
            CHECK_BOTH,
            5,
        ),
    ]


def test_equal_totals_on_consecutive_ranks_name_the_first_row_of_the_better_rank():
    # 'rank_ties: printed': 80 (rank 1) and 80 (rank 2) is a broken tie, no error; 85 at rank 3 is above
    # both, and the first of the equal lowest totals (row 2, the better rank) is the one named
    assert _rank_errors([("A", 80, 1), ("B", 80, 2), ("C", 85, 3)]) == [
        (
            "row 2 (A, 80.00, rank 1) is ranked above row 4 (C, 85.00, rank 3): a lower total above a higher one",
            CHECK_BOTH,
            4,
        ),
    ]


def test_different_totals_sharing_a_rank():
    # rank 2 is shared by 80, 85 and 85 (rows 3, 4, 5); walked best total first whatever the file's order
    # (row 4, row 5, then row 3), the 80 of row 3 differs from the first of the lowest so far, row 4's 85
    assert _rank_errors([("P", 90, 1), ("C", 80, 2), ("A", 85, 2), ("B", 85, 2)]) == [
        ("row 4 (A, 85.00, rank 2) and row 3 (C, 80.00, rank 2) share a rank with different totals", CHECK_BOTH, 3),
    ]
    # equal totals sharing a rank are a tie: no error
    assert _rank_errors([("P", 90, 1), ("A", 80, 2), ("B", 80, 2), ("C", 70, 4)]) == []


def test_equal_totals_with_different_ranks_under_rank_ties_min():
    # three totals of 80 printed at ranks 4, 2, 3 (rows 2, 3, 4): 'min' gives them one rank; the first
    # two by printed rank are named (rank 2 on row 3, rank 3 on row 4), the error on row 4
    rows = [("C", 80, 4), ("A", 80, 2), ("B", 80, 3), ("P", 90, 1)]
    assert _rank_errors(rows, ties="min") == [
        (
            "row 3 (A, 80.00, rank 2) and row 4 (B, 80.00, rank 3) have equal totals but different ranks, and "
            "'rank_ties: min' gives equal totals the same rank",
            "if the publisher breaks ties, write 'rank_ties: printed' in the methodology; otherwise check the ranks",
            4,
        )
    ]
    # under 'rank_ties: printed' the same ranks are a tie the publisher broke: no error
    assert _rank_errors(rows, ties="printed") == []
    # two equal totals, two ranks: the same error
    assert [e[2] for e in _rank_errors([("P", 90, 1), ("A", 80, 2), ("B", 80, 3)], ties="min")] == [4]
