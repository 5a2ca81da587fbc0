"""parlib.model.synthesis: a level pulled together (the field weakest for most units, the widest
spread, the field that moved the mean most, the survey against the appraisal).

Expected values: hand computations on the tiny frames below (the arithmetic is in each docstring).
"""

import pandas as pd
import pytest

from parlib.model.synthesis import (
    get_level_synthesis,
    mean_moved_by,
    survey_vs_appraisal,
    weakest_for_most,
    widest_spread,
)


def _pct(rows):
    """A fields frame from {unit: {field: pct}} (pct None = no score); points = pct / 10, max 10, and no
    self-assessed points (a column of NaN, as in a table without them: only a missing % leaves a row out)."""
    f = pd.DataFrame(
        [(u, fid, pct) for u, by in rows.items() for fid, pct in by.items()], columns=["unit_id", "field_id", "pct"]
    )
    f["pct"] = f["pct"].astype(float)
    return f.assign(points=f["pct"] / 10, max=10.0, self_assessed=float("nan"))


# lowest field per unit: u1 A (50), u2 B (40), u3 A (30), u4 B (20); u5 has no score
FOUR = {
    "u1": {"A": 50, "B": 60, "C": 70},
    "u2": {"A": 80, "B": 40, "C": 90},
    "u3": {"A": 30, "B": 90, "C": 95},
    "u4": {"A": 70, "B": 20, "C": 80},
    "u5": {"A": None, "B": None, "C": None},
}


def test_weakest_for_most_counts_units_and_breaks_ties_by_field_order():
    # A and B are each the lowest for 2 of the 4 scored units: the first in the field order wins
    assert weakest_for_most(_pct(FOUR), ["A", "B", "C"]) == {"field_id": "A", "units": 2, "of": 4}
    assert weakest_for_most(_pct(FOUR), ["C", "B", "A"]) == {"field_id": "B", "units": 2, "of": 4}
    # u6 ties C and B at its lowest (10), C first in the data: B, first in the field order, is its
    # lowest; B then leads 3 to 2
    six = {**FOUR, "u6": {"A": 90, "C": 10, "B": 10}}
    assert weakest_for_most(_pct(six), ["A", "B", "C"]) == {"field_id": "B", "units": 3, "of": 5}
    # a field outside the order comes after every field of it in a tie
    z = {"u1": {"Z": 10, "A": 50}, "u2": {"Z": 60, "A": 20}}
    assert weakest_for_most(_pct(z), ["A"]) == {"field_id": "A", "units": 1, "of": 2}
    assert weakest_for_most(_pct({"u5": FOUR["u5"]}), ["A", "B", "C"]) is None


def test_widest_spread_first_in_the_field_order_on_a_tie():
    """A: 50 to 70 (20 pp); B: 40 to 90 (50); C: 10 to 60 (50): B and C tie at 50 pp."""
    two = {"u1": {"A": 50, "B": 40, "C": 60}, "u2": {"A": 70, "B": 90, "C": 10}, "u3": {"A": None}}
    expected_b = {"field_id": "B", "min_pct": 40.0, "max_pct": 90.0, "spread": 50.0}
    assert widest_spread(_pct(two), ["A", "B", "C"]) == expected_b
    assert widest_spread(_pct(two), ["C", "B", "A"]) == {
        "field_id": "C",
        "min_pct": 10.0,
        "max_pct": 60.0,
        "spread": 50.0,
    }
    # one unit with scores (u3 has none): no spread
    assert widest_spread(_pct({"u1": two["u1"], "u3": {"A": None}}), ["A", "B", "C"]) is None


def _points(rows):
    return pd.DataFrame(
        [(u, fid, p) for u, by in rows.items() for fid, p in by.items()], columns=["unit_id", "field_id", "points"]
    )


