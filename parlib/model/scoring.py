"""Totals, printed-total checks, % of maximum, ranks, bands and level summaries.

All functions are pure and vectorised over whole columns: no Python loop runs per unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parlib.data.dataset import Dataset, Methodology, TableSpec
from parlib.data.numbers import round_half_up_series
from parlib.data.tables import read_scores_table
from parlib.data.text import per_unique
from parlib.errors import DataError, ErrorCollector

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


def rank_units(totals: pd.Series, groups: pd.Series | list[Any] | None = None) -> pd.Series:
    """Ranks, 1 = highest total, within each group; tied totals share the best rank (1, 2, 2, 4).

    Units without a total get no rank (NA).
    """
    if groups is None:
        ranks = totals.rank(method="min", ascending=False)
    else:
        ranks = totals.groupby(groups, sort=False).rank(method="min", ascending=False)
    return ranks.astype("Int64")


def band_of(
    total: pd.Series, meth: Methodology, *, min_field_pct: pd.Series | None = None, survey: pd.Series | None = None
) -> pd.Series:
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


def get_level_summary(
    units: pd.DataFrame, meth: Methodology, *, thresholds: tuple[float, ...] | None = None
) -> dict[str, Any]:
    """Summary of one level in one year: count, mean, median, min, max of totals, count per band,
    and count at or above each threshold (in points; default the methodology's
    :meth:`~parlib.data.dataset.Methodology.threshold`, if any). ``partial`` is true when the publisher
    printed only some units, in which case the mean is not the level's mean."""
    if thresholds is None:
        threshold = meth.threshold()
        thresholds = () if threshold is None else (threshold,)
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
    problems = ErrorCollector()
    for spec in dataset.tables:
        if years is not None and spec.year not in years:
            continue
        meth = dataset.methodologies[spec.methodology]
        ts = problems.run(read_scores_table, spec, dataset)
        if ts is None:  # its errors are kept; the other tables are still read, so all are reported at once
            continue
        u, f = ts.units.copy(), ts.fields.copy()
        gran[(spec.year, spec.level)] = ts.granularity
        chk = check_printed_totals(u, meth.decimals)
        if strict:
            for bad in chk[~chk["ok"]].to_dict("records"):
                problems.add(
                    DataError(
                        f"printed total {bad['printed_total']:g} differs from the sum of its parts "
                        f"{bad['parts_total']:g} by {abs(bad['gap']):g}, more than rounding allows "
                        f"({bad['tolerance']:.4g})",
                        "check the total and its parts against the source",
                        spec.path,
                        int(bad["row"]),
                    )
                )
        checks.append(chk)
        if strict:
            for e in _check_printed_index(u, meth, spec):
                problems.add(e)
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
        # scores, and under rank_ties: printed the publisher's ranks stand: the printed ranks are
        # the ranks, checked against the order of the totals.
        uses_printed = spec.partial or meth.rank_ties == "printed"
        u["rank"] = u["printed_rank"].astype("Int64") if uses_printed else computed_rank
        u["band"] = band_of(u["total"], meth, min_field_pct=u["min_field_pct"], survey=u["survey"])
        size = dataset.level(spec.level).size
        # Under `check` (not strict) a whole table's printed ranks under 'min' are listed as
        # non-matching rows instead; printed ranks that are the ranks must agree with the totals.
        if strict or uses_printed:
            for e in check_printed_ranks(u, meth, spec, computed_rank, size):
                problems.add(e)
        if strict:
            for e in _check_printed_bands(u, meth, spec):
                problems.add(e)
        unit_frames.append(u)
        field_frames.append(f)
    problems.raise_if_any()
    if not unit_frames:
        raise DataError(
            f"dataset {dataset.id!r} has no table for year(s) {years}",
            f"choose among {', '.join(map(str, dataset.years))}",
        )
    units = pd.concat(unit_frames, ignore_index=True)
    fields = (
        pd.concat([f for f in field_frames if not f.empty], ignore_index=True)
        if any(not f.empty for f in field_frames)
        else field_frames[0]
    )
    # The key must be unique (pandas 3.1 deprecates set_index(verify_integrity=True): checked directly).
    if units.duplicated(["year", "level", "unit_id"]).any():
        dup = units[units.duplicated(["year", "level", "unit_id"])].iloc[0]
        raise DataError(
            f"unit {dup['unit_id']!r} appears twice in {dup['year']} {dup['level']}",
            "give each unit one row per year and level",
            dataset.root / "dataset.yml",
        )
    return Scores(dataset, units, fields, gran, pd.concat(checks, ignore_index=True))


