"""The annual report's sections, as HTML fragments the notebook displays.

``notebooks/annual_report.ipynb`` stays thin: it validates its parameters with
:func:`prepare` and calls one ``show_*`` function per section. Each ``html_*`` function is pure
(context → HTML string): it reads the Analysis, puts the words and numbers together, and fills in
its Jinja2 partial under ``templates/sections/`` (autoescape on: every name is escaped by the
template; see :mod:`parlib.report.templating`). ``show_*`` displays it as a bundle of ``text/html``
and ``text/plain`` (no object repr, no memory address). Tables are pandas Stylers with a fixed
uuid; charts are PNG embedded as data URIs. A section whose data is missing is replaced by one
sentence saying why; no chart is drawn without data and no NaN is shown.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, partial
from pathlib import Path

import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from parlib.check.published import get_checks
from parlib.data.commentary import SECTION_IDS, read_commentary
from parlib.data.dataset import Dataset, Methodology, Unit, embedded_datasets, is_embedded
from parlib.data.load import load_dataset
from parlib.data.published import load_published
from parlib.errors import DataError
from parlib.model.analysis import Analysis, analyse
from parlib.model.compare import CHANGE_GROUPS
from parlib.model.fields import get_heatmap_table, has_appraisal
from parlib.model.scoring import Scores
from parlib.report import charts
from parlib.report import robustness_text as rt
from parlib.report.i18n import (
    LANGS,
    fmt_count,
    fmt_date,
    fmt_number,
    fmt_rank_change,
    in_sentence,
    is_missing,
    noun_for,
    t,
    verbs_for,
)
from parlib.report.kernel import take_analysis
from parlib.report.markdown import render_markdown
from parlib.report.narrative import context_paragraph, level_summary
from parlib.report.templating import render
from parlib.report.workers import SectionWorkers, draw_section, report_processes, start_sections

#: The most rows of one heatmap: its rows are taller than a bar's (0,28 against 0,26 inch), so 25
#: rows, not 30, keep a part shorter than a printed page.
HEATMAP_ROWS = 25

#: A section whose template is not named after its id.
_TEMPLATE_SECTION = {"title.html.j2": "intro", "changes.html.j2": "yoy"}


@dataclass(frozen=True)
class ReportContext:
    """What every section needs: the analysis of the year (computed once), the language, and the
    researcher's commentary (Markdown by section id, from ``commentary/<year>.<lang>.md``)."""

    analysis: Analysis
    lang: str
    commentary: Mapping[str, str] = field(default_factory=dict)
    #: The worker processes drawing the sections, when :func:`prepare` started them (see
    #: :mod:`parlib.report.workers`); None: each ``show_*`` draws its section itself.
    workers: SectionWorkers | None = field(default=None, compare=False, repr=False)

    @property
    def illustrative(self) -> bool:
        """Whether the rows behind this year's (or the previous year's) figures are illustrative."""
        return self.ds.is_illustrative(self.year) or (
            self.prev_year is not None and self.ds.is_illustrative(self.prev_year)
        )

    @property
    def ds(self) -> Dataset:
        return self.analysis.dataset

    @property
    def scores(self) -> Scores:
        return self.analysis.scores

    @property
    def year(self) -> int:
        return self.analysis.year

    @property
    def prev_year(self) -> int | None:
        return self.analysis.previous_year

    @property
    def levels(self) -> list[str]:
        return self.ds.levels_in(self.year)

    def level_name(self, level: str) -> str:
        return self.ds.level(level).name[self.lang]

    @cached_property
    def _units(self) -> dict[str, Unit]:
        # Dataset.units() builds its mapping on every call; a long level's report asks thousands of times
        return self.ds.units()

    def unit_name(self, unit_id: str) -> str:
        return self._units[unit_id].name[self.lang]

    def unit_in_sentence(self, unit_id: str) -> str:
        """A unit's name inside a sentence ("huyện Pác Nặm", "thành phố Bắc Kạn", as articles write it)."""
        return in_sentence(self.unit_name(unit_id), self.lang)

    def field_name(self, level: str, field_id: str, year: int | None = None) -> str:
        meth = self.ds.methodology_for(year or self.year, level)
        for f in meth.fields:
            if f.id == field_id:
                return f.name[self.lang]
        return field_id

    def band_name(self, level: str, band_id: object, year: int | None = None) -> str:
        if is_missing(band_id):
            return "—"
        return self.ds.methodology_for(year or self.year, level).band(str(band_id)).name[self.lang]


