"""How sure is each rank? Monte Carlo uncertainty of ranks and the sensitivity of ranks to each choice.

A league table prints ranks as if they were exact. This module redraws the choices behind them and
ranks the units again in every draw, in the way of the JRC/OECD Handbook and COINr's
``get_sensitivity``/``plot_uncertainty``, but seeded (``numpy.random.default_rng``) so that a report
stays byte-identical. What varies (each switchable in :class:`NoiseSpec`, amplitude 0 = off):

- **field weights** (``weights``, default 0.25): each field's maximum is multiplied by its own
  factor drawn uniformly in [1 − w, 1 + w]; every unit's points in the field scale with it (its %
  of the field's maximum is kept) and the totals are rescaled so that the maxima again add up to
  the methodology's maximum. Only a table of points per field has fields to weigh.
- **survey share** (``survey``, default 0.25): the survey part (the ``survey`` component fields, or
  the survey points of a table of components) is multiplied by a factor drawn uniformly in
  [1 − s, 1 + s] against the appraisal, then rescaled likewise. Where the methodology does not give
  the survey's maximum (``survey_max``, or survey fields), its share of the maximum is taken as
  its share of the level's mean total, and the result says so (``survey_max_assumed``).
- **rounding** (``rounding``, default on): every printed value a total is summed from (field
  points, or appraised and survey points) moves uniformly within half a unit of the last printed
  digit (the methodology's ``decimals``): the values behind the printed ones are unknown to that
  extent. A table of totals only has nothing to sum: its totals move by the same half digit, and
  rounding is all that varies.

Every draw starts from the printed total (``total_printed``, what the engine ranks) and adds the
change the draw makes, so a draw with nothing varied gives back the printed ranks exactly. Ranks
in a draw are those of the draw's totals, 1 = highest, ties sharing the best rank ("min", as the
engine ranks); bands are the band rule applied to the draw's totals rounded to the printed
decimals, as :func:`parlib.model.scoring.band_of` does.

Per unit: the nominal (printed) rank, the median rank, the 5–95 % interval (percentiles by the
inverted empirical distribution, so they are ranks that occurred), the best and worst rank drawn,
the probability of keeping its band, of ranking first and of ranking last. Per level: how many
intervals are wider than 3 places, the mean absolute rank shift, and the groups of units that
cannot be told apart (see :func:`indistinct_groups`).

Sensitivity (:func:`rank_uncertainty` with ``sensitivity_draws``): first-order and total effect of
each varied input on the mean absolute rank shift of a draw, by the estimators of Saltelli et al.
(2010, first order) and Jansen (1999, total effect) on two independent seeded samples A and B and
one mixed sample per input (A with that input taken from B). The weights of all fields count as
one input.

Everything is vectorised over a draws × units matrix: draws are processed in blocks (a Python loop
per block of draws, never per draw or per unit) so that memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from parlib.data.dataset import Methodology
from parlib.model.scoring import Scores

INPUTS = ("weights", "survey", "rounding")
_EPS = 1e-9
_BLOCK_CELLS = 4_000_000  # values of one block of draws (draws × units × parts): 16 MB of float32 noise


@dataclass(frozen=True)
class NoiseSpec:
    """What the Monte Carlo varies, and how much; the defaults are those of the report.

    ``weights``: each field's maximum is scaled by a factor uniform in [1 − weights, 1 + weights];
    ``survey``: the survey part by a factor uniform in [1 − survey, 1 + survey]; ``rounding``: every
    printed value moves uniformly within half a printed digit; ``draws``: Monte Carlo draws;
    ``seed``: the seed of every random number; ``sensitivity_draws``: the size of each sample of
    the sensitivity analysis (0: none); ``wide``: an interval wider than this many places counts
    as wide.
    """

    draws: int = 1000
    seed: int = 2024
    weights: float = 0.25
    survey: float = 0.25
    rounding: bool = True
    sensitivity_draws: int = 250
    wide: int = 3

    def __post_init__(self) -> None:
        if not (isinstance(self.draws, int) and self.draws >= 1):
            raise ValueError(f"draws must be a whole number of 1 or more, not {self.draws!r}")
        if not (isinstance(self.sensitivity_draws, int) and self.sensitivity_draws >= 0):
            raise ValueError(f"sensitivity_draws must be a whole number of 0 or more, not {self.sensitivity_draws!r}")
        for name in ("weights", "survey"):
            v = getattr(self, name)
            if not (0.0 <= float(v) < 1.0):
                raise ValueError(f"{name} must be at least 0 and below 1 (a share such as 0.25), not {v!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a whole number of 0 or more, not {self.seed!r}")


#: the report's options: 1,000 draws, seed 2024, weights ±25 %, survey share ±25 %, rounding on
DEFAULT_NOISE = NoiseSpec()


@dataclass(frozen=True)
class LevelParts:
    """One level in one year as the Monte Carlo sees it: what a total is summed from.

    ``kind`` is ``fields`` (points per field), ``components`` (appraised and survey points) or
    ``totals`` (the total only). ``points`` is units × parts, ``maxima`` the parts' maxima,
    ``survey`` which parts are survey points; ``base`` the printed totals the draws start from;
    ``upper`` the most each part can hold (rounding noise is clipped to [0, upper]).
    """

    kind: str
    unit_ids: tuple[str, ...]
    part_ids: tuple[str, ...]
    points: np.ndarray
    maxima: np.ndarray
    survey: np.ndarray
    base: np.ndarray
    survey_points: np.ndarray
    nominal_rank: np.ndarray
    nominal_band: tuple[object, ...]
    survey_max_assumed: bool = False
    upper: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)


def level_parts(units: pd.DataFrame, fields: pd.DataFrame, meth: Methodology) -> LevelParts:
    """The parts of each unit's total in one level and year (a pure reshaping, no randomness).

    ``units`` are the scored units of the level (``unit_id``, ``total_printed``, ``rank``, ``band``,
    ``appraised``, ``survey``); ``fields`` its field points (may be empty). Units without a total
    are left out. With fields, the parts are the methodology's fields in its order; with appraised
    and survey points for every unit, those two; otherwise the total alone.
    """
    u = units[units["total_printed"].notna()].sort_values(["rank", "unit_id"], kind="stable")
    ids = tuple(u["unit_id"].astype(str))
    base = u["total_printed"].to_numpy(float)
    survey_pts = u["survey"].to_numpy(float) if "survey" in u else np.full(len(u), np.nan)
    rank = u["rank"].to_numpy(float)
    band = tuple(u["band"]) if "band" in u else (None,) * len(u)
    have_fields = fields is not None and not fields.empty and bool(meth.fields)
    if have_fields:
        wide = fields.pivot_table(index="unit_id", columns="field_id", values="points", aggfunc="first")
        fids = [f.id for f in meth.fields]
        wide = wide.reindex(index=list(ids), columns=fids)
        if not wide.isna().any().any():
            maxima = np.array([f.max for f in meth.fields], float)
            is_survey = np.array([f.component == "survey" for f in meth.fields])
            return LevelParts(
                "fields",
                ids,
                tuple(fids),
                wide.to_numpy(float),
                maxima,
                is_survey,
                base,
                survey_pts,
                rank,
                band,
                upper=maxima,
            )
    if (
        {"appraised", "survey"} <= set(u.columns)
        and u["appraised"].notna().all()
        and u["survey"].notna().all()
        and len(u)
    ):
        pts = u[["appraised", "survey"]].to_numpy(float)
        assumed = meth.survey_max is None
        if meth.survey_max is None:
            mean_total = float(base.mean())
            s_max = meth.max_total * float(pts[:, 1].mean()) / mean_total if mean_total > 0 else meth.max_total / 2
        else:
            s_max = float(meth.survey_max)
        maxima = np.array([meth.max_total - s_max, s_max], float)
        return LevelParts(
            "components",
            ids,
            ("appraised", "survey"),
            pts,
            maxima,
            np.array([False, True]),
            base,
            survey_pts,
            rank,
            band,
            survey_max_assumed=assumed,
            upper=np.full(2, float(meth.max_total)) if assumed else maxima,
        )
    top = np.array([meth.max_total], float)
    return LevelParts(
        "totals", ids, ("total",), base[:, None].copy(), top, np.array([False]), base, survey_pts, rank, band, upper=top
    )


def varied_inputs(parts: LevelParts, spec: NoiseSpec) -> tuple[dict[str, float], dict[str, str]]:
    """Which inputs vary for this level (name → amplitude) and why each other one does not
    (name → reason: ``off`` when switched off, ``no_fields``, ``no_survey``)."""
    varied, why = {}, {}
    if spec.weights <= 0:
        why["weights"] = "off"
    elif parts.kind != "fields" or len(parts.part_ids) < 2:
        why["weights"] = "no_fields"
    else:
        varied["weights"] = float(spec.weights)
    if spec.survey <= 0:
        why["survey"] = "off"
    elif not parts.survey.any() or parts.survey.all():
        why["survey"] = "no_survey"
    else:
        varied["survey"] = float(spec.survey)
    if spec.rounding:
        varied["rounding"] = 0.5  # half a printed digit
    else:
        why["rounding"] = "off"
    return varied, why


# --- the vectorised core ---------------------------------------------------------------------------


def rank_rows(values: np.ndarray) -> np.ndarray:
    """Ranks within each row of a draws × units matrix: 1 = highest, tied values share the best
    rank (1, 2, 2, 4), as :func:`parlib.model.scoring.rank_units` ranks. Returns int32."""
    n = values.shape[1]
    order = np.argsort(-values, axis=1)  # the order among equal values does not matter
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones(ordered.shape, bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    pos = np.where(starts, np.arange(n, dtype=np.int32)[None, :], np.int32(0))
    np.maximum.accumulate(pos, axis=1, out=pos)
    ranks = np.empty(values.shape, np.int32)
    np.put_along_axis(ranks, order, pos + 1, axis=1)
    return ranks


def round_half_up_array(x: np.ndarray, decimals: int) -> np.ndarray:
    """:func:`parlib.data.numbers.round_half_up_series` on an array of any shape."""
    scale = 10.0**decimals
    rounded: np.ndarray = np.sign(x) * np.floor(np.round(np.abs(x) * scale, 6) + 0.5) / scale
    return rounded


def band_index(
    total: np.ndarray, meth: Methodology, *, min_field_pct: np.ndarray | None = None, survey: np.ndarray | None = None
) -> np.ndarray:
    """The index (in ``meth.bands``, best first) of each total's band, on arrays of any shape:
    the rule of :func:`parlib.model.scoring.band_of` (totals rounded to the printed decimals; a
    condition on data that is missing is not met). -1 where no band applies."""
    t = round_half_up_array(total, meth.decimals)
    pct = t / meth.max_total * 100.0
    fmin = np.full(t.shape, -np.inf) if min_field_pct is None else np.nan_to_num(min_field_pct, nan=-np.inf)
    sv = np.full(t.shape, -np.inf) if survey is None else np.nan_to_num(survey, nan=-np.inf)
    out = np.full(t.shape, -1, np.int16)
    for i in range(len(meth.bands) - 1, -1, -1):  # worst first, so the best band met wins
        b = meth.bands[i]
        ok = np.ones(t.shape, bool)
        if b.min_total is not None:
            ok &= t >= b.min_total - _EPS
        if b.min_pct is not None:
            ok &= pct >= b.min_pct - _EPS
        if b.min_field_pct is not None:
            ok &= fmin >= b.min_field_pct - _EPS
        if b.min_survey is not None:
            ok &= sv >= b.min_survey - _EPS
        out[ok] = i
    return out


def part_scales(parts: LevelParts, weight_factors: np.ndarray, survey_factors: np.ndarray) -> np.ndarray:
    """draws × parts multipliers of each part's points: its weight and survey factors, rescaled so
    that the parts' maxima add up to what they added up to before. Exactly 1 where nothing varies."""
    g = weight_factors * np.where(parts.survey[None, :], survey_factors[:, None], 1.0)
    total_max = parts.maxima.sum()
    k: np.ndarray = g * (total_max / (g * parts.maxima[None, :]).sum(axis=1))[:, None]
    k[np.abs(k - 1.0) < 1e-12] = 1.0
    return k


