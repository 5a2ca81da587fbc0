"""Strengths and weaknesses by field, and the points cut by appraisal.

A unit's strength is a field where its % of maximum is furthest above the level's median % in that
field; a weakness, furthest below. A level's strongest and weakest fields are those with the
highest and lowest median % of maximum.
"""

from __future__ import annotations

import pandas as pd


def get_field_summary(fields: pd.DataFrame) -> pd.DataFrame:
    """Per field of one level and year: maximum, median, mean, min and max % of maximum, sorted by
    median % (strongest first)."""
    g = fields.groupby("field_id", sort=False)["pct"]
    out = pd.DataFrame(
        {
            "max": fields.groupby("field_id", sort=False)["max"].first(),
            "median_pct": g.median(),
            "mean_pct": g.mean(),
            "min_pct": g.min(),
            "max_pct": g.max(),
        }
    )
    return out.sort_values(["median_pct", "mean_pct"], ascending=False).rename_axis("field_id").reset_index()


def get_field_gaps(fields: pd.DataFrame) -> pd.DataFrame:
    """Each unit's % of maximum in each field and its gap to the level median (points of %)."""
    out = fields[["unit_id", "field_id", "points", "max", "pct"]].copy()
    out["median_pct"] = fields.groupby("field_id")["pct"].transform("median")
    out["gap"] = out["pct"] - out["median_pct"]
    return out


#: A gap to the level median smaller than this (percentage points of the field's maximum) is not
#: called a strength or a weakness: 5 pp is a tenth of the distance between two bands of most
#: rules, and well above what the printed decimals can tell apart (see :func:`material_gap`).
MATERIAL_GAP_PP = 5.0


def material_gap(fields: pd.DataFrame, decimals: int) -> float:
    """The smallest gap (pp) the report calls a strength or a weakness: :data:`MATERIAL_GAP_PP`, or
    twice the rounding step of the printed points in the smallest field if that is larger
    (points printed to ``decimals`` places in a field of maximum m differ by 100·10^-decimals/m pp)."""
    smallest = float(fields["max"].min()) if len(fields) else 1.0
    step = 100.0 * 10.0 ** -int(decimals) / smallest if smallest > 0 else 0.0
    return max(MATERIAL_GAP_PP, 2.0 * step)


def get_strengths_weaknesses(fields: pd.DataFrame, *, n: int = 2, min_gap: float = 0.0) -> pd.DataFrame:
    """For each unit, up to ``n`` strengths and ``n`` weaknesses against the level median.

    A strength is a field where the unit's % of maximum is above the level median in that field by
    more than ``min_gap`` percentage points, the largest gaps first; a weakness one below it by as
    much, the largest shortfalls first. A field at the median (or within ``min_gap`` of it) is
    neither, so a unit above the median everywhere has no weakness (and the reverse).
    Returns rows (unit_id, kind 'strength'|'weakness', order 1..n, field_id, pct, median_pct, gap);
    ties are broken by field order in the data, so the result is stable.
    """
    gaps = get_field_gaps(fields)
    gaps["_order"] = gaps.groupby("unit_id").cumcount()
    limit = max(float(min_gap), 1e-9)
    above, below = gaps[gaps["gap"] >= limit], gaps[gaps["gap"] <= -limit]
    strong = above.sort_values(["unit_id", "gap", "_order"], ascending=[True, False, True]).groupby("unit_id").head(n)
    weak = below.sort_values(["unit_id", "gap", "_order"], ascending=[True, True, True]).groupby("unit_id").head(n)
    strong = strong.assign(kind="strength", order=strong.groupby("unit_id").cumcount() + 1)
    weak = weak.assign(kind="weakness", order=weak.groupby("unit_id").cumcount() + 1)
    cols = ["unit_id", "kind", "order", "field_id", "pct", "median_pct", "gap"]
    return pd.concat([strong, weak])[cols].sort_values(["unit_id", "kind", "order"]).reset_index(drop=True)


def get_heatmap_table(fields: pd.DataFrame, unit_order: list[str], field_order: list[str]) -> pd.DataFrame:
    """% of maximum with units as rows (in ``unit_order``) and fields as columns (in ``field_order``)."""
    wide = fields.pivot(index="unit_id", columns="field_id", values="pct")
    return wide.reindex(index=unit_order, columns=field_order)


def has_appraisal(fields: pd.DataFrame) -> bool:
    """True when the data has both self-assessed and appraised points."""
    return bool(
        fields.get("self_assessed") is not None
        and fields["self_assessed"].notna().any()
        and fields["appraised"].notna().any()
    )


def get_appraisal_cuts(fields: pd.DataFrame) -> pd.DataFrame:
    """Points cut by appraisal per unit and field: self-assessed − appraised (rows with both)."""
    both = fields[fields["self_assessed"].notna() & fields["appraised"].notna()]
    out = both[["unit_id", "field_id", "self_assessed", "appraised"]].copy()
    out["cut"] = (out["self_assessed"] - out["appraised"]).round(6)
    return out.reset_index(drop=True)


def get_appraisal_by_unit(cuts: pd.DataFrame) -> pd.DataFrame:
    """Per unit: self-assessed, appraised and cut points summed over fields, the cut as % of the
    self-assessed points, sorted by cut (largest first)."""
    g = cuts.groupby("unit_id")[["self_assessed", "appraised", "cut"]].sum()
    g["cut_pct"] = g["cut"] / g["self_assessed"].where(g["self_assessed"] > 0) * 100
    return g.sort_values(["cut", "cut_pct"], ascending=False).reset_index()