def prepare(dataset: object, year: object, lang: object, output_dir: object) -> ReportContext:
    """Validate the notebook's parameters and load and score the dataset.

    ``dataset``: an embedded id (under data/raw/) or a dataset folder; ``year``: an int present in
    the dataset; ``lang``: "vi" or "en"; ``output_dir``: a folder path (text). Raises
    :class:`ValueError` (wrong type or value) or :class:`~parlib.errors.DataError` (bad data).
    """
    if not isinstance(dataset, (str, Path)) or not str(dataset).strip():
        raise ValueError(f"parameter dataset must be a dataset id or folder (text), not {dataset!r}")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"parameter year must be an integer such as 2023, not {year!r}")
    if lang not in LANGS:
        raise ValueError(f"parameter lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if not isinstance(output_dir, (str, Path)) or not str(output_dir).strip():
        raise ValueError(f"parameter output_dir must be a folder path (text), not {output_dir!r}")
    try:
        ds = load_dataset(dataset)
    except DataError as exc:
        raise ValueError(f"parameter dataset: {exc} (embedded: {', '.join(embedded_datasets())})") from None
    if year not in ds.years:
        raise ValueError(
            f"parameter year: dataset {ds.id!r} has no year {year}; choose among {', '.join(map(str, ds.years))}"
        )
    try:
        commentary = read_commentary(ds.root, year, str(lang), SECTION_IDS)
    except DataError as exc:
        raise ValueError(f"commentary: {exc}") from None
    # the analysis the build has just made from the same files, when it started this kernel
    analysis = take_analysis(ds.root, year)
    ctx = ReportContext(analyse(ds, year) if analysis is None else analysis, str(lang), commentary)
    workers = start_sections([(name, partial(draw, ctx)) for name, draw in SECTIONS_BY_COST], report_processes())
    return replace(ctx, workers=workers) if workers is not None else ctx


# --- HTML helpers -------------------------------------------------------------------------------


def _uuid(*parts: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(str(p) for p in parts).lower()).strip("-")


def table_html(
    frame: pd.DataFrame,
    uuid: str,
    *,
    numeric: Sequence[str] = (),
    colours: dict[str, list[str]] | None = None,
    cls: str = "",
    nowrap: Sequence[str] = (),
) -> str:
    """A table of already formatted text as HTML from a pandas Styler with a fixed uuid; every
    cell and header escaped; ``numeric`` columns right-aligned; ``nowrap`` columns kept on one
    line; ``colours`` gives a background colour per row for some columns."""
    st = frame.style.set_uuid(uuid).hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
    st = st.set_table_attributes(f'class="parlib-table {cls}"'.strip())
    if numeric:
        st = st.set_properties(subset=list(numeric), **{"text-align": "right", "white-space": "nowrap"})
    if nowrap:
        st = st.set_properties(subset=list(nowrap), **{"white-space": "nowrap"})
    for col, cs in (colours or {}).items():
        st = st.apply(lambda s, cs=cs: [f"background-color: {c}" if c else "" for c in cs], subset=[col])
    return st.to_html()


def table_block(
    ctx: ReportContext,
    frame: pd.DataFrame,
    key: str,
    caption: str,
    *,
    numeric: Sequence[str] = (),
    colours: dict[str, list[str]] | None = None,
    cls: str = "",
    nowrap: Sequence[str] = (),
    illustrative: bool = False,
) -> dict[str, object]:
    """A numbered table for the ``table`` macro: the Styler HTML, its caption, a stable anchor
    (``tbl-<key>``) and the table as a CSV download embedded in the page (a data: URI, headers in
    the report's language, numbers at the printed decimals; :func:`frame_csv`)."""
    uid = _uuid(key)
    data = base64.b64encode(frame_csv(frame, ctx.lang).encode("utf-8")).decode("ascii")
    return {
        "id": f"tbl-{uid}",
        "caption": caption,
        "illustrative": illustrative,
        "html": table_html(frame, uid, numeric=numeric, colours=colours, cls=cls, nowrap=nowrap),
        "csv": f"data:text/csv;charset=utf-8;base64,{data}",
        "filename": f"{ctx.ds.id}-{ctx.year}-{uid}.{ctx.lang}.csv",
    }


_NUMBER = {
    "vi": re.compile(r"[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?"),
    "en": re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?"),
}


def csv_cell(text: str, lang: str) -> str:
    """A table cell for CSV: a number as printed in ``lang`` becomes a plain decimal with the same
    decimals ("90,760" → "90.760", "+5,651" → "5.651"... with its sign, "05" → "5"); "—" is empty;
    any other text is kept."""
    text = str(text).strip()
    if text in ("—", "·"):
        return ""
    if _NUMBER[lang].fullmatch(text):
        group, point = (".", ",") if lang == "vi" else (",", ".")
        plain = text.replace(group, "").replace(point, ".").lstrip("+")
        return str(Decimal(plain))
    return text


def frame_csv(frame: pd.DataFrame, lang: str) -> str:
    """A displayed table as CSV text (UTF-8 with BOM for spreadsheets, LF line ends)."""
    out = frame.map(lambda v: csv_cell(v, lang))
    return "\ufeff" + out.to_csv(index=False, lineterminator="\n")


def source_line(ctx: ReportContext, years: tuple[int | None, ...] = ()) -> str:
    """Where a chart's numbers come from, in the report's language: each source of the tables of
    ``years`` (this year by default) with its provenance, and the dataset."""
    lang, years = ctx.lang, years or (ctx.year,)
    seen: list[str] = []
    for tb in ctx.ds.tables:
        if tb.year in years:
            s = ctx.ds.sources[tb.source]
            item = f"{s.publisher[lang]} ({t('prov_' + tb.provenance, lang)})"
            if item not in seen:
                seen.append(item)
    return t("chart_source", lang, sources="; ".join(seen), dataset=ctx.ds.id, year=ctx.year)


def chart(
    fig: Figure,
    alt: str,
    *,
    ctx: ReportContext | None = None,
    key: str = "",
    caption: str = "",
    years: tuple[int | None, ...] = (),
) -> dict[str, object]:
    """A chart for the ``figure`` macro: its PNG as a data URI (no file, no request) and its alt text.

    With ``ctx``, the chart is numbered with a stable anchor (``fig-<key>``), and its image carries
    its source line and, when the rows behind it are illustrative, the "minh họa / illustrative"
    mark, so that a chart saved from the page still says both."""
    out: dict[str, object] = {"alt": alt, "id": "", "caption": caption, "illustrative": False}
    if ctx is not None:
        years = years or (ctx.year,)
        ill = any(y is not None and ctx.ds.is_illustrative(y) for y in years)
        charts.stamp(fig, source_line(ctx, years), t("chart_illustrative", ctx.lang) if ill else "")
        out.update(id=f"fig-{_uuid(key)}", illustrative=ill)
    data = base64.b64encode(charts.png_bytes(fig)).decode("ascii")
    out["src"] = f"data:image/png;base64,{data}"
    return out


def chart_parts(
    ctx: ReportContext,
    n_rows: int,
    draw: Callable[[int, int, str], Figure],
    *,
    alt: str,
    key: str,
    caption: str,
    years: tuple[int | None, ...] = (),
    rows_per_chart: int = charts.MAX_ROWS,
) -> list[dict[str, object]]:
    """The charts of one view of a level, for the ``figures`` macro: one chart of all ``n_rows``
    rows, or, for a level too long for one printed page, several charts of consecutive rows (at
    most ``rows_per_chart`` each, see :func:`parlib.report.charts.chunks`), each captioned with its
    part ("part 2 of 3, rows 22–42") and drawn by ``draw(start, stop, caption)`` on one scale."""
    parts = charts.chunks(n_rows, rows_per_chart)
    if len(parts) == 1:
        return [chart(draw(0, n_rows, caption), alt, ctx=ctx, key=key, caption=caption, years=years)]
    out = []
    for i, (start, stop) in enumerate(parts, start=1):
        cap = caption + t("chart_part", ctx.lang, i=i, k=len(parts), first=start + 1, last=stop, n=n_rows)
        out.append(chart(draw(start, stop, cap), alt, ctx=ctx, key=f"{key}-{i}", caption=cap, years=years))
    return out


def _render(ctx: ReportContext, template: str, **values: object) -> str:
    """A section's template filled in, with ``tr(key, ...)`` giving the report's words, and the
    researcher's commentary on the section (if any) after it."""
    lang = ctx.lang
    html_text = render(template, tr=lambda key, **kw: t(key, lang, **kw), lang=lang, year=ctx.year, **values)
    return html_text + commentary_html(ctx, _TEMPLATE_SECTION.get(template, template.split(".")[0]))


def commentary_html(ctx: ReportContext, section: str) -> str:
    """The researcher's commentary on one section, rendered safely ("" when there is none)."""
    text = ctx.commentary.get(section)
    if not text:
        return ""
    return render(
        "commentary.html.j2", tr=lambda key, **kw: t(key, ctx.lang, **kw), body=render_markdown(text), source="file"
    )


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", fragment, flags=re.S))).strip()


def show(fragment: str) -> None:
    """Display an HTML fragment as a text/html + text/plain bundle."""
    from IPython.display import display

    display({"text/html": fragment, "text/plain": re.sub(r"\s+", " ", _plain(fragment))[:2000]}, raw=True)


# --- sections -----------------------------------------------------------------------------------


def illustrative_tables(ctx: ReportContext) -> list[str]:
    """The score tables behind this report (this year and the previous) that hold illustrative rows."""
    years = {ctx.year, ctx.prev_year}
    return [tb.rel for tb in ctx.ds.tables if tb.year in years and tb.provenance == "illustrative"]


def published_mismatch(ctx: ReportContext) -> tuple[int, int]:
    """How many of this year's published figures (and printed rank and band columns) differ from the
    recomputed value, out of how many are listed (a figure that cannot be checked does not count as
    differing, as in `parlib build`'s mismatch gate)."""
    checks = get_checks(ctx.analysis, load_published(ctx.ds))
    if checks.empty:
        return 0, 0
    return int((checks["status"] == "differ").sum()), len(checks)


def html_title(ctx: ReportContext) -> str:
    """Title, subtitle, publisher and the banner (on every page) when any row is illustrative or any
    published figure does not match (a report `parlib build` makes only with --allow-mismatch)."""
    bad, n = published_mismatch(ctx)
    return _render(
        ctx,
        "title.html.j2",
        title=ctx.ds.title[ctx.lang],
        publisher=ctx.ds.publisher[ctx.lang],
        index=ctx.ds.index[ctx.lang],
        illustrative_tables=illustrative_tables(ctx),
        mismatch={"bad": fmt_count(bad, lang=ctx.lang), "n": fmt_count(n, lang=ctx.lang)} if bad else None,
    )


def html_summary(ctx: ReportContext) -> str:
    """The summary in prose, one paragraph per level."""
    return _render(
        ctx,
        "summary.html.j2",
        paragraphs=[level_summary(ctx.analysis, lv, ctx.lang) for lv in ctx.levels],
        illustrative=ctx.ds.is_illustrative(ctx.year),
        national=context_paragraph(ctx.analysis, ctx.lang),
    )


def ranking_frame(ctx: ReportContext, level: str) -> tuple[pd.DataFrame, list[str]]:
    """The ranked table of one level as text, and the band colour of each row."""
    lang, year = ctx.lang, ctx.year
    meth = ctx.ds.methodology_for(year, level)
    cur = ctx.scores.level_units(year, level).sort_values(["rank", "unit_id"], na_position="last")
    prev_year = ctx.prev_year
    prev = ctx.scores.level_units(prev_year, level) if prev_year is not None else None
    changes = ctx.analysis.level(level).changes
    yoy = changes.set_index("unit_id") if prev is not None and len(prev) and changes is not None else None
    colours = charts.band_colours(meth_band_ids := [b.id for b in meth.bands])
    # Only the columns the data fills: appraised and survey points when the table gives them, the
    # band when the methodology has a band rule, the changes when there is a previous year.
    show = {
        "appraised": bool(cur["appraised"].notna().any()),
        "survey": bool(cur["survey"].notna().any()),
        "band": bool(meth.bands),
        "change": yoy is not None,
    }
    rows, cols = [], []
    for r in cur.to_dict("records"):
        change, rchange = "—", "—"
        if yoy is not None and r["unit_id"] in yoy.index:
            y = yoy.loc[r["unit_id"]]
            if not is_missing(y["change"]):
                change = fmt_number(y["change"], lang, meth.decimals, sign=True)
            else:
                key = {"new": "status_new", "unpublished": "status_unpublished"}.get(y["status"])
                change = t(key, lang) if key else "—"
            if not is_missing(y["rank_change"]):
                rchange = fmt_number(int(y["rank_change"]), lang, 0, sign=True)
        row = {
            t("col_rank", lang): "—" if is_missing(r["rank"]) else str(int(r["rank"])),
            t("col_unit", lang): ctx.unit_name(r["unit_id"])
            + (t("inferred_mark", lang) if r["provenance"] == "inferred" else ""),
        }
        if show["appraised"]:
            row[t("col_appraised", lang)] = (
                "—" if is_missing(r["appraised"]) else fmt_number(r["appraised"], lang, meth.decimals)
            )
        if show["survey"]:
            row[t("col_survey", lang)] = (
                "—" if is_missing(r["survey"]) else fmt_number(r["survey"], lang, meth.decimals)
            )
        row[t("col_total", lang)] = "—" if is_missing(r["total"]) else fmt_number(r["total"], lang, meth.decimals)
        row[t("col_pct", lang)] = "—" if is_missing(r["pct"]) else fmt_number(r["pct"], lang, 1)
        if show["band"]:
            row[t("col_band", lang)] = ctx.band_name(level, r["band"])
        if show["change"]:
            row[t("col_change", lang)] = change
            row[t("col_rank_change", lang)] = rchange
        rows.append(row)
        cols.append(_tint(colours.get(r["band"], "")) if not is_missing(r["band"]) else "")
    del meth_band_ids
    return pd.DataFrame(rows), cols


def _tint(hex_colour: str, alpha: float = 0.35) -> str:
    """A light tint of a colour (for table cells behind dark text)."""
    if not hex_colour:
        return ""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * alpha) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def html_ranking(ctx: ReportContext) -> str:
    """Per level: the ranked table and the ranked bar chart coloured by band."""
    lang, year = ctx.lang, ctx.year
    levels = []
    for lv in ctx.levels:
        meth = ctx.ds.methodology_for(year, lv)
        frame, colours = ranking_frame(ctx, lv)
        numeric = [
            t(k, lang)
            for k in (
                "col_rank",
                "col_appraised",
                "col_survey",
                "col_total",
                "col_pct",
                "col_change",
                "col_rank_change",
            )
            if t(k, lang) in frame.columns
        ]
        band_col = t("col_band", lang)
        has_band = band_col in frame.columns
        table = table_block(
            ctx,
            frame,
            f"rank-{lv}",
            t("cap_ranking", lang, level=ctx.level_name(lv), year=year),
            numeric=numeric,
            colours={band_col: colours} if has_band else None,
            nowrap=[band_col] if has_band else [],
            illustrative=ctx.ds.is_illustrative(year),
        )
        units = ctx.scores.level_units(year, lv)
        cur = units.dropna(subset=["total"]).sort_values(["rank", "unit_id"])
        band_labels = {b.id: b.name[lang] for b in meth.bands}
        figs: list[dict[str, object]] = []
        if len(cur):
            title = t(
                "chart_bar_title" if meth.bands else "chart_bar_title_plain", lang, level=ctx.level_name(lv), year=year
            )

            def draw(
                start: int,
                stop: int,
                caption: str,
                cur: pd.DataFrame = cur,
                meth: Methodology = meth,
                band_labels: dict[str, str] = band_labels,
            ) -> Figure:
                part = cur.iloc[start:stop]
                return charts.plot_ranked_bar(
                    [ctx.unit_name(u) for u in part["unit_id"]],
                    part["total"].tolist(),
                    part["band"].tolist(),
                    band_labels,
                    lang=lang,
                    max_total=meth.max_total,
                    decimals=meth.decimals,
                    title=caption,
                )

            figs = chart_parts(
                ctx,
                len(cur),
                draw,
                alt=t("alt_bar" if meth.bands else "alt_bar_plain", lang),
                key=f"ranking-{lv}",
                caption=title,
            )
        levels.append(
            {
                "name": ctx.level_name(lv),
                "anchor": f"ranking-{lv}",
                "table": table,
                "chart": figs,
                "inferred": bool((units["provenance"] == "inferred").any()),
            }
        )
    return _render(ctx, "ranking.html.j2", levels=levels)