@dataclass(frozen=True)
class _Sample:
    """The random inputs of one sample of draws: factors drawn up front, rounding noise streamed."""

    weight_u: np.ndarray  # draws × parts, uniform in [-1, 1]
    survey_u: np.ndarray  # draws, uniform in [-1, 1]
    noise_seed: tuple[int, ...]


def _sample(parts: LevelParts, n: int, seed: int, stream: int) -> _Sample:
    p = len(parts.part_ids)
    wu = np.random.default_rng([seed, stream, 0]).uniform(-1.0, 1.0, size=(n, p))
    su = np.random.default_rng([seed, stream, 1]).uniform(-1.0, 1.0, size=n)
    return _Sample(wu, su, (seed, stream, 2))


def _noise_blocks(parts: LevelParts, seed: tuple[int, ...], n: int, block: int) -> Iterator[np.ndarray]:
    """Rounding noise uniform in [-1, 1), block × units × parts at a time (float32: the noise is a
    few thousandths, its own rounding error a few 1e-11), from one stream: the numbers do not
    depend on the block size."""
    rng = np.random.default_rng(list(seed))
    for start in range(0, n, block):
        u = rng.random(size=(min(block, n - start), parts.n_units, len(parts.part_ids)), dtype=np.float32)
        u *= 2.0
        u -= 1.0
        yield u


