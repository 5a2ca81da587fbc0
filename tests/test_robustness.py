"""parlib.model.robustness: Monte Carlo uncertainty of ranks and its sensitivity.

Expected values come from hand computation on tiny tables (written out beside each test), from the
hand-made datasets of tests/data/, and from properties (no noise gives the printed ranks; wider
noise never gives narrower intervals; the seed fixes every number).
"""

import numpy as np
import pandas as pd
import pytest
from handmade import load

from parlib.data.dataset import Band, Field, Methodology
from parlib.model.robustness import NoiseSpec, band_index, indistinct_groups, level_parts, rank_rows, rank_uncertainty
from parlib.model.scoring import band_of, rank_units, score_dataset

OFF = dict(weights=0.0, survey=0.0, rounding=False)


def _meth(fields: list[tuple[str, float, str]], *, decimals: int = 2, bands=None, survey_max=None) -> Methodology:
    fs = tuple(Field(fid, {"vi": fid, "en": fid}, float(mx), comp) for fid, mx, comp in fields)
    bands = bands or (
        Band("tot", {"vi": "Tốt", "en": "Good"}, min_total=80),
        Band("kha", {"vi": "Khá", "en": "Fair"}, min_total=0),
    )
    return Methodology("m", {"vi": "m", "en": "m"}, 100.0, decimals, fs, bands, survey_max=survey_max)


def _level(points: dict[str, list[float]], meth: Methodology, *, kind: str = "fields"):
    """Units and fields frames of one level as the engine scores them, from points per unit."""
    ids = list(points)
    if kind == "fields":
        rows = [
            {"unit_id": u, "field_id": f.id, "points": p[i], "max": f.max}
            for u, p in points.items()
            for i, f in enumerate(meth.fields)
        ]
        fields = pd.DataFrame(rows)
        total = pd.Series([sum(points[u]) for u in ids])
        survey = pd.Series(
            [sum(p for p, f in zip(points[u], meth.fields) if f.component == "survey") or np.nan for u in ids]
        )
        appraised = total - survey.fillna(0)
    elif kind == "components":
        fields = pd.DataFrame()
        appraised = pd.Series([points[u][0] for u in ids])
        survey = pd.Series([points[u][1] for u in ids])
        total = appraised + survey
    else:
        fields = pd.DataFrame()
        total = pd.Series([points[u][0] for u in ids])
        appraised = survey = pd.Series(np.nan, index=total.index)
    total = total.round(meth.decimals)
    units = pd.DataFrame(
        {"unit_id": ids, "total": total, "total_printed": total, "appraised": appraised, "survey": survey}
    )
    units["rank"] = rank_units(units["total_printed"])
    fmin = (
        fields.assign(pct=fields["points"] / fields["max"] * 100).groupby("unit_id")["pct"].min()
        if kind == "fields"
        else None
    )
    units["band"] = band_of(
        units["total"],
        meth,
        min_field_pct=units["unit_id"].map(fmin) if fmin is not None else None,
        survey=units["survey"],
    )
    return units, fields


def _run(points, meth, kind="fields", **spec):
    units, fields = _level(points, meth, kind=kind)
    return rank_uncertainty(level_parts(units, fields, meth), meth, NoiseSpec(**spec))


# --- the ranking primitive -------------------------------------------------------------------------


def test_rank_rows_highest_first_ties_share_the_best_rank():
    got = rank_rows(np.array([[3.0, 1.0, 3.0, 2.0], [1.0, 1.0, 1.0, 1.0], [0.5, 2.5, 1.5, 3.5]]))
    assert got.tolist() == [[1, 4, 1, 3], [1, 1, 1, 1], [4, 2, 3, 1]]


def test_band_index_follows_the_band_rule_after_rounding():
    meth = _meth([("f1", 50, "appraisal"), ("s", 50, "survey")], decimals=2)
    # 79.995 prints as 80.00 (half up): Tốt; 79.994 prints 79.99: Khá
    assert band_index(np.array([79.995, 79.994, 80.0, 12.0]), meth).tolist() == [0, 1, 0, 1]


# --- hand computations ------------------------------------------------------------------------------


