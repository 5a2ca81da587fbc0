"""Published figures: each figure as the publisher printed it, recomputed from the data.

``published.yml`` lists figures; each names a *measure* parlib can compute (see ``MEASURES``),
its arguments (level, year, unit, band, threshold), the value as printed ("90,766", "19/19",
"05", "Sở Giao thông vận tải", "Tốt") and the sentence it came from. A number matches when the
computed value, rounded half up to the printed decimals, equals the printed value; a count "a/b"
matches when both the count and the number of units do; a name matches the unit (through its
aliases) or band it names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from .compare import year_on_year
from .dataset import Dataset, read_yaml
from .errors import DataError
from .numbers import NumberFormatError, matches_printed, parse_number, printed_decimals, round_half_up
from .scoring import Scores
from .text import clean_name, name_key

_EPS = 1e-9


@dataclass(frozen=True)
class Figure:
    """One printed figure."""

    id: str
    measure: str
    printed: str
    args: dict[str, Any]
    sentence: str
    source: str


def _levels(ds: Dataset, f: Figure) -> list[str]:
    """The level(s) a figure speaks of: its ``level``, or the level of its ``unit``."""
    lv = f.args.get("level")
    if lv is None and "unit" in f.args:
        lv = ds.units()[f.args["unit"]].level
    return lv if isinstance(lv, list) else [lv]


def _level_units(s: Scores, f: Figure) -> pd.DataFrame:
    year = f.args["year"]
    return pd.concat([s.level_units(year, lv) for lv in _levels(s.dataset, f)], ignore_index=True)


def _printed_pct(s: Scores, f: Figure) -> pd.Series:
    u = _level_units(s, f)
    return u["total_printed"] / u["max_total"] * 100.0


def _unit_row(s: Scores, f: Figure, year: int | None = None) -> pd.Series:
    u = s.units
    year = f.args["year"] if year is None else year
    row = u[(u["year"] == year) & (u["unit_id"] == f.args["unit"])]
    if row.empty:
        return pd.Series({"total": float("nan"), "rank": pd.NA, "band": pd.NA, "survey": float("nan")})
    return row.iloc[0]


def _yoy_row(s: Scores, f: Figure) -> pd.Series:
    year = f.args["year"]
    prev = s.dataset.previous_year(year)
    level = s.dataset.units()[f.args["unit"]].level
    if prev is None:
        return pd.Series({"change": float("nan"), "rank_change": pd.NA})
    y = year_on_year(s.level_units(year, level), s.level_units(prev, level), s.dataset)
    r = y[y["unit_id"] == f.args["unit"]]
    return r.iloc[0] if len(r) else pd.Series({"change": float("nan"), "rank_change": pd.NA})


def _band_id(s: Scores, f: Figure, name: str) -> str | None:
    year = f.args["year"]
    for lv in _levels(s.dataset, f) if (f.args.get("level") or f.args.get("unit")) else s.dataset.levels_in(year):
        bid = s.dataset.methodology_for(year, lv).band_id_for(name)
        if bid is not None:
            return bid
    return None


def _top_by(s: Scores, f: Figure, column: str, largest: bool = True) -> str | None:
    u = _level_units(s, f).dropna(subset=[column])
    if u.empty:
        return None
    best = u[column].max() if largest else u[column].min()
    winners = u[(u[column] - best).abs() <= _EPS]
    return winners["unit_id"].iloc[0] if len(winners) == 1 else "|".join(sorted(winners["unit_id"]))


def _mover(s: Scores, f: Figure, rise: bool) -> str | None:
    year = f.args["year"]
    prev = s.dataset.previous_year(year)
    if prev is None:
        return None
    frames = [year_on_year(s.level_units(year, lv), s.level_units(prev, lv), s.dataset) for lv in _levels(s.dataset, f)]
    y = pd.concat(frames).dropna(subset=["change"])
    if y.empty:
        return None
    best = y["change"].max() if rise else y["change"].min()
    if (rise and best <= 0) or (not rise and best >= 0):
        return None
    winners = y[(y["change"] - best).abs() <= _EPS]
    return winners["unit_id"].iloc[0] if len(winners) == 1 else "|".join(sorted(winners["unit_id"]))


# measure → (kind, needed arguments, function computing the value)
MEASURES: dict[str, tuple[str, tuple[str, ...], Callable[[Scores, Figure], Any]]] = {
    "mean_total": ("number", ("level", "year"), lambda s, f: _level_units(s, f)["total"].mean()),
    "mean_pct": ("number", ("level", "year"), lambda s, f: _level_units(s, f)["pct"].mean()),
    "n_units": ("count", ("level", "year"), lambda s, f: len(_level_units(s, f))),
    "count_band": ("count", ("level", "year", "band"),
                   lambda s, f: int((_level_units(s, f)["band"] == _band_id(s, f, f.args["band"])).sum())),
    # Counts compare totals as printed (rounded half up to the method's decimals), as bands do.
    "count_at_least": ("count", ("level", "year", "threshold"),
                       lambda s, f: int((_level_units(s, f)["total_printed"] >= f.args["threshold"] - _EPS).sum())),
    "count_pct_at_least": ("count", ("level", "year", "threshold"),
                           lambda s, f: int((_printed_pct(s, f) >= f.args["threshold"] - _EPS).sum())),
    "count_between": ("count", ("level", "year", "min", "below"),
                      lambda s, f: int(((_level_units(s, f)["total_printed"] >= f.args["min"] - _EPS)
                                        & (_level_units(s, f)["total_printed"] < f.args["below"] - _EPS)).sum())),
    "unit_total": ("number", ("unit", "year"), lambda s, f: _unit_row(s, f)["total"]),
    "unit_pct": ("number", ("unit", "year"), lambda s, f: _unit_row(s, f)["pct"]),
    "unit_survey": ("number", ("unit", "year"), lambda s, f: _unit_row(s, f)["survey"]),
    "unit_rank": ("count", ("unit", "year"), lambda s, f: _unit_row(s, f)["rank"]),
    "unit_band": ("band", ("unit", "year"), lambda s, f: _unit_row(s, f)["band"]),
    "unit_change": ("number", ("unit", "year"), lambda s, f: _yoy_row(s, f)["change"]),
    "unit_rank_change": ("count", ("unit", "year"), lambda s, f: _yoy_row(s, f)["rank_change"]),
    "top_unit": ("unit", ("level", "year"), lambda s, f: _top_by(s, f, "total")),
    "top_unit_by_survey": ("unit", ("level", "year"), lambda s, f: _top_by(s, f, "survey")),
    "bottom_unit": ("unit", ("level", "year"), lambda s, f: _top_by(s, f, "total", largest=False)),
    "largest_rise": ("unit", ("level", "year"), lambda s, f: _mover(s, f, True)),
    "largest_fall": ("unit", ("level", "year"), lambda s, f: _mover(s, f, False)),
}


def load_published(dataset: Dataset) -> list[Figure]:
    """Read and validate a dataset's published.yml (an empty list when it has none)."""
    if dataset.published_path is None:
        return []
    path = dataset.published_path
    doc = read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("figures"), list):
        raise DataError("published.yml needs a 'figures:' list", "see docs/data-format.md", path)
    default_source = doc.get("source")
    units = dataset.units()
    levels = {lv.id for lv in dataset.levels}
    figures, seen = [], set()
    for i, item in enumerate(doc["figures"]):
        where = f"figures[{i}]"
        if not isinstance(item, dict):
            raise DataError("each figure must be a mapping", "see docs/data-format.md", path, column=where)
        fid = str(item.get("id", f"#{i + 1}"))
        measure = item.get("measure")
        if measure not in MEASURES:
            raise DataError(f"figure {fid!r}: unknown measure {measure!r}",
                            f"use one of: {', '.join(MEASURES)}", path, column=f"{where}.measure")
        kind, needed, _ = MEASURES[measure]
        args = {k: item[k] for k in ("level", "year", "unit", "band", "threshold", "min", "below") if k in item}
        for k in needed:
            if k not in args:
                raise DataError(f"figure {fid!r}: measure {measure!r} needs '{k}'", f"add '{k}:' to the figure",
                                path, column=f"{where}.{k}")
        if "unit" in args and args["unit"] not in units:
            raise DataError(f"figure {fid!r}: unknown unit {args['unit']!r}",
                            "use a unit id from dataset.yml", path, column=f"{where}.unit")
        for lv in (args.get("level") if isinstance(args.get("level"), list) else [args.get("level")]):
            if lv is not None and lv not in levels:
                raise DataError(f"figure {fid!r}: unknown level {lv!r}", f"use one of {', '.join(sorted(levels))}",
                                path, column=f"{where}.level")
        if "year" in args and args["year"] not in dataset.years:
            raise DataError(f"figure {fid!r}: the dataset has no year {args['year']!r}",
                            f"use one of {', '.join(map(str, dataset.years))}", path, column=f"{where}.year")
        for k in ("threshold", "min", "below"):
            if k in args and (isinstance(args[k], bool) or not isinstance(args[k], (int, float))):
                raise DataError(f"figure {fid!r}: {k} {args[k]!r} is not a number",
                                "write a plain number of points or percent, e.g. 80", path, column=f"{where}.{k}")
        if "band" in args and all(m.band_id_for(args["band"]) is None for m in dataset.methodologies.values()):
            raise DataError(f"figure {fid!r}: unknown band {args['band']!r}",
                            "use a band id or name from the methodology in dataset.yml", path, column=f"{where}.band")
        if "printed" not in item:
            raise DataError(f"figure {fid!r}: no 'printed' value", "copy the value exactly as printed",
                            path, column=f"{where}.printed")
        _check_printed(dataset, fid, kind, item["printed"], path, f"{where}.printed")
        source = item.get("source", default_source)
        if source not in dataset.sources:
            raise DataError(f"figure {fid!r}: unknown source {source!r}", "name a source id from dataset.yml",
                            path, column=f"{where}.source")
        if fid in seen:
            raise DataError(f"figure id {fid!r} appears twice", "give each figure its own id", path, column=where)
        seen.add(fid)
        figures.append(Figure(fid, measure, clean_name(item["printed"]), args, clean_name(item.get("sentence", "")),
                              source))
    return figures