def html_robustness(ctx: ReportContext) -> str:
    """How robust the ranks are, per level: the chart of each unit's published rank with its
    5–95 % interval (COINr's plot_uncertainty), quotable sentences, the table of intervals, the
    sensitivity to each choice, and the coherence of the fields; or why a level's part is short.
    Everything is read from the Analysis (``LevelAnalysis.robustness`` and ``.coherence``)."""
    lang, year, ds = ctx.lang, ctx.year, ctx.ds
    ill = ds.is_illustrative(year)
    levels = []
    for lv in ctx.levels:
        la = ctx.analysis.level(lv)
        item: dict[str, object] = {
            "name": ctx.level_name(lv),
            "anchor": f"robustness-{lv}",
            "omitted": "",
            "notes": [],
            "chart": [],
            "sentences": [],
            "table": None,
            "sensitivity": None,
            "corr": None,
            "coherence": [],
        }
        ru = la.robustness
        if ru is None:
            item["omitted"] = rt.reason(la, ds, lang)
        else:
            item["notes"] = rt.notes(la, lang)
            u = ru.units
            title = rt.p("chart_title", lang, level=ctx.level_name(lv), year=year)
            labels = {
                "axis": rt.p("ax_rank", lang),
                "interval": rt.p("lg_interval", lang),
                "median": rt.p("lg_median", lang),
                "nominal": rt.p("lg_nominal", lang),
            }
            max_rank = int(max(u["p95"].max(), u["nominal_rank"].max(), len(u))) if len(u) else 1

            def draw(
                start: int,
                stop: int,
                caption: str,
                u: pd.DataFrame = u,
                labels: dict[str, str] = labels,
                max_rank: int = max_rank,
            ) -> Figure:
                part = u.iloc[start:stop]
                return charts.plot_rank_uncertainty(
                    [ctx.unit_name(x) for x in part["unit_id"]],
                    part["nominal_rank"].tolist(),
                    part["median_rank"].tolist(),
                    part["p5"].tolist(),
                    part["p95"].tolist(),
                    labels=labels,
                    title=caption,
                    max_rank=max_rank,
                )

            item["chart"] = chart_parts(
                ctx, len(u), draw, alt=rt.p("alt_chart", lang), key=f"robust-{lv}", caption=title
            )
            item["sentences"] = rt.sentences(la, ds, lang)
            frame = rt.uncertainty_table(la, ds, lang)
            numeric = [c for c in frame.columns if c != rt.p("col_unit", lang)]
            item["table"] = table_block(ctx, frame, f"robust-{lv}", title, numeric=numeric, illustrative=ill)
            if not ru.sensitivity.empty:
                sens = rt.sensitivity_table(la, lang)
                item["sensitivity"] = {
                    "sentence": rt.sensitivity_sentence(la, lang),
                    "table": table_block(
                        ctx,
                        sens,
                        f"sens-{lv}",
                        rt.p("h_sensitivity", lang),
                        numeric=list(sens.columns[1:]),
                        illustrative=ill,
                    ),
                    "note": rt.p("sens_note", lang, m=min(ru.spec.sensitivity_draws, ru.spec.draws)),
                }
        c = la.coherence
        if c is not None and not c.reason:
            corr = c.correlations.copy()
            corr.index = [field_number(ctx, lv, f) for f in corr.index]
            corr.columns = [field_number(ctx, lv, f) for f in corr.columns]
            ctitle = rt.p("corr_title", lang, level=ctx.level_name(lv), year=year)
            fig = charts.plot_correlations(corr, lang=lang, title=ctitle, label=rt.p("corr_label", lang))
            item["corr"] = {
                "chart": chart(fig, rt.p("alt_corr", lang), ctx=ctx, key=f"corr-{lv}", caption=ctitle),
                "key": field_key(ctx, lv, list(c.correlations.columns)),
            }
        item["coherence"] = rt.coherence_sentences(la, ds, lang, partial(field_number, ctx, lv))
        levels.append(item)
    return _render(
        ctx,
        "robustness.html.j2",
        levels=levels,
        intro=rt.intro(ctx.analysis.noise, lang),
        h_robustness=rt.p("h_robustness", lang),
        h_sensitivity=rt.p("h_sensitivity", lang),
        h_coherence=rt.p("h_coherence", lang),
        c_illustrative=rt.p("c_illustrative", lang) if ill else "",
    )


