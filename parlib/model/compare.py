"""Year on year: change of score and of rank, band transitions, units up and down, biggest movers.

A unit present in one year only is marked ``new`` or ``missing``, never compared with zero. A unit
the dataset says was renamed is followed under its new id; one that was merged is marked
``merged``.
"""

from __future__ import annotations

import pandas as pd

from parlib.data.dataset import Dataset

STATUSES = ("both", "new", "missing", "merged", "unpublished")


def series_id(unit_id: str, renames: dict[str, str]) -> str:
    """The id a unit ends up with after following ``renamed_to`` links (a chain of renames too)."""
    seen = {unit_id}
    while unit_id in renames and renames[unit_id] not in seen:
        unit_id = renames[unit_id]
        seen.add(unit_id)
    return unit_id


def year_on_year(current: pd.DataFrame, previous: pd.DataFrame, dataset: Dataset | None = None) -> pd.DataFrame:
    """One row per unit of either year of one level: totals, ranks and bands of both years, the
    change of total (points), the change of rank (positive = up that many places), and ``status``:
    both, new, missing, merged, or unpublished (absent from a partial year's table). A renamed unit
    is matched with itself across the rename; ``unit_id`` is its id in the current year.

    ``current`` and ``previous`` are scored unit frames (``unit_id``, ``total``, ``rank``, ``band``)
    of the same level. Changes are NaN/NA unless the unit has a total (or rank) in both years.
    """
    merged_into: dict[str, str] = {}
    renames: dict[str, str] = {}
    if dataset is not None:
        units = dataset.units()
        renames = {u.id: u.renamed_to for u in units.values() if u.renamed_to}
        merged_into = {u.id: u.merged_into for u in units.values() if u.merged_into}
    cols = ["unit_id", "total", "rank", "band"]
    # Both years are keyed by the unit's last id after every rename, so that a unit renamed later
    # than either year is still matched with itself.
    cur = current[cols].assign(series=current["unit_id"].map(lambda u: series_id(u, renames)))
    prev = previous[cols].assign(series=previous["unit_id"].map(lambda u: series_id(u, renames)))
    out = cur.merge(prev, on="series", how="outer", suffixes=("", "_prev"), indicator=True)
    out["unit_id"] = out["unit_id"].fillna(out["unit_id_prev"])
    out = out.drop(columns=["series", "unit_id_prev"])
    out["status"] = out["_merge"].map({"both": "both", "left_only": "new", "right_only": "missing"}).astype(object)
    out.loc[(out["status"] == "missing") & out["unit_id"].isin(list(merged_into)), "status"] = "merged"
    # In a partial year the publisher printed some units only: a unit absent there is unpublished,
    # not new or missing.
    if "partial" in previous and bool(previous["partial"].any()):
        out.loc[out["status"] == "new", "status"] = "unpublished"
    if "partial" in current and bool(current["partial"].any()):
        out.loc[out["status"] == "missing", "status"] = "unpublished"
    out["merged_into"] = out["unit_id"].map(merged_into)
    out = out.drop(columns="_merge")
    out["change"] = out["total"] - out["total_prev"]
    out["rank_change"] = (out["rank_prev"].astype("Float64") - out["rank"].astype("Float64")).astype("Int64")
    out["band_changed"] = (
        (out["status"] == "both") & out["band"].notna() & out["band_prev"].notna() & (out["band"] != out["band_prev"])
    )
    return out.sort_values(["status", "rank", "unit_id"], key=_status_order, na_position="last").reset_index(drop=True)


def _status_order(s: pd.Series) -> pd.Series:
    if s.name == "status":
        return s.map({k: i for i, k in enumerate(STATUSES)})
    return s


def get_movers(yoy: pd.DataFrame, *, n: int = 3) -> dict[str, pd.DataFrame]:
    """The ``n`` biggest rises and falls of total among units scored in both years (ties by unit id)."""
    both = yoy[yoy["change"].notna()]
    up = both[both["change"] > 0].sort_values(["change", "unit_id"], ascending=[False, True]).head(n)
    down = both[both["change"] < 0].sort_values(["change", "unit_id"], ascending=[True, True]).head(n)
    return {"up": up.reset_index(drop=True), "down": down.reset_index(drop=True)}


def get_change_counts(yoy: pd.DataFrame) -> dict[str, int]:
    """How many units rose, fell or stayed (in points and in places), and how many are new or missing."""
    c, r = yoy["change"], yoy["rank_change"].astype("Float64")
    return {
        "up": int((c > 0).sum()),
        "down": int((c < 0).sum()),
        "same": int((c == 0).sum()),
        "rank_up": int((r > 0).sum()),
        "rank_down": int((r < 0).sum()),
        "rank_same": int((r == 0).sum()),
        "new": int((yoy["status"] == "new").sum()),
        "missing": int(yoy["status"].isin(["missing", "merged"]).sum()),
    }


#: The groups of a level's units of this year against the previous year, in the order the report
#: names them; their sizes add up to the units of the level this year.
CHANGE_GROUPS = ("both", "ranked_only", "new", "unpublished")


def get_change_groups(yoy: pd.DataFrame) -> dict[str, list[str]]:
    """The unit ids of each group of year on year, so that every unit of this year is named once:

    - ``both``: a total in both years (compared);
    - ``ranked_only``: in both years' tables, but one year gives a rank and no total;
    - ``new``: not in the previous year's table (a full table);
    - ``unpublished``: not in the previous year's table, which the publisher printed in part;

    and, outside this year's units, ``gone``: units of the previous year absent this year
    (missing, merged, or left out of a partial table of this year).
    """
    present = yoy["total"].notna() | yoy["rank"].notna()
    status = yoy["status"]
    cur = yoy[present & status.ne("missing") & status.ne("merged")]
    compared = cur["change"].notna()
    return {
        "both": cur.loc[compared, "unit_id"].tolist(),
        "ranked_only": cur.loc[~compared & cur["status"].eq("both"), "unit_id"].tolist(),
        "new": cur.loc[cur["status"].eq("new"), "unit_id"].tolist(),
        "unpublished": cur.loc[cur["status"].eq("unpublished"), "unit_id"].tolist(),
        "gone": yoy.loc[~yoy.index.isin(cur.index), "unit_id"].tolist(),
    }


def get_band_transitions(yoy: pd.DataFrame, band_order: list[str]) -> pd.DataFrame:
    """A table of counts: rows the band last year, columns the band this year (units in both years)."""
    both = yoy[(yoy["status"] == "both") & yoy["band"].notna() & yoy["band_prev"].notna()]
    table = pd.crosstab(
        pd.Categorical(both["band_prev"], categories=band_order),
        pd.Categorical(both["band"], categories=band_order),
        dropna=False,
    )
    table.index.name, table.columns.name = "from", "to"
    return table.astype(int)


def mean_change(current: pd.DataFrame, previous: pd.DataFrame) -> float | None:
    """Change of the level's mean total, or None when either year is partial or empty."""
    if previous.empty or current.empty or bool(previous["partial"].any()) or bool(current["partial"].any()):
        return None
    return float(current["total"].mean() - previous["total"].mean())