def _check_printed(dataset: Dataset, fid: str, kind: str, printed: Any, path, column: str) -> None:
    """A printed value that cannot be read as its measure's kind is an input error, found when
    published.yml is loaded rather than when the figure is checked."""
    text = clean_name(printed)
    if kind == "number":
        try:
            parse_number(text.rstrip("%").strip())
        except NumberFormatError:
            raise DataError(f"figure {fid!r}: printed value {text!r} is not a number",
                            "copy the number as printed, e.g. '90,766'", path, column=column) from None
    elif kind == "count":
        try:
            _printed_count(text)
        except ValueError:
            raise DataError(f"figure {fid!r}: printed value {text!r} is not a count",
                            "write it as printed, e.g. '05' or '19/19'", path, column=column) from None
    elif kind == "unit" and _unit_id_for(dataset, text) is None:
        raise DataError(f"figure {fid!r}: {text!r} is not a unit of the dataset",
                        "use the unit's name or an alias listed in dataset.yml", path, column=column)
    elif kind == "band" and all(m.band_id_for(text) is None for m in dataset.methodologies.values()):
        raise DataError(f"figure {fid!r}: printed value {text!r} is not a band of any methodology",
                        "copy the band as printed, e.g. 'Tốt'", path, column=column)


def _unit_id_for(dataset: Dataset, name: str) -> str | None:
    """The unit a printed name (or a unit id) stands for, in any level."""
    key = name_key(name)
    for lv in dataset.levels:
        names = {**{name_key(u.id): u.id for u in lv.units}, **lv.unit_names()}
        if key in names:
            return names[key]
    return None


