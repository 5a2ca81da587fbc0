"""Published figures as the publisher printed them: published.yml read and validated.

``published.yml`` lists figures; each names a *measure* parlib can compute (see ``MEASURE_KINDS``;
:mod:`parlib.check.published` recomputes them),
its arguments (level, year, unit, band, threshold), the value as printed ("90,766", "19/19",
"05", "Sở Giao thông vận tải", "Tốt") and the sentence it came from. A number matches when the
computed value, rounded half up to the printed decimals, equals the printed value; a count "a/b"
matches when both the count and the number of units do; a name matches the unit (through its
aliases) or band it names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parlib.data.dataset import Dataset, Unit
from parlib.data.numbers import NumberFormatError, parse_number, printed_decimals
from parlib.data.schema import schema_errors
from parlib.data.text import clean_name, name_key
from parlib.data.yaml_io import read_yaml
from parlib.errors import DataError, ErrorCollector, raise_all


@dataclass(frozen=True)
class Figure:
    """One printed figure."""

    id: str
    measure: str
    printed: str
    args: dict[str, Any]
    sentence: str
    source: str
    provenance: str = "published"


# measure → (kind of printed value, arguments it needs); parlib.check.published computes each.
MEASURE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mean_total": ("number", ("level", "year")),
    "mean_pct": ("number", ("level", "year")),
    "n_units": ("count", ("level", "year")),
    "count_band": ("count", ("level", "year", "band")),
    "count_at_least": ("count", ("level", "year", "threshold")),
    "count_pct_at_least": ("count", ("level", "year", "threshold")),
    "count_between": ("count", ("level", "year", "min", "below")),
    "unit_total": ("number", ("unit", "year")),
    "unit_pct": ("number", ("unit", "year")),
    "unit_survey": ("number", ("unit", "year")),
    "unit_rank": ("count", ("unit", "year")),
    "unit_band": ("band", ("unit", "year")),
    "unit_change": ("number", ("unit", "year")),
    "unit_rank_change": ("count", ("unit", "year")),
    "top_unit": ("unit", ("level", "year")),
    "top_unit_by_survey": ("unit", ("level", "year")),
    "bottom_unit": ("unit", ("level", "year")),
    "largest_rise": ("unit", ("level", "year")),
    "largest_fall": ("unit", ("level", "year")),
}

# The column a printed number is read like: its maximum is the methodology's (the three-decimals rule).
_NUMBER_MAXIMUM = {
    "mean_total": "max_total",
    "unit_total": "max_total",
    "unit_change": "max_total",
    "unit_survey": "survey_max",
    "mean_pct": 100.0,
    "unit_pct": 100.0,
}


def number_context(dataset: Dataset, measure: str, args: dict[str, Any]) -> tuple[int | None, float | None]:
    """The printed decimals and the maximum a figure's number is read with, as in its table: those of
    the methodology of its level and year (None, None when they cannot be told)."""
    level = args.get("level")
    if level is None and args.get("unit") in dataset.units():
        level = dataset.units()[args["unit"]].level
    if isinstance(level, list):
        level = level[0] if level else None
    try:
        meth = dataset.methodology_for(args.get("year"), level)  # type: ignore[arg-type]
    except KeyError:
        return None, None
    m = _NUMBER_MAXIMUM.get(measure)
    maximum = meth.max_total if m == "max_total" else (meth.survey_max or meth.max_total) if m == "survey_max" else m
    return meth.decimals, maximum  # type: ignore[return-value]


def read_printed_number(text: str, decimals: int | None = None, maximum: float | None = None) -> tuple[float, int]:
    """A printed figure's number and how many decimals it shows, read like a table's numbers:
    decimal comma or point, "%" and signs allowed; "97.685" is 97,685 when the methodology prints
    three decimals or 97685 would exceed the maximum (and an error otherwise)."""
    s = clean_name(text).rstrip("%").strip()
    value = parse_number(s, decimals=decimals, maximum=maximum)
    dec = printed_decimals(s)
    if re.fullmatch(r"[+\-\u2212]?\d+\.\d{3}", s) and value != float(re.sub(r"[^\d]", "", s)) * (
        -1 if s[0] in "-\u2212" else 1
    ):
        dec = 3
    return value, dec


def load_published(dataset: Dataset) -> list[Figure]:
    """Read and validate a dataset's published.yml (an empty list when it has none)."""
    if dataset.published_path is None:
        return []
    path = dataset.published_path
    doc = read_yaml(path)
    raise_all(schema_errors("published", doc, path))  # every schema error at once, with its path
    if not isinstance(doc, dict) or not isinstance(doc.get("figures"), list):
        raise DataError("published.yml needs a 'figures:' list", "see docs/data-format.md", path)
    default_source = doc.get("source")
    levels = {lv.id for lv in dataset.levels}
    units = dataset.units()
    figures: list[Figure] = []
    seen: set[str] = set()
    collect = ErrorCollector()  # each figure is read on its own: every mistake of the file at once
    for i, item in enumerate(doc["figures"]):
        figure = collect.run(_read_figure, dataset, item, i, path, default_source, levels, units)
        if figure is None:
            continue
        if figure.id in seen:
            collect.add(
                DataError(
                    f"figure id {figure.id!r} appears twice",
                    "give each figure its own id",
                    path,
                    column=f"figures[{i}]",
                )
            )
            continue
        seen.add(figure.id)
        figures.append(figure)
    collect.raise_if_any()
    return figures


