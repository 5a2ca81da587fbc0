"""A level pulled together: what a researcher would say of all its units at once.

:func:`get_level_synthesis` reads one level's fields and units (and the previous year's fields) and
returns plain values the report words: the field weakest for most units, the field with the widest
spread, the field that moved the level's mean most, and how the survey and the appraisal agree.
Nothing here formats or words anything.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def weakest_for_most(fields: pd.DataFrame, field_order: list[str]) -> dict[str, Any] | None:
    """The field that is the lowest % of maximum for the most units (ties: field order), with the
    count of those units and of the units with field scores."""
    f = fields.dropna(subset=["pct"])
    if f.empty:
        return None
    order = {fid: i for i, fid in enumerate(field_order)}
    f = f.assign(_o=f["field_id"].map(order).fillna(len(order)))
    lowest = f.sort_values(["unit_id", "pct", "_o"]).groupby("unit_id").head(1)
    counts = lowest["field_id"].value_counts()
    best = max(counts.index, key=lambda fid: (counts[fid], -order.get(fid, len(order))))
    return {"field_id": best, "units": int(counts[best]), "of": int(f["unit_id"].nunique())}


def widest_spread(fields: pd.DataFrame, field_order: list[str]) -> dict[str, Any] | None:
    """The field whose % of maximum ranges widest between units (highest − lowest, in pp)."""
    f = fields.dropna(subset=["pct"])
    if f["unit_id"].nunique() < 2:
        return None
    g = f.groupby("field_id")["pct"].agg(["min", "max"])
    g["spread"] = g["max"] - g["min"]
    g = g.reindex([x for x in field_order if x in g.index])
    fid = str(g["spread"].idxmax())  # a field id (str)
    return {
        "field_id": fid,
        "min_pct": float(g["min"][fid]),
        "max_pct": float(g["max"][fid]),
        "spread": float(g["spread"][fid]),
    }


def mean_moved_by(fields: pd.DataFrame, previous: pd.DataFrame | None, field_order: list[str]) -> dict[str, Any] | None:
    """Per field, the change of the level's mean points from the previous year (same fields in both
    years); the field with the largest change, and the sum over fields (the change of the mean of
    the fields' totals)."""
    if previous is None or previous.empty or fields.empty:
        return None
    cur = fields.groupby("field_id")["points"].sum() / fields["unit_id"].nunique()
    prev = previous.groupby("field_id")["points"].sum() / previous["unit_id"].nunique()
    common = [x for x in field_order if x in cur.index and x in prev.index]
    if not common or set(common) != set(cur.index) or set(common) != set(prev.index):
        return None
    change = (cur[common] - prev[common]).round(9)
    fid = str(change.abs().idxmax())  # a field id (str)
    return {
        "field_id": fid,
        "change": float(change[fid]),
        "total_change": float(change.sum()),
        "changes": {k: float(v) for k, v in change.items()},
    }


def survey_vs_appraisal(
    units: pd.DataFrame, survey_max: float | None, appraisal_max: float | None
) -> dict[str, Any] | None:
    """How the survey and the appraisal agree across units: Spearman's rank correlation, and the
    mean % of maximum of each when the maxima are known."""
    u = units.dropna(subset=["survey", "appraised"])
    if len(u) < 3:
        return None
    rho = float(u["survey"].rank().corr(u["appraised"].rank()))
    out: dict[str, Any] = {"rho": rho, "n": len(u), "survey_pct": None, "appraisal_pct": None}
    if survey_max and appraisal_max:
        out["survey_pct"] = float(u["survey"].mean() / survey_max * 100)
        out["appraisal_pct"] = float(u["appraised"].mean() / appraisal_max * 100)
    return out


def get_level_synthesis(
    units: pd.DataFrame,
    fields: pd.DataFrame,
    previous_fields: pd.DataFrame | None,
    field_order: list[str],
    survey_max: float | None,
    max_total: float,
) -> dict[str, Any]:
    """Everything :mod:`parlib.model.synthesis` says of one level (a value is None when the data
    cannot support it)."""
    scored = fields.dropna(subset=["pct"]) if not fields.empty else fields
    prev = (
        previous_fields.dropna(subset=["points"]) if previous_fields is not None and not previous_fields.empty else None
    )
    return {
        "weakest_for_most": weakest_for_most(scored, field_order) if not scored.empty else None,
        "widest_spread": widest_spread(scored, field_order) if not scored.empty else None,
        "mean_moved_by": mean_moved_by(scored, prev, field_order) if not scored.empty else None,
        "survey_vs_appraisal": survey_vs_appraisal(units, survey_max, max_total - survey_max if survey_max else None),
    }
