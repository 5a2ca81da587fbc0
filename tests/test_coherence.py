"""parlib.model.coherence: correlations, Cronbach's alpha, non-discriminating fields, outliers.

Expected values come from independent implementations written here with the standard library
(ranks with averaged ties, statistics.correlation, statistics.variance, COINr's skew and kurtosis
formulas) and from hand computation.
"""

import math
import statistics

import pandas as pd
import pytest
from handmade import load

from parlib.data.dataset import Band, Field, Methodology
from parlib.model.coherence import (
    cronbach_alpha,
    field_points,
    get_coherence,
    get_correlations,
    get_field_stats,
    get_field_vs_rest,
    get_unit_outliers,
    robust_z,
)
from parlib.model.scoring import score_dataset

POINTS = pd.DataFrame(
    {"f1": [8.0, 6.0, 9.0, 4.0, 7.0], "f2": [18.0, 15.0, 20.0, 9.0, 15.0], "f3": [3.0, 5.0, 2.0, 4.0, 1.0]},
    index=["a", "b", "c", "d", "e"],
)


def _ranks(xs):
    """Ranks 1..n with ties given their average rank (the ranks Spearman's rho correlates)."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def _spearman(x, y):
    return statistics.correlation(_ranks(list(x)), _ranks(list(y)))


def test_spearman_matrix_against_an_independent_implementation():
    got = get_correlations(POINTS)
    for a in POINTS.columns:
        for b in POINTS.columns:
            assert got.loc[a, b] == pytest.approx(_spearman(POINTS[a], POINTS[b]))
    # by hand: f1 ranks 4,2,5,1,3; f2 ranks 4,2.5,5,1,2.5 → rho = 0.9747
    assert got.loc["f1", "f2"] == pytest.approx(0.97467943, abs=1e-7)


def test_each_field_against_the_total_of_the_others():
    got = get_field_vs_rest(POINTS)
    for c in POINTS.columns:
        rest = POINTS.drop(columns=c).sum(axis=1)
        assert got[c] == pytest.approx(_spearman(POINTS[c], rest))


def test_cronbach_alpha_by_its_formula():
    k = 3
    items = [statistics.variance(POINTS[c]) for c in POINTS.columns]
    totals = [sum(POINTS.loc[u]) for u in POINTS.index]
    expected = k / (k - 1) * (1 - sum(items) / statistics.variance(totals))
    assert cronbach_alpha(POINTS) == pytest.approx(expected)
    # by hand: item variances 3.7, 17.3, 2.5 (sum 23.5); totals 29, 26, 31, 17, 23, variance 30.2
    assert cronbach_alpha(POINTS) == pytest.approx(1.5 * (1 - 23.5 / 30.2))
    assert math.isnan(cronbach_alpha(POINTS[["f1"]]))
    # totals that do not vary (1 + 3, 2 + 2, 3 + 1): no alpha
    assert math.isnan(cronbach_alpha(pd.DataFrame({"x": [1.0, 2, 3], "y": [3.0, 2, 1]})))
    # two units are enough: x 1, 3 (variance 2), y 2, 5 (4,5), totals 3, 8 (12,5): 2 × (1 − 6,5 / 12,5)
    assert cronbach_alpha(pd.DataFrame({"x": [1.0, 3], "y": [2.0, 5]})) == pytest.approx(0.96)


def _coinr_skew(x):
    n, m = len(x), statistics.fmean(x)
    d = [v - m for v in x]
    g = math.sqrt(n) * sum(v**3 for v in d) / sum(v**2 for v in d) ** 1.5
    return g * math.sqrt(n * (n - 1)) / (n - 2)


def _coinr_kurt(x):
    n, m = len(x), statistics.fmean(x)
    d = [v - m for v in x]
    r = n * sum(v**4 for v in d) / sum(v**2 for v in d) ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def test_outlier_flag_follows_coinr_skew_and_kurtosis():
    """A field where one unit of 10 scored 1 and the rest 9 or 10 is flagged (|skew| > 2 and
    kurtosis > 3.5, COINr's rule, with COINr's own formulas); an even spread is not."""
    pts = pd.DataFrame(
        {"lop": [9, 10, 9, 10, 9, 10, 9, 10, 9, 1.0], "even": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0]},
        index=list("abcdefghij"),
    )
    st = get_field_stats(pts, pd.Series({"lop": 10.0, "even": 10.0})).set_index("field_id")
    for c in pts.columns:
        pct = list(pts[c] * 10)
        assert st.loc[c, "skew"] == pytest.approx(_coinr_skew(pct))
        assert st.loc[c, "kurt"] == pytest.approx(_coinr_kurt(pct))
    assert bool(st.loc["lop", "outlier_flag"]) and not bool(st.loc["even", "outlier_flag"])


def test_a_field_nearly_everyone_maxes_out_does_not_discriminate():
    """17 of 19 units at 95 % or more of a field's maximum: flagged (share 17/19 ≥ 0.85); a field
    whose % of maximum varies by less than 2 points (sd) is flagged as a tiny spread."""
    flat = [10.0] * 15 + [9.6, 9.5, 7.0, 6.0]
    tiny = [7.0, 7.1, 7.05, 7.0, 7.1] * 3 + [7.0, 7.1, 7.05, 7.0]
    spread = [float(v) for v in range(1, 20)]
    pts = pd.DataFrame({"flat": flat, "tiny": tiny, "spread": spread})
    st = get_field_stats(pts, pd.Series({"flat": 10.0, "tiny": 10.0, "spread": 20.0})).set_index("field_id")
    assert st.loc["flat", "n_near_max"] == 17 and st.loc["flat", "reason"] == "near_max"
    assert st.loc["tiny", "reason"] == "tiny_spread" and bool(st.loc["tiny", "non_discriminating"])
    assert not bool(st.loc["spread", "non_discriminating"]) and st.loc["spread", "reason"] == ""


def test_robust_z_flags_a_unit_beyond_3_5():
    """Values 8, 9, 10, 9, 8, 10, 9, 2: median 9, absolute deviations 1,0,1,0,1,1,0,7 → MAD 1;
    the unit at 2 has z = −7 / 1.4826 = −4.72, every other |z| ≤ 1 / 1.4826 = 0.67."""
    pts = pd.DataFrame({"f": [8.0, 9, 10, 9, 8, 10, 9, 2]}, index=list("abcdefgh"))
    z = robust_z(pts)["f"]
    assert z["h"] == pytest.approx(-7 / 1.4826)
    out = get_unit_outliers(pts)
    assert out[["unit_id", "field_id"]].values.tolist() == [["h", "f"]]
    # a zero MAD falls back to 1.2533 × the mean absolute deviation: seven 9s and a 1 → MAD 0, mean AD 8/8 = 1
    pts0 = pd.DataFrame({"f": [9.0, 9, 9, 9, 9, 9, 9, 1]}, index=list("abcdefgh"))
    assert robust_z(pts0).loc["h", "f"] == pytest.approx(-8 / (1.253314 * 1.0))
    # a scale below one point still counts: the first values divided by 10 give MAD 0,1, the same z
    assert robust_z(pts / 10).loc["h", "f"] == pytest.approx(-0.7 / 0.14826)


def test_coherence_of_a_level_and_why_it_is_short():
    scores = score_dataset(load("fields-wide"))
    meth = scores.dataset.methodology_for(2023, "departments")
    c = get_coherence(scores.level_fields(2023, "departments"), meth)
    assert c.reason == "" and c.n_fields == len(meth.fields) and c.n_units == 4
    assert list(c.correlations.columns) == [f.id for f in meth.fields]
    assert list(c.field_vs_rest.index) == [f.id for f in meth.fields]
    assert list(c.unit_outliers.columns) == ["unit_id", "field_id", "points", "robust_z"]
    assert c.field_stats["field_id"].tolist() == [f.id for f in meth.fields]
    totals = score_dataset(load("totals-vi"))
    none = get_coherence(totals.level_fields(2023, "departments"), totals.dataset.methodology_for(2023, "departments"))
    assert (none.reason, none.n_units, none.n_fields) == ("no_fields", 0, 0)
    few = get_coherence(scores.level_fields(2023, "departments").query("unit_id in ['so-a', 'so-b']"), meth)
    assert few.reason == "too_few_units"


def test_methodology_helpers_unused_fields_are_ignored():
    meth = Methodology(
        "m",
        {"vi": "m", "en": "m"},
        20.0,
        2,
        (Field("x", {"vi": "x", "en": "x"}, 10.0), Field("y", {"vi": "y", "en": "y"}, 10.0)),
        (Band("all", {"vi": "a", "en": "a"}, min_total=0),),
    )
    fields = pd.DataFrame(
        {"unit_id": list("aabbccdd"), "field_id": ["x", "y"] * 4, "points": [1.0, 2, 3, 4, 5, 6, 7, 9], "max": 10.0}
    )
    c = get_coherence(fields, meth)
    assert c.alpha == pytest.approx(cronbach_alpha(pd.DataFrame({"x": [1.0, 3, 5, 7], "y": [2.0, 4, 6, 9]})))


def test_a_single_field_is_too_few_fields():
    """Four units scored on one field: nothing to correlate; the reason and the sizes say so."""
    meth = Methodology(
        "m",
        {"vi": "m", "en": "m"},
        10.0,
        2,
        (Field("x", {"vi": "x", "en": "x"}, 10.0),),
        (Band("all", {"vi": "a", "en": "a"}, min_total=0),),
    )
    fields = pd.DataFrame({"unit_id": list("abcd"), "field_id": "x", "points": [1.0, 3, 5, 7], "max": 10.0})
    c = get_coherence(fields, meth)
    assert (c.reason, c.n_units, c.n_fields) == ("too_few_fields", 4, 1)


def test_no_coherence_is_empty_frames_and_only_the_ordered_units_count():
    """No field: every part is empty (not missing). Four units a..d on two fields, but a unit order
    naming a, b and c only: three units, too few for the checks (at least 4)."""
    meth = Methodology(
        "m",
        {"vi": "m", "en": "m"},
        20.0,
        2,
        (Field("x", {"vi": "x", "en": "x"}, 10.0), Field("y", {"vi": "y", "en": "y"}, 10.0)),
        (Band("all", {"vi": "a", "en": "a"}, min_total=0),),
    )
    fields = pd.DataFrame(
        {"unit_id": list("aabbccdd"), "field_id": ["x", "y"] * 4, "points": [1.0, 2, 3, 4, 5, 6, 7, 9], "max": 10.0}
    )
    none = get_coherence(fields.iloc[:0], meth)
    assert none.reason == "no_fields" and math.isnan(none.alpha) and none.field_vs_rest.dtype == float
    assert none.correlations.empty and none.field_vs_rest.empty and none.field_stats.empty
    assert none.unit_outliers.empty and list(none.unit_outliers.columns) == [
        "unit_id",
        "field_id",
        "points",
        "robust_z",
    ]
    assert get_coherence(fields, meth).reason == ""
    few = get_coherence(fields, meth, ["a", "b", "c", "z"])
    assert (few.reason, few.n_units, few.n_fields) == ("too_few_units", 3, 2)


def test_field_stats_by_hand():
    """Nine units. Field a (max 10): points 0, 0, 0, 0, 0, 1, 3, 4, 10 → % 0 (×5), 10, 30, 40, 100: mean 20,
    min 0, squared deviations 5 × 400 + 100 + 100 + 400 + 6400 = 9000, sd √(9000 / 8) = √1125; one unit
    at ≥ 95 %. Skewness G1 = 2,044 > 2 and excess kurtosis G2 = 4,305 > 3,5 (both by the formulas of
    the module docstring, on a calculator): flagged. Field b (max 5): eight 5s and a 4,75 → % 100 (×8)
    and 95: all nine at ≥ 95 %, so it does not discriminate."""
    pts = pd.DataFrame(
        {"a": [0.0, 0, 0, 0, 0, 1, 3, 4, 10], "b": [5.0] * 8 + [4.75]}, index=[f"u{i}" for i in range(9)]
    )
    st = get_field_stats(pts, pd.Series({"b": 5.0, "a": 10.0})).set_index("field_id")  # maxima in any order
    a = st.loc["a"]
    assert (a["max"], a["mean_pct"], a["min_pct"]) == (10.0, pytest.approx(20.0), 0.0)
    assert a["sd_pct"] == pytest.approx(math.sqrt(1125))
    assert (a["n_near_max"], a["n_units"], a["share_near_max"]) == (1, 9, pytest.approx(1 / 9))
    assert a["skew"] == pytest.approx(2.0444, abs=1e-4) and a["kurt"] == pytest.approx(4.3048, abs=1e-4)
    assert bool(a["outlier_flag"]) and not bool(a["non_discriminating"]) and a["reason"] == ""
    b = st.loc["b"]
    assert (b["max"], b["n_near_max"], b["min_pct"]) == (5.0, 9, 95.0) and b["reason"] == "near_max"
    # two units: no skewness (3 needed) nor kurtosis (4 needed), one NaN per field
    two = get_field_stats(pts.iloc[:2], pd.Series({"a": 10.0, "b": 5.0}))
    assert two["skew"].isna().tolist() == [True, True] and two["kurt"].isna().tolist() == [True, True]
    assert two["skew"].dtype == float and two["kurt"].dtype == float  # NaN, numbers like the others
    # four units are enough for the kurtosis: % 20, 40, 60, 80: m2 = 500, m4 = 410000, g2 = 1,64 − 3 =
    # −1,36, G2 = 3 / (2 × 1) × (5 × −1,36 + 6) = −1,2; symmetric, so no skewness
    four = get_field_stats(pd.DataFrame({"a": [2.0, 4, 6, 8]}), pd.Series({"a": 10.0})).iloc[0]
    assert four["kurt"] == pytest.approx(-1.2) and four["skew"] == pytest.approx(0.0, abs=1e-12)


def test_unit_outliers_largest_first():
    """Unit h is an outlier in f (seven 9s and a 1: z = −8 / 1,2533 = −6,38), in g (8, 9, 10, 9, 8, 10,
    9, 2: MAD 1, z = −7 / 1,4826 = −4,72) and in e (the same with a 3: −6 / 1,4826 = −4,05, beyond 3,5);
    not in d (with a 4: −5 / 1,4826 = −3,37). The larger |z| first."""
    g = [8.0, 9, 10, 9, 8, 10, 9]
    pts = pd.DataFrame(
        {"d": g + [4.0], "e": g + [3.0], "g": g + [2.0], "f": [9.0, 9, 9, 9, 9, 9, 9, 1]}, index=list("abcdefgh")
    )
    out = get_unit_outliers(pts)
    assert out[["unit_id", "field_id", "points"]].values.tolist() == [["h", "f", 1.0], ["h", "g", 2.0], ["h", "e", 3.0]]
    assert out["robust_z"].tolist() == pytest.approx([-8 / 1.253314, -7 / 1.4826, -6 / 1.4826])


def test_field_against_the_rest_of_no_field_is_an_empty_float_series():
    assert get_field_vs_rest(pd.DataFrame()).dtype == float


def test_cronbach_alpha_of_small_points():
    """x 0,1 0,3 0,5 0,7 and y 0,2 0,4 0,6 0,9 (a tenth of points): variances 0,2/3 and 0,2675/3, the
    total 0,3 0,7 1,1 1,6 varies by 0,9275/3 (below 1, still a variation): α = 2 × (1 − 0,4675 / 0,9275)."""
    pts = pd.DataFrame({"x": [0.1, 0.3, 0.5, 0.7], "y": [0.2, 0.4, 0.6, 0.9]})
    assert cronbach_alpha(pts) == pytest.approx(2 * (1 - 0.4675 / 0.9275))


def test_limits_are_strict_or_inclusive_as_documented():
    """At or above the share limit is flat: 17 of 20 units at the maximum is exactly 0,85. Three
    units have a skewness: 0, 0, 30 % → m2 = 200, m3 = 2000, g1 = 2000 / 200^1,5 = 0,7071,
    G1 = g1 × √6 / 1 = √3. A skewness or a robust z exactly at its limit is not beyond it."""
    st = get_field_stats(pd.DataFrame({"a": [10.0] * 17 + [5.0] * 3}), pd.Series({"a": 10.0})).iloc[0]
    assert st["share_near_max"] == 0.85 and st["reason"] == "near_max"
    three = get_field_stats(pd.DataFrame({"a": [0.0, 0, 3]}), pd.Series({"a": 10.0})).iloc[0]
    assert three["skew"] == pytest.approx(math.sqrt(3)) and pd.isna(three["kurt"])
    # 0, 0, 0, 10: skewness 2 (computed 1,9999999999999998) and kurtosis 4 > 3,5
    spike = pd.DataFrame({"a": [0.0, 0, 0, 10]})
    s = float(get_field_stats(spike, pd.Series({"a": 10.0})).iloc[0]["skew"])
    assert s == pytest.approx(2.0)
    assert not bool(get_field_stats(spike, pd.Series({"a": 10.0}), t_skew=s).iloc[0]["outlier_flag"])
    assert bool(get_field_stats(spike, pd.Series({"a": 10.0}), t_skew=s - 1e-9).iloc[0]["outlier_flag"])
    k = float(get_field_stats(spike, pd.Series({"a": 10.0})).iloc[0]["kurt"])  # 4 (4,000000000000002)
    assert not bool(get_field_stats(spike, pd.Series({"a": 10.0}), t_skew=1.0, t_kurt=k).iloc[0]["outlier_flag"])
    # a robust z exactly at the limit z: 8, 9, 10, 9, 8, 10, 9, 2 → −7 / 1,4826 for h
    pts = pd.DataFrame({"g": [8.0, 9, 10, 9, 8, 10, 9, 2]}, index=list("abcdefgh"))
    limit = abs(float(robust_z(pts).loc["h", "g"]))
    assert limit == pytest.approx(7 / 1.4826)
    assert get_unit_outliers(pts, z=limit).empty and len(get_unit_outliers(pts, z=limit - 1e-9)) == 1


def test_spread_and_near_maximum_limits_and_the_outlier_limit_passed_through():
    """% 47, 50, 53, 50: sd √(18 / 3) = 2,45, above the 2-point limit: it discriminates. One unit: no
    sd, a tiny spread. 94 % is not near a 95 % maximum, 95 % is."""
    st = get_field_stats(pd.DataFrame({"a": [47.0, 50, 53, 50]}), pd.Series({"a": 100.0})).iloc[0]
    assert st["sd_pct"] == pytest.approx(math.sqrt(6)) and st["reason"] == ""
    # exactly at the limit: % 48, 50, 52 have sd √((4 + 0 + 4) / 2) = 2, not below 2
    at = get_field_stats(pd.DataFrame({"a": [48.0, 50, 52]}), pd.Series({"a": 100.0})).iloc[0]
    assert at["sd_pct"] == 2.0 and at["reason"] == ""
    assert get_field_stats(pd.DataFrame({"a": [9.4, 9.5]}), pd.Series({"a": 10.0}))["n_near_max"].dtype == int
    one = get_field_stats(pd.DataFrame({"a": [5.0]}), pd.Series({"a": 10.0})).iloc[0]
    assert pd.isna(one["sd_pct"]) and one["reason"] == "tiny_spread"
    # no sd counts as 0, below any positive limit
    one_small = get_field_stats(pd.DataFrame({"a": [5.0]}), pd.Series({"a": 10.0}), min_spread=0.5).iloc[0]
    assert one_small["reason"] == "tiny_spread"
    assert get_field_stats(pd.DataFrame({"a": [9.4, 9.5]}), pd.Series({"a": 10.0})).iloc[0]["n_near_max"] == 1
    # a field of the methodology with no points in the level gets no row; maxima written as whole numbers
    # still give a float maximum
    both = get_field_stats(pd.DataFrame({"a": [9.4, 9.5]}), pd.Series({"b": 20, "a": 10}))
    assert both["field_id"].tolist() == ["a"] and both["max"].tolist() == [10.0] and both["max"].dtype == float
    # the level's coherence passes its z and its limits on: h's −6 / 1,4826 = −4,05 in g is an outlier at
    # the default 3,5, not at 5; with a spread limit of 50 points every field is a tiny spread
    meth = Methodology(
        "m",
        {"vi": "m", "en": "m"},
        20.0,
        2,
        (Field("f", {"vi": "f", "en": "f"}, 10.0), Field("g", {"vi": "g", "en": "g"}, 10.0)),
        (Band("all", {"vi": "a", "en": "a"}, min_total=0),),
    )
    g = [8.0, 9, 10, 9, 8, 10, 9, 3]
    f = [5.0, 6, 7, 6, 5, 7, 6, 6]
    fields = pd.DataFrame(
        {"unit_id": list("abcdefgh") * 2, "field_id": ["f"] * 8 + ["g"] * 8, "points": f + g, "max": 10.0}
    )
    assert get_coherence(fields, meth).unit_outliers["unit_id"].tolist() == ["h"]
    assert get_coherence(fields, meth, z=5.0).unit_outliers.empty
    # % of each field's maximum (10): f 48 / 8 = 6 → 60 %, g 66 / 8 = 8,25 → 82,5 %
    assert get_coherence(fields, meth).field_stats["mean_pct"].tolist() == pytest.approx([60.0, 82.5])
    assert get_coherence(fields, meth, min_spread=50.0).field_stats["reason"].tolist() == ["tiny_spread"] * 2


def test_field_points_keep_the_units_as_they_come():
    meth = Methodology(
        "m",
        {"vi": "m", "en": "m"},
        20.0,
        2,
        (Field("y", {"vi": "y", "en": "y"}, 10.0), Field("x", {"vi": "x", "en": "x"}, 10.0)),
        (Band("all", {"vi": "a", "en": "a"}, min_total=0),),
    )
    fields = pd.DataFrame({"unit_id": ["b", "b", "a", "a"], "field_id": ["x", "y"] * 2, "points": [1.0, 2, 3, 4]})
    p = field_points(fields, meth)
    assert p.index.tolist() == ["b", "a"] and p.columns.tolist() == ["y", "x"]  # fields in the methodology's order
    assert p.to_numpy().tolist() == [[2.0, 1.0], [4.0, 3.0]]
    assert p.columns.name is None and p.index.name == "unit_id"


def test_unit_outliers_tied_by_unit_then_field():
    """Twelve units, ten at 9 and two at 1, in fields e and f alike: MAD 0, mean absolute deviation
    16 / 12, z = −8 / (1,2533 × 4/3) = −4,79 for both units in both fields: by unit, then by field."""
    col = [9.0] * 10 + [1.0, 1.0]
    pts = pd.DataFrame({"f": col, "e": col}, index=[f"u{i:02d}" for i in range(12)])
    out = get_unit_outliers(pts)
    assert out[["unit_id", "field_id"]].values.tolist() == [["u10", "e"], ["u10", "f"], ["u11", "e"], ["u11", "f"]]
    assert out["robust_z"].tolist() == pytest.approx([-8 / (1.253314 * 4 / 3)] * 4)
