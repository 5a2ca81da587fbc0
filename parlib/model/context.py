"""National context of a unit: where a dataset's place stands in another embedded dataset.

A dataset may name another embedded dataset and one of its units (``context: {dataset: vn-provinces,
unit: bac-kan}`` in the backan dataset): its reports then say how that unit did there, the year of the
report and the one before: its index, rank out of the level's size, change of points and of places,
and the level's mean as the other dataset published it. Every figure is read from the other dataset
(its tables and its published.yml), never typed into this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from parlib.data.dataset import Dataset
from parlib.data.load import load_dataset
from parlib.data.numbers import round_half_up
from parlib.data.published import load_published, read_printed_number
from parlib.errors import DataError
from parlib.model.scoring import score_dataset


@dataclass(frozen=True)
class UnitYear:
    """The unit in one year of the context dataset."""

    year: int
    pct: float | None
    rank: int | None
    band: dict[str, str] | None
    provenance: str
    #: the level's mean % as published (text as printed, value), None when not published
    mean_printed: str | None = None
    mean: float | None = None
    mean_inferred: bool = False


@dataclass(frozen=True)
class UnitContext:
    """The context unit in the report's year and the year before, within its level of the other dataset."""

    dataset_id: str
    dataset_title: dict[str, str]
    index: dict[str, str]
    unit_id: str
    unit_name: dict[str, str]
    level_noun: dict[str, str]
    size: int | None
    decimals: int
    current: UnitYear
    previous: UnitYear | None

    @property
    def change(self) -> float | None:
        """Points gained since the previous year (None without both years' values)."""
        if self.previous is None or self.current.pct is None or self.previous.pct is None:
            return None
        return round_half_up(self.current.pct - self.previous.pct, self.decimals)

    @property
    def places(self) -> int | None:
        """Places gained (+) or lost (−) since the previous year."""
        if self.previous is None or self.current.rank is None or self.previous.rank is None:
            return None
        return self.previous.rank - self.current.rank

    @property
    def gap_to_mean(self) -> float | None:
        """The unit's % minus the published mean of the level, this year."""
        if self.current.pct is None or self.current.mean is None:
            return None
        return round_half_up(self.current.pct - self.current.mean, self.decimals)


def get_unit_context(dataset: Dataset, year: int) -> UnitContext | None:
    """The context a dataset names, for the report of ``year`` (None when it names none, or when the
    other dataset has no row of the unit that year or the year before)."""
    if dataset.context is None:
        return None
    ref = dataset.context
    try:
        other = load_dataset(ref.dataset)
    except DataError as exc:
        raise DataError(
            f"context dataset {ref.dataset!r} cannot be loaded: {exc.what}",
            "name an embedded dataset under 'context:'",
            dataset.root / "dataset.yml",
            column="context",
        ) from None
    unit = other.units().get(ref.unit)
    if unit is None:
        raise DataError(
            f"context unit {ref.unit!r} is not a unit of dataset {ref.dataset!r}",
            "use a unit id of that dataset",
            dataset.root / "dataset.yml",
            column="context.unit",
        )
    if year not in other.years:
        return None
    prev_year = other.previous_year(year)
    # Only the two years shown are scored (a unit's rank is within its year): the national
    # provinces' dataset holds four, and the context is made by every backan report and its build.
    scores = score_dataset(other, [y for y in (year, prev_year) if y is not None])
    figures = load_published(other)

    def at(y: int) -> UnitYear | None:
        u = scores.units
        row = u[(u["year"] == y) & (u["unit_id"] == unit.id)]
        if row.empty:
            return None
        r = row.iloc[0]
        meth = other.methodology_for(y, unit.level)
        mean = next(
            (
                f
                for f in figures
                if f.measure == "mean_pct" and f.args.get("year") == y and f.args.get("level") == unit.level
            ),
            None,
        )
        band = meth.band(str(r["band"])).name if meth.bands and isinstance(r["band"], str) else None
        return UnitYear(
            y,
            None if r["pct"] != r["pct"] else float(r["pct"]),
            None if r["rank"] is None or str(r["rank"]) == "<NA>" else int(r["rank"]),
            band,
            str(r["provenance"]),
            mean.printed if mean else None,
            read_printed_number(mean.printed)[0] if mean else None,
            bool(mean and mean.provenance == "inferred"),
        )

    current = at(year)
    if current is None:
        return None
    previous = at(prev_year) if prev_year is not None else None
    level = other.level(unit.level)
    return UnitContext(
        other.id,
        other.title,
        other.index,
        unit.id,
        unit.name,
        level.noun,
        level.size,
        other.methodology_for(year, unit.level).decimals,
        current,
        previous,
    )
