"""parlib.compare: year on year, with units new, missing, renamed, merged and unpublished.

Expected values: the hand computation in tests/data/two-years/dataset.yml, and the ministries'
published changes (Bộ Ngoại giao +5,83 from 72,65; Bộ Kế hoạch và Đầu tư −5,31).
"""

from types import SimpleNamespace

import pandas as pd
import pytest
from handmade import load

from parlib.data.load import load_dataset
from parlib.model.compare import (
    get_band_transitions,
    get_change_counts,
    get_change_groups,
    get_movers,
    mean_change,
    series_id,
    year_on_year,
)
from parlib.model.scoring import score_dataset


@pytest.fixture
def two():
    # Function-scoped on purpose (as in test_edges.py): mutmut credits a function to the tests that call
    # it, and a module-scoped fixture credited year_on_year to the first test only.
    s = score_dataset(load("two-years"))
    cur, prev = s.level_units(2023, "departments"), s.level_units(2022, "departments")
    return s, cur, prev, year_on_year(cur, prev, s.dataset).set_index("unit_id")


def test_statuses(two):
    _, _, _, y = two
    assert y["status"].to_dict() == {
        "so-vh": "both",
        "so-gtvt": "both",
        "so-khcn": "both",
        "ban-dt": "new",
        "so-ngv": "missing",
        "so-dl": "merged",
    }
    assert y.loc["so-dl", "merged_into"] == "so-vh"


def test_changes_never_against_zero(two):
    _, _, _, y = two
    assert y.loc["so-vh", "change"] == pytest.approx(9.5)
    assert y.loc["so-gtvt", "change"] == pytest.approx(-2.0)
    assert y.loc["so-khcn", "change"] == pytest.approx(6.0)  # followed through the rename
    assert y.loc["so-khcn", "total_prev"] == 60.0
    for uid in ("ban-dt", "so-ngv", "so-dl"):
        assert pd.isna(y.loc[uid, "change"]) and pd.isna(y.loc[uid, "rank_change"])


def test_rank_changes_and_band_changes(two):
    _, _, _, y = two
    assert y.loc["so-vh", "rank_change"] == 1  # 2 → 1: up one place
    assert y.loc["so-gtvt", "rank_change"] == -1
    assert y.loc["so-khcn", "rank_change"] == 0
    assert str(y["rank_change"].dtype) == "Int64"  # whole places, NA where a rank is missing
    assert bool(y.loc["so-gtvt", "band_changed"])  # Xuất sắc → Tốt
    assert y.loc["so-gtvt", "band_prev"] == "xuat-sac" and y.loc["so-gtvt", "band"] == "tot"
    assert not bool(y.loc["so-vh", "band_changed"])  # Tốt → Tốt


def test_movers_counts_transitions_and_mean(two):
    s, cur, prev, _ = two
    y = year_on_year(cur, prev, s.dataset)
    movers = get_movers(y)
    assert movers["up"]["unit_id"].tolist() == ["so-vh", "so-khcn"]
    assert movers["down"]["unit_id"].tolist() == ["so-gtvt"]
    assert get_change_counts(y) == {
        "up": 2,
        "down": 1,
        "same": 0,
        "rank_up": 1,
        "rank_down": 1,
        "rank_same": 1,
        "new": 1,
        "missing": 2,
    }
    order = [b.id for b in s.dataset.methodologies["m2"].bands]
    t = get_band_transitions(y, order)
    assert t.loc["xuat-sac", "tot"] == 1 and t.loc["tot", "tot"] == 1 and t.loc["trung-binh", "trung-binh"] == 1
    assert int(t.to_numpy().sum()) == 3
    assert mean_change(cur, prev) == pytest.approx(9.625)  # 79,625 − 70


def test_without_dataset_a_renamed_unit_is_new_and_missing(two):
    _, cur, prev, _ = two
    y = year_on_year(cur, prev).set_index("unit_id")
    assert y.loc["so-khcn", "status"] == "new" and y.loc["so-kh", "status"] == "missing"
    assert y.loc["so-dl", "status"] == "missing"


def test_partial_previous_year_is_unpublished_not_new():
    s = score_dataset(load_dataset("vn-ministries"))
    cur, prev = s.level_units(2023, "ministries"), s.level_units(2022, "ministries")
    y = year_on_year(cur, prev, s.dataset).set_index("unit_id")
    assert y.loc["ngoai-giao", "change"] == pytest.approx(5.83)  # +5,83 from 72,65
    assert y.loc["ngoai-giao", "total_prev"] == pytest.approx(72.65)
    assert y.loc["kh-dt", "change"] == pytest.approx(-5.31)  # −5,31
    assert y.loc["y-te", "status"] == "unpublished"  # not printed in 2022
    assert (y["status"] == "unpublished").sum() == 10  # 17 − 7 printed in 2022
    assert "new" not in set(y["status"])
    assert mean_change(cur, prev) is None  # a partial year has no mean
    movers = get_movers(year_on_year(cur, prev, s.dataset), n=1)
    assert movers["up"]["unit_id"].tolist() == ["ngoai-giao"] and movers["down"]["unit_id"].tolist() == ["kh-dt"]