def _read_figure(
    dataset: Dataset, item: Any, i: int, path: Path, default_source: Any, levels: set[str], units: Mapping[str, Unit]
) -> Figure:
    """One figure of published.yml (the ``i``-th), validated against the dataset."""
    where = f"figures[{i}]"
    if not isinstance(item, dict):
        raise DataError("each figure must be a mapping", "see docs/data-format.md", path, column=where)
    fid = str(item.get("id", f"#{i + 1}"))
    measure = item.get("measure")
    if measure not in MEASURE_KINDS:
        raise DataError(
            f"figure {fid!r}: unknown measure {measure!r}",
            f"use one of: {', '.join(MEASURE_KINDS)}",
            path,
            column=f"{where}.measure",
        )
    kind, needed = MEASURE_KINDS[measure]
    args = {k: item[k] for k in ("level", "year", "unit", "band", "threshold", "min", "below") if k in item}
    for k in needed:
        if k not in args:
            raise DataError(
                f"figure {fid!r}: measure {measure!r} needs '{k}'",
                f"add '{k}:' to the figure",
                path,
                column=f"{where}.{k}",
            )
    if "unit" in args and args["unit"] not in units:
        raise DataError(
            f"figure {fid!r}: unknown unit {args['unit']!r}",
            "use a unit id from dataset.yml",
            path,
            column=f"{where}.unit",
        )
    level_arg = args.get("level")
    for lv in level_arg if isinstance(level_arg, list) else [level_arg]:
        if lv is not None and lv not in levels:
            raise DataError(
                f"figure {fid!r}: unknown level {lv!r}",
                f"use one of {', '.join(sorted(levels))}",
                path,
                column=f"{where}.level",
            )
    if "year" in args and args["year"] not in dataset.years:
        raise DataError(
            f"figure {fid!r}: the dataset has no year {args['year']!r}",
            f"use one of {', '.join(map(str, dataset.years))}",
            path,
            column=f"{where}.year",
        )
    for k in ("threshold", "min", "below"):
        if k in args and (isinstance(args[k], bool) or not isinstance(args[k], (int, float))):
            raise DataError(
                f"figure {fid!r}: {k} {args[k]!r} is not a number",
                "write a plain number of points or percent, e.g. 80",
                path,
                column=f"{where}.{k}",
            )
        if k in args and not math.isfinite(args[k]):
            raise DataError(
                f"figure {fid!r}: {k} {args[k]!r} is not a finite number",
                "write a plain number of points or percent, e.g. 80",
                path,
                column=f"{where}.{k}",
            )
    if measure in ("count_band", "unit_band"):
        lv = args.get("level") or (units[args["unit"]].level if args.get("unit") in units else None)
        lv_ids: list[Any] = lv if isinstance(lv, list) else [lv]
        try:  # no such year or level (a year left out is no year): no methodology to ask
            meths = [dataset.methodology_for(args["year"], x) for x in lv_ids]
        except KeyError:
            meths = []
        bare = [m.id for m in meths if not m.bands]
        if bare:
            raise DataError(
                f"figure {fid!r}: measure {measure!r} needs bands, but methodology {bare[0]!r} has no band rule",
                "remove the figure, or add 'bands:' to the methodology",
                path,
                column=f"{where}.measure",
            )
    if "band" in args and all(m.band_id_for(args["band"]) is None for m in dataset.methodologies.values()):
        raise DataError(
            f"figure {fid!r}: unknown band {args['band']!r}",
            "use a band id or name from the methodology in dataset.yml",
            path,
            column=f"{where}.band",
        )
    if "printed" not in item:
        raise DataError(
            f"figure {fid!r}: no 'printed' value", "copy the value exactly as printed", path, column=f"{where}.printed"
        )
    if not isinstance(item["printed"], str):
        raise DataError(
            f"figure {fid!r}: printed value {item['printed']!r} is not in quotes, so YAML read it as "
            f"a {_yaml_type(item['printed'])}, losing what was printed (82.560 becomes 82.56, 05 "
            "becomes 5)",
            'quote it exactly as printed: printed: "82,560"',
            path,
            column=f"{where}.printed",
        )
    _check_printed(
        dataset, fid, kind, item["printed"], path, f"{where}.printed", number_context(dataset, measure, args)
    )
    if measure in _UNIT_NUMBERS:
        _check_printed_decimals(dataset, fid, measure, args, item["printed"], path, f"{where}.printed")
    source = item.get("source", default_source)
    if source not in dataset.sources:
        raise DataError(
            f"figure {fid!r}: unknown source {source!r}",
            "name a source id from dataset.yml",
            path,
            column=f"{where}.source",
        )
    return Figure(
        fid,
        measure,
        clean_name(item["printed"]),
        args,
        clean_name(item.get("sentence", "")),
        source,
        str(item.get("provenance", "published")),
    )