def test_two_units_a_hundredth_apart_swap_under_rounding_one_draw_in_24():
    """Totals of two parts printed at 2 decimals: 60.01 = 30.00 + 30.01 and 60.00 = 30.00 + 30.00.
    Each part's true value is within ±0.005 of the printed one, so the gap of 0.01 becomes
    0.01 + (e1 + e2) − (e3 + e4). With X_i uniform on [0, 1], the second unit is ahead when
    X1 + X2 + X3 + X4 > 3: for the Irwin–Hall sum of 4, P = 1/24 ≈ 0.0417."""
    meth = _meth([("f1", 60, "appraisal"), ("f2", 40, "appraisal")])
    r = _run({"a": [30.0, 30.01], "b": [30.0, 30.0]}, meth, draws=20000, weights=0.0, survey=0.0, sensitivity_draws=0)
    u = r.units.set_index("unit_id")
    assert r.varied == {"rounding": 0.5}
    assert u.loc["b", "p_first"] == pytest.approx(1 / 24, abs=0.006)  # ±4 standard errors
    assert u.loc["a", "p_first"] == pytest.approx(1 - u.loc["b", "p_first"])
    assert (u.loc["a", "best"], u.loc["a", "worst"]) == (1, 2)


def test_totals_only_a_printed_digit_apart_never_swap_but_ties_split():
    """tests/data/totals-vi: 90,766; 80,000; 80,000; 79,999 at 3 decimals. A printed total is the
    true one within ±0.0005, so 79,999 can at most reach 80,000 − 0.0005 − 0.0005 = a tie (never
    above), while the two equal 80,000 are each ahead half of the time."""
    scores = score_dataset(load("totals-vi"))
    ds = scores.dataset
    meth = ds.methodology_for(2023, "departments")
    p = level_parts(scores.level_units(2023, "departments"), scores.level_fields(2023, "departments"), meth)
    assert p.kind == "totals"
    r = rank_uncertainty(p, meth, NoiseSpec(draws=4000, sensitivity_draws=0))
    assert r.varied == {"rounding": 0.5}
    assert r.not_varied == {"weights": "no_fields", "survey": "no_survey"}
    u = r.units.set_index("unit_id")
    assert u["nominal_rank"].to_dict() == {"so-gtvt": 1, "so-tc": 2, "so-yt": 2, "so-nv": 4}
    assert (u.loc["so-gtvt", ["best", "worst"]] == 1).all() and (u.loc["so-nv", ["best", "worst"]] == 4).all()
    assert (u.loc["so-tc", "best"], u.loc["so-tc", "worst"]) == (2, 3)
    # each of the tied pair is second about half the time
    second = (r.units.set_index("unit_id").loc["so-tc", "median_rank"], u.loc["so-yt", "median_rank"])
    assert set(second) <= {2, 3}
    # a printed total's rounding cannot change its printed value, so no band changes
    assert (u["p_band"] == 1.0).all()


def test_a_unit_far_ahead_never_moves():
    """'a' has every field at its maximum, the others at most 60 %: whatever the weights, the
    survey's share and the rounding, a's total is the maximum (100) and theirs at most 60."""
    meth = _meth([("f1", 30, "appraisal"), ("f2", 40, "appraisal"), ("s", 30, "survey")])
    r = _run(
        {"a": [30.0, 40.0, 30.0], "b": [18.0, 20.0, 12.0], "c": [10.0, 24.0, 15.0], "d": [15.0, 12.0, 18.0]},
        meth,
        draws=2000,
    )
    a = r.units.set_index("unit_id").loc["a"]
    assert (a["p_first"], a["p5"], a["p95"], a["width"], a["worst"]) == (1.0, 1, 1, 0, 1)
    assert set(r.varied) == {"weights", "survey", "rounding"}
    # the others do move (f1/f2/s order them differently)
    assert r.units["width"].max() > 0


def test_a_total_of_80_loses_its_band_one_draw_in_8_when_the_survey_is_at_its_maximum():
    """Components at 2 decimals, survey_max 30: 50.00 + 30.00 = 80.00 (Tốt from 80). The survey's
    true value cannot exceed 30, so its noise is clipped to [−0.005, 0] (0 half the time, else
    uniform on [−0.005, 0]); the appraisal's is uniform on ±0.005. The total prints below 80 when
    it falls under 79.995: P = ½ · E[v/2] with v uniform on [0, 1] = ½ · ¼ = 1/8."""
    meth = _meth([], decimals=2, survey_max=30)
    r = _run(
        {"a": [50.0, 30.0], "b": [30.0, 10.0]},
        meth,
        kind="components",
        draws=20000,
        weights=0.0,
        survey=0.0,
        sensitivity_draws=0,
    )
    assert r.kind == "components" and not r.survey_max_assumed
    assert r.units.set_index("unit_id").loc["a", "p_band"] == pytest.approx(7 / 8, abs=0.01)


