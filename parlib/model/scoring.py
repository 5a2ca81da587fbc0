"""Totals, printed-total checks, % of maximum, ranks, bands and level summaries.

All functions are pure and vectorised over whole columns: no Python loop runs per unit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parlib.data.dataset import Dataset, Methodology
from parlib.data.numbers import round_half_up_series
from parlib.data.tables import read_scores_table
from parlib.errors import DataError

_EPS = 1e-9


def printed_total_tolerance(n_parts: pd.Series | int, decimals: int) -> pd.Series | float:
    """The largest gap rounding can make between a printed total and the sum of its printed parts.

    Each of the ``n_parts`` parts and the total itself were rounded to ``decimals`` places from
    unrounded values, each moving at most half a unit of the last printed place:
    (n_parts + 1) × 0.5 × 10^-decimals. Two parts at 2 decimals: 0.015.
    """
    return (n_parts + 1) * 0.5 * 10.0 ** (-decimals) + _EPS


def check_printed_totals(units: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Compare each printed total with the sum of its printed parts.

    Returns one row per unit that has both, with ``gap`` (printed − parts), ``tolerance`` and
    ``ok`` (|gap| within the rounding tolerance).
    """
    both = units["printed_total"].notna() & units["parts_total"].notna()
    out = units.loc[both, ["year", "level", "unit_id", "row", "printed_total", "parts_total", "n_parts"]].copy()
    out["gap"] = (out["printed_total"] - out["parts_total"]).round(decimals + 6)
    out["tolerance"] = printed_total_tolerance(out["n_parts"], decimals)
    out["ok"] = out["gap"].abs() <= out["tolerance"]
    return out.reset_index(drop=True)


def pct_of_max(points: pd.Series, maximum: pd.Series | float) -> pd.Series:
    """Points as % of their maximum (NaN where the maximum is unknown or zero)."""
    maximum = maximum if isinstance(maximum, pd.Series) else pd.Series(maximum, index=points.index)
    return (points / maximum.where(maximum > 0)) * 100.0


def rank_units(totals: pd.Series, groups: pd.Series | list | None = None) -> pd.Series:
    """Ranks, 1 = highest total, within each group; tied totals share the best rank (1, 2, 2, 4).

    Units without a total get no rank (NA).
    """
    if groups is None:
        ranks = totals.rank(method="min", ascending=False)
    else:
        ranks = totals.groupby(groups, sort=False).rank(method="min", ascending=False)
    return ranks.astype("Int64")


def band_of(total: pd.Series, meth: Methodology, *, min_field_pct: pd.Series | None = None,
            survey: pd.Series | None = None) -> pd.Series:
    """The band id of each unit under a methodology's band rule.

    Bands are tried best first; a unit gets the first whose conditions it all meets: total at
    least ``min_total`` points (or ``min_pct`` % of the maximum), every field at least
    ``min_field_pct`` % of its maximum (``min_field_pct`` here is each unit's lowest field %),
    survey points at least ``min_survey``. A condition that needs data the table lacks (field
    points, survey points) cannot be met, and the unit falls to a band without it. Units without a
    total get NA. A total is compared after rounding to the printed decimals, so 79,9996 printed
    as 80,000 counts as 80.
    """
    t = round_half_up_series(total, meth.decimals)
    pct = t / meth.max_total * 100.0
    fmin = min_field_pct if min_field_pct is not None else pd.Series(np.nan, index=t.index)
    sv = survey if survey is not None else pd.Series(np.nan, index=t.index)
    result = pd.Series(pd.NA, index=t.index, dtype=object)
    open_ = t.notna()
    for b in meth.bands:
        ok = open_.copy()
        if b.min_total is not None:
            ok &= t >= b.min_total - _EPS
        if b.min_pct is not None:
            ok &= pct >= b.min_pct - _EPS
        if b.min_field_pct is not None:
            ok &= fmin.fillna(-np.inf) >= b.min_field_pct - _EPS
        if b.min_survey is not None:
            ok &= sv.fillna(-np.inf) >= b.min_survey - _EPS
        result[ok] = b.id
        open_ &= ~ok
    return result


def get_level_summary(units: pd.DataFrame, meth: Methodology, *, thresholds: tuple[float, ...] = (80.0,)) -> dict:
    """Summary of one level in one year: count, mean, median, min, max of totals, count per band,
    and count at or above each threshold (in points). ``partial`` is true when the publisher
    printed only some units, in which case the mean is not the level's mean."""
    t = units["total"].dropna()
    bands = units["band"].value_counts()
    return {
        "n_units": int(len(units)),
        "n_scored": int(len(t)),
        "partial": bool(units["partial"].any()) if "partial" in units else False,
        "mean": float(t.mean()) if len(t) else None,
        "median": float(t.median()) if len(t) else None,
        "min": float(t.min()) if len(t) else None,
        "max": float(t.max()) if len(t) else None,
        "mean_pct": float((t / meth.max_total * 100).mean()) if len(t) else None,
        "band_counts": {b.id: int(bands.get(b.id, 0)) for b in meth.bands},
        "at_least": {f"{x:g}": int((round_half_up_series(t, meth.decimals) >= x - _EPS).sum()) for x in thresholds},
    }


