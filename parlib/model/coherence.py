"""Coherence of the fields of a level: do they measure one thing, and does each of them rank anyone?

The JRC/OECD Handbook checks an index's internal coherence before its robustness; these are the
checks of COINr's ``get_corr``, ``get_cronbach`` and ``get_stats``, on the field points of one
level in one year (units × fields):

- :func:`get_correlations`: Spearman rank correlation between every pair of fields;
- :func:`get_field_vs_rest`: each field against the total of the *other* fields (Spearman), so a
  field is not correlated with itself;
- :func:`cronbach_alpha`: α = k/(k − 1) · (1 − Σ var(field) / var(total)) over the k fields' points
  (sample variances), the reliability of the total as a sum of its fields;
- :func:`get_field_stats`: per field, the spread and shape of its % of maximum, whether it
  discriminates (``near_max_share`` or more of the units at ``near_max_pct`` % of the maximum or
  above, or a standard deviation below ``min_spread`` points of %, do not), and COINr's outlier
  flag (|skew| > ``t_skew`` and kurtosis > ``t_kurt``, both as COINr computes them: the adjusted
  Fisher–Pearson skewness and the excess kurtosis of Excel and e1071 type 2);
- :func:`get_unit_outliers`: units whose robust z-score in a field, (x − median) / (1.4826 · MAD),
  is beyond ``z`` (3.5); where the MAD is 0, 1.2533 × the mean absolute deviation stands in for
  1.4826 × MAD (Iglewicz and Hoaglin's fallback), and where that is 0 too nobody is an outlier.

All functions are pure and take plain frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parlib.data.dataset import Methodology

MIN_UNITS = 4  # fewer units: no correlation, alpha or kurtosis worth printing
MIN_FIELDS = 2


def field_points(fields: pd.DataFrame, meth: Methodology, unit_order: list[str] | None = None) -> pd.DataFrame:
    """Units × fields points (fields in the methodology's order, units in ``unit_order`` or as
    they come)."""
    wide = fields.pivot_table(index="unit_id", columns="field_id", values="points", aggfunc="first", sort=False)
    cols = [f.id for f in meth.fields if f.id in wide.columns]
    wide = wide[cols]
    if unit_order is not None:
        wide = wide.reindex([u for u in unit_order if u in wide.index])
    wide.columns.name = None
    return wide


def get_correlations(points: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of every pair of fields (NaN where a field does not vary)."""
    return points.rank().corr(method="pearson")


def get_field_vs_rest(points: pd.DataFrame) -> pd.Series:
    """Spearman correlation of each field with the total of the other fields."""
    total = points.sum(axis=1)
    ranks = points.rank()
    return pd.Series({c: ranks[c].corr((total - points[c]).rank()) for c in points.columns}, dtype=float)


def cronbach_alpha(points: pd.DataFrame) -> float:
    """Cronbach's alpha of the fields as items of the total; NaN with fewer than 2 fields or 2
    units, or when the total does not vary."""
    k = points.shape[1]
    if k < 2 or len(points) < 2:
        return float("nan")
    var_total = float(points.sum(axis=1).var(ddof=1))
    if var_total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - points.var(ddof=1).sum() / var_total))


def get_field_stats(
    points: pd.DataFrame,
    maxima: pd.Series,
    *,
    near_max_pct: float = 95.0,
    near_max_share: float = 0.85,
    min_spread: float = 2.0,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
) -> pd.DataFrame:
    """Per field: maximum, mean, min and standard deviation of % of maximum, units at
    ``near_max_pct`` % or more (count and share), skew, kurtosis, the outlier flag and whether the
    field fails to discriminate (``flat``: too many units near the maximum; ``tiny_spread``)."""
    pct = points / maxima.reindex(points.columns) * 100.0
    n = len(pct)
    near = (pct >= near_max_pct - 1e-9).sum()
    sd = pct.std(ddof=1)
    skew = pct.skew() if n >= 3 else pd.Series(np.nan, index=pct.columns)
    kurt = pct.kurt() if n >= 4 else pd.Series(np.nan, index=pct.columns)
    out = pd.DataFrame(
        {
            "field_id": list(pct.columns),
            "max": maxima.reindex(pct.columns).to_numpy(float),
            "mean_pct": pct.mean().to_numpy(),
            "min_pct": pct.min().to_numpy(),
            "sd_pct": sd.to_numpy(),
            "n_near_max": near.to_numpy().astype(int),
            "n_units": n,
            "share_near_max": (near / n).to_numpy() if n else np.nan,
            "skew": skew.to_numpy(),
            "kurt": kurt.to_numpy(),
        }
    )
    out["outlier_flag"] = (out["skew"].abs() > t_skew) & (out["kurt"] > t_kurt)
    flat = out["share_near_max"] >= near_max_share
    tiny = out["sd_pct"].fillna(0.0) < min_spread
    out["non_discriminating"] = flat | tiny
    out["reason"] = np.where(flat, "near_max", np.where(tiny, "tiny_spread", ""))
    return out