def heat_floor(ctx: ReportContext) -> float:
    """The lower end of the heatmaps' colour scale, the same for every level of the report: the
    lowest % of maximum of any unit in any field this year, down to a multiple of 10."""
    f = ctx.analysis.fields
    lowest = float(f["pct"].min()) if not f.empty and f["pct"].notna().any() else 0.0
    return float(min(90.0, max(0.0, math.floor(lowest / 10.0) * 10.0)))


def field_number(ctx: ReportContext, level: str, field_id: str) -> str:
    """A field's number in its methodology (1-based), used as a short label in charts and tables."""
    ids = ctx.ds.methodology_for(ctx.year, level).field_ids()
    return str(ids.index(field_id) + 1) if field_id in ids else field_id


def field_key(ctx: ReportContext, level: str, field_ids: list[str]) -> str:
    """The key of numbered field labels: "Lĩnh vực: 1: Công tác chỉ đạo…; 2: …"."""
    items = "; ".join(f"{field_number(ctx, level, f)}: {ctx.field_name(level, f)}" for f in field_ids)
    return t("field_key", ctx.lang, items=items)


def synthesis_sentences(ctx: ReportContext, lv: str) -> list[str]:
    """The level pulled together (from :attr:`LevelAnalysis.synthesis`), in the report's words."""
    lang, la = ctx.lang, ctx.analysis.level(lv)
    syn = la.synthesis or {}
    noun = ctx.ds.level(lv).noun[lang]
    out = []
    if syn.get("weakest_for_most"):
        w = syn["weakest_for_most"]
        out.append(
            t(
                "syn_weakest",
                lang,
                field=ctx.field_name(lv, w["field_id"]),
                n=fmt_count(w["units"], lang=lang),
                of=fmt_count(w["of"], lang=lang),
                noun=noun,
            )
        )
    if syn.get("widest_spread"):
        w = syn["widest_spread"]
        out.append(
            t(
                "syn_spread",
                lang,
                field=ctx.field_name(lv, w["field_id"]),
                lo=fmt_number(w["min_pct"], lang, 1),
                hi=fmt_number(w["max_pct"], lang, 1),
                spread=fmt_number(w["spread"], lang, 1),
            )
        )
    if syn.get("mean_moved_by") and ctx.prev_year is not None:
        w = syn["mean_moved_by"]
        dec = la.methodology.decimals
        out.append(
            t(
                "syn_moved",
                lang,
                prev=ctx.prev_year,
                dir=t("up" if w["total_change"] >= 0 else "down", lang),
                total=fmt_number(abs(w["total_change"]), lang, dec),
                field=ctx.field_name(lv, w["field_id"]),
                change=fmt_number(w["change"], lang, dec, sign=True),
            )
        )
    if syn.get("survey_vs_appraisal"):
        w = syn["survey_vs_appraisal"]
        rho = w["rho"]
        agree = (
            "syn_agree_high"
            if rho >= 0.5
            else "syn_agree_some"
            if rho >= 0.2
            else ("syn_agree_none" if rho > -0.2 else "syn_agree_neg")
        )
        pcts = (
            t(
                "syn_survey_pcts",
                lang,
                s=fmt_number(w["survey_pct"], lang, 1),
                ap=fmt_number(w["appraisal_pct"], lang, 1),
            )
            if w["survey_pct"] is not None
            else ""
        )
        out.append(
            t(
                "syn_survey",
                lang,
                agree=t(agree, lang),
                rho=fmt_number(rho, lang, 2),
                n=fmt_count(w["n"], lang=lang),
                noun=noun,
                pcts=pcts,
            )
        )
    return out


