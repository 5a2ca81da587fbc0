"""Each rule at its edge (issue 15): three years and a rename chain, a unit exactly at every count
threshold, ties for top, bottom, largest rise and largest fall, a level where nobody rose or nobody
fell, the printed-index tolerance on both sides of its limit, and a table printed with more decimals
than its methodology.

Expected values are computed by hand from tests/data/three-years/ (its dataset.yml shows the
arithmetic) and from the tiny tables written below; none is copied from parlib's output.
"""

from __future__ import annotations

import pandas as pd
import pytest
from handmade import load, one_year

from parlib.check.published import check_figure, check_published
from parlib.data.load import load_dataset
from parlib.data.published import Figure, load_published
from parlib.errors import DataError
from parlib.model.analysis import analyse, analyse_years
from parlib.model.compare import get_change_counts, get_movers, series_id
from parlib.model.robustness import NoiseSpec
from parlib.model.scoring import rank_units, score_dataset


@pytest.fixture
def three():
    # Function-scoped on purpose: mutation testing (mutmut) credits a function to the tests that
    # call it, and a module-scoped fixture would credit every analysis function to the first test.
    ds = load("three-years")
    return ds, analyse_years(ds)


def fig(measure: str, printed: str, **args) -> Figure:
    return Figure(f"t-{measure}", measure, printed, args, "", "hand")


def check(analyses, f: Figure) -> dict:
    return check_figure(analyses[f.args["year"]], f)


# --- three years, the previous year, a chain of renames ---------------------------------------


def test_previous_year_is_the_year_before_not_the_earliest(three):
    ds, a = three
    assert ds.years == [2021, 2022, 2023]
    assert ds.previous_year(2023) == 2022
    assert ds.previous_year(2022) == 2021
    assert ds.previous_year(2021) is None
    assert ds.previous_year(2030) == 2023
    assert a[2023].previous_year == 2022


def test_changes_are_against_the_year_before(three):
    _, a = three
    ch = a[2023].level("districts").changes.set_index("unit_id")
    # 2023 − 2022 by hand; against 2021 Gamma would be +20 and Ba, Bốn, Năm, Sáu new
    assert ch["change"].to_dict() == {
        "u-c": 10.0,
        "d1": 5.0,
        "d2": -5.0,
        "d3": -10.0,
        "d4": 10.0,
        "d5": -10.0,
        "d6": 0.0,
    }
    assert set(ch["status"]) == {"both"}
    assert ch["rank_change"].astype(int).to_dict() == {"u-c": 1, "d1": 1, "d2": 0, "d3": -2, "d4": 1, "d5": 0, "d6": 1}


def test_rename_chain_is_followed_to_its_end(three):
    ds, a = three
    renames = {u.id: u.renamed_to for u in ds.units().values() if u.renamed_to}
    assert series_id("u-a", renames) == "u-c"
    assert series_id("u-b", renames) == "u-c"
    assert series_id("u-c", renames) == "u-c"
    assert series_id("x", {"x": "y", "y": "x"}) in {"x", "y"}  # a loop ends
    # 2022 vs 2021: Phòng Beta is Phòng Alpha renamed (A → B of the chain A → B → C)
    ch = a[2022].level("districts").changes.set_index("unit_id")
    assert ch.loc["u-b", "status"] == "both" and ch.loc["u-b", "change"] == 10.0
    assert "u-a" not in ch.index
    assert sorted(ch.index[ch["status"] == "new"]) == ["d3", "d4", "d5", "d6"]
    assert ch.loc["d1", "change"] == 35.0
    ch23 = a[2023].level("districts").changes.set_index("unit_id")
    assert ch23.loc["u-c", "status"] == "both" and "u-b" not in ch23.index


def test_handmade_three_year_figures_match(three):
    ds, a = three
    t = check_published(a, load_published(ds))
    assert len(t) == 11 and t["match"].all(), t[~t["match"]].to_string()


# --- a unit exactly at each threshold of every count measure -----------------------------------