# Figures about one unit that are totals (or sums or differences of them) printed by the method at its
# decimals: such a figure cannot be known to more decimals than the method prints.
_UNIT_NUMBERS = ("unit_total", "unit_survey", "unit_change")


def _yaml_type(value: Any) -> str:
    return {bool: "true/false value", int: "whole number", float: "number"}.get(type(value), type(value).__name__)


def _check_printed_decimals(
    dataset: Dataset, fid: str, measure: str, args: dict[str, Any], printed: str, path: Path, column: str
) -> None:
    """A unit's total printed with more decimals than its methodology prints ("97,6850" where totals
    have 2 decimals) is refused: the extra digits cannot be checked, and compared at the method's
    decimals the figure would match whatever they say."""
    unit = dataset.units().get(str(args.get("unit")))
    if unit is None:
        return
    decs = []
    for year in (args["year"], dataset.previous_year(args["year"]) if measure == "unit_change" else None):
        if year is None:
            continue
        try:
            decs.append(dataset.methodology_for(year, unit.level).decimals)
        except KeyError:
            pass
    if not decs:
        return
    shown = printed_decimals(clean_name(printed).rstrip("%").strip())
    if shown > max(decs):
        raise DataError(
            f"figure {fid!r}: printed value {clean_name(printed)!r} has {shown} decimals, but the "
            f"methodology prints totals with {max(decs)}: the extra digits cannot be checked",
            "copy the value exactly as printed, or correct the methodology's 'decimals' in dataset.yml",
            path,
            column=column,
        )


def _check_printed(
    dataset: Dataset,
    fid: str,
    kind: str,
    printed: Any,
    path: Path,
    column: str,
    context: tuple[int | None, float | None] = (None, None),
) -> None:
    """A printed value that cannot be read as its measure's kind is an input error, found when
    published.yml is loaded rather than when the figure is checked."""
    text = clean_name(printed)
    if kind == "number":
        try:
            read_printed_number(text, *context)
        except NumberFormatError as exc:
            raise DataError(
                f"figure {fid!r}: printed value {text!r} is not a number ({exc})",
                "copy the number as printed, e.g. '90,766' or '97.685'",
                path,
                column=column,
            ) from None
    elif kind == "count":
        try:
            printed_count(text)
        except ValueError:
            raise DataError(
                f"figure {fid!r}: printed value {text!r} is not a count",
                "write it as printed, e.g. '05' or '19/19'",
                path,
                column=column,
            ) from None
    elif kind == "unit" and unit_id_for(dataset, text) is None:
        raise DataError(
            f"figure {fid!r}: {text!r} is not a unit of the dataset",
            "use the unit's name or an alias listed in dataset.yml",
            path,
            column=column,
        )
    elif kind == "band" and all(m.band_id_for(text) is None for m in dataset.methodologies.values()):
        raise DataError(
            f"figure {fid!r}: printed value {text!r} is not a band of any methodology",
            "copy the band as printed, e.g. 'Tốt'",
            path,
            column=column,
        )


def unit_id_for(dataset: Dataset, name: str) -> str | None:
    """The unit a printed name (or a unit id) stands for, in any level."""
    key = name_key(name)
    for lv in dataset.levels:
        names = {**{name_key(u.id): u.id for u in lv.units}, **lv.unit_names()}
        if key in names:
            return names[key]
    return None


def printed_count(text: str) -> tuple[int, int | None]:
    t = text.strip().casefold()
    if t in ("không có", "không", "none", "no"):
        return 0, None
    m = re.fullmatch(r"[+-]?(\d+)(?:\s*/\s*(\d+))?", text.strip().replace("\u2212", "-"))
    if not m:
        raise ValueError(text)
    sign = -1 if text.strip().startswith(("-", "\u2212")) else 1
    return sign * int(m.group(1)), (int(m.group(2)) if m.group(2) else None)
