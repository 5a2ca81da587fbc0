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
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parlib.check.published import get_checks
from parlib.data.dataset import Dataset, embedded_datasets
from parlib.data.load import load_dataset
from parlib.data.published import load_published
from parlib.errors import DataError
from parlib.model.analysis import Analysis, analyse
from parlib.model.fields import get_heatmap_table, has_appraisal
from parlib.model.scoring import Scores
from parlib.report import charts
from parlib.report.i18n import LANGS, fmt_count, fmt_number, fmt_rank_change, is_missing, t
from parlib.report.narrative import level_summary
from parlib.report.templating import render


@dataclass(frozen=True)
class ReportContext:
    """What every section needs: the analysis of the year (computed once) and the language."""

    analysis: Analysis
    lang: str

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

    def unit_name(self, unit_id: str) -> str:
        return self.ds.units()[unit_id].name[self.lang]

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
        raise ValueError(f"parameter year: dataset {ds.id!r} has no year {year}; "
                         f"choose among {', '.join(map(str, ds.years))}")
    return ReportContext(analyse(ds, year), str(lang))


# --- HTML helpers -------------------------------------------------------------------------------

def _uuid(*parts: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(str(p) for p in parts).lower()).strip("-")


def table_html(frame: pd.DataFrame, uuid: str, *, numeric: list[str] = (), colours: dict[str, list[str]] | None = None,
               cls: str = "", nowrap: list[str] = ()) -> str:
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


def chart(fig, alt: str) -> dict[str, str]:
    """A chart for the ``figure`` macro: its PNG as a data URI (no file, no request) and its alt text."""
    data = base64.b64encode(charts.png_bytes(fig)).decode("ascii")
    return {"src": f"data:image/png;base64,{data}", "alt": alt}


def _render(ctx: ReportContext, template: str, **values: object) -> str:
    """A section's template filled in, with ``tr(key, ...)`` giving the report's words."""
    lang = ctx.lang
    return render(template, tr=lambda key, **kw: t(key, lang, **kw), lang=lang, year=ctx.year, **values)


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


def html_title(ctx: ReportContext) -> str:
    """Title, subtitle, publisher and, when any row is illustrative, the banner."""
    return _render(ctx, "title.html.j2", title=ctx.ds.title[ctx.lang], publisher=ctx.ds.publisher[ctx.lang],
                   illustrative_tables=illustrative_tables(ctx))


def html_summary(ctx: ReportContext) -> str:
    """The summary in prose, one paragraph per level."""
    return _render(ctx, "summary.html.j2", paragraphs=[level_summary(ctx.analysis, lv, ctx.lang) for lv in ctx.levels],
                   illustrative=ctx.ds.is_illustrative(ctx.year))
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
    rows, cols = [], []
    for r in cur.itertuples(index=False):
        change, rchange = "—", "—"
        if yoy is not None and r.unit_id in yoy.index:
            y = yoy.loc[r.unit_id]
            if not is_missing(y["change"]):
                change = fmt_number(y["change"], lang, meth.decimals, sign=True)
            else:
                key = {"new": "status_new", "unpublished": "status_unpublished"}.get(y["status"])
                change = t(key, lang) if key else "—"
            if not is_missing(y["rank_change"]):
                rchange = fmt_number(int(y["rank_change"]), lang, 0, sign=True)
        rows.append({
            t("col_rank", lang): "—" if is_missing(r.rank) else str(int(r.rank)),
            t("col_unit", lang): ctx.unit_name(r.unit_id) + (t("inferred_mark", lang) if r.provenance == "inferred" else ""),
            t("col_total", lang): fmt_number(r.total, lang, meth.decimals),
            t("col_pct", lang): fmt_number(r.pct, lang, 1),
            t("col_band", lang): ctx.band_name(level, r.band),
            t("col_change", lang): change,
            t("col_rank_change", lang): rchange,
        })
        cols.append(_tint(colours.get(r.band, "")) if not is_missing(r.band) else "")
    del meth_band_ids
    return pd.DataFrame(rows), cols