def test_mean_moved_by_the_largest_change_in_either_direction():
    """This year (2 units): A (10 + 14) / 2 = 12, B (10 + 12) / 2 = 11. Last year (3 units): A (11 + 11 + 8) / 3
    = 10, B (15 + 17 + 16) / 3 = 16. Changes A +2, B −5: B moved the mean most (a fall); in all −3."""
    cur = _points({"u1": {"A": 10, "B": 10}, "u2": {"A": 14, "B": 12}})
    prev = _points({"u1": {"A": 11, "B": 15}, "u2": {"A": 11, "B": 17}, "u3": {"A": 8, "B": 16}})
    got = mean_moved_by(cur, prev, ["B", "A"])
    assert got == {"field_id": "B", "change": -5.0, "total_change": -3.0, "changes": {"B": -5.0, "A": 2.0}}
    assert list(got["changes"]) == ["B", "A"]  # in the field order
    assert mean_moved_by(cur, None, ["A", "B"]) is None
    assert mean_moved_by(cur, prev.iloc[:0], ["A", "B"]) is None
    assert mean_moved_by(cur.iloc[:0], prev, ["A", "B"]) is None
    # not the same fields both years: no comparison
    assert mean_moved_by(cur, prev[prev["field_id"] == "A"], ["A", "B"]) is None
    assert mean_moved_by(cur[cur["field_id"] == "A"], prev, ["A", "B"]) is None
    assert mean_moved_by(cur, prev, ["A"]) is None  # B outside the field order


def test_survey_against_appraisal():
    """Survey 10, 20, 30 and appraisal 50, 40, 60 rank 1, 2, 3 and 2, 1, 3: Spearman
    1 − 6 × (1 + 1 + 0) / (3 × 8) = 0,5. Means: survey 20 of 40 = 50 %, appraisal 50 of 60 = 83,33 %."""
    u = pd.DataFrame({"survey": [10.0, 20.0, 30.0, None], "appraised": [50.0, 40.0, 60.0, 70.0]})
    got = survey_vs_appraisal(u, 40.0, 60.0)
    assert got["n"] == 3 and got["rho"] == pytest.approx(0.5)
    assert got["survey_pct"] == pytest.approx(50.0) and got["appraisal_pct"] == pytest.approx(250 / 3)
    assert survey_vs_appraisal(u, None, None) == {
        "rho": pytest.approx(0.5),
        "n": 3,
        "survey_pct": None,
        "appraisal_pct": None,
    }
    assert survey_vs_appraisal(u.iloc[1:], 40.0, 60.0) is None  # two units with both: too few


def test_level_synthesis_reads_every_part():
    """The level of FOUR (field order A, B, C) with a max total of 100 of which the survey is 40: the
    appraisal's maximum is 60. Last year's fields without points are left out."""
    fields = _pct(FOUR)
    prev = pd.concat([fields.assign(points=fields["points"] - 1), fields.iloc[:1].assign(unit_id="u9", points=None)])
    u = pd.DataFrame({"survey": [10.0, 20.0, 30.0], "appraised": [50.0, 40.0, 60.0]})
    s = get_level_synthesis(u, fields, prev, ["A", "B", "C"], 40.0, 100.0)
    assert s["weakest_for_most"] == {"field_id": "A", "units": 2, "of": 4}
    assert s["widest_spread"]["field_id"] == "B"  # 20 to 90: 70 pp (A 30 to 80: 50, C 70 to 95: 25)
    # every field's mean rose by 1 point (u5 has no scores either year and counts in neither)
    assert s["mean_moved_by"]["changes"] == {"A": 1.0, "B": 1.0, "C": 1.0} and s["mean_moved_by"]["field_id"] == "A"
    assert s["survey_vs_appraisal"]["appraisal_pct"] == pytest.approx(50 / 60 * 100)
    empty = get_level_synthesis(u, fields.iloc[:0], None, ["A"], None, 100.0)
    assert empty == {
        "weakest_for_most": None,
        "widest_spread": None,
        "mean_moved_by": None,
        "survey_vs_appraisal": {"rho": pytest.approx(0.5), "n": 3, "survey_pct": None, "appraisal_pct": None},
    }