def html_strengths(ctx: ReportContext) -> str:
    """Per level: heatmap of % of maximum, field summary, strongest and weakest fields, and each
    unit's two strongest and two weakest fields against the level median; or why it is left out."""
    return _render(ctx, "strengths.html.j2", levels=[_strengths_level(ctx, lv) for lv in ctx.levels])


def _strengths_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, year = ctx.lang, ctx.year
    out: dict[str, object] = {
        "name": ctx.level_name(lv),
        "anchor": f"strengths-{lv}",
        "omitted": "",
        "synthesis": synthesis_sentences(ctx, lv),
        "illustrative": ctx.ds.is_illustrative(year),
    }
    f = ctx.scores.level_fields(year, lv)
    if f.empty or f["pct"].isna().all():
        gran = t(f"gran_{ctx.scores.granularity[(year, lv)]}", lang)
        out["omitted"] = t("missing_fields", lang, level=ctx.level_name(lv), year=year, granularity=gran)
        return out
    f = f.dropna(subset=["pct"])
    order = ctx.scores.level_units(year, lv).sort_values(["rank", "unit_id"])["unit_id"].tolist()
    with_fields, scored_fields = set(f["unit_id"]), set(f["field_id"])
    field_order = [x.id for x in ctx.ds.methodology_for(year, lv).fields if x.id in scored_fields]
    table = get_heatmap_table(f, [u for u in order if u in with_fields], field_order)
    table.index = [ctx.unit_name(u) for u in table.index]
    table.columns = [field_number(ctx, lv, c) for c in table.columns]
    title = t("chart_heat_title", lang, level=ctx.level_name(lv), year=year)
    vmin = heat_floor(ctx)
    out["chart"] = chart_parts(
        ctx,
        len(table),
        lambda start, stop, caption: charts.plot_heatmap(table.iloc[start:stop], lang=lang, title=caption, vmin=vmin),
        # a heatmap row is taller than a bar: fewer rows keep a part shorter than a page
        alt=t("alt_heat", lang),
        key=f"heatmap-{lv}",
        caption=title,
        rows_per_chart=HEATMAP_ROWS,
    )
    out["field_key"] = field_key(ctx, lv, field_order)
    summ = ctx.analysis.level(lv).field_summary
    assert summ is not None  # a level with field scores has its field summary
    strong, weak = summ.iloc[0], summ.iloc[-1]
    out["level_sentence"] = t(
        "sw_level",
        lang,
        level=ctx.level_name(lv).lower(),
        strong=ctx.field_name(lv, strong["field_id"]),
        spct=fmt_number(strong["median_pct"], lang, 1),
        weak=ctx.field_name(lv, weak["field_id"]),
        wpct=fmt_number(weak["median_pct"], lang, 1),
    )
    frame = pd.DataFrame(
        {
            t("col_field", lang): [f"{field_number(ctx, lv, x)}. {ctx.field_name(lv, x)}" for x in summ["field_id"]],
            t("col_max", lang): [fmt_number(x, lang, 0) for x in summ["max"]],
            t("col_median_pct", lang): [fmt_number(x, lang, 1) for x in summ["median_pct"]],
            t("col_min_pct", lang): [fmt_number(x, lang, 1) for x in summ["min_pct"]],
            t("col_max_pct", lang): [fmt_number(x, lang, 1) for x in summ["max_pct"]],
        }
    )
    out["table"] = table_block(
        ctx,
        frame,
        f"fields-{lv}",
        t("cap_fields", lang, level=ctx.level_name(lv), year=year),
        numeric=list(frame.columns[1:]),
        illustrative=ctx.ds.is_illustrative(year),
    )
    sw = ctx.analysis.level(lv).strengths_weaknesses
    assert sw is not None  # a level with field scores has its strengths and weaknesses
    items, rest = [], []
    gap = fmt_number(ctx.analysis.level(lv).material_gap or 0, lang, 1, trim=True)
    for uid in order:  # a unit with no material gap is named once, in the closing sentence
        u = sw[sw["unit_id"] == uid]
        if u.empty:
            rest.append(ctx.unit_in_sentence(uid))
            continue
        parts = []
        for kind, key in (("strength", "sw_strong"), ("weakness", "sw_weak")):
            rows = u[u["kind"] == kind].sort_values("order")
            listed = [
                t(
                    "sw_item_above" if r["gap"] > 0 else "sw_item_below",
                    lang,
                    field=ctx.field_name(lv, r["field_id"]),
                    pct=fmt_number(r["pct"], lang, 1),
                    gap=fmt_number(abs(r["gap"]), lang, 1),
                )
                for r in rows.to_dict("records")
            ]
            parts.append(t(key, lang, items=t("sw_and", lang).join(listed)) if listed else t(key + "_none", lang))
        items.append(t("sw_unit", lang, unit=ctx.unit_name(uid), strong=parts[0], weak=parts[1]))
    if rest:
        items.append(
            t(
                "sw_rest",
                lang,
                n=fmt_count(len(rest), lang=lang),
                noun=noun_for(ctx.ds.level(lv).noun[lang], len(rest), lang),
                gap=gap,
                units=", ".join(rest),
                **verbs_for(len(rest)),
            )
        )
    out["units"] = items
    out["sw_note"] = t("sw_note", lang, gap=gap)
    return out


def html_changes(ctx: ReportContext) -> str:
    """Per level: dumbbell chart, counts, biggest movers, band transitions, new and missing units."""
    levels = [_changes_level(ctx, lv) for lv in ctx.levels] if ctx.prev_year is not None else []
    return _render(ctx, "changes.html.j2", prev_year=ctx.prev_year, levels=levels)