@dataclass(frozen=True)
class Scores:
    """Every unit and field of a dataset, scored: totals, % of maximum, ranks, bands."""

    dataset: Dataset
    units: pd.DataFrame
    fields: pd.DataFrame
    granularity: dict[tuple[int, str], str]
    total_checks: pd.DataFrame

    def level_units(self, year: int, level: str) -> pd.DataFrame:
        u = self.units
        return u[(u["year"] == year) & (u["level"] == level)]

    def level_fields(self, year: int, level: str) -> pd.DataFrame:
        f = self.fields
        return f[(f["year"] == year) & (f["level"] == level)]

    def has_fields(self, year: int, level: str) -> bool:
        return not self.level_fields(year, level).empty


def score_dataset(dataset: Dataset, years: list[int] | None = None, *, strict: bool = True) -> Scores:
    """Load every table of a dataset (or of some years) and score it.

    With ``strict`` (the default), a printed total beyond rounding of its parts, or a printed rank
    or band that the scores contradict, raises a :class:`DataError` naming the row.
    """
    unit_frames, field_frames, gran, checks = [], [], {}, []
    for spec in dataset.tables:
        if years is not None and spec.year not in years:
            continue
        meth = dataset.methodologies[spec.methodology]
        ts = read_scores_table(spec, dataset)
        u, f = ts.units.copy(), ts.fields.copy()
        gran[(spec.year, spec.level)] = ts.granularity
        chk = check_printed_totals(u, meth.decimals)
        if strict and not chk["ok"].all():
            bad = chk[~chk["ok"]].iloc[0]
            raise DataError(f"printed total {bad['printed_total']:g} differs from the sum of its parts "
                            f"{bad['parts_total']:g} by {abs(bad['gap']):g}, more than rounding allows "
                            f"({bad['tolerance']:.4g})", "check the total and its parts against the source",
                            spec.path, int(bad["row"]))
        checks.append(chk)
        if strict:
            _check_printed_index(u, meth, spec)
        u["max_total"] = meth.max_total
        # The total as the method prints it (half up): what ranks, bands and counts compare.
        u["total_printed"] = round_half_up_series(u["total"], meth.decimals)
        u["pct"] = pct_of_max(u["total"], meth.max_total)
        if not f.empty:
            f["pct"] = pct_of_max(f["points"], f["max"])
            fmin = f.groupby("unit_id")["pct"].min()
            u["min_field_pct"] = u["unit_id"].map(fmin)
        else:
            u["min_field_pct"] = np.nan
        computed_rank = rank_units(u["total_printed"])
        # A partial table (the publisher printed some units only) cannot be ranked from its
        # scores: the printed ranks are the ranks.
        u["rank"] = u["printed_rank"].astype("Int64") if spec.partial else computed_rank
        u["band"] = band_of(u["total"], meth, min_field_pct=u["min_field_pct"], survey=u["survey"])
        if strict:
            _check_printed_rank_band(u, meth, spec, computed_rank)
        unit_frames.append(u)
        field_frames.append(f)
    if not unit_frames:
        raise DataError(f"dataset {dataset.id!r} has no table for year(s) {years}",
                        f"choose among {', '.join(map(str, dataset.years))}")
    units = pd.concat(unit_frames, ignore_index=True)
    fields = pd.concat([f for f in field_frames if not f.empty], ignore_index=True) if any(
        not f.empty for f in field_frames) else field_frames[0]
    # The key must be unique (pandas 3.1 deprecates set_index(verify_integrity=True): checked directly).
    if units.duplicated(["year", "level", "unit_id"]).any():
        dup = units[units.duplicated(["year", "level", "unit_id"])].iloc[0]
        raise DataError(f"unit {dup['unit_id']!r} appears twice in {dup['year']} {dup['level']}",
                        "give each unit one row per year and level", dataset.root / "dataset.yml")
    return Scores(dataset, units, fields, gran, pd.concat(checks, ignore_index=True))


def _check_printed_index(u: pd.DataFrame, meth: Methodology, spec) -> None:
    """A printed index (Chỉ số, % of maximum) must be the total as % of the maximum, within the
    rounding of the printed digits (one unit of the last printed place, on either side)."""
    both = u["printed_index"].notna() & u["total"].notna()
    gap = (u["printed_index"] - u["total"] / meth.max_total * 100.0).abs()
    bad = both & (gap > 10.0 ** (-meth.decimals) + _EPS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"printed index {u['printed_index'].iloc[i]:g} is not the total {u['total'].iloc[i]:g} as % of "
                        f"the maximum {meth.max_total:g}", "check the index and the total against the source",
                        spec.path, int(u["row"].iloc[i]))


def _check_printed_rank_band(u: pd.DataFrame, meth: Methodology, spec, computed_rank: pd.Series) -> None:
    if not spec.partial:
        has = u["printed_rank"].notna()
        bad = has & (u["printed_rank"] != computed_rank.astype(float))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"printed rank {int(u['printed_rank'].iloc[i])} but the totals give rank "
                            f"{int(computed_rank.iloc[i])}", "check the rank and the totals against the source",
                            spec.path, int(u["row"].iloc[i]))
    printed = u["printed_band"].fillna("").astype(str)
    has = printed != ""
    ids = printed.map(meth.band_id_for)
    unknown = has & ids.isna()
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"band {printed.iloc[i]!r} is not a band of methodology {meth.id!r}",
                        f"use one of: {', '.join(b.name['vi'] for b in meth.bands)}", spec.path, int(u["row"].iloc[i]))
    bad = has & (ids != u["band"]) & u["band"].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"printed band {printed.iloc[i]!r} but the band rule gives {u['band'].iloc[i]!r} "
                        f"for total {u['total'].iloc[i]:g}", "check the band, the total, or the band rule in dataset.yml",
                        spec.path, int(u["row"].iloc[i]))