def test_indistinct_groups_by_hand():
    """5 units in nominal order with 5–95 % intervals [1,2] [1,2] [3,4] [4,5] [5,5]: the first
    leader's worst is 2, so unit 2 (best 1) joins it; the third's worst is 4, so the fourth (best
    4) joins it; the fifth (best 5) stands alone."""
    groups = indistinct_groups(np.array([1, 2, 3, 4, 5]), np.array([1, 1, 3, 4, 5]), np.array([2, 2, 4, 5, 5]))
    assert groups == [(0, 1), (2, 3)]
    # a later unit that overlaps pulls in the units between (groups are runs of ranks)
    assert indistinct_groups(np.array([1, 2, 3]), np.array([1, 3, 2]), np.array([2, 3, 3])) == [(0, 2)]
    assert indistinct_groups(np.array([1]), np.array([1]), np.array([1])) == []


# --- properties ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fields-wide", "criteria-long", "components", "totals-vi"])
def test_no_noise_gives_the_printed_ranks_with_zero_width(name):
    scores = score_dataset(load(name))
    meth = scores.dataset.methodology_for(2023, "departments")
    units = scores.level_units(2023, "departments")
    p = level_parts(units, scores.level_fields(2023, "departments"), meth)
    r = rank_uncertainty(p, meth, NoiseSpec(draws=50, **OFF))
    got = r.units.set_index("unit_id")
    expected = units.set_index("unit_id")["rank"].astype(int)
    for col in ("nominal_rank", "median_rank", "p5", "p95", "best", "worst"):
        assert got[col].to_dict() == expected.to_dict(), col
    assert (got["width"] == 0).all() and (got["p_band"] == 1.0).all()
    assert r.level["mean_abs_shift"] == 0.0 and r.level["n_wide"] == 0
    assert got["p_first"].to_dict() == (expected == 1).astype(float).to_dict()


def _many_close_units(n=30, seed=7):
    rng = np.random.default_rng(seed)
    meth = _meth(
        [("f1", 25, "appraisal"), ("f2", 25, "appraisal"), ("f3", 20, "appraisal"), ("s", 30, "survey")], decimals=2
    )
    maxima = np.array([25, 25, 20, 30])
    pts = np.round(maxima * rng.uniform(0.7, 1.0, size=(n, 4)), 2)
    return {f"u{i:02d}": list(row) for i, row in enumerate(pts)}, meth


def test_wider_noise_never_narrows_the_intervals_on_average():
    points, meth = _many_close_units()
    widths = [
        _run(points, meth, draws=400, weights=w, survey=w, sensitivity_draws=0).units["width"].mean()
        for w in (0.0, 0.05, 0.15, 0.3)
    ]
    assert widths == sorted(widths) and widths[-1] > widths[0]
    shifts = [
        _run(points, meth, draws=400, weights=w, survey=0.0, rounding=False, sensitivity_draws=0).level[
            "mean_abs_shift"
        ]
        for w in (0.0, 0.1, 0.3)
    ]
    assert shifts == sorted(shifts) and shifts[0] == 0.0


def test_the_seed_fixes_every_number():
    points, meth = _many_close_units()
    one = _run(points, meth, draws=300, seed=11, sensitivity_draws=100)
    two = _run(points, meth, draws=300, seed=11, sensitivity_draws=100)
    other = _run(points, meth, draws=300, seed=12, sensitivity_draws=100)
    pd.testing.assert_frame_equal(one.units, two.units)
    pd.testing.assert_frame_equal(one.sensitivity, two.sensitivity)
    assert one.level == two.level
    assert not one.units.equals(other.units)


def test_more_draws_extend_the_same_draws():
    """The first draws do not depend on how many are made (the report's figures do not shift when
    only the number of draws changes, except through the new draws)."""
    points, meth = _many_close_units()
    units, fields = _level(points, meth)
    p = level_parts(units, fields, meth)
    short = rank_uncertainty(p, meth, NoiseSpec(draws=40, sensitivity_draws=0), keep_ranks=True)
    long = rank_uncertainty(p, meth, NoiseSpec(draws=90, sensitivity_draws=0), keep_ranks=True)
    assert (long.ranks[:40] == short.ranks).all()