def _changes_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, year, prev_year = ctx.lang, ctx.year, ctx.prev_year
    assert prev_year is not None  # called only when there is a previous year
    out: dict[str, object] = {
        "name": ctx.level_name(lv),
        "anchor": f"yoy-{lv}",
        "omitted": "",
        "method_note": "",
        "chart": [],
        "transitions": [],
        "table": "",
    }
    prev = ctx.scores.level_units(prev_year, lv)
    if prev.empty:
        out["omitted"] = t("missing_prev_level", lang, level=ctx.level_name(lv), prev=prev_year)
        return out
    m0, m1 = ctx.ds.methodology_for(prev_year, lv), ctx.ds.methodology_for(year, lv)
    if m0.id != m1.id:
        out["method_note"] = t(
            "yoy_method_changed", lang, prev=prev_year, year=year, m0=m0.title[lang], m1=m1.title[lang]
        )
    la = ctx.analysis.level(lv)
    yoy = la.changes
    # a level scored in the previous year has its changes, their counts, groups and movers
    assert yoy is not None and la.change_counts is not None and la.change_groups is not None and la.movers is not None
    noun = ctx.ds.level(lv).noun[lang]
    both = yoy[yoy["change"].notna()].sort_values(["rank", "unit_id"])
    if len(both):
        title = t("chart_dumbbell_title", lang, level=ctx.level_name(lv), prev=prev_year, year=year)
        xlim = charts.dumbbell_xlim(both["total_prev"], both["total"], m1.max_total)

        def draw(start: int, stop: int, caption: str) -> Figure:
            part = both.iloc[start:stop]
            return charts.plot_dumbbell(
                [ctx.unit_name(u) for u in part["unit_id"]],
                part["total_prev"].tolist(),
                part["total"].tolist(),
                lang=lang,
                prev_year=prev_year,
                year=year,
                max_total=m1.max_total,
                title=caption,
                xlim=xlim,
            )

        out["chart"] = chart_parts(
            ctx,
            len(both),
            draw,
            alt=t("alt_dumbbell", lang),
            key=f"dumbbell-{lv}",
            caption=title,
            years=(year, prev_year),
        )
    c = la.change_counts
    groups = la.change_groups
    texts = []

    def names(ids: list[str]) -> str:
        return ", ".join(ctx.unit_in_sentence(u) for u in ids)

    parts = [t("yoy_g_both", lang, n=fmt_count(len(groups["both"]), lang=lang))]
    for g in ("ranked_only", "new", "unpublished"):
        if groups[g]:
            parts.append(
                t(f"yoy_g_{g}", lang, n=fmt_count(len(groups[g]), lang=lang), prev=prev_year, units=names(groups[g]))
            )
    n_units = sum(len(groups[g]) for g in CHANGE_GROUPS)
    texts.append(
        t(
            "yoy_groups",
            lang,
            level=ctx.level_name(lv),
            year=year,
            n=fmt_count(n_units, lang=lang),
            noun=noun_for(noun, n_units, lang),
            groups="; ".join(parts),
        )
    )
    if groups["gone"]:
        n_gone = len(groups["gone"])
        texts.append(
            t(
                "yoy_g_gone",
                lang,
                n=fmt_count(n_gone, lang=lang),
                noun=noun_for(noun, n_gone, lang),
                prev=prev_year,
                year=year,
                units=names(groups["gone"]),
                **verbs_for(n_gone),
            )
        )
    if len(both):
        points = [t(f"yoy_c_{k}", lang, n=fmt_count(c[k], lang=lang)) for k in ("up", "down", "same") if c[k]]
        ranks = [
            t(f"yoy_c_{k}", lang, n=fmt_count(c[k], lang=lang)) for k in ("rank_up", "rank_down", "rank_same") if c[k]
        ]
        texts.append(
            t(
                "yoy_counts",
                lang,
                n=fmt_count(len(both), lang=lang),
                noun=noun_for(noun, len(both), lang),
                points=", ".join(points),
                ranks=", ".join(ranks),
            )
        )
    movers = la.movers
    for kind, key, none_key in (("up", "yoy_up", "yoy_none_up"), ("down", "yoy_down", "yoy_none_down")):
        m = movers[kind]
        if len(both):
            items = [
                t(
                    "yoy_item_no_rank" if is_missing(r["rank_change"]) else "yoy_item",
                    lang,
                    unit=ctx.unit_in_sentence(r["unit_id"]),
                    change=fmt_number(r["change"], lang, m1.decimals, sign=True),
                    rank=fmt_rank_change(r["rank_change"], lang),
                )
                for r in m.to_dict("records")
            ]
            texts.append(t(key, lang, items="; ".join(items)) if items else t(none_key, lang))
    out["texts"] = texts
    moved = yoy[yoy["band_changed"]].sort_values(["rank", "unit_id"])
    if not moved.empty:
        out["transitions"] = [
            t(
                "yoy_transition_item",
                lang,
                unit=ctx.unit_in_sentence(r["unit_id"]),
                frm=ctx.band_name(lv, r["band_prev"], prev_year),
                to=ctx.band_name(lv, r["band"]),
            )
            for r in moved.to_dict("records")
        ]
        bands = [b.id for b in m1.bands]
        if la.band_transitions is not None:
            tr = la.band_transitions
            keep = [b for b in bands if tr.loc[b].sum() or tr[b].sum()]
            tr = tr.loc[keep, keep]
            frame = pd.DataFrame({t("col_from_to", lang): [ctx.band_name(lv, b) for b in keep]})
            for b in keep:
                frame[ctx.band_name(lv, b)] = [fmt_count(v, lang=lang) if v else "·" for v in tr[b]]
            out["table"] = table_block(
                ctx,
                frame,
                f"transitions-{lv}",
                t("cap_transitions", lang, level=ctx.level_name(lv), prev=prev_year, year=year),
                numeric=list(frame.columns[1:]),
                cls="narrow",
                illustrative=ctx.illustrative,
            )
    return out


def html_appraisal(ctx: ReportContext) -> str:
    """Per level: points cut by appraisal per unit (chart) and per unit and field (table), and
    the units that claimed most beyond what was appraised; or why it is left out."""
    return _render(ctx, "appraisal.html.j2", levels=[_appraisal_level(ctx, lv) for lv in ctx.levels])


def _appraisal_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, year = ctx.lang, ctx.year
    out: dict[str, object] = {"name": ctx.level_name(lv), "anchor": f"appraisal-{lv}", "omitted": ""}
    f = ctx.scores.level_fields(year, lv)
    if f.empty or not has_appraisal(f):
        out["omitted"] = t("missing_appraisal", lang, level=ctx.level_name(lv), year=year)
        return out
    meth = ctx.ds.methodology_for(year, lv)
    cuts = ctx.analysis.level(lv).appraisal_cuts
    by_unit = ctx.analysis.level(lv).appraisal_by_unit
    assert cuts is not None and by_unit is not None  # a level with appraisal has its cuts
    noun = ctx.ds.level(lv).noun[lang]
    total_cut = float(by_unit["cut"].sum())
    out["total"] = t(
        "appraisal_total",
        lang,
        cut=fmt_number(total_cut, lang, meth.decimals),
        n=fmt_count(len(by_unit), lang=lang),
        noun=noun_for(noun, len(by_unit), lang),
        avg=fmt_number(total_cut / len(by_unit), lang, meth.decimals),
    )
    top_units = by_unit.head(3)
    out["top"] = t(
        "appraisal_top",
        lang,
        items="; ".join(
            t(
                "appraisal_item",
                lang,
                unit=ctx.unit_in_sentence(r["unit_id"]),
                cut=fmt_number(r["cut"], lang, meth.decimals),
                pct=fmt_number(r["cut_pct"], lang, 1),
            )
            for r in top_units.to_dict("records")
        ),
    )
    title = t("chart_cut_title", lang, level=ctx.level_name(lv), year=year)
    top = float(by_unit["cut"].max()) if len(by_unit) else 1.0
    out["chart"] = chart_parts(
        ctx,
        len(by_unit),
        lambda start, stop, caption: charts.plot_cuts(
            [ctx.unit_name(u) for u in by_unit["unit_id"].iloc[start:stop]],
            by_unit["cut"].iloc[start:stop].tolist(),
            lang=lang,
            title=caption,
            decimals=meth.decimals,
            top=top,
        ),
        alt=t("alt_cut", lang),
        key=f"cuts-{lv}",
        caption=title,
    )
    wide = cuts.pivot(index="unit_id", columns="field_id", values="cut")
    fields = [x.id for x in meth.fields if x.id in wide.columns]
    wide = wide.reindex(index=by_unit["unit_id"], columns=fields)
    frame = pd.DataFrame({t("col_unit", lang): [ctx.unit_name(u) for u in wide.index]})
    for fid in fields:
        frame[field_number(ctx, lv, fid)] = [fmt_number(v, lang, meth.decimals) for v in wide[fid]]
    frame[t("col_self", lang)] = [fmt_number(v, lang, meth.decimals) for v in by_unit["self_assessed"]]
    frame[t("col_appraised", lang)] = [fmt_number(v, lang, meth.decimals) for v in by_unit["appraised"]]
    frame[t("col_cut", lang)] = [fmt_number(v, lang, meth.decimals) for v in by_unit["cut"]]
    out["table"] = table_block(
        ctx,
        frame,
        f"cuts-{lv}",
        t("appraisal_fields_caption", lang, level=ctx.level_name(lv), year=year),
        numeric=list(frame.columns[1:]),
        cls="small",
        illustrative=ctx.ds.is_illustrative(year),
    )
    out["field_key"] = field_key(ctx, lv, fields)
    return out