@pytest.mark.parametrize(
    "measure, args, right, wrong",
    [
        # Gamma exactly at 80 counts: Một, Hai, Gamma
        ("count_at_least", {"threshold": 80}, "03/07", ["02/07", "04/07"]),
        # 90 reached exactly by Một and Hai only
        ("count_at_least", {"threshold": 90}, "02", ["00", "01"]),
        # Ba exactly at 70 counts, Gamma exactly at 80 does not (below is strict): Ba, Bốn
        ("count_between", {"min": 70, "below": 80}, "02", ["01", "03"]),
        # Bốn exactly at 75 counts, Một and Hai exactly at 90 do not: Bốn, Gamma
        ("count_between", {"min": 75, "below": 90}, "02", ["01", "04"]),
        # Bốn exactly at 75 % counts: Một, Hai, Gamma, Bốn
        ("count_pct_at_least", {"threshold": 75}, "04", ["03", "05"]),
        # Năm and Sáu exactly at 50 %: every district
        ("count_pct_at_least", {"threshold": 50}, "07/07", ["05/07"]),
    ],
)
def test_a_unit_exactly_at_a_threshold_is_counted(three, measure, args, right, wrong):
    _, a = three
    r = check(a, fig(measure, right, level="districts", year=2023, **args))
    assert r["match"] and r["computed"] == right
    for w in wrong:
        assert not check(a, fig(measure, w, level="districts", year=2023, **args))["match"]


def test_band_counts_with_units_exactly_at_the_band_thresholds(three):
    _, a = three
    assert dict(a[2023].level("districts").summary["band_counts"]) == {"tot": 3, "kha": 2, "trung-binh": 2, "yeu": 0}
    # counts at or above each summary threshold, by hand (whichever thresholds the summary uses)
    at_least = dict(a[2023].level("districts").summary["at_least"])
    by_hand = {"90": 2, "80": 3, "75": 4, "70": 5, "50": 7, "0": 7}
    assert at_least and all(at_least[k] == by_hand[k] for k in at_least), at_least


# --- ties for top, bottom, largest rise and largest fall ----------------------------------------


@pytest.mark.parametrize(
    "measure, names",
    [
        ("top_unit", ["Huyện Một", "Huyện Hai"]),
        ("bottom_unit", ["Huyện Năm", "Huyện Sáu"]),
        ("largest_rise", ["Phòng Gamma", "Huyện Bốn"]),
        ("largest_fall", ["Huyện Ba", "Huyện Năm"]),
    ],
)
def test_a_tie_names_no_single_unit(three, measure, names):
    _, a = three
    for name in names:  # neither tied unit alone is the top (bottom, largest rise, largest fall)
        r = check(a, fig(measure, name, level="districts", year=2023))
        assert not r["match"], r
        assert sorted(r["computed"].split(" | ")) == sorted(names)


def test_single_winners_without_a_tie(three):
    _, a = three
    assert check(a, fig("top_unit", "Huyện Hai", level="districts", year=2022))["match"]
    assert check(a, fig("bottom_unit", "Huyện Sáu", level="districts", year=2022))["match"]
    assert check(a, fig("largest_rise", "Huyện Một", level="districts", year=2022))["match"]
    assert check(a, fig("largest_fall", "Sở Một", level="departments", year=2023))["match"]
    assert check(a, fig("largest_rise", "Sở Một", level="departments", year=2022))["match"]
    assert not check(a, fig("largest_rise", "Huyện Hai", level="districts", year=2022))["match"]


def test_movers_break_ties_by_unit_id_and_count_changes(three):
    _, a = three
    lv = a[2023].level("districts")
    assert lv.movers["up"]["unit_id"].tolist() == ["d4", "u-c", "d1"]
    assert lv.movers["down"]["unit_id"].tolist() == ["d3", "d5", "d2"]
    c = dict(lv.change_counts)
    assert (c["up"], c["down"], c["same"]) == (3, 3, 1)
    assert (c["rank_up"], c["rank_down"], c["rank_same"]) == (4, 1, 2)
    assert (c["new"], c["missing"]) == (0, 0)