def _check_printed_index(u: pd.DataFrame, meth: Methodology, spec: TableSpec) -> list[DataError]:
    """A printed index (Chỉ số, % of maximum) must be the total as % of the maximum, within the
    rounding of the printed digits (one unit of the last printed place, on either side)."""
    both = u["printed_index"].notna() & u["total"].notna()
    gap = (u["printed_index"] - u["total"] / meth.max_total * 100.0).abs()
    bad = both & (gap > 10.0 ** (-meth.decimals) + _EPS)
    return [
        DataError(
            f"printed index {u['printed_index'].iloc[i]:g} is not the total {u['total'].iloc[i]:g} as % of "
            f"the maximum {meth.max_total:g}",
            "check the index and the total against the source",
            spec.path,
            int(u["row"].iloc[i]),
        )
        for i in np.flatnonzero(bad.to_numpy())
    ]


def check_printed_ranks(
    u: pd.DataFrame, meth: Methodology, spec: TableSpec, computed_rank: pd.Series, size: int | None = None
) -> list[DataError]:
    """Printed ranks against the totals, one error per contradiction.

    - A whole table under ``rank_ties: min``: each printed rank must be the computed one (1, 2, 2, 4).
    - A whole table under ``rank_ties: printed``: every row needs a printed rank, and each must lie
      within the places its total allows: equal totals may carry consecutive ranks in either order
      (the publisher broke the tie on unrounded scores), never a rank above a higher total.
    - A partial table (either rule): among the rows printed, a lower total ranked above a higher one
      is an error naming both rows; so are two different totals sharing a rank, and, under
      ``min``, equal totals with different ranks. No rank may exceed the level's ``size``.
    """
    rank = u["printed_rank"]
    rows = u["row"].astype(int).to_numpy()
    errors: list[DataError] = []
    fmt = f".{meth.decimals}f"

    def who(i: int) -> str:
        return (
            f"row {rows[i]} ({u['name_printed'].iloc[i]}, {u['total_printed'].iloc[i]:{fmt}}, rank {int(rank.iloc[i])})"
        )

    n_full = size if size is not None else (None if spec.partial else len(u))
    if n_full is not None:
        for i in np.flatnonzero((rank > n_full).to_numpy()):
            errors.append(
                DataError(
                    f"printed rank {int(rank.iloc[i])} is beyond the level's {n_full} units",
                    "check the rank, or the level's size in dataset.yml",
                    spec.path,
                    int(rows[i]),
                )
            )
    if not spec.partial and meth.rank_ties == "min":
        bad = rank.notna() & (rank != computed_rank.astype(float))
        for i in np.flatnonzero(bad.to_numpy()):
            errors.append(
                DataError(
                    f"printed rank {int(rank.iloc[i])} but the totals give rank {int(computed_rank.iloc[i])}",
                    "check the rank and the totals against the source; if the publisher breaks ties on unrounded "
                    "scores, write 'rank_ties: printed' in the methodology",
                    spec.path,
                    int(rows[i]),
                )
            )
        return errors
    if not spec.partial:  # rank_ties: printed over a whole table
        missing = rank.isna() & u["total"].notna()
        if missing.all() and len(u):
            return errors + [
                DataError(
                    "the methodology says 'rank_ties: printed' but this table prints no rank",
                    "add the rank column as printed, or use 'rank_ties: min'",
                    spec.path,
                )
            ]
        for i in np.flatnonzero(missing.to_numpy()):
            errors.append(
                DataError(
                    "no printed rank, and 'rank_ties: printed' takes the ranks from the table",
                    "fill in the rank as printed",
                    spec.path,
                    int(rows[i]),
                )
            )
    order_errors = _rank_order_errors(u, meth, who)
    if not spec.partial and not order_errors:
        # In order, but a whole table's ranks must also be the places their totals allow (no gap).
        t = u["total_printed"]
        lo = computed_rank.astype(float)
        hi = lo + t.map(t.value_counts()).astype(float) - 1
        bad = rank.notna() & t.notna() & ((rank < lo) | (rank > hi))
        for i in np.flatnonzero(bad.to_numpy()):
            span = f"{int(lo.iloc[i])}" if lo.iloc[i] == hi.iloc[i] else f"{int(lo.iloc[i])} to {int(hi.iloc[i])}"
            errors.append(
                DataError(
                    f"printed rank {int(rank.iloc[i])} but total {t.iloc[i]:{fmt}} can only be ranked {span}",
                    "check the rank and the totals against the source",
                    spec.path,
                    int(rows[i]),
                )
            )
    return errors + [DataError(what, todo, spec.path, row) for what, todo, row in order_errors]


