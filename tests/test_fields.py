"""parlib.fields: strengths and weaknesses against the level median; appraisal cuts.

Expected values: hand computations in tests/data/fields-wide/ and tests/data/criteria-long/.
"""

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
)
from parlib.model.scoring import score_dataset


@pytest.fixture(scope="module")
def wide():
    return score_dataset(load("fields-wide")).level_fields(2023, "departments")


@pytest.fixture(scope="module")
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
