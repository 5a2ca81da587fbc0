"""One analysis of a dataset's year, computed once and read by every view.

:func:`analyse` scores a dataset (or takes scores already made) and computes, per level, everything
a view needs: the ranked units, the summary, year on year (changes, counts, movers, band
transitions), the fields' summary, strengths and weaknesses, appraisal cuts, how sure each rank is
(:mod:`parlib.model.robustness`, seeded by the :class:`~parlib.model.robustness.NoiseSpec` the
Analysis keeps) and the coherence of the fields (:mod:`parlib.model.coherence`). figures.json, the
processed tables, the report's sections, the published-figure check and the CLI all read an
:class:`Analysis`; none of them recomputes these.

An Analysis is immutable: its dataclasses are frozen and its mappings read-only. Its frames are
shared by every view, so a view that needs to change a frame works on a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from parlib.data.dataset import Dataset, Methodology
from parlib.model.coherence import Coherence, get_coherence
from parlib.model.compare import (
    get_band_transitions,
    get_change_counts,
    get_change_groups,
    get_movers,
    mean_change,
    year_on_year,
)
from parlib.model.context import UnitContext, get_unit_context
from parlib.model.fields import (
    get_appraisal_by_unit,
    get_appraisal_cuts,
    get_field_summary,
    get_strengths_weaknesses,
    has_appraisal,
    material_gap,
)
from parlib.model.robustness import DEFAULT_NOISE, NoiseSpec, RankUncertainty, level_parts, rank_uncertainty
from parlib.model.scoring import Scores, get_level_summary, score_dataset
from parlib.model.synthesis import get_level_synthesis

#: fewer units than this: no rank uncertainty (nothing to rank against)
MIN_UNITS_RANKED = 2


@dataclass(frozen=True)
class LevelAnalysis:
    """One level in one year, and its comparison with the previous year of the dataset."""

    level: str
    year: int
    methodology: Methodology
    granularity: str
    #: this year's units of the level, scored, in rank order (unranked last, ties by unit id)
    units: pd.DataFrame
    #: this year's field points of the level (empty for a table of totals only)
    fields: pd.DataFrame
    summary: Mapping[str, Any]
    previous_year: int | None = None
    previous_methodology: Methodology | None = None
    #: the previous year's units of the level (empty when the level was not scored that year)
    previous_units: pd.DataFrame | None = None
    previous_summary: Mapping[str, Any] | None = None
    #: :func:`parlib.model.compare.year_on_year` of the two years; None without a previous year
    changes: pd.DataFrame | None = None
    mean_change: float | None = None
    change_counts: Mapping[str, int] | None = None
    #: this year's units by group against the previous year (:data:`parlib.model.compare.CHANGE_GROUPS`,
    #: adding up to the level's units) and the previous year's units absent this year (``gone``)
    change_groups: Mapping[str, list[str]] | None = None
    movers: Mapping[str, pd.DataFrame] | None = None
    #: counts of units from each band to each band, when both years use the same bands
    band_transitions: pd.DataFrame | None = None
    field_summary: pd.DataFrame | None = None
    strengths_weaknesses: pd.DataFrame | None = None
    #: the smallest gap to the median (pp) called a strength or a weakness (:func:`parlib.model.fields.material_gap`)
    material_gap: float | None = None
    appraisal_cuts: pd.DataFrame | None = None
    #: the level pulled together (:func:`parlib.model.synthesis.get_level_synthesis`)
    synthesis: Mapping[str, Any] | None = None
    appraisal_by_unit: pd.DataFrame | None = None
    #: how sure each rank is (None when not computed: see ``robustness_reason``)
    robustness: RankUncertainty | None = None
    #: why the ranks' uncertainty was not computed: ``partial`` (the publisher printed some units
    #: only), ``too_few_units``; '' when it was
    robustness_reason: str = ""
    #: the coherence of the fields (``coherence.reason`` says why it is empty)
    coherence: Coherence | None = None

    @property
    def partial(self) -> bool:
        """Whether the publisher printed only some of the level's units this year."""
        return bool(len(self.units)) and bool(self.units["partial"].any())

    @property
    def has_previous(self) -> bool:
        """Whether the level was scored in the previous year too."""
        return self.previous_units is not None and not self.previous_units.empty


@dataclass(frozen=True)
class Analysis:
    """A dataset's year, analysed: what every view of that year reads."""

    dataset: Dataset
    #: every year of the dataset, scored (views of one year read ``levels``)
    scores: Scores
    year: int
    previous_year: int | None
    levels: Mapping[str, LevelAnalysis]
    #: the options the ranks' uncertainty was computed with (draws, seed, what varies)
    noise: NoiseSpec = DEFAULT_NOISE
    #: the unit the dataset names as national context (``context:``), in the other dataset
    context: UnitContext | None = None

    def level(self, level: str) -> LevelAnalysis:
        """The analysis of one level (a KeyError names a level not scored this year)."""
        return self.levels[level]

    @property
    def units(self) -> pd.DataFrame:
        """This year's units of every level, as scored."""
        return self.scores.units[self.scores.units["year"] == self.year]

    @property
    def fields(self) -> pd.DataFrame:
        """This year's field points of every level."""
        f = self.scores.fields
        return f[f["year"] == self.year] if not f.empty else f


