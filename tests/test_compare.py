"""parlib.compare: year on year, with units new, missing, renamed, merged and unpublished.

Expected values: the hand computation in tests/data/two-years/dataset.yml, and the ministries'
published changes (Bộ Ngoại giao +5,83 from 72,65; Bộ Kế hoạch và Đầu tư −5,31).
"""

import pandas as pd
import pytest
from handmade import load

from parlib.data.load import load_dataset
from parlib.model.compare import get_band_transitions, get_change_counts, get_movers, mean_change, year_on_year
from parlib.model.scoring import score_dataset


@pytest.fixture(scope="module")
def two():
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