# --- sensitivity -----------------------------------------------------------------------------------


def test_an_input_that_moves_no_rank_has_zero_effect():
    """Units 10 points apart: rounding (±0.005 per part) never changes a rank, so replacing the
    rounding draws by others changes nothing and both effects are exactly 0, while the weights,
    which do reorder these units, have a positive total effect."""
    meth = _meth([("f1", 50, "appraisal"), ("f2", 50, "appraisal")])
    r = _run(
        {"a": [50.0, 10.0], "b": [10.0, 40.0], "c": [25.0, 15.0], "d": [5.0, 15.0]},
        meth,
        draws=400,
        survey=0.0,
        sensitivity_draws=200,
    )
    s = r.sensitivity.set_index("input")
    assert set(s.index) == {"weights", "rounding"}  # no survey part: not varied, no row
    assert s.loc["rounding", "first_order"] == 0.0 and s.loc["rounding", "total_effect"] == 0.0
    assert s.loc["weights", "total_effect"] > 0.5


def test_sensitivity_is_undefined_when_no_rank_ever_moves():
    meth = _meth([("f1", 50, "appraisal"), ("f2", 50, "appraisal")])
    r = _run({"a": [50.0, 50.0], "b": [10.0, 10.0]}, meth, draws=100, sensitivity_draws=50)
    assert r.sensitivity["total_effect"].isna().all() and r.level["mean_abs_shift"] == 0.0


def test_survey_share_of_components_is_assumed_from_the_mean_when_not_given():
    """No survey_max: the survey's share of the maximum is taken as its share of the mean total:
    (10 + 30) / 2 = 20 of (60 + 80) / 2 = 70 → 2/7."""
    meth = _meth([], decimals=2)
    r = _run({"a": [50.0, 10.0], "b": [50.0, 30.0]}, meth, kind="components", draws=50)
    assert r.survey_max_assumed and r.survey_share == pytest.approx(2 / 7)
    assert r.not_varied == {"weights": "no_fields"}


def test_bad_specs_are_refused():
    with pytest.raises(ValueError, match="draws"):
        NoiseSpec(draws=0)
    with pytest.raises(ValueError, match="weights"):
        NoiseSpec(weights=1.5)
    with pytest.raises(ValueError, match="seed"):
        NoiseSpec(seed=-1)


def test_rank_robustness_of_a_scored_level_is_the_analysis_figure():
    from parlib.model.analysis import analyse
    from parlib.model.robustness import rank_robustness

    ds = load("criteria-long")
    spec = NoiseSpec(draws=100, sensitivity_draws=20)
    got = rank_robustness(score_dataset(ds), 2023, "departments", spec)
    pd.testing.assert_frame_equal(got.units, analyse(ds, 2023, noise=spec).level("departments").robustness.units)


@pytest.mark.parametrize(
    "args",
    [
        {"draws": 1},
        {"sensitivity_draws": 0},
        {"weights": 0.0, "survey": 0.0},
        {"weights": 0.999, "survey": 0.999},
        {"seed": 0},
    ],
)
def test_specs_at_the_edge_of_their_limits_are_accepted(args):
    spec = NoiseSpec(**args)
    assert all(getattr(spec, k) == v for k, v in args.items())


@pytest.mark.parametrize(
    "args, message",
    [
        ({"draws": 0}, "draws must be a whole number of 1 or more, not 0"),
        ({"draws": 2.5}, "draws must be a whole number of 1 or more, not 2.5"),
        ({"sensitivity_draws": -1}, "sensitivity_draws must be a whole number of 0 or more, not -1"),
        ({"sensitivity_draws": 1.5}, "sensitivity_draws must be a whole number of 0 or more, not 1.5"),
        ({"weights": 1.0}, "weights must be at least 0 and below 1 (a share such as 0.25), not 1.0"),
        ({"weights": -0.1}, "weights must be at least 0 and below 1 (a share such as 0.25), not -0.1"),
        ({"survey": 1.5}, "survey must be at least 0 and below 1 (a share such as 0.25), not 1.5"),
        ({"seed": -1}, "seed must be a whole number of 0 or more, not -1"),
        ({"seed": 1.0}, "seed must be a whole number of 0 or more, not 1.0"),
    ],
)
def test_specs_beyond_their_limits_are_refused_with_their_message(args, message):
    with pytest.raises(ValueError) as e:
        NoiseSpec(**args)
    assert str(e.value) == message