def _tint(hex_colour: str, alpha: float = 0.35) -> str:
    """A light tint of a colour (for table cells behind dark text)."""
    if not hex_colour:
        return ""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * alpha) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def html_ranking(ctx: ReportContext) -> str:
    """Per level: the ranked table and the ranked bar chart coloured by band."""
    lang, year = ctx.lang, ctx.year
    levels = []
    for lv in ctx.levels:
        meth = ctx.ds.methodology_for(year, lv)
        frame, colours = ranking_frame(ctx, lv)
        numeric = [t(k, lang) for k in ("col_rank", "col_total", "col_pct", "col_change", "col_rank_change")]
        table = table_html(frame, _uuid("rank", lv), numeric=numeric, colours={t("col_band", lang): colours},
                           nowrap=[t("col_band", lang)])
        units = ctx.scores.level_units(year, lv)
        cur = units.dropna(subset=["total"]).sort_values(["rank", "unit_id"])
        fig = None
        if len(cur):
            fig = chart(charts.plot_ranked_bar([ctx.unit_name(u) for u in cur["unit_id"]], cur["total"].tolist(),
                                               cur["band"].tolist(), {b.id: b.name[lang] for b in meth.bands}, lang=lang,
                                               max_total=meth.max_total, decimals=meth.decimals,
                                               title=t("chart_bar_title", lang, level=ctx.level_name(lv), year=year)),
                        t("alt_bar", lang))
        levels.append({"name": ctx.level_name(lv), "table": table, "chart": fig,
                       "inferred": bool((units["provenance"] == "inferred").any())})
    return _render(ctx, "ranking.html.j2", levels=levels)


def field_number(ctx: ReportContext, level: str, field_id: str) -> str:
    """A field's number in its methodology (1-based), used as a short label in charts and tables."""
    ids = ctx.ds.methodology_for(ctx.year, level).field_ids()
    return str(ids.index(field_id) + 1) if field_id in ids else field_id


def field_key(ctx: ReportContext, level: str, field_ids: list[str]) -> str:
    """The key of numbered field labels: "Lĩnh vực: 1: Công tác chỉ đạo…; 2: …"."""
    items = "; ".join(f"{field_number(ctx, level, f)}: {ctx.field_name(level, f)}" for f in field_ids)
    return t("field_key", ctx.lang, items=items)


def html_strengths(ctx: ReportContext) -> str:
    """Per level: heatmap of % of maximum, field summary, strongest and weakest fields, and each
    unit's two strongest and two weakest fields against the level median; or why it is left out."""
    return _render(ctx, "strengths.html.j2", levels=[_strengths_level(ctx, lv) for lv in ctx.levels])


def _strengths_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, year = ctx.lang, ctx.year
    out: dict[str, object] = {"name": ctx.level_name(lv), "omitted": ""}
    f = ctx.scores.level_fields(year, lv)
    if f.empty or f["pct"].isna().all():
        gran = t(f"gran_{ctx.scores.granularity[(year, lv)]}", lang)
        out["omitted"] = t("missing_fields", lang, level=ctx.level_name(lv), year=year, granularity=gran)
        return out
    f = f.dropna(subset=["pct"])
    order = ctx.scores.level_units(year, lv).sort_values(["rank", "unit_id"])["unit_id"].tolist()
    field_order = [x.id for x in ctx.ds.methodology_for(year, lv).fields if x.id in set(f["field_id"])]
    table = get_heatmap_table(f, [u for u in order if u in set(f["unit_id"])], field_order)
    table.index = [ctx.unit_name(u) for u in table.index]
    table.columns = [field_number(ctx, lv, c) for c in table.columns]
    out["chart"] = chart(charts.plot_heatmap(table, lang=lang, title=t("chart_heat_title", lang, level=ctx.level_name(lv), year=year)),
                         t("alt_heat", lang))
    out["field_key"] = field_key(ctx, lv, field_order)
    summ = ctx.analysis.level(lv).field_summary
    strong, weak = summ.iloc[0], summ.iloc[-1]
    out["level_sentence"] = t("sw_level", lang, level=ctx.level_name(lv).lower(),
                              strong=ctx.field_name(lv, strong["field_id"]), spct=fmt_number(strong["median_pct"], lang, 1),
                              weak=ctx.field_name(lv, weak["field_id"]), wpct=fmt_number(weak["median_pct"], lang, 1))
    frame = pd.DataFrame({
        t("col_field", lang): [f"{field_number(ctx, lv, x)}. {ctx.field_name(lv, x)}" for x in summ["field_id"]],
        t("col_max", lang): [fmt_number(x, lang, 0) for x in summ["max"]],
        t("col_median_pct", lang): [fmt_number(x, lang, 1) for x in summ["median_pct"]],
        t("col_min_pct", lang): [fmt_number(x, lang, 1) for x in summ["min_pct"]],
        t("col_max_pct", lang): [fmt_number(x, lang, 1) for x in summ["max_pct"]],
    })
    out["table"] = table_html(frame, _uuid("fields", lv), numeric=list(frame.columns[1:]))
    sw = ctx.analysis.level(lv).strengths_weaknesses
    items = []
    for uid in order:  # every unit gets its sentence, even one with no field off the median
        u = sw[sw["unit_id"] == uid]
        parts = []
        for kind, key in (("strength", "sw_strong"), ("weakness", "sw_weak")):
            rows = u[u["kind"] == kind].sort_values("order")
            listed = [t("sw_item", lang, field=ctx.field_name(lv, r.field_id), pct=fmt_number(r.pct, lang, 1),
                        gap=fmt_number(r.gap, lang, 1, sign=True)) for r in rows.itertuples()]
            parts.append(t(key, lang, items=t("sw_and", lang).join(listed)) if listed else t(key + "_none", lang))
        items.append(t("sw_unit", lang, unit=ctx.unit_name(uid), strong=parts[0], weak=parts[1]))
    out["units"] = items
    return out


