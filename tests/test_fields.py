"""parlib.fields: strengths and weaknesses against the level median; appraisal cuts.

Expected values: hand computations in tests/data/fields-wide/ and tests/data/criteria-long/.
"""

import pandas as pd
import pytest
from handmade import load

from parlib.model.fields import (
    get_appraisal_by_unit,
    get_appraisal_cuts,
    get_field_gaps,
    get_field_summary,
    get_heatmap_table,
    get_strengths_weaknesses,
    has_appraisal,
    material_gap,
)
from parlib.model.scoring import score_dataset


# Fixtures are function-scoped on purpose: see the `two` fixture of test_compare.py (mutmut).
@pytest.fixture
def wide():
    return score_dataset(load("fields-wide")).level_fields(2023, "departments")


@pytest.fixture
def long():
    return score_dataset(load("criteria-long")).level_fields(2023, "departments")


def test_field_summary_medians(wide):
    s = get_field_summary(wide)
    assert s["field_id"].tolist() == ["f1", "xhh", "f2"]  # by median %: 87,5; 85; 83,333
    assert s["median_pct"].tolist() == pytest.approx([87.5, 85.0, 250 / 3])
    assert s.set_index("field_id").loc["f1", "min_pct"] == 75 and s.set_index("field_id").loc["f1", "max_pct"] == 100


def test_gaps_to_the_level_median(wide):
    g = get_field_gaps(wide).set_index(["unit_id", "field_id"])["gap"]
    assert g[("so-a", "f1")] == pytest.approx(7.5)
    assert g[("so-a", "f2")] == pytest.approx(10.0)
    assert g[("so-b", "f2")] == pytest.approx(-20 / 3)
    assert g[("so-d", "xhh")] == pytest.approx(-25.0)


def test_strengths_and_weaknesses(wide):
    sw = get_strengths_weaknesses(wide)
    got = {(r.unit_id, r.kind): [] for r in sw.itertuples()}
    for r in sw.sort_values("order").itertuples():
        got[(r.unit_id, r.kind)].append(r.field_id)
    # Only fields above the median are strengths and only those below are weaknesses (a field was
    # once listed as both, and a field above the median as a weakness).
    assert got == {
        ("so-a", "strength"): ["f2", "f1"],
        ("so-b", "strength"): ["f1", "xhh"],
        ("so-b", "weakness"): ["f2"],
        ("so-c", "strength"): ["f2"],
        ("so-c", "weakness"): ["f1", "xhh"],
        ("so-d", "weakness"): ["xhh", "f2"],
    }
    pct = sw.set_index(["unit_id", "field_id"])["pct"]
    assert pct[("so-b", "f2")] == pytest.approx(230 / 3) and pct[("so-a", "f2")] == pytest.approx(280 / 3)


def test_heatmap_table(wide):
    h = get_heatmap_table(wide, ["so-d", "so-a"], ["xhh", "f1"])
    assert h.index.tolist() == ["so-d", "so-a"] and h.columns.tolist() == ["xhh", "f1"]
    assert h.loc["so-d", "xhh"] == pytest.approx(60.0) and h.loc["so-a", "f1"] == pytest.approx(95.0)


def test_no_appraisal_without_self_assessed(wide, long):
    assert not has_appraisal(wide)
    assert has_appraisal(long)


def test_appraisal_cuts(long):
    c = get_appraisal_cuts(long).set_index(["unit_id", "field_id"])
    assert c.loc[("so-tp", "f1"), "cut"] == pytest.approx(2.0)  # 39,5 − 37,5
    assert c.loc[("so-tp", "f2"), "cut"] == pytest.approx(2.75)  # 28 − 25,25
    assert c.loc[("so-nv", "f1"), "cut"] == pytest.approx(8.0)  # 30 − 22
    assert c.loc[("so-yt", "f1"), "cut"] == 0
    assert ("so-tp", "xhh") not in c.index  # survey-only field: nothing to cut
    by = get_appraisal_by_unit(get_appraisal_cuts(long))
    assert by["unit_id"].tolist() == ["so-nv", "so-tp", "so-yt"]
    b = by.set_index("unit_id")
    assert b.loc["so-tp", "cut"] == pytest.approx(4.75)
    assert b.loc["so-tp", "cut_pct"] == pytest.approx(4.75 / 67.5 * 100)
    assert b.loc["so-nv", "cut_pct"] == pytest.approx(16.0)


def _fields(rows):
    """A fields frame from (unit_id, field_id, pct, max) rows; points = pct × max / 100."""
    f = pd.DataFrame(rows, columns=["unit_id", "field_id", "pct", "max"])
    return f.assign(points=f["pct"] * f["max"] / 100)


def test_field_summary_keeps_the_data_order_of_tied_fields():
    """z: 80, 60 and a: 60, 80 both have median and mean 70 %, below m's 90 %: m first, then z and a
    in the order of the data (not alphabetical); each field keeps its own maximum (z 20, a 10, m 5)."""
    f = _fields([("u1", "z", 80, 20), ("u2", "z", 60, 20), ("u1", "a", 60, 10), ("u2", "a", 80, 10)])
    f = pd.concat([f, _fields([("u1", "m", 90, 5), ("u2", "m", 90, 5)])], ignore_index=True)
    s = get_field_summary(f)
    assert s.columns.tolist() == ["field_id", "max", "median_pct", "mean_pct", "min_pct", "max_pct"]
    assert s.to_dict("list") == {
        "field_id": ["m", "z", "a"],
        "max": [5, 20, 10],
        "median_pct": [90, 70, 70],
        "mean_pct": [90, 70, 70],
        "min_pct": [90, 60, 60],
        "max_pct": [90, 80, 80],
    }