def dataset_folder(ds: Dataset) -> str:
    """The folder a dataset kept outside the project is built from, by its name (as ``parlib build``
    takes it from the folder that holds it); "" for a dataset shipped under data/raw/, which is
    built by its id."""
    return "" if is_embedded(ds) else ds.root.name


def html_methods(ctx: ReportContext) -> str:
    """Methodology in force per level, band rule, rank rule, every source with its URL, every
    file with its sha256, and the assumptions."""
    lang, ds = ctx.lang, ctx.ds
    levels = []
    for lv in ctx.levels:
        meth = ds.methodology_for(ctx.year, lv)
        items = [
            t(
                "m_methodology",
                lang,
                level=ctx.level_name(lv),
                year=ctx.year,
                title=meth.title[lang],
                max=fmt_number(meth.max_total, lang, 0),
                dec=meth.decimals,
            )
        ]
        items += [n[lang] for n in meth.notes]
        bands = []
        for i, b in enumerate(meth.bands):
            above = meth.bands[i - 1] if i else None
            if i == len(meth.bands) - 1 and above is not None and not (b.min_total or b.min_pct):
                # the last band from 0 is "below" the band above it (Yếu dưới 50, not Yếu từ 0)
                if above.min_total is not None:
                    bands.append(
                        t(
                            "m_band_item_below_total",
                            lang,
                            band=b.name[lang],
                            min=fmt_number(above.min_total, lang, 2, trim=True),
                        )
                    )
                else:
                    bands.append(
                        t(
                            "m_band_item_below_pct",
                            lang,
                            band=b.name[lang],
                            min=fmt_number(above.min_pct or 0, lang, 2, trim=True),
                        )
                    )
                continue
            if b.min_total is not None:
                s = t("m_band_item_total", lang, band=b.name[lang], min=fmt_number(b.min_total, lang, 2, trim=True))
            else:
                s = t("m_band_item_pct", lang, band=b.name[lang], min=fmt_number(b.min_pct or 0, lang, 2, trim=True))
            if b.min_field_pct is not None:
                s += t("m_band_field", lang, min=fmt_number(b.min_field_pct, lang, 1, trim=True))
            if b.min_survey is not None:
                s += t("m_band_survey", lang, min=fmt_number(b.min_survey, lang, 2, trim=True))
            bands.append(s)
        items.append(t("m_bands", lang, items="; ".join(bands)))
        items.append(t("m_gran_" + ctx.scores.granularity[(ctx.year, lv)], lang, year=ctx.year))
        levels.append(items)
    used = {tb.source for tb in ds.tables} | set(ds.sources)
    sources = []
    for sid in sorted(used):
        src = ds.sources[sid]
        text = t(
            "m_source_item",
            lang,
            title=src.title[lang],
            publisher=src.publisher[lang],
            published=fmt_date(src.date_published, lang),
            accessed=fmt_date(src.date_accessed, lang),
            provenance=t(f"prov_{src.provenance}", lang),
        )
        sources.append({"text": text, "url": src.url, "link": src.url.startswith(("http://", "https://"))})
    frame = pd.DataFrame(
        [
            {
                t("col_year", lang): str(tb.year),
                t("col_level", lang): ctx.level_name(tb.level),
                t("col_file", lang): tb.rel,
                t("col_provenance", lang): t(f"prov_{tb.provenance}", lang),
                "sha256": tb.sha256,
            }
            for tb in ds.tables
        ]
    )
    return _render(
        ctx,
        "methods.html.j2",
        levels=levels,
        sources=sources,
        dataset_folder=dataset_folder(ds),
        files=table_block(ctx, frame, "files", t("h_files", lang), cls="small files"),
        assumptions=[a[lang] for a in ds.assumptions],
        dataset_ref=ds.id,  # read only for a dataset shipped under data/raw/ (else dataset_folder)
    )


def html_published(ctx: ReportContext) -> str:
    """Each printed figure, the computed value and whether they match."""
    lang = ctx.lang
    figs = get_checks(ctx.analysis, load_published(ctx.ds)).to_dict("records")
    if not figs:
        return _render(ctx, "published.html.j2", figures=[])
    ok = sum(bool(f["match"]) for f in figs)
    frame = pd.DataFrame(
        [
            {
                t("col_figure", lang): f["id"],
                t("col_sentence", lang): f["sentence"],
                t("col_printed", lang): f["printed"],
                t("col_computed", lang): f["computed"] or "—",
                t("col_match", lang): t("yes" if f["match"] else "no", lang),
            }
            for f in figs
        ]
    )
    colours = ["#d9f0d3" if f["match"] else "#f4a582" for f in figs]
    table = table_block(
        ctx,
        frame,
        "published",
        t("cap_published", lang, year=ctx.year),
        numeric=[t("col_printed", lang), t("col_computed", lang)],
        colours={t("col_match", lang): colours},
        cls="small",
    )
    bad = sum(f["status"] == "differ" for f in figs)
    return _render(
        ctx,
        "published.html.j2",
        figures=figs,
        ok=fmt_count(ok, lang=lang),
        n=fmt_count(len(figs), lang=lang),
        table=table,
        bad=fmt_count(bad, lang=lang) if bad else None,
    )


def html_profiles(ctx: ReportContext) -> str:
    """Appendix: one compact block per unit (rank, total, band, change) with its fields against the
    level median as small bars (one small SVG per unit, so that 27 units cost no chart rendering and
    500 units print in seconds: WeasyPrint lays a flex container out again for every page it spans)."""
    return _render(ctx, "profiles.html.j2", levels=[_profiles_level(ctx, lv) for lv in ctx.levels])


@dataclass(frozen=True)
class ProfileBar:
    """One field of a unit's profile: its number in the field key, its name, the unit's % of maximum
    and the level median (both 0–100), and the value as printed."""

    label: str
    name: str
    pct: float
    median: float
    value: str


# Geometry of a profile's bars, in SVG user units. Vertically a unit is 1 mm: the SVG is as tall as
# its rows in mm, so that the field numbers and values, printed as HTML text beside it with a line
# height of one row (report.css, .bar-block), sit on their rows. Horizontally the track stretches
# to the card's width (preserveAspectRatio="none").
PROFILE_WIDTH = 62.4
PROFILE_TRACK_X = 0.2
PROFILE_TRACK_WIDTH = 62.0
PROFILE_ROW = 3.2
PROFILE_BAR = 2.6
PROFILE_MEDIAN_WIDTH = 0.28