def test_movers_small_changes_and_only_the_top_three():
    """By hand: rises of 0,25 to 4 points (four of them: the top three shown, largest first), a fall
    of 0,25, a change of 0 (neither), and a unit without a previous total (not a mover)."""
    yoy = pd.DataFrame(
        {"unit_id": ["a", "b", "c", "d", "e", "f", "g"], "change": [0.25, 4.0, 2.0, 1.0, 0.0, -0.25, float("nan")]}
    )
    m = get_movers(yoy)
    assert m["up"]["unit_id"].tolist() == ["b", "c", "d"]
    assert m["down"]["unit_id"].tolist() == ["f"]
    assert list(m["up"].columns) == list(m["down"].columns) == ["unit_id", "change"]  # no stray index column
    assert list(m["up"].index) == [0, 1, 2]
    assert get_movers(yoy, n=5)["up"]["unit_id"].tolist() == ["b", "c", "d", "a"]
    c = get_change_counts(
        yoy.assign(rank_change=pd.array([1, 0, -1, 2, 0, -3, None], dtype="Int64"), status=["both"] * 6 + ["new"])
    )
    assert c == {"up": 4, "down": 1, "same": 1, "rank_up": 2, "rank_down": 2, "rank_same": 2, "new": 1, "missing": 0}


def test_ranks_within_groups_share_the_best_rank_on_ties():
    """By hand: group a 90, 80, 80 → 1, 2, 2; group b 70, 60, 70 → 1, 3, 1; no total, no rank."""
    totals = pd.Series([90.0, 80.0, 80.0, 70.0, 60.0, 70.0, float("nan")])
    ranks = rank_units(totals, groups=["a", "a", "a", "b", "b", "b", "b"])
    assert ranks.tolist()[:6] == [1, 2, 2, 1, 3, 1] and ranks.isna().tolist()[6]
    assert rank_units(totals).tolist()[:6] == [1, 2, 2, 4, 6, 4]


# --- a level where nobody rose, or nobody fell ---------------------------------------------------


def test_nobody_rose(three):
    _, a = three
    lv = a[2023].level("departments")  # Sở Một −10, Sở Hai 0
    assert lv.movers["up"].empty
    assert lv.movers["down"]["unit_id"].tolist() == ["s1"]
    assert (lv.change_counts["up"], lv.change_counts["same"], lv.change_counts["down"]) == (0, 1, 1)
    for name in ("Sở Hai", "Sở Một"):  # a change of 0 is not a rise
        r = check(a, fig("largest_rise", name, level="departments", year=2023))
        assert not r["match"] and r["computed"] == "—"


def test_nobody_fell(three):
    _, a = three
    lv = a[2022].level("departments")  # Sở Một +10, Sở Hai 0
    assert lv.movers["down"].empty
    assert lv.movers["up"]["unit_id"].tolist() == ["s1"]
    for name in ("Sở Hai", "Sở Một"):
        r = check(a, fig("largest_fall", name, level="departments", year=2022))
        assert not r["match"] and r["computed"] == "—"


def test_no_previous_year_no_mover(three):
    _, a = three
    r = check(a, fig("largest_rise", "Huyện Một", level="districts", year=2021))
    assert not r["match"] and r["computed"] == "—"


# --- tiny one-year datasets written here ---------------------------------------------------------


@pytest.mark.parametrize(
    "index, ok",
    [
        ("80,00", True),
        ("80,01", True),
        ("79,99", True),  # within one unit of the last place (0,01)
        ("80,02", False),
        ("79,98", False),
        ("80,10", False),  # beyond it, on either side
    ],
)
def test_printed_index_tolerance_on_both_sides_of_the_limit(tmp_path, index, ok):
    folder = one_year(tmp_path / "d", [f'Đơn vị 0,"80,00","{index}"', 'Đơn vị 1,"60,00","60,00"'], "unit,total,index")
    ds = load_dataset(folder)
    if ok:
        assert score_dataset(ds).units["total"].tolist() == [80.0, 60.0]
    else:
        with pytest.raises(DataError, match="printed index") as e:
            score_dataset(ds)
        assert e.value.row == 2