def _block_size(parts: LevelParts) -> int:
    return max(1, _BLOCK_CELLS // max(1, parts.n_units * len(parts.part_ids)))


def _simulate(
    parts: LevelParts,
    meth: Methodology,
    varied: dict[str, float],
    weights: _Sample,
    survey: _Sample,
    noise: _Sample,
    n: int,
    *,
    keep_ranks: bool,
) -> tuple[np.ndarray | None, np.ndarray, dict[str, np.ndarray] | None]:
    """Run ``n`` draws taking each input from the sample given for it (A, B or a mix).

    Returns the ranks (draws × units, when ``keep_ranks``), the mean absolute rank shift of each
    draw, and (when ``keep_ranks``) counts per unit of the draws in which it kept its band, ranked
    first and ranked last, and whether every unit kept its band in each draw."""
    half = 0.5 * 10.0 ** (-meth.decimals) if "rounding" in varied else 0.0
    w_amp, s_amp = varied.get("weights", 0.0), varied.get("survey", 0.0)
    block = _block_size(parts)
    ranks = np.empty((n, parts.n_units), np.int32) if keep_ranks else None
    counts = (
        {
            "kept": np.zeros(parts.n_units, np.int64),
            "first": np.zeros(parts.n_units, np.int64),
            "last": np.zeros(parts.n_units, np.int64),
            "all_kept": np.zeros(n, bool),
        }
        if keep_ranks
        else None
    )
    shift = np.empty(n)
    nominal = parts.nominal_rank
    band_ids = [b.id for b in meth.bands]
    nominal_band = np.array([band_ids.index(b) if b in band_ids else -1 for b in parts.nominal_band], np.int16)
    pts, maxima = parts.points, parts.maxima
    upper = parts.upper if parts.upper is not None else np.full(len(maxima), np.inf)
    # a value printed at its maximum (or near 0) cannot have been above it (or below 0): the few
    # cells within half a digit of a bound get their noise clipped, the others are left alone
    near_bound = (pts < half) | (pts > upper[None, :] - half)
    lo, hi = (-pts)[near_bound].astype(np.float32), (upper[None, :] - pts)[near_bound].astype(np.float32)
    surv = parts.survey
    need_survey = surv.any() and any(b.min_survey is not None for b in meth.bands)
    field_thresholds = [b.min_field_pct for b in meth.bands if b.min_field_pct is not None]
    fmin_nominal = (pts / maxima[None, :]).min(axis=1) * 100.0 if parts.kind == "fields" else None
    if fmin_nominal is not None and field_thresholds and half > 0:
        # only a unit whose lowest field is within rounding of a threshold can cross it
        reach = float((half / maxima).max() * 100.0) + 1e-9
        close = np.zeros(parts.n_units, bool)
        for thr in field_thresholds:
            close |= np.abs(fmin_nominal - thr) <= reach
    else:
        close = np.zeros(parts.n_units, bool)
    noise_iter = _noise_blocks(parts, noise.noise_seed, n, block) if half > 0 else None
    for start in range(0, n, block):
        stop = min(n, start + block)
        wf = 1.0 + w_amp * weights.weight_u[start:stop]
        sf = 1.0 + s_amp * survey.survey_u[start:stop]
        k = part_scales(parts, wf, sf)  # draws × parts
        # the change each draw makes to the total: the parts rescaled, plus their rounding noise
        # rescaled; exactly zero when nothing varies
        delta = (k - 1.0) @ pts.T  # draws × units
        e = None
        if noise_iter is not None:
            e = next(noise_iter)
            e *= np.float32(half)  # draws × units × parts
            if near_bound.any():
                e[:, near_bound] = np.clip(e[:, near_bound], lo, hi)
            delta += np.matmul(e, k.astype(np.float32)[:, :, None])[:, :, 0]
        totals = parts.base[None, :] + delta
        r = rank_rows(totals)
        shift[start:stop] = np.abs(r - nominal[None, :]).mean(axis=1)
        if ranks is not None and counts is not None:  # keep_ranks
            ranks[start:stop] = r
            fmin = None
            if fmin_nominal is not None:
                fmin = np.broadcast_to(fmin_nominal, totals.shape).copy()
                if e is not None and close.any():
                    fmin[:, close] = ((pts[None, close, :] + e[:, close, :]) / maxima).min(axis=2) * 100.0
            sv = None
            if need_survey:
                ks = k[:, surv]
                sv = parts.survey_points[None, :] + (ks - 1.0) @ pts[:, surv].T
                if e is not None:
                    sv += np.matmul(e[:, :, surv], ks.astype(np.float32)[:, :, None])[:, :, 0]
            kept = band_index(totals, meth, min_field_pct=fmin, survey=sv) == nominal_band[None, :]
            counts["kept"] += kept.sum(axis=0)
            counts["all_kept"][start:stop] = kept.all(axis=1)
            counts["first"] += (r == 1).sum(axis=0)
            counts["last"] += (r == r.max(axis=1, keepdims=True)).sum(axis=0)
    return ranks, shift, counts


def _quantile_rows(sorted_ranks: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile of each column of an already sorted draws × units matrix, by the inverted
    empirical distribution (the smallest rank whose cumulative share reaches q)."""
    n = sorted_ranks.shape[0]
    i = max(0, int(np.ceil(q * n - 1e-9)) - 1)
    row: np.ndarray = sorted_ranks[i]
    return row


def indistinct_groups(nominal: np.ndarray, p5: np.ndarray, p95: np.ndarray) -> list[tuple[int, int]]:
    """Groups of units that cannot be told apart, as (first, last) positions in nominal order.

    In nominal order (units sorted by their printed rank), a group starts at the best unit not yet
    in a group, its leader, and runs to the last unit whose 5 % rank is not below the leader's
    95 % rank: every unit in between could, in at least 5 % of the draws, rank where the leader
    ranks in its worst 5 %. Groups of one unit are left out. One step per group (not per unit or
    per draw), each a binary search."""
    n = len(nominal)
    if n < 2:
        return []
    # the lowest 5 % rank from each position on: non-decreasing, so searchable
    suffix_min = np.minimum.accumulate(p5[::-1])[::-1]
    groups, start = [], 0
    while start < n:
        # last position j with suffix_min[j] <= p95[start]: then some unit at or after j overlaps
        last = int(np.searchsorted(suffix_min, p95[start], side="right")) - 1
        last = max(last, start)
        if last > start:
            groups.append((start, last))
        start = last + 1
    return groups


@dataclass(frozen=True)
class RankUncertainty:
    """The Monte Carlo result of one level in one year (see the module docstring).

    ``units``: one row per unit in nominal order (unit_id, total, nominal_rank, median_rank, p5, p95,
    width, best, worst, p_band, p_first, p_last); ``level``: the level's figures; ``groups``: units
    that cannot be told apart (group, first_rank, last_rank, n_units, unit_ids);
    ``sensitivity``: input, first_order, total_effect (empty when not computed)."""

    kind: str
    spec: NoiseSpec
    varied: dict[str, float]
    not_varied: dict[str, str]
    units: pd.DataFrame
    level: dict[str, Any]
    groups: pd.DataFrame
    sensitivity: pd.DataFrame
    survey_max_assumed: bool = False
    survey_share: float | None = None
    ranks: np.ndarray | None = field(default=None, repr=False, compare=False)


def rank_uncertainty(
    parts: LevelParts, meth: Methodology, spec: NoiseSpec | None = None, *, keep_ranks: bool = False
) -> RankUncertainty:
    """Monte Carlo uncertainty of the ranks of one level (and, with ``spec.sensitivity_draws``, the
    sensitivity of the mean rank shift to each varied input). Pure: the same parts, methodology and
    spec give the same numbers. ``keep_ranks`` keeps the draws × units rank matrix in the result."""
    spec = DEFAULT_NOISE if spec is None else spec
    varied, why = varied_inputs(parts, spec)
    n = spec.draws
    a = _sample(parts, n, spec.seed, 0)
    ranks, shift_a, counts = _simulate(parts, meth, varied, a, a, a, n, keep_ranks=True)
    assert ranks is not None and counts is not None  # keep_ranks=True returns both
    srt = np.sort(ranks, axis=0) if keep_ranks else ranks
    if not keep_ranks:
        srt.sort(axis=0)  # in place: the draws' order is not needed any more
    nominal = parts.nominal_rank
    p5, med, p95 = _quantile_rows(srt, 0.05), _quantile_rows(srt, 0.5), _quantile_rows(srt, 0.95)
    units = pd.DataFrame(
        {
            "unit_id": list(parts.unit_ids),
            "total": parts.base,
            "nominal_rank": nominal.astype(int),
            "median_rank": med.astype(int),
            "p5": p5.astype(int),
            "p95": p95.astype(int),
            "width": (p95 - p5).astype(int),
            "best": srt[0].astype(int),
            "worst": srt[-1].astype(int),
            "p_band": counts["kept"] / n,
            "p_first": counts["first"] / n,
            "p_last": counts["last"] / n,
        }
    )
    groups = indistinct_groups(nominal, p5, p95)
    gframe = pd.DataFrame(
        [
            {
                "group": i + 1,
                "first_rank": int(nominal[s]),
                "last_rank": int(nominal[e]),
                "n_units": e - s + 1,
                "unit_ids": list(parts.unit_ids[s : e + 1]),
            }
            for i, (s, e) in enumerate(groups)
        ],
        columns=["group", "first_rank", "last_rank", "n_units", "unit_ids"],
    )
    sens = _sensitivity(parts, meth, spec, varied, a, shift_a)
    share = float(parts.maxima[parts.survey].sum() / parts.maxima.sum()) if parts.survey.any() else None
    level = {
        "n_units": parts.n_units,
        "draws": n,
        "seed": spec.seed,
        "kind": parts.kind,
        "varied": dict(varied),
        "not_varied": dict(why),
        "n_wide": int((units["width"] > spec.wide).sum()),
        "wide": spec.wide,
        "mean_abs_shift": float(shift_a.mean()),
        "max_width": int(units["width"].max()),
        "n_groups": len(groups),
        "n_in_groups": int(sum(e - s + 1 for s, e in groups)),
        "p_band_all": float(counts["all_kept"].mean()),
    }
    return RankUncertainty(
        parts.kind,
        spec,
        varied,
        why,
        units,
        level,
        gframe,
        sens,
        parts.survey_max_assumed,
        share,
        ranks if keep_ranks else None,
    )


def rank_robustness(scores: Scores, year: int, level: str, spec: NoiseSpec | None = None) -> RankUncertainty:
    """:func:`rank_uncertainty` of one level of a scored dataset (units without a total left
    out): the entry point of the benchmark (``make bench``). The Analysis computes the same for
    every level (:func:`parlib.model.analysis.analyse_level`), refusing a partial table."""
    meth = scores.dataset.methodology_for(year, level)
    units = scores.level_units(year, level)
    parts = level_parts(units[units["total_printed"].notna()], scores.level_fields(year, level), meth)
    return rank_uncertainty(parts, meth, spec)


def _sensitivity(
    parts: LevelParts, meth: Methodology, spec: NoiseSpec, varied: dict[str, float], a: _Sample, shift_a: np.ndarray
) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total (Jansen 1999) effects on the mean absolute rank shift.

    With Y = the mean absolute rank shift of a draw, samples A (the first ``m`` Monte Carlo draws)
    and B (``m`` more, independent), and AB_i (A with input i from B):
    V = Var(Y over A and B), S_i = mean(Y_B (Y_AB_i − Y_A)) / V, ST_i = mean((Y_A − Y_AB_i)²) / (2V).
    NaN when V is 0 (no draw moves any rank)."""
    cols = ["input", "first_order", "total_effect"]
    m = min(spec.sensitivity_draws, spec.draws)
    if m < 2 or not varied:
        return pd.DataFrame(columns=cols)
    b = _sample(parts, m, spec.seed, 1)
    a_m = _Sample(a.weight_u[:m], a.survey_u[:m], a.noise_seed)
    y_a = shift_a[:m]
    _, y_b, _ = _simulate(parts, meth, varied, b, b, b, m, keep_ranks=False)
    var = float(np.var(np.concatenate([y_a, y_b])))
    rows = []
    for name in INPUTS:
        if name not in varied:
            continue
        mix = {k: (b if k == name else a_m) for k in INPUTS}
        _, y_ab, _ = _simulate(parts, meth, varied, mix["weights"], mix["survey"], mix["rounding"], m, keep_ranks=False)
        if var > 0:
            s1 = float(np.mean(y_b * (y_ab - y_a)) / var)
            st = float(np.mean((y_a - y_ab) ** 2) / (2 * var))
        else:
            s1 = st = float("nan")
        rows.append({"input": name, "first_order": s1, "total_effect": st})
    return pd.DataFrame(rows, columns=cols)
