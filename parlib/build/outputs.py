"""Build step: load a dataset, score it, save tidy tables and figures.json for one year.

Load inputs (dataset.yml, score tables, published.yml) → process (totals, ranks, bands, year on
year, strengths and weaknesses, published-figure check) → save outputs:

- ``data/processed/<dataset>/<year>/``: ``units.csv``, ``fields.csv``, ``year_on_year.csv``,
  ``strengths_weaknesses.csv``, ``appraisal.csv`` (tidy, one row per unit or unit × field),
  ``rank_uncertainty.csv`` (each unit's rank interval), ``rank_sensitivity.csv``,
  ``field_coherence.csv``, ``field_correlations.csv`` and ``field_outliers.csv``;
- ``<out>/<dataset>/<year>/figures.json``: for each level every unit's total, % of maximum, rank,
  band, change and rank change, the level summaries, how sure the ranks are (``robustness``:
  the Monte Carlo's options and seed, the level's figures, each unit's interval, the groups, the
  sensitivity), the coherence of the fields (``coherence``), and each published figure with its
  computed value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from parlib.data.dataset import PROJECT_ROOT, Unit, is_embedded
from parlib.model.analysis import Analysis, LevelAnalysis
from parlib.model.coherence import Coherence
from parlib.model.robustness import RankUncertainty

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


def get_level_year(la: LevelAnalysis, units: Mapping[str, Unit]) -> dict[str, Any]:
    """Everything figures.json says of one level in one year."""
    unit_rows = []
    change = la.changes.set_index("unit_id") if la.changes is not None else None
    cols = ["unit_id", "total", "pct", "rank", "band", "appraised", "survey", "self_assessed", "provenance"]
    rows = la.units[cols]
    if change is not None:
        rows = rows.join(change[["change", "rank_change", "status"]], on="unit_id")
    for r in rows.to_dict("records"):  # one row per unit for the JSON document, not scoring
        unit_rows.append(
            {
                "unit_id": r["unit_id"],
                "name_vi": units[r["unit_id"]].name["vi"],
                "name_en": units[r["unit_id"]].name["en"],
                "total": r["total"],
                "pct": r["pct"],
                "rank": r["rank"],
                "band": r["band"],
                "appraised": r["appraised"],
                "survey": r["survey"],
                "self_assessed": r["self_assessed"],
                "provenance": r["provenance"],
                "change": r.get("change"),
                "rank_change": r.get("rank_change"),
                "status_vs_previous": r.get("status"),
            }
        )
    meth = la.methodology
    out: dict[str, Any] = {
        "level": la.level,
        "methodology": meth.id,
        "max_total": meth.max_total,
        "decimals": meth.decimals,
        "granularity": la.granularity,
        "summary": dict(la.summary),
        "units": unit_rows,
    }
    if la.changes is not None:
        yoy = la.changes
        out["previous_year"] = la.previous_year
        out["previous_summary"] = dict(la.previous_summary) if la.previous_summary is not None else None
        out["mean_change"] = la.mean_change
        out["change_counts"] = dict(la.change_counts or {})
        out["movers"] = {
            k: v[["unit_id", "change", "rank_change"]].to_dict("records") for k, v in (la.movers or {}).items()
        }
        out["missing_units"] = yoy.loc[yoy["status"].isin(["missing", "merged"]), "unit_id"].tolist()
        out["new_units"] = yoy.loc[yoy["status"] == "new", "unit_id"].tolist()
    out["robustness"] = get_robustness_figures(la.robustness, la.robustness_reason)
    out["coherence"] = get_coherence_figures(la.coherence)
    return out


def get_robustness_figures(ru: RankUncertainty | None, reason: str = "") -> dict[str, Any]:
    """What figures.json says of how sure a level's ranks are: the options (draws, seed, what
    varied and why the rest did not), the level's figures, each unit's interval, the groups of
    units that cannot be told apart, and the sensitivity of the rank shift to each input."""
    if ru is None:
        return {"computed": False, "reason": reason}
    spec = ru.spec
    return {
        "computed": True,
        "reason": "",
        "kind": ru.kind,
        "draws": spec.draws,
        "seed": spec.seed,
        "noise": {
            "weights": spec.weights,
            "survey": spec.survey,
            "rounding": spec.rounding,
            "sensitivity_draws": spec.sensitivity_draws,
        },
        "varied": dict(ru.varied),
        "not_varied": dict(ru.not_varied),
        "survey_share": ru.survey_share,
        "survey_max_assumed": ru.survey_max_assumed,
        "level": {k: v for k, v in ru.level.items() if k not in ("varied", "not_varied", "draws", "seed", "kind")},
        "units": ru.units.to_dict("records"),
        "groups": ru.groups.to_dict("records"),
        "sensitivity": ru.sensitivity.to_dict("records"),
    }


def get_coherence_figures(c: Coherence | None) -> dict[str, Any]:
    """What figures.json says of the coherence of a level's fields (or why there is none)."""
    if c is None or c.reason:
        return {"computed": False, "reason": c.reason if c is not None else "no_fields"}
    corr = c.correlations
    return {
        "computed": True,
        "reason": "",
        "n_units": c.n_units,
        "n_fields": c.n_fields,
        "cronbach_alpha": c.alpha,
        "correlations": {a: {b: corr.loc[a, b] for b in corr.columns} for a in corr.index},
        "field_vs_rest": dict(c.field_vs_rest),
        "fields": c.field_stats.to_dict("records"),
        "unit_outliers": c.unit_outliers.to_dict("records"),
    }