def test_printed_index_tolerance_follows_the_printed_decimals(tmp_path):
    # 0 decimals: one unit is 1 point of %; 81 for 80 is within, 82 is not
    ok = one_year(tmp_path / "a", ["Đơn vị 0,80,81", "Đơn vị 1,60,60"], "unit,total,index", decimals=0)
    assert score_dataset(load_dataset(ok)).units["total"].tolist() == [80.0, 60.0]
    bad = one_year(tmp_path / "b", ["Đơn vị 0,80,82", "Đơn vị 1,60,60"], "unit,total,index", decimals=0)
    with pytest.raises(DataError, match="printed index"):
        score_dataset(load_dataset(bad))
    # a maximum of 50: a total of 40 is 80 %
    half = one_year(
        tmp_path / "c", ['Đơn vị 0,"40,00","80,00"', 'Đơn vị 1,"30,00","60,01"'], "unit,total,index", max_total=50
    )
    assert score_dataset(load_dataset(half)).units["total"].tolist() == [40.0, 30.0]


def test_more_decimals_than_the_methodology_ranked_and_banded_as_printed(tmp_path):
    """The method prints 2 decimals; this table prints 3. By hand at 2 decimals, half up:
    88,185 → 88,19 (tied with 88,19: both rank 1), 79,995 → 80,00 (band Tốt, counted at least 80),
    79,994 → 79,99 (Khá), 40,005 → 40,01 (above 40,00: with 79,99, two units from 40,01 to below 80)."""
    rows = [
        'Đơn vị 0,"88,185"',
        'Đơn vị 1,"88,190"',
        'Đơn vị 2,"79,995"',
        'Đơn vị 3,"79,994"',
        'Đơn vị 4,"40,005"',
        'Đơn vị 5,"40,000"',
    ]
    ds = load_dataset(one_year(tmp_path / "d", rows, "unit,total"))
    s = score_dataset(ds)
    u = s.units.set_index("unit_id")
    assert u["total"].tolist() == [88.185, 88.19, 79.995, 79.994, 40.005, 40.0]  # kept as printed
    assert u["total_printed"].tolist() == [88.19, 88.19, 80.0, 79.99, 40.01, 40.0]
    assert u["rank"].astype(int).tolist() == [1, 1, 3, 4, 5, 6]
    assert u["band"].tolist() == ["tot", "tot", "tot", "kha", "kha", "kha"]
    a = analyse(ds, 2023, s)
    at_least = dict(a.level("departments").summary["at_least"])
    assert at_least and all(at_least[k] == {"80": 3, "40": 6, "0": 6}[k] for k in at_least), at_least
    assert check_figure(a, fig("count_at_least", "03/06", level="departments", year=2023, threshold=80))["match"]
    assert check_figure(a, fig("count_between", "02", level="departments", year=2023, min=40.01, below=80))["match"]
    assert check_figure(a, fig("count_pct_at_least", "03", level="departments", year=2023, threshold=80))["match"]
    # a printed rank column saying 88,185 is second is contradicted by the printed precision
    rows_ranked = [r + f",{k}" for r, k in zip(rows, [2, 1, 3, 4, 5, 6])]
    bad = load_dataset(one_year(tmp_path / "e", rows_ranked, "unit,total,rank"))
    with pytest.raises(DataError, match="printed rank 2 but the totals give rank 1"):
        score_dataset(bad)


def test_analyse_years_scores_once_and_keeps_the_options():
    """Every year of three-years (2021, 2022, 2023) analysed from one scoring, with the options given;
    scores given are the ones used, and ``years`` picks the years."""
    ds = load("three-years")
    spec = NoiseSpec(draws=20, seed=7, sensitivity_draws=0)
    a = analyse_years(ds, noise=spec)
    assert sorted(a) == [2021, 2022, 2023]
    assert a[2021].scores is a[2022].scores is a[2023].scores
    assert all(x.noise is spec for x in a.values())
    s = score_dataset(ds)
    b = analyse_years(ds, [2023], scores=s, noise=spec)
    assert list(b) == [2023] and b[2023].scores is s and b[2023].noise is spec