def _rank_order_errors(u: pd.DataFrame, meth: Methodology, who: Callable[[int], str]) -> list[tuple[str, str, int]]:
    """Contradictions between printed ranks and totals among the rows that print both: (what, todo, row)."""
    rank = u["printed_rank"]
    rows = u["row"].astype(int).to_numpy()
    errors: list[tuple[str, str, int]] = []
    # Walk the rows best rank first, keeping the lowest total of the strictly better ranks.
    has = rank.notna() & u["total_printed"].notna()
    idx = np.flatnonzero(has.to_numpy())
    order = idx[np.lexsort((-u["total_printed"].to_numpy()[idx], rank.to_numpy()[idx]))]
    lowest: int | None = None  # position of the lowest total among strictly better ranks
    group_low: int | None = None
    prev_rank = None
    t = u["total_printed"].to_numpy()
    r = rank.to_numpy()
    for i in order.tolist():
        if prev_rank is not None and r[i] != prev_rank:
            if lowest is None or (group_low is not None and t[group_low] < t[lowest]):
                lowest = group_low
            group_low = None
        if lowest is not None and t[i] > t[lowest] + _EPS:
            errors.append(
                (
                    f"{who(lowest)} is ranked above {who(i)}: a lower total above a higher one",
                    "check both rows' ranks and totals against the source",
                    int(rows[i]),
                )
            )
        if group_low is not None and r[i] == prev_rank and abs(t[i] - t[group_low]) > _EPS:
            errors.append(
                (
                    f"{who(group_low)} and {who(i)} share a rank with different totals",
                    "check both rows' ranks and totals against the source",
                    int(rows[i]),
                )
            )
        if group_low is None or t[i] < t[group_low]:
            group_low = i
        prev_rank = r[i]
    if meth.rank_ties == "min":
        printed = u[has]
        for _, grp in printed.groupby("total_printed"):
            if grp["printed_rank"].nunique() > 1:
                first_two = grp.sort_values("printed_rank").index[:2]
                ia, ib = u.index.get_indexer(first_two).tolist()  # their positions (the table's index is unique)
                errors.append(
                    (
                        f"{who(ia)} and {who(ib)} have equal totals but different ranks, and 'rank_ties: min' gives "
                        "equal totals the same rank",
                        "if the publisher breaks ties, write 'rank_ties: printed' in the "
                        "methodology; otherwise check the ranks",
                        int(rows[ib]),
                    )
                )
    return errors


def _check_printed_bands(u: pd.DataFrame, meth: Methodology, spec: TableSpec) -> list[DataError]:
    printed = u["printed_band"].fillna("").astype(str)
    has = printed != ""
    errors: list[DataError] = []
    if has.any() and not meth.bands:
        i = int(np.flatnonzero(has.to_numpy())[0])
        return [
            DataError(
                f"the table prints a band ({printed.iloc[i]!r}) but methodology {meth.id!r} has no band rule",
                "add 'bands:' to the methodology, or list the column under 'ignore_columns:'",
                spec.path,
                int(u["row"].iloc[i]),
            )
        ]
    ids = per_unique(printed, lambda u: u.map(meth.band_id_for))  # once per distinct printed band
    unknown = has & ids.isna()
    for i in np.flatnonzero(unknown.to_numpy()).tolist():
        errors.append(
            DataError(
                f"band {printed.iloc[i]!r} is not a band of methodology {meth.id!r}",
                f"use one of: {', '.join(b.name['vi'] for b in meth.bands)}, or give it as a band's 'aliases:'",
                spec.path,
                int(u["row"].iloc[i]),
            )
        )
    bad = has & (ids != u["band"]) & u["band"].notna() & ids.notna()
    for i in np.flatnonzero(bad.to_numpy()).tolist():
        errors.append(
            DataError(
                f"printed band {printed.iloc[i]!r} but the band rule gives {u['band'].iloc[i]!r} "
                f"for total {u['total'].iloc[i]:g}",
                "check the band, the total, or the band rule in dataset.yml",
                spec.path,
                int(u["row"].iloc[i]),
            )
        )
    return errors