def html_changes(ctx: ReportContext) -> str:
    """Per level: dumbbell chart, counts, biggest movers, band transitions, new and missing units."""
    levels = [_changes_level(ctx, lv) for lv in ctx.levels] if ctx.prev_year is not None else []
    return _render(ctx, "changes.html.j2", prev_year=ctx.prev_year, levels=levels)


def _changes_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, year, prev_year = ctx.lang, ctx.year, ctx.prev_year
    out: dict[str, object] = {"name": ctx.level_name(lv), "omitted": "", "method_note": "", "chart": None,
                              "transitions": [], "table": ""}
    prev = ctx.scores.level_units(prev_year, lv)
    if prev.empty:
        out["omitted"] = t("missing_prev_level", lang, level=ctx.level_name(lv), prev=prev_year)
        return out
    m0, m1 = ctx.ds.methodology_for(prev_year, lv), ctx.ds.methodology_for(year, lv)
    if m0.id != m1.id:
        out["method_note"] = t("yoy_method_changed", lang, prev=prev_year, year=year, m0=m0.title[lang], m1=m1.title[lang])
    la = ctx.analysis.level(lv)
    yoy = la.changes
    noun = ctx.ds.level(lv).noun[lang]
    both = yoy[yoy["change"].notna()].sort_values(["rank", "unit_id"])
    if len(both):
        out["chart"] = chart(charts.plot_dumbbell(
            [ctx.unit_name(u) for u in both["unit_id"]], both["total_prev"].tolist(), both["total"].tolist(), lang=lang,
            prev_year=prev_year, year=year, max_total=m1.max_total,
            title=t("chart_dumbbell_title", lang, level=ctx.level_name(lv), prev=prev_year, year=year)), t("alt_dumbbell", lang))
    c = la.change_counts
    texts = []
    if len(both):
        n = {k: fmt_count(c[k], lang=lang) for k in ("up", "down", "same", "rank_up", "rank_down")}
        texts.append(t("yoy_counts", lang, n=fmt_count(len(both), lang=lang), noun=noun, up=n["up"],
                       down=n["down"], same=n["same"], rup=n["rank_up"], rdown=n["rank_down"]))
    unpublished = int((yoy["status"] == "unpublished").sum())
    if unpublished:
        texts.append(t("yoy_partial", lang, prev=prev_year, n=fmt_count(unpublished, lang=lang), noun=noun))
    movers = la.movers
    for kind, key, none_key in (("up", "yoy_up", "yoy_none_up"), ("down", "yoy_down", "yoy_none_down")):
        m = movers[kind]
        if len(both):
            items = [t("yoy_item_no_rank" if is_missing(r.rank_change) else "yoy_item", lang,
                       unit=ctx.unit_name(r.unit_id), change=fmt_number(r.change, lang, m1.decimals, sign=True),
                       rank=fmt_rank_change(r.rank_change, lang)) for r in m.itertuples()]
            texts.append(t(key, lang, items="; ".join(items)) if items else t(none_key, lang))
    new = yoy.loc[yoy["status"] == "new", "unit_id"].tolist()
    gone = yoy.loc[yoy["status"].isin(["missing", "merged"]), "unit_id"].tolist()
    if new:
        texts.append(t("yoy_new", lang, year=year, prev=prev_year, units=", ".join(ctx.unit_name(u) for u in new)))
    if gone:
        texts.append(t("yoy_missing", lang, year=year, prev=prev_year, units=", ".join(ctx.unit_name(u) for u in gone)))
    out["texts"] = texts
    moved = yoy[yoy["band_changed"]].sort_values(["rank", "unit_id"])
    if not moved.empty:
        out["transitions"] = [t("yoy_transition_item", lang, unit=ctx.unit_name(r.unit_id),
                                frm=ctx.band_name(lv, r.band_prev, prev_year), to=ctx.band_name(lv, r.band))
                              for r in moved.itertuples()]
        bands = [b.id for b in m1.bands]
        if la.band_transitions is not None:
            tr = la.band_transitions
            keep = [b for b in bands if tr.loc[b].sum() or tr[b].sum()]
            tr = tr.loc[keep, keep]
            frame = pd.DataFrame({t("col_from_to", lang): [ctx.band_name(lv, b) for b in keep]})
            for b in keep:
                frame[ctx.band_name(lv, b)] = [fmt_count(v, lang=lang) if v else "·" for v in tr[b]]
            out["table"] = table_html(frame, _uuid("transitions", lv), numeric=list(frame.columns[1:]), cls="narrow")
    return out