def analyse_level(scores: Scores, year: int, level: str, noise: NoiseSpec = DEFAULT_NOISE) -> LevelAnalysis:
    """Everything the views say of one level in one year."""
    ds = scores.dataset
    meth = ds.methodology_for(year, level)
    # Sums and means are taken in the table's row order, as printed; the ranked order is for showing.
    cur = scores.level_units(year, level)
    fields = scores.level_fields(year, level)
    out: dict[str, Any] = {
        "level": level,
        "year": year,
        "methodology": meth,
        "granularity": scores.granularity[(year, level)],
        "units": cur.sort_values(["rank", "unit_id"], na_position="last"),
        "fields": fields,
        "summary": MappingProxyType(get_level_summary(cur, meth)),
    }
    scored = fields.dropna(subset=["pct"]) if not fields.empty else fields
    if not scored.empty:
        out["field_summary"] = get_field_summary(scored)
        out["material_gap"] = material_gap(scored, meth.decimals)
        out["strengths_weaknesses"] = get_strengths_weaknesses(scored, min_gap=out["material_gap"])
    if not fields.empty and has_appraisal(fields):
        cuts = get_appraisal_cuts(fields)
        out["appraisal_cuts"] = cuts
        out["appraisal_by_unit"] = get_appraisal_by_unit(cuts)
    ranked = cur[cur["total_printed"].notna()]
    if bool(cur["partial"].any()):
        out["robustness_reason"] = "partial"
    elif len(ranked) < MIN_UNITS_RANKED:
        out["robustness_reason"] = "too_few_units"
    else:
        out["robustness"] = rank_uncertainty(level_parts(ranked, fields, meth), meth, noise)
    out["coherence"] = get_coherence(fields, meth, list(out["units"]["unit_id"]))
    prev_year = ds.previous_year(year)
    prev_fields = scores.level_fields(prev_year, level) if prev_year is not None else None
    if (
        prev_fields is not None
        and prev_year is not None
        and ds.methodology_for(prev_year, level).field_ids() != meth.field_ids()
    ):
        prev_fields = None  # fields of another methodology are not compared
    out["synthesis"] = MappingProxyType(
        get_level_synthesis(cur, fields, prev_fields, meth.field_ids(), meth.survey_max, meth.max_total)
    )
    if prev_year is not None:
        prev = scores.level_units(prev_year, level)
        changes = year_on_year(cur, prev, ds)
        out.update(
            previous_year=prev_year,
            previous_units=prev,
            changes=changes,
            mean_change=mean_change(cur, prev),
            change_counts=MappingProxyType(get_change_counts(changes)),
            change_groups=MappingProxyType(get_change_groups(changes)),
            movers=MappingProxyType(get_movers(changes)),
        )
        if len(prev):
            pmeth = ds.methodology_for(prev_year, level)
            out["previous_methodology"] = pmeth
            out["previous_summary"] = MappingProxyType(get_level_summary(prev, pmeth))
            bands = [b.id for b in meth.bands]
            if [b.id for b in pmeth.bands] == bands:
                out["band_transitions"] = get_band_transitions(changes, bands)
    return LevelAnalysis(**out)


def analyse(dataset: Dataset, year: int, scores: Scores | None = None, noise: NoiseSpec = DEFAULT_NOISE) -> Analysis:
    """The analysis of one year of a dataset.

    ``scores`` are the dataset's scores (every year) when already made, so that several years can
    be analysed from one scoring; otherwise the dataset is scored here. ``noise`` says what the
    ranks' uncertainty varies, how many draws and which seed (the defaults are the report's).
    """
    if year not in dataset.years:
        raise ValueError(f"dataset {dataset.id!r} has no year {year}")
    scores = score_dataset(dataset) if scores is None else scores
    levels = {lv: analyse_level(scores, year, lv, noise) for lv in dataset.levels_in(year)}
    return Analysis(
        dataset,
        scores,
        year,
        dataset.previous_year(year),
        MappingProxyType(levels),
        noise,
        get_unit_context(dataset, year),
    )


def analyse_years(
    dataset: Dataset, years: list[int] | None = None, scores: Scores | None = None, noise: NoiseSpec = DEFAULT_NOISE
) -> dict[int, Analysis]:
    """The analysis of several years (every year by default) from one scoring of the dataset."""
    scores = score_dataset(dataset) if scores is None else scores
    return {y: analyse(dataset, y, scores, noise) for y in (years or dataset.years)}