def robust_z(points: pd.DataFrame) -> pd.DataFrame:
    """Units × fields robust z-scores: (x − median) / (1.4826 · MAD), with 1.2533 × the mean absolute
    deviation where the MAD is 0, and NaN where both are 0."""
    med = points.median()
    dev = points - med
    mad = dev.abs().median() * 1.4826
    mean_ad = dev.abs().mean() * 1.253314
    scale = mad.where(mad > 0, mean_ad)
    return dev / scale.where(scale > 0)


def get_unit_outliers(points: pd.DataFrame, *, z: float = 3.5) -> pd.DataFrame:
    """Units whose robust z-score in a field is beyond ``z``: unit_id, field_id, points, robust_z,
    sorted by |z| (largest first)."""
    rz = robust_z(points)
    long = rz.stack().reset_index()
    long.columns = ["unit_id", "field_id", "robust_z"]
    long = long[long["robust_z"].abs() > z]
    at_unit = points.index.get_indexer(pd.Index(long["unit_id"]))
    at_field = points.columns.get_indexer(pd.Index(long["field_id"]))
    long["points"] = points.to_numpy()[at_unit, at_field]
    long["_abs"] = long["robust_z"].abs()
    long = long.sort_values(["_abs", "unit_id", "field_id"], ascending=[False, True, True], kind="stable")
    return long[["unit_id", "field_id", "points", "robust_z"]].reset_index(drop=True)


@dataclass(frozen=True)
class Coherence:
    """The coherence checks of one level in one year (see the module docstring); ``reason`` says
    why they were not made (``no_fields``, ``too_few_units``, ``too_few_fields``), else ''."""

    reason: str
    n_units: int
    n_fields: int
    correlations: pd.DataFrame
    field_vs_rest: pd.Series
    alpha: float
    field_stats: pd.DataFrame
    unit_outliers: pd.DataFrame


def get_coherence(
    fields: pd.DataFrame,
    meth: Methodology,
    unit_order: list[str] | None = None,
    *,
    z: float = 3.5,
    **stats_options: float,
) -> Coherence:
    """Every coherence check of one level and year, from its field points (empty: none)."""
    empty = Coherence(
        "",
        0,
        0,
        pd.DataFrame(),
        pd.Series(dtype=float),
        float("nan"),
        pd.DataFrame(),
        pd.DataFrame(columns=["unit_id", "field_id", "points", "robust_z"]),
    )
    if fields is None or fields.empty or not meth.fields:
        return _with(empty, reason="no_fields")
    points = field_points(fields, meth, unit_order).dropna()
    n, k = points.shape
    if k < MIN_FIELDS:
        return _with(empty, reason="too_few_fields", n_units=n, n_fields=k)
    if n < MIN_UNITS:
        return _with(empty, reason="too_few_units", n_units=n, n_fields=k)
    maxima = pd.Series({f.id: f.max for f in meth.fields})
    return Coherence(
        "",
        n,
        k,
        get_correlations(points),
        get_field_vs_rest(points),
        cronbach_alpha(points),
        get_field_stats(points, maxima, **stats_options),
        get_unit_outliers(points, z=z),
    )


def _with(c: Coherence, **changes: Any) -> Coherence:
    from dataclasses import replace

    return replace(c, **changes)