# Four fields in the data order B, A, C, D; three units; medians 50 % in every field. Gaps to the
# median: u1 +10, +10, +5, +0,5; u2 0 everywhere; u3 −10, −10, −5, −0,5.
SW = _fields(
    [
        (u, fid, pct, 100)
        for fid, pcts in (("B", (60, 50, 40)), ("A", (60, 50, 40)), ("C", (55, 50, 45)), ("D", (50.5, 50, 49.5)))
        for u, pct in zip(("u1", "u2", "u3"), pcts)
    ]
)


def _sw(**kw):
    sw = get_strengths_weaknesses(SW, **kw)
    assert sw.columns.tolist() == ["unit_id", "kind", "order", "field_id", "pct", "median_pct", "gap"]
    assert sw.index.tolist() == list(range(len(sw)))
    return [(r.unit_id, r.kind, r.order, r.field_id, r.gap) for r in sw.itertuples()]


def test_strengths_and_weaknesses_small_gaps_ties_and_the_median():
    # no minimum gap: every field off the median counts, +0,5 too; the tie of B and A (±10) is broken by
    # the data order (B first); u2, at the median everywhere, has neither strength nor weakness
    assert _sw(n=4) == [
        ("u1", "strength", 1, "B", 10.0),
        ("u1", "strength", 2, "A", 10.0),
        ("u1", "strength", 3, "C", 5.0),
        ("u1", "strength", 4, "D", 0.5),
        ("u3", "weakness", 1, "B", -10.0),
        ("u3", "weakness", 2, "A", -10.0),
        ("u3", "weakness", 3, "C", -5.0),
        ("u3", "weakness", 4, "D", -0.5),
    ]


def test_strengths_and_weaknesses_at_exactly_the_minimum_gap():
    # min_gap 5: a gap of exactly ±5 (C) counts, ±0,5 (D) does not
    assert [(u, k, f) for u, k, _, f, _ in _sw(n=4, min_gap=5.0)] == [
        ("u1", "strength", "B"),
        ("u1", "strength", "A"),
        ("u1", "strength", "C"),
        ("u3", "weakness", "B"),
        ("u3", "weakness", "A"),
        ("u3", "weakness", "C"),
    ]


def test_appraisal_cuts_and_cut_as_pct_of_small_self_assessments():
    """p: f1 self 10, appraised 8 (cut 2, 20 %); f2 appraised only (no cut). q: self 0, appraised 1
    (cut −1, no % of nothing). r: self 0,5, appraised 0,25 (cut 0,25, 50 %). By cut: p, r, q."""
    f = pd.DataFrame(
        [("p", "f1", 10.0, 8.0), ("p", "f2", None, 5.0), ("q", "f1", 0.0, 1.0), ("r", "f1", 0.5, 0.25)],
        columns=["unit_id", "field_id", "self_assessed", "appraised"],
    )
    cuts = get_appraisal_cuts(f)
    assert cuts.columns.tolist() == ["unit_id", "field_id", "self_assessed", "appraised", "cut"]
    assert cuts.index.tolist() == [0, 1, 2]
    assert cuts[["unit_id", "cut"]].values.tolist() == [["p", 2.0], ["q", -1.0], ["r", 0.25]]
    by = get_appraisal_by_unit(cuts)
    assert by["unit_id"].tolist() == ["p", "r", "q"]
    assert by["cut_pct"].tolist()[:2] == [20.0, 50.0] and pd.isna(by["cut_pct"].iloc[2])


@pytest.mark.parametrize(
    "maxima, decimals, expected",
    [
        # smallest maximum 10 at 2 decimals: a printed step of 100 × 0,01 / 10 = 0,1 pp, twice 0,2 < 5
        ([10.0, 20.0], 2, 5.0),
        # smallest maximum 10 at 0 decimals: 100 × 1 / 10 = 10 pp, twice 20 > 5
        ([20.0, 10.0], 0, 20.0),
        # smallest maximum 2 (not the first) at 1 decimal: 100 × 0,1 / 2 = 5 pp, twice 10
        ([40.0, 2.0], 1, 10.0),
        # exactly at the bar: 100 × 0,1 / 4 = 2,5 pp, twice 5
        ([4.0], 1, 5.0),
        # a field of maximum 0 has no rounding step
        ([0.0, 10.0], 0, 5.0),
        # no field: a maximum of 1 is assumed, 100 × 0,1 / 1 = 10 pp, twice 20
        ([], 1, 20.0),
    ],
)
def test_material_gap_is_twice_the_printed_step_of_the_smallest_field_at_least_5_pp(maxima, decimals, expected):
    f = pd.DataFrame({"max": maxima}, dtype=float)
    assert material_gap(f, decimals) == pytest.approx(expected)