def get_figures(analysis: Analysis, checks: pd.DataFrame) -> dict[str, Any]:
    """The figures.json document of one year: the analysis of each level and the year's ``checks``
    (:func:`parlib.check.published.get_checks`)."""
    ds = analysis.dataset
    units = ds.units()
    doc: dict[str, Any] = _clean(
        {
            "dataset": ds.id,
            "year": analysis.year,
            "illustrative": ds.is_illustrative(analysis.year),
            # a dataset kept outside the project is built by its folder's name, not its id
            **({} if is_embedded(ds) else {"dataset_folder": ds.root.name}),
            "levels": {lv: get_level_year(la, units) for lv, la in analysis.levels.items()},
            "published_figures": checks.to_dict("records"),
        }
    )
    return doc


def get_processed_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """The tidy tables saved under data/processed/<dataset>/<year>/."""
    year = analysis.year
    tables = {"units": analysis.units.copy()}
    yoys, sw, cuts = [], [], []
    for lv, la in analysis.levels.items():
        if la.changes is not None:
            yoys.append(la.changes.assign(level=lv, year=year))
        if la.strengths_weaknesses is not None:
            sw.append(la.strengths_weaknesses.assign(level=lv, year=year))
        if la.appraisal_cuts is not None:
            cuts.append(la.appraisal_cuts.assign(level=lv, year=year))
    tables["fields"] = analysis.fields
    tables.update(get_robustness_tables(analysis))
    if yoys:
        tables["year_on_year"] = pd.concat(yoys, ignore_index=True)
    if sw:
        tables["strengths_weaknesses"] = pd.concat(sw, ignore_index=True)
    if cuts:
        tables["appraisal"] = pd.concat(cuts, ignore_index=True)
    return tables


def get_robustness_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """The tidy tables of how sure the ranks are and how coherent the fields are, every level of
    the year (a table is left out when no level has it)."""
    year = analysis.year
    parts: dict[str, list[pd.DataFrame]] = {
        "rank_uncertainty": [],
        "rank_sensitivity": [],
        "field_coherence": [],
        "field_correlations": [],
        "field_outliers": [],
    }
    for lv, la in analysis.levels.items():
        ru, c = la.robustness, la.coherence
        if ru is not None:
            spec = ru.spec
            parts["rank_uncertainty"].append(ru.units.assign(year=year, level=lv, draws=spec.draws, seed=spec.seed))
            if not ru.sensitivity.empty:
                parts["rank_sensitivity"].append(
                    ru.sensitivity.assign(year=year, level=lv, draws=spec.sensitivity_draws, seed=spec.seed)
                )
        if c is not None and not c.reason:
            parts["field_coherence"].append(
                c.field_stats.assign(
                    field_vs_rest=c.field_stats["field_id"].map(c.field_vs_rest),
                    cronbach_alpha=c.alpha,
                    year=year,
                    level=lv,
                )
            )
            long = (
                c.correlations.rename_axis("field_a")
                .reset_index()
                .melt(id_vars="field_a", var_name="field_b", value_name="spearman")
            )
            parts["field_correlations"].append(long.assign(year=year, level=lv))
            if not c.unit_outliers.empty:
                parts["field_outliers"].append(c.unit_outliers.assign(year=year, level=lv))
    out = {}
    for name, frames in parts.items():
        if frames:
            frame = pd.concat(frames, ignore_index=True)
            first = ["year", "level"]
            out[name] = frame[first + [col for col in frame.columns if col not in first]]
    return out


def write_json(path: Path, doc: Any) -> None:
    """Write JSON deterministically: sorted keys, UTF-8, a final newline."""
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def without_float_noise(frame: pd.DataFrame, decimals: int = 6) -> pd.DataFrame:
    """Float columns rounded to ``decimals`` places, so that a CSV shows 86.92 and not the binary
    noise of a sum (86.91999999999999); printed values have at most 6 decimals (dataset.yml)."""
    floats = frame.select_dtypes(include=["float"]).columns
    return frame.assign(**{c: frame[c].round(decimals) + 0.0 for c in floats}) if len(floats) else frame


def save_processed(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the tidy tables as UTF-8 CSV (LF line ends, floats without binary noise); returns the
    paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sorted(tables.items()):
        path = folder / f"{name}.csv"
        without_float_noise(frame).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