def _printed_count(text: str) -> tuple[int, int | None]:
    t = text.strip().casefold()
    if t in ("không có", "không", "none", "no"):
        return 0, None
    m = re.fullmatch(r"[+-]?(\d+)(?:\s*/\s*(\d+))?", text.strip().replace("\u2212", "-"))
    if not m:
        raise ValueError(text)
    sign = -1 if text.strip().startswith(("-", "\u2212")) else 1
    return sign * int(m.group(1)), (int(m.group(2)) if m.group(2) else None)


def check_figure(scores: Scores, fig: Figure) -> dict[str, Any]:
    """Recompute one figure: the printed value, the computed value (as text, in the printed style),
    and whether they match at the printed precision."""
    kind, _, fn = MEASURES[fig.measure]
    value = fn(scores, fig)
    ds = scores.dataset
    missing = value is None or (not isinstance(value, str) and pd.isna(value))
    if kind == "number":
        try:
            printed = parse_number(fig.printed.rstrip("%").strip())
        except NumberFormatError:
            raise DataError(f"figure {fig.id!r}: printed value {fig.printed!r} is not a number",
                            "copy the number as printed, e.g. '90,766'", ds.published_path) from None
        dec = printed_decimals(fig.printed)
        ok = (not missing) and matches_printed(float(value), printed, dec)
        shown = "—" if missing else _vn(round_half_up(float(value), dec), dec,
                                        sign=fig.printed.startswith("+"))
    elif kind == "count":
        try:
            count, denom = _printed_count(fig.printed)
        except ValueError:
            raise DataError(f"figure {fig.id!r}: printed value {fig.printed!r} is not a count",
                            "write it as printed, e.g. '05' or '19/19'", ds.published_path) from None
        n = len(_level_units(scores, fig)) if denom is not None else None
        ok = (not missing) and int(value) == count and (denom is None or n == denom)
        # Zero-pad as the publisher did ("05/08", "03"), not otherwise ("6", "19").
        width = len(re.sub(r"\D", "", fig.printed.split("/")[0])) if fig.printed[:1].isdigit() else 2
        shown = "—" if missing else (f"{int(value):0{width}d}/{n:0{width}d}" if denom is not None
                                      else f"{int(value):0{width}d}")
        if not missing and int(value) == 0 and not fig.printed[:1].isdigit():
            shown = fig.printed  # "không có" computed as zero is shown in the publisher's words
    elif kind == "unit":
        uid = _unit_id_for(ds, fig.printed)
        if uid is None:
            raise DataError(f"figure {fig.id!r}: {fig.printed!r} is not a unit of the dataset",
                            "use the unit's name or an alias listed in dataset.yml", ds.published_path)
        ok = (not missing) and value == uid
        units = ds.units()
        shown = "—" if missing else " | ".join(units[v].name["vi"] for v in str(value).split("|"))
    else:  # band
        bid = _band_id(scores, fig, fig.printed)
        if bid is None:
            raise DataError(f"figure {fig.id!r}: {fig.printed!r} is not a band of the methodology",
                            "use a band name from dataset.yml", ds.published_path)
        ok = (not missing) and value == bid
        shown = "—" if missing else _band_name(scores, fig, str(value))
    return {"id": fig.id, "measure": fig.measure, "sentence": fig.sentence, "printed": fig.printed,
            "computed": shown, "match": bool(ok), "source": fig.source}