def _rect(x: float, y: float, w: float, h: float) -> str:
    return f"M{x:.2f} {y:.2f}h{w:.2f}v{h:.2f}h{-w:.2f}z"


def _track_length(pct: float) -> float:
    """A percentage as a length along the track, drawn at the edge when outside 0–100."""
    return PROFILE_TRACK_WIDTH * max(0.0, min(100.0, pct)) / 100


def get_profile_svg(bars: Sequence[ProfileBar], aria_label: str) -> str:
    """A unit's fields as one small SVG of shapes only: per field a row with a grey track, a bar as
    long as the unit's % of maximum (orange when below the level median, blue otherwise) and a black
    line at the median. Shapes of one colour share one path, so a unit is four paths whatever its
    size (percentages outside 0–100 are drawn at the edge). The field numbers and values are HTML
    beside it (profiles.html.j2): WeasyPrint draws SVG text one letter at a time, and a 500-unit
    appendix's 8,000 texts took a tenth of its PDF's time."""
    track: list[str] = []
    above: list[str] = []
    below: list[str] = []
    medians: list[str] = []
    for i, b in enumerate(bars):
        y = i * PROFILE_ROW
        top = y + (PROFILE_ROW - PROFILE_BAR) / 2
        track.append(_rect(PROFILE_TRACK_X, top, PROFILE_TRACK_WIDTH, PROFILE_BAR))
        width = _track_length(b.pct)
        if width > 0:
            (below if b.pct < b.median else above).append(_rect(PROFILE_TRACK_X, top, width, PROFILE_BAR))
        x_median = PROFILE_TRACK_X + _track_length(b.median)
        medians.append(_rect(x_median - PROFILE_MEDIAN_WIDTH / 2, y, PROFILE_MEDIAN_WIDTH, PROFILE_ROW))
    height = PROFILE_ROW * len(bars)
    paths = "".join(
        f'<path class="{cls}" d="{"".join(d)}" fill="{fill}"/>'
        for cls, d, fill in (
            ("track", track, "#eef1f5"),
            ("bar", above, "#2c7bb6"),
            ("bar below", below, "#D55E00"),
            ("median", medians, "#1d1d1d"),
        )
        if d
    )
    return (
        f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PROFILE_WIDTH:.1f} {height:.1f}" '
        f'preserveAspectRatio="none" style="height:{height:.1f}mm" role="img" '
        f'aria-label="{html.escape(aria_label)}">{paths}</svg>'
    )


def _profiles_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, la = ctx.lang, ctx.analysis.level(lv)
    meth = la.methodology
    changes = la.changes.set_index("unit_id") if la.changes is not None else None
    fields = la.fields.dropna(subset=["pct"]) if not la.fields.empty else la.fields
    medians = (
        dict(zip(la.field_summary["field_id"], la.field_summary["median_pct"])) if la.field_summary is not None else {}
    )
    order = [f for f in meth.field_ids() if f in medians]
    pct_of: dict[tuple[str, str], float] = (
        {(u, f): float(p) for u, f, p in zip(fields["unit_id"], fields["field_id"], fields["pct"])} if order else {}
    )
    labels = {fid: (field_number(ctx, lv, fid), ctx.field_name(lv, fid)) for fid in order}
    units = []
    for r in la.units.to_dict("records"):
        facts = [
            t("pf_rank", lang, rank="—" if is_missing(r["rank"]) else int(r["rank"])),
            t("pf_total", lang, total=fmt_number(r["total"], lang, meth.decimals)),
            ctx.band_name(lv, r["band"]),
        ]
        if changes is not None and r["unit_id"] in changes.index:
            c = changes.loc[r["unit_id"]]
            if not is_missing(c["change"]):
                facts.append(
                    t(
                        "pf_change",
                        lang,
                        change=fmt_number(c["change"], lang, meth.decimals, sign=True),
                        prev=ctx.prev_year,
                        rank=fmt_rank_change(c["rank_change"], lang),
                    )
                )
        mine = [(fid, pct_of[(r["unit_id"], fid)]) for fid in order if (r["unit_id"], fid) in pct_of]
        bars = [ProfileBar(*labels[fid], pct, float(medians[fid]), fmt_number(pct, lang, 1)) for fid, pct in mine]
        aria = "; ".join(
            t("pf_bar", lang, field=b.name, value=b.value, median=fmt_number(b.median, lang, 1)) for b in bars
        )
        units.append(
            {
                "name": ctx.unit_name(r["unit_id"]),
                "anchor": f"unit-{_uuid(r['unit_id'])}",
                "facts": facts,
                "bars": Markup(get_profile_svg(bars, aria)) if bars else "",
                "bar_labels": [b.label for b in bars],
                "bar_values": [b.value for b in bars],
            }
        )
    return {
        "name": ctx.level_name(lv),
        "anchor": f"profiles-{lv}",
        "units": units,
        "field_key": field_key(ctx, lv, order) if order else "",
        "illustrative": ctx.ds.is_illustrative(ctx.year),
    }


#: Every section's drawing function, the most costly first (at 500 units: the strengths, the
#: appraisal and the changes are most of the time, each mostly charts): the order in which
#: worker processes start them, so that the last to finish is a short one.
SECTIONS_BY_COST: list[tuple[str, Callable[[ReportContext], str]]] = [
    ("strengths", html_strengths),
    ("robustness", html_robustness),
    ("appraisal", html_appraisal),
    ("changes", html_changes),
    ("ranking", html_ranking),
    ("profiles", html_profiles),
    ("summary", html_summary),
    ("title", html_title),
    ("published", html_published),
    ("methods", html_methods),
]


def _show_section(ctx: ReportContext, name: str, draw: Callable[[ReportContext], str]) -> None:
    show(draw_section(ctx.workers, name, partial(draw, ctx)))


def show_profiles(ctx: ReportContext) -> None:
    """Display :func:`html_profiles`."""
    _show_section(ctx, "profiles", html_profiles)


def show_title(ctx: ReportContext) -> None:
    """Display :func:`html_title`."""
    _show_section(ctx, "title", html_title)


def show_summary(ctx: ReportContext) -> None:
    """Display :func:`html_summary`."""
    _show_section(ctx, "summary", html_summary)


def show_ranking(ctx: ReportContext) -> None:
    """Display :func:`html_ranking`."""
    _show_section(ctx, "ranking", html_ranking)


def show_robustness(ctx: ReportContext) -> None:
    """Display :func:`html_robustness`."""
    _show_section(ctx, "robustness", html_robustness)


def show_strengths(ctx: ReportContext) -> None:
    """Display :func:`html_strengths`."""
    _show_section(ctx, "strengths", html_strengths)


def show_changes(ctx: ReportContext) -> None:
    """Display :func:`html_changes`."""
    _show_section(ctx, "changes", html_changes)


def show_appraisal(ctx: ReportContext) -> None:
    """Display :func:`html_appraisal`."""
    _show_section(ctx, "appraisal", html_appraisal)


def show_methods(ctx: ReportContext) -> None:
    """Display :func:`html_methods`."""
    _show_section(ctx, "methods", html_methods)


def show_published(ctx: ReportContext) -> None:
    """Display :func:`html_published`."""
    _show_section(ctx, "published", html_published)
