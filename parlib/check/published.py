"""Published figures checked: each figure of published.yml recomputed from the analysis of its year and matched
at the printed precision (a number rounded half up to the printed decimals, a count "a/b" on both
parts, a name through the unit's aliases or the band's name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from parlib.data.dataset import Dataset
from parlib.data.numbers import NumberFormatError, matches_printed, round_half_up
from parlib.data.published import MEASURE_KINDS, Figure, number_context, printed_count, read_printed_number, unit_id_for
from parlib.errors import DataError
from parlib.model.analysis import Analysis

_EPS = 1e-9


def _levels(ds: Dataset, f: Figure) -> list[str]:
    """The level(s) a figure speaks of: its ``level``, or the level of its ``unit``."""
    lv = f.args.get("level")
    if lv is None:  # every measure names a level or a unit (checked when published.yml is loaded)
        lv = ds.units()[f.args["unit"]].level
    return lv if isinstance(lv, list) else [lv]


def _level_units(a: Analysis, f: Figure) -> pd.DataFrame:
    return pd.concat([a.scores.level_units(a.year, lv) for lv in _levels(a.dataset, f)], ignore_index=True)


def _printed_pct(a: Analysis, f: Figure) -> pd.Series:
    u = _level_units(a, f)
    return u["total_printed"] / u["max_total"] * 100.0


def _unit_row(a: Analysis, f: Figure) -> pd.Series:
    u = a.units
    row = u[u["unit_id"] == f.args["unit"]]
    if row.empty:
        nan = float("nan")
        return pd.Series({"total": nan, "pct": nan, "rank": pd.NA, "band": pd.NA, "survey": nan})
    first: pd.Series = row.iloc[0]
    return first


def _yoy_row(a: Analysis, f: Figure) -> pd.Series:
    level = a.dataset.units()[f.args["unit"]].level
    y = a.levels[level].changes if level in a.levels else None
    r = y[y["unit_id"] == f.args["unit"]] if y is not None else None
    return r.iloc[0] if r is not None and len(r) else pd.Series({"change": float("nan"), "rank_change": pd.NA})


def _band_id(a: Analysis, f: Figure, name: str) -> str | None:
    for lv in _levels(a.dataset, f) if (f.args.get("level") or f.args.get("unit")) else a.dataset.levels_in(a.year):
        bid = a.dataset.methodology_for(a.year, lv).band_id_for(name)
        if bid is not None:
            return bid
    return None


def _top_by(a: Analysis, f: Figure, column: str, largest: bool = True) -> str | None:
    u = _level_units(a, f).dropna(subset=[column])
    if u.empty:
        return None
    best = u[column].max() if largest else u[column].min()
    winners = u[(u[column] - best).abs() <= _EPS]
    return winners["unit_id"].iloc[0] if len(winners) == 1 else "|".join(sorted(winners["unit_id"]))


def _mover(a: Analysis, f: Figure, rise: bool) -> str | None:
    if a.previous_year is None:
        return None
    frames = [a.levels[lv].changes for lv in _levels(a.dataset, f) if lv in a.levels]
    frames = [c for c in frames if c is not None]
    if not frames:
        return None
    y = pd.concat(frames).dropna(subset=["change"])
    if y.empty:
        return None
    best = y["change"].max() if rise else y["change"].min()
    if (rise and best <= 0) or (not rise and best >= 0):
        return None
    winners = y[(y["change"] - best).abs() <= _EPS]
    return winners["unit_id"].iloc[0] if len(winners) == 1 else "|".join(sorted(winners["unit_id"]))


class _Unchecked:
    """The value of a measure that needs the whole level, asked of a partial table."""

    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED = _Unchecked()
UNCHECKED_TEXT = "cannot be checked (partial table)"
# Measures that need every unit of the level (and, for movers, of both years): not computed over a
# partial table. top_unit and bottom_unit are known there when the printed ranks name them.
WHOLE_LEVEL = frozenset(
    {
        "mean_total",
        "mean_pct",
        "n_units",
        "count_band",
        "count_at_least",
        "count_pct_at_least",
        "count_between",
        "top_unit_by_survey",
        "largest_rise",
        "largest_fall",
    }
)


def is_partial(a: Analysis, f: Figure, year: int | None = None) -> bool:
    """Whether a level the figure speaks of was printed only in part in ``year`` (default the analysis' year)."""
    year = a.year if year is None else year
    return any(bool(a.scores.level_units(year, lv)["partial"].any()) for lv in _levels(a.dataset, f))


def _by_printed_rank(a: Analysis, f: Figure, bottom: bool) -> Any:
    """The top (rank 1) or bottom (rank = the level's size) unit of a partial table, from its printed
    ranks; UNCHECKED when the table does not print that rank."""
    levels = _levels(a.dataset, f)
    if len(levels) != 1:
        return UNCHECKED
    u = _level_units(a, f)
    size = a.dataset.level(levels[0]).size
    if bottom and size is None:
        return UNCHECKED
    want = size if bottom else 1
    hit = u[u["rank"].notna() & (u["rank"] == want)]
    if hit.empty:
        return UNCHECKED
    return hit["unit_id"].iloc[0] if len(hit) == 1 else "|".join(sorted(hit["unit_id"]))


def compute_measure(a: Analysis, f: Figure) -> Any:
    """The value of a figure's measure, or UNCHECKED when a partial table cannot give it."""
    if f.measure in ("top_unit", "bottom_unit") and is_partial(a, f):
        return _by_printed_rank(a, f, bottom=f.measure == "bottom_unit")
    if f.measure in WHOLE_LEVEL:
        movers = f.measure in ("largest_rise", "largest_fall")
        if is_partial(a, f) or (movers and a.previous_year is not None and is_partial(a, f, a.previous_year)):
            return UNCHECKED
    return MEASURES[f.measure](a, f)


# measure → function computing the value (its kind and arguments: parlib.data.published.MEASURE_KINDS)
MEASURES: dict[str, Callable[[Analysis, Figure], Any]] = {
    "mean_total": lambda s, f: _level_units(s, f)["total"].mean(),
    "mean_pct": lambda s, f: _level_units(s, f)["pct"].mean(),
    "n_units": lambda s, f: len(_level_units(s, f)),
    "count_band": lambda s, f: int((_level_units(s, f)["band"] == _band_id(s, f, f.args["band"])).sum()),
    # Counts compare totals as printed (rounded half up to the method's decimals), as bands do.
    "count_at_least": lambda s, f: int((_level_units(s, f)["total_printed"] >= f.args["threshold"] - _EPS).sum()),
    "count_pct_at_least": lambda s, f: int((_printed_pct(s, f) >= f.args["threshold"] - _EPS).sum()),
    "count_between": lambda s, f: int(
        (
            (_level_units(s, f)["total_printed"] >= f.args["min"] - _EPS)
            & (_level_units(s, f)["total_printed"] < f.args["below"] - _EPS)
        ).sum()
    ),
    "unit_total": lambda s, f: _unit_row(s, f)["total"],
    "unit_pct": lambda s, f: _unit_row(s, f)["pct"],
    "unit_survey": lambda s, f: _unit_row(s, f)["survey"],
    "unit_rank": lambda s, f: _unit_row(s, f)["rank"],
    "unit_band": lambda s, f: _unit_row(s, f)["band"],
    "unit_change": lambda s, f: _yoy_row(s, f)["change"],
    "unit_rank_change": lambda s, f: _yoy_row(s, f)["rank_change"],
    "top_unit": lambda s, f: _top_by(s, f, "total"),
    "top_unit_by_survey": lambda s, f: _top_by(s, f, "survey"),
    "bottom_unit": lambda s, f: _top_by(s, f, "total", largest=False),
    "largest_rise": lambda s, f: _mover(s, f, True),
    "largest_fall": lambda s, f: _mover(s, f, False),
}


def check_figure(analysis: Analysis, fig: Figure) -> dict[str, Any]:
    """Recompute one figure from the analysis of its year: the printed value, the computed value (as
    text, in the printed style), and whether they match at the printed precision (``status``: match,
    differ, or unchecked when a partial table cannot give the measure)."""
    kind = MEASURE_KINDS[fig.measure][0]
    value = compute_measure(analysis, fig)
    ds = analysis.dataset
    if value is UNCHECKED:
        return {
            "id": fig.id,
            "measure": fig.measure,
            "sentence": fig.sentence,
            "printed": fig.printed,
            "computed": UNCHECKED_TEXT,
            "match": False,
            "source": fig.source,
            "status": "unchecked",
        }
    missing = value is None or (not isinstance(value, str) and pd.isna(value))
    if kind == "number":
        try:
            printed, dec = read_printed_number(fig.printed, *number_context(ds, fig.measure, fig.args))
        except NumberFormatError:
            raise DataError(
                f"figure {fig.id!r}: printed value {fig.printed!r} is not a number",
                "copy the number as printed, e.g. '90,766'",
                ds.published_path,
            ) from None
        ok = (not missing) and matches_printed(float(value), printed, dec)
        shown = (
            "—"
            if missing
            else _vn(
                round_half_up(float(value), dec),
                dec,
                sign=fig.printed.startswith("+"),
                point="." in fig.printed and "," not in fig.printed,
            )
        )
    elif kind == "count":
        try:
            count, denom = printed_count(fig.printed)
        except ValueError:
            raise DataError(
                f"figure {fig.id!r}: printed value {fig.printed!r} is not a count",
                "write it as printed, e.g. '05' or '19/19'",
                ds.published_path,
            ) from None
        n = len(_level_units(analysis, fig)) if denom is not None else None
        ok = (not missing) and int(value) == count and (denom is None or n == denom)
        # Zero-pad as the publisher did ("05/08", "03"), not otherwise ("6", "19").
        width = len(re.sub(r"\D", "", fig.printed.split("/")[0])) if fig.printed[:1].isdigit() else 2
        shown = (
            "—"
            if missing
            else (f"{int(value):0{width}d}/{n:0{width}d}" if denom is not None else f"{int(value):0{width}d}")
        )
        if not missing and int(value) == 0 and not fig.printed[:1].isdigit():
            shown = fig.printed  # "không có" computed as zero is shown in the publisher's words
    elif kind == "unit":
        uid = unit_id_for(ds, fig.printed)
        if uid is None:
            raise DataError(
                f"figure {fig.id!r}: {fig.printed!r} is not a unit of the dataset",
                "use the unit's name or an alias listed in dataset.yml",
                ds.published_path,
            )
        ok = (not missing) and value == uid
        units = ds.units()
        shown = "—" if missing else " | ".join(units[v].name["vi"] for v in str(value).split("|"))
    else:  # band
        bid = _band_id(analysis, fig, fig.printed)
        if bid is None:
            raise DataError(
                f"figure {fig.id!r}: {fig.printed!r} is not a band of the methodology",
                "use a band name from dataset.yml",
                ds.published_path,
            )
        ok = (not missing) and value == bid
        shown = "—" if missing else _band_name(analysis, fig, str(value))
    return {
        "id": fig.id,
        "measure": fig.measure,
        "sentence": fig.sentence,
        "printed": fig.printed,
        "computed": shown,
        "match": bool(ok),
        "source": fig.source,
        "status": "match" if ok else "differ",
    }


def _band_name(analysis: Analysis, fig: Figure, band_id: str) -> str:
    level = analysis.dataset.units()[fig.args["unit"]].level
    return analysis.dataset.methodology_for(analysis.year, level).band(band_id).name["vi"]


def _vn(value: float, decimals: int, sign: bool = False, point: bool = False) -> str:
    """A computed number in the printed style: decimal comma (or point, when the figure was printed
    with one), U+2212 minus, a plus sign when the printed value had one."""
    text = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    text = text.replace("-", "\u2212")
    return text if point else text.replace(".", ",")


COLUMNS = ["id", "measure", "sentence", "printed", "computed", "match", "source", "status"]


def summary_line(table: pd.DataFrame) -> str:
    """ "12 match, 0 differ, 2 cannot be checked" for a table of checked figures."""
    n = table["status"].value_counts()
    return (
        f"{int(n.get('match', 0))} match, {int(n.get('differ', 0))} differ, "
        f"{int(n.get('unchecked', 0))} cannot be checked"
    )


def check_published(analyses: Mapping[int, Analysis], figures: list[Figure]) -> pd.DataFrame:
    """Every figure recomputed from the analysis of its year: id, measure, sentence, printed, computed,
    match, source (in the order of ``figures``)."""
    rows = [check_figure(analyses[f.args["year"]], f) for f in figures]
    return pd.DataFrame(rows, columns=COLUMNS)


def check_printed_columns(analysis: Analysis) -> pd.DataFrame:
    """The printed ranks and bands of each table of the year compared with those computed (one row
    per table and column)."""
    rows = []
    year = analysis.year
    for level in [lv for (y, lv) in analysis.scores.granularity if y == year]:  # in the order of the tables
        u = analysis.scores.level_units(year, level)
        pr = u[u["printed_rank"].notna() & u["rank"].notna()]
        if len(pr):
            n_ok = int((pr["printed_rank"].astype(int) == pr["rank"].astype(int)).sum())
            if not bool(u["partial"].any()):
                rows.append(
                    {
                        "id": f"ranks-{level}-{year}",
                        "measure": "printed_ranks",
                        "sentence": f"printed ranks, {level} {year}",
                        "printed": f"{len(pr)}",
                        "computed": f"{n_ok}",
                        "match": n_ok == len(pr),
                        "source": "",
                        "status": "match" if n_ok == len(pr) else "differ",
                    }
                )
        pb = u[(u["printed_band"].fillna("") != "") & u["band"].notna()]  # a row without a total has no band to compare
        if len(pb):
            meth = analysis.levels[level].methodology
            n_ok = int((pb["printed_band"].map(meth.band_id_for) == pb["band"]).sum())
            rows.append(
                {
                    "id": f"bands-{level}-{year}",
                    "measure": "printed_bands",
                    "sentence": f"printed bands, {level} {year}",
                    "printed": f"{len(pb)}",
                    "computed": f"{n_ok}",
                    "match": n_ok == len(pb),
                    "source": "",
                    "status": "match" if n_ok == len(pb) else "differ",
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def get_checks(analysis: Analysis, figures: list[Figure]) -> pd.DataFrame:
    """The year's published figures (those of ``figures`` dated that year) and its printed rank and
    band columns, each recomputed and matched."""
    mine = [f for f in figures if f.args.get("year") == analysis.year]
    return pd.concat(
        [check_published({analysis.year: analysis}, mine), check_printed_columns(analysis)], ignore_index=True
    )