def _band_name(scores: Scores, fig: Figure, band_id: str) -> str:
    level = scores.dataset.units()[fig.args["unit"]].level
    return scores.dataset.methodology_for(fig.args["year"], level).band(band_id).name["vi"]


def _vn(value: float, decimals: int, sign: bool = False) -> str:
    text = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    text = text.replace("-", "\u2212")
    return text.replace(".", ",")


def check_published(scores: Scores, figures: list[Figure]) -> pd.DataFrame:
    """Every figure recomputed: id, measure, sentence, printed, computed, match, source."""
    rows = [check_figure(scores, f) for f in figures]
    return pd.DataFrame(rows, columns=["id", "measure", "sentence", "printed", "computed", "match", "source"])


def check_printed_columns(scores: Scores) -> pd.DataFrame:
    """The printed ranks and bands of each table compared with those computed (one row per table and column)."""
    rows = []
    for (year, level), _ in scores.granularity.items():
        u = scores.level_units(year, level)
        pr = u[u["printed_rank"].notna() & u["rank"].notna()]
        if len(pr):
            n_ok = int((pr["printed_rank"].astype(int) == pr["rank"].astype(int)).sum())
            if not bool(u["partial"].any()):
                rows.append({"id": f"ranks-{level}-{year}", "measure": "printed_ranks",
                             "sentence": f"printed ranks, {level} {year}", "printed": f"{len(pr)}",
                             "computed": f"{n_ok}", "match": n_ok == len(pr), "source": ""})
        pb = u[u["printed_band"].fillna("") != ""]
        if len(pb):
            meth = scores.dataset.methodology_for(year, level)
            n_ok = int((pb["printed_band"].map(meth.band_id_for) == pb["band"]).sum())
            rows.append({"id": f"bands-{level}-{year}", "measure": "printed_bands",
                         "sentence": f"printed bands, {level} {year}", "printed": f"{len(pb)}",
                         "computed": f"{n_ok}", "match": n_ok == len(pb), "source": ""})
    return pd.DataFrame(rows, columns=["id", "measure", "sentence", "printed", "computed", "match", "source"])