def html_appraisal(ctx: ReportContext) -> str:
    """Per level: points cut by appraisal per unit (chart) and per unit and field (table), and
    the units that claimed most beyond what was appraised; or why it is left out."""
    return _render(ctx, "appraisal.html.j2", levels=[_appraisal_level(ctx, lv) for lv in ctx.levels])


def _appraisal_level(ctx: ReportContext, lv: str) -> dict[str, object]:
    lang, year = ctx.lang, ctx.year
    out: dict[str, object] = {"name": ctx.level_name(lv), "omitted": ""}
    f = ctx.scores.level_fields(year, lv)
    if f.empty or not has_appraisal(f):
        out["omitted"] = t("missing_appraisal", lang, level=ctx.level_name(lv), year=year)
        return out
    meth = ctx.ds.methodology_for(year, lv)
    cuts = ctx.analysis.level(lv).appraisal_cuts
    by_unit = ctx.analysis.level(lv).appraisal_by_unit
    noun = ctx.ds.level(lv).noun[lang]
    total_cut = float(by_unit["cut"].sum())
    out["total"] = t("appraisal_total", lang, cut=fmt_number(total_cut, lang, meth.decimals, trim=True),
                     n=fmt_count(len(by_unit), lang=lang), noun=noun,
                     avg=fmt_number(total_cut / len(by_unit), lang, meth.decimals, trim=True))
    top = by_unit.head(3)
    out["top"] = t("appraisal_top", lang, items="; ".join(
        t("appraisal_item", lang, unit=ctx.unit_name(r.unit_id), cut=fmt_number(r.cut, lang, meth.decimals, trim=True),
          pct=fmt_number(r.cut_pct, lang, 1)) for r in top.itertuples()))
    out["chart"] = chart(charts.plot_cuts([ctx.unit_name(u) for u in by_unit["unit_id"]], by_unit["cut"].tolist(), lang=lang,
                                          title=t("chart_cut_title", lang, level=ctx.level_name(lv), year=year)),
                         t("alt_cut", lang))
    wide = cuts.pivot(index="unit_id", columns="field_id", values="cut")
    fields = [x.id for x in meth.fields if x.id in wide.columns]
    wide = wide.reindex(index=by_unit["unit_id"], columns=fields)
    frame = pd.DataFrame({t("col_unit", lang): [ctx.unit_name(u) for u in wide.index]})
    for fid in fields:
        frame[field_number(ctx, lv, fid)] = [fmt_number(v, lang, meth.decimals) for v in wide[fid]]
    frame[t("col_self", lang)] = [fmt_number(v, lang, meth.decimals) for v in by_unit["self_assessed"]]
    frame[t("col_appraised", lang)] = [fmt_number(v, lang, meth.decimals) for v in by_unit["appraised"]]
    frame[t("col_cut", lang)] = [fmt_number(v, lang, meth.decimals) for v in by_unit["cut"]]
    out["table"] = table_html(frame, _uuid("cuts", lv), numeric=list(frame.columns[1:]), cls="small")
    out["field_key"] = field_key(ctx, lv, fields)
    return out


