"""Build step: load a dataset, score it, save tidy tables and figures.json for one year.

Load inputs (dataset.yml, score tables, published.yml) → process (totals, ranks, bands, year on
year, strengths and weaknesses, published-figure check) → save outputs:

- ``data/processed/<dataset>/<year>/``: ``units.csv``, ``fields.csv``, ``year_on_year.csv``,
  ``strengths_weaknesses.csv``, ``appraisal.csv`` (tidy, one row per unit or unit × field);
- ``<out>/<dataset>/<year>/figures.json``: for each level every unit's total, % of maximum, rank,
  band, change and rank change, the level summaries, and each published figure with its computed
  value.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from parlib.model.compare import get_change_counts, get_movers, mean_change, year_on_year
from parlib.data.dataset import PROJECT_ROOT
from parlib.model.fields import get_appraisal_cuts, get_strengths_weaknesses, has_appraisal
from parlib.check.published import check_printed_columns, check_published
from parlib.data.published import load_published
from parlib.model.scoring import Scores, get_level_summary

PROCESSED_ROOT = PROJECT_ROOT / "data" / "processed"
OUTPUTS_ROOT = PROJECT_ROOT / "outputs"


def _clean(value: Any) -> Any:
    """JSON-safe, stable values: NaN/NA → null, floats rounded to 6 decimals (no binary noise)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6) + 0.0
    return value


def get_level_year(scores: Scores, year: int, level: str) -> dict[str, Any]:
    """Everything figures.json says of one level in one year."""
    ds = scores.dataset
    meth = ds.methodology_for(year, level)
    cur = scores.level_units(year, level)
    prev_year = ds.previous_year(year)
    prev = scores.level_units(prev_year, level) if prev_year is not None else cur.iloc[0:0]
    yoy = year_on_year(cur, prev, ds) if prev_year is not None else None
    units = ds.units()
    rows = cur.sort_values(["rank", "unit_id"], na_position="last")
    change = yoy.set_index("unit_id") if yoy is not None else None
    unit_rows = []
    for r in rows.itertuples(index=False):  # one row per unit for the JSON document, not scoring
        c = change.loc[r.unit_id] if change is not None and r.unit_id in change.index else None
        unit_rows.append({
            "unit_id": r.unit_id, "name_vi": units[r.unit_id].name["vi"], "name_en": units[r.unit_id].name["en"],
            "total": r.total, "pct": r.pct, "rank": r.rank, "band": r.band, "appraised": r.appraised,
            "survey": r.survey, "self_assessed": r.self_assessed, "provenance": r.provenance,
            "change": None if c is None else c["change"], "rank_change": None if c is None else c["rank_change"],
            "status_vs_previous": None if c is None else c["status"],
        })
    out: dict[str, Any] = {
        "level": level, "methodology": meth.id, "max_total": meth.max_total, "decimals": meth.decimals,
        "granularity": scores.granularity[(year, level)],
        "summary": get_level_summary(cur, meth),
        "units": unit_rows,
    }
    if yoy is not None:
        out["previous_year"] = prev_year
        out["previous_summary"] = get_level_summary(prev, ds.methodology_for(prev_year, level)) if len(prev) else None
        out["mean_change"] = mean_change(cur, prev)
        out["change_counts"] = get_change_counts(yoy)
        movers = get_movers(yoy)
        out["movers"] = {k: v[["unit_id", "change", "rank_change"]].to_dict("records") for k, v in movers.items()}
        out["missing_units"] = yoy.loc[yoy["status"].isin(["missing", "merged"]), "unit_id"].tolist()
        out["new_units"] = yoy.loc[yoy["status"] == "new", "unit_id"].tolist()
    return out


def get_figures(scores: Scores, year: int) -> dict[str, Any]:
    """The figures.json document of one year."""
    ds = scores.dataset
    checks = pd.concat([check_published(scores, [f for f in load_published(ds) if f.args.get("year") == year]),
                        check_printed_columns(scores).pipe(lambda d: d[d["id"].str.endswith(str(year))])],
                       ignore_index=True)
    return _clean({
        "dataset": ds.id, "year": year, "illustrative": ds.is_illustrative(year),
        "levels": {lv: get_level_year(scores, year, lv) for lv in ds.levels_in(year)},
        "published_figures": checks.to_dict("records"),
    })


def get_processed_tables(scores: Scores, year: int) -> dict[str, pd.DataFrame]:
    """The tidy tables saved under data/processed/<dataset>/<year>/."""
    ds = scores.dataset
    units = scores.units[scores.units["year"] == year].copy()
    tables = {"units": units}
    yoys, sw, cuts = [], [], []
    prev_year = ds.previous_year(year)
    for lv in ds.levels_in(year):
        cur = scores.level_units(year, lv)
        if prev_year is not None:
            yoys.append(year_on_year(cur, scores.level_units(prev_year, lv), ds).assign(level=lv, year=year))
        f = scores.level_fields(year, lv)
        if not f.empty:
            sw.append(get_strengths_weaknesses(f).assign(level=lv, year=year))
            if has_appraisal(f):
                cuts.append(get_appraisal_cuts(f).assign(level=lv, year=year))
    tables["fields"] = scores.fields[scores.fields["year"] == year] if not scores.fields.empty else scores.fields
    if yoys:
        tables["year_on_year"] = pd.concat(yoys, ignore_index=True)
    if sw:
        tables["strengths_weaknesses"] = pd.concat(sw, ignore_index=True)
    if cuts:
        tables["appraisal"] = pd.concat(cuts, ignore_index=True)
    return tables


def write_json(path: Path, doc: Any) -> None:
    """Write JSON deterministically: sorted keys, UTF-8, a final newline."""
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def save_processed(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the tidy tables as UTF-8 CSV (LF line ends); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sorted(tables.items()):
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