def test_partial_current_year_missing_is_unpublished(two):
    s, cur, prev, _ = two
    y = year_on_year(cur.assign(partial=True), prev, s.dataset).set_index("unit_id")
    assert y.loc["so-ngv", "status"] == "unpublished"
    assert y.loc["so-dl", "status"] == "merged"  # dataset.yml says so: it is not merely unprinted


def test_a_unit_renamed_later_is_matched_with_itself(two):
    """Bug: the rename was applied to last year's frame only, so comparing two years before the
    rename showed the unit as both new and missing. 2022 against itself: Sở Khoa học (renamed only
    later) is 'both' with change 0."""
    s, _, prev, _ = two
    y = year_on_year(prev, prev, s.dataset).set_index("unit_id")
    assert y.loc["so-kh", "status"] == "both" and y.loc["so-kh", "change"] == 0
    assert (y["status"] == "both").all() and len(y) == 5


def _frame(rows, partial=False):
    """A scored unit frame from (unit_id, total, rank, band) rows (None = not printed)."""
    f = pd.DataFrame(rows, columns=["unit_id", "total", "rank", "band"])
    f["total"] = f["total"].astype(float)
    f["rank"] = f["rank"].astype(float)
    return f.assign(partial=partial)


def test_change_groups_name_every_unit_once():
    """By hand. 2022: a 80 (1), b 70 (2), c 60 (3), d 50 (4), e 65 (–); 2023: a 85 (1), b 72 (2),
    e – (3), f 60 (4); c merged into a. Compared (a total both years): a, b. In both tables but with
    a rank only this year: e. New this year: f. Gone: d (missing) and c (merged), in status order."""
    merged = SimpleNamespace(id="c", renamed_to=None, merged_into="a")
    ds = SimpleNamespace(units=lambda: {"c": merged})
    prev = _frame([("a", 80, 1, "x"), ("b", 70, 2, "x"), ("c", 60, 3, "y"), ("d", 50, 4, "y"), ("e", 65, None, "x")])
    cur = _frame([("a", 85, 1, "x"), ("b", 72, 2, "x"), ("e", None, 3, None), ("f", 60, 4, "y")])
    y = year_on_year(cur, prev, ds)
    assert get_change_groups(y) == {
        "both": ["a", "b"],
        "ranked_only": ["e"],
        "new": ["f"],
        "unpublished": [],
        "gone": ["d", "c"],
    }


def test_change_groups_with_partial_years():
    """2022 printed in part (a 80, b 70): g, printed in 2023 only, is unpublished, not new.
    2023 printed in part (a 82): b, absent from it, is unpublished in the comparison but has nothing
    to show this year, so it is gone, not among this year's units."""
    prev = _frame([("a", 80, 1, "x"), ("b", 70, 2, "x")], partial=True)
    cur = _frame([("a", 82, 1, "x"), ("b", 75, 2, "x"), ("g", 60, 3, "y")])
    y = year_on_year(cur, prev)
    assert get_change_groups(y) == {"both": ["a", "b"], "ranked_only": [], "new": [], "unpublished": ["g"], "gone": []}
    y = year_on_year(_frame([("a", 82, 1, "x")], partial=True), prev.assign(partial=False))
    assert y.set_index("unit_id").loc["b", "status"] == "unpublished"
    assert get_change_groups(y) == {"both": ["a"], "ranked_only": [], "new": [], "unpublished": [], "gone": ["b"]}


def test_band_transitions_count_only_units_banded_in_both_years():
    """a x → y, b x → x; e has no band this year, f is new (no band last year), d gone: only a and b."""
    prev = _frame([("a", 80, 1, "x"), ("b", 70, 2, "x"), ("d", 50, 3, "y"), ("e", 65, 4, "x")])
    cur = _frame([("a", 60, 2, "y"), ("b", 72, 1, "x"), ("e", 66, 3, None), ("f", 60, 4, "y")])
    # every band of the rule is a row and a column, in the rule's order (y, x, z), z with no unit
    t = get_band_transitions(year_on_year(cur, prev), ["y", "x", "z"])
    assert (t.index.name, t.columns.name) == ("from", "to")
    assert t.index.tolist() == t.columns.tolist() == ["y", "x", "z"]
    assert t.to_numpy().tolist() == [[0, 0, 0], [1, 1, 0], [0, 0, 0]]  # from x: one to y (a), one to x (b)
    assert all(dt.kind == "i" for dt in t.dtypes)


def test_a_rename_loop_ends_at_the_last_new_id():
    # a → b → c → b: from a, b and c are new ids, c's link back to b is not followed (no endless loop)
    assert series_id("a", {"a": "b", "b": "c", "c": "b"}) == "c"
    assert series_id("x", {"x": "x"}) == "x"


def test_no_mean_change_against_an_empty_or_partial_year():
    """Both full: (82 + 75) / 2 − (80 + 70) / 2 = 78,5 − 75 = 3,5. An empty year on either side, or a
    partial year on either side, gives no mean change."""
    prev = _frame([("a", 80, 1, "x"), ("b", 70, 2, "x")])
    cur = _frame([("a", 82, 1, "x"), ("b", 75, 2, "x")])
    assert mean_change(cur, prev) == 3.5
    assert mean_change(cur, prev.iloc[:0]) is None
    assert mean_change(cur.iloc[:0], prev) is None
    assert mean_change(cur.assign(partial=True), prev) is None
    assert mean_change(cur, prev.assign(partial=True)) is None