def html_methods(ctx: ReportContext) -> str:
    """Methodology in force per level, band rule, rank rule, every source with its URL, every
    file with its sha256, and the assumptions."""
    lang, ds = ctx.lang, ctx.ds
    levels = []
    for lv in ctx.levels:
        meth = ds.methodology_for(ctx.year, lv)
        items = [t("m_methodology", lang, level=ctx.level_name(lv), year=ctx.year, title=meth.title[lang],
                   max=fmt_number(meth.max_total, lang, 0), dec=meth.decimals)]
        items += [n[lang] for n in meth.notes]
        bands = []
        for b in meth.bands:
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
        items.append(f'{t("col_year", lang)} {ctx.year}: {t("gran_" + ctx.scores.granularity[(ctx.year, lv)], lang)}.')
        levels.append(items)
    used = {tb.source for tb in ds.tables} | set(ds.sources)
    sources = []
    for sid in sorted(used):
        s = ds.sources[sid]
        text = t("m_source_item", lang, title=s.title, publisher=s.publisher, published=s.date_published,
                 accessed=s.date_accessed, provenance=t(f"prov_{s.provenance}", lang))
        sources.append({"text": text, "url": s.url, "link": s.url.startswith(("http://", "https://"))})
    frame = pd.DataFrame([{t("col_year", lang): str(tb.year), t("col_level", lang): ctx.level_name(tb.level),
                           t("col_file", lang): tb.rel, t("col_provenance", lang): t(f"prov_{tb.provenance}", lang),
                           "sha256": tb.sha256} for tb in ds.tables])
    dataset_ref = ds.id if ds.id in embedded_datasets() else ds.root.name
    return _render(ctx, "methods.html.j2", levels=levels, sources=sources,
                   files=table_html(frame, "files", cls="small files"),
                   assumptions=[a[lang] for a in ds.assumptions], dataset_ref=dataset_ref)


def html_published(ctx: ReportContext) -> str:
    """Each printed figure, the computed value and whether they match."""
    lang = ctx.lang
    figs = get_checks(ctx.analysis, load_published(ctx.ds)).to_dict("records")
    if not figs:
        return _render(ctx, "published.html.j2", figures=[])
    ok = sum(bool(f["match"]) for f in figs)
    frame = pd.DataFrame([{t("col_figure", lang): f["id"], t("col_sentence", lang): f["sentence"],
                           t("col_printed", lang): f["printed"], t("col_computed", lang): f["computed"] or "—",
                           t("col_match", lang): t("yes" if f["match"] else "no", lang)} for f in figs])
    colours = ["#d9f0d3" if f["match"] else "#f4a582" for f in figs]
    table = table_html(frame, "published", numeric=[t("col_printed", lang), t("col_computed", lang)],
                       colours={t("col_match", lang): colours}, cls="small")
    return _render(ctx, "published.html.j2", figures=figs, ok=fmt_count(ok, lang=lang), n=fmt_count(len(figs), lang=lang),
                   table=table)


def show_title(ctx: ReportContext) -> None:
    """Display :func:`html_title`."""
    show(html_title(ctx))


def show_summary(ctx: ReportContext) -> None:
    """Display :func:`html_summary`."""
    show(html_summary(ctx))


def show_ranking(ctx: ReportContext) -> None:
    """Display :func:`html_ranking`."""
    show(html_ranking(ctx))


def show_strengths(ctx: ReportContext) -> None:
    """Display :func:`html_strengths`."""
    show(html_strengths(ctx))


def show_changes(ctx: ReportContext) -> None:
    """Display :func:`html_changes`."""
    show(html_changes(ctx))


def show_appraisal(ctx: ReportContext) -> None:
    """Display :func:`html_appraisal`."""
    show(html_appraisal(ctx))


def show_methods(ctx: ReportContext) -> None:
    """Display :func:`html_methods`."""
    show(html_methods(ctx))


def show_published(ctx: ReportContext) -> None:
    """Display :func:`html_published`."""
    show(html_published(ctx))
