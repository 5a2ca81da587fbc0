"""The words of the report's section "How robust are the ranks" (Độ tin cậy của xếp hạng), in
Vietnamese and English.

Every sentence is computed from a level's :class:`~parlib.model.robustness.RankUncertainty` and
:class:`~parlib.model.coherence.Coherence` (read from the Analysis, never recomputed); a sentence
about something the data does not have is left out, and a short section says why it is short.
Functions return plain text (NFC) or frames of text; :mod:`parlib.report.sections` makes the HTML.
The words are in :data:`parlib.report.i18n.STRINGS` under keys ``rb_*``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from parlib.data.dataset import Dataset
from parlib.model.analysis import LevelAnalysis
from parlib.model.robustness import INPUTS, NoiseSpec
from parlib.report.i18n import fmt_count, fmt_number, t


def p(key: str, lang: str, **values: object) -> str:
    """The phrase ``key`` of this section (``rb_<key>`` in :data:`parlib.report.i18n.STRINGS`) in
    ``lang`` with ``values`` filled in, in NFC."""
    return t(f"rb_{key}", lang, **values)


def fmt_share(share: float, lang: str) -> str:
    """A probability as a percentage: whole percents, one decimal near 0 and 100 so that 99,6% is
    never printed as 100% (which would claim every draw): "97%", "99,6%", "100%"."""
    v = float(share) * 100.0
    d = 0 if v in (0.0, 100.0) or 1.0 <= v <= 99.0 else 1
    if 0 < v < 0.05:
        return "< 0,1%" if lang == "vi" else "< 0.1%"
    if 99.95 <= v < 100:
        return "> 99,9%" if lang == "vi" else "> 99.9%"
    return fmt_number(v, lang, d) + "%"


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + p("and", lang) + items[-1]


def _names(ds: Dataset, ids: list[str], lang: str) -> str:
    units = ds.units()
    return _join([units[u].name[lang] for u in ids], lang)


def intro(spec: NoiseSpec, lang: str) -> str:
    """What the Monte Carlo varies, how much, how many draws and the seed."""
    what = []
    if spec.weights > 0:
        what.append(p("v_weights", lang, pct=fmt_number(spec.weights * 100, lang, 0)))
    if spec.survey > 0:
        what.append(
            p("v_survey", lang, lo=fmt_number(1 - spec.survey, lang, 2), hi=fmt_number(1 + spec.survey, lang, 2))
        )
    if spec.rounding:
        what.append(p("v_rounding", lang))
    return p("intro", lang, draws=fmt_number(spec.draws, lang, 0), seed=spec.seed, what="; ".join(what))


def reason(la: LevelAnalysis, ds: Dataset, lang: str) -> str:
    """Why a level has no rank uncertainty."""
    if la.robustness_reason == "partial":
        return p("r_partial", lang, year=la.year, noun=ds.level(la.level).noun[lang])
    return p("r_too_few_units", lang, n=int(la.units["total"].notna().sum()))


def notes(la: LevelAnalysis, lang: str) -> list[str]:
    """What did not vary in this level, and why; the survey's assumed share."""
    ru = la.robustness
    assert ru is not None  # notes are written only for a level whose ranks' uncertainty was computed
    out = []
    if ru.kind == "totals":
        out.append(p("n_totals", lang))
    else:
        if ru.not_varied.get("weights") == "no_fields":
            out.append(p("n_no_fields", lang))
        if ru.not_varied.get("survey") == "no_survey":
            out.append(p("n_no_survey", lang))
    off = [p(f"in_{k}", lang) for k in INPUTS if ru.not_varied.get(k) == "off"]
    if off:
        out.append(p("n_off", lang, what=_join(off, lang)))
    if ru.survey_max_assumed and ru.survey_share is not None and "survey" in ru.varied:
        out.append(p("n_survey_assumed", lang, pct=fmt_number(ru.survey_share * 100, lang, 1)))
    return out


def sentences(la: LevelAnalysis, ds: Dataset, lang: str) -> list[str]:
    """The quotable sentences of one level: who is first and how often, who cannot leave last
    place, which ranks cannot be told apart, how wide the intervals are, which bands are unsure."""
    ru = la.robustness
    assert ru is not None  # sentences are written only for a level whose ranks' uncertainty was computed
    u = ru.units
    noun = ds.level(la.level).noun[lang]
    out = []
    firsts = u[u["nominal_rank"] == 1]
    for r in firsts.to_dict("records"):
        if r["p_first"] >= 1.0:
            out.append(p("s_first_all", lang, unit=_names(ds, [r["unit_id"]], lang)))
            continue
        text = p("s_first", lang, unit=_names(ds, [r["unit_id"]], lang), pct=fmt_share(r["p_first"], lang))
        others = u[(u["nominal_rank"] != 1) & (u["p_first"] > 0)].sort_values(
            ["p_first", "nominal_rank"], ascending=[False, True]
        )
        if len(firsts) == 1 and len(others):
            o = others.iloc[0]
            text += p("s_first_other", lang, unit=_names(ds, [o["unit_id"]], lang), pct=fmt_share(o["p_first"], lang))
        out.append(text + ".")
    n = len(u)
    lasts = u[u["nominal_rank"] == u["nominal_rank"].max()] if n > 1 else u.iloc[0:0]
    for r in lasts.to_dict("records"):
        key = "s_last_all" if r["p_last"] >= 1.0 else "s_last"
        out.append(p(key, lang, unit=_names(ds, [r["unit_id"]], lang), pct=fmt_share(r["p_last"], lang)))
    if n > 1:
        if len(ru.groups):
            ranges = [
                p("range", lang, a=g["first_rank"], b=g["last_rank"])
                if g["last_rank"] != g["first_rank"]
                else str(g["first_rank"])
                for g in ru.groups.to_dict("records")
            ]  # a tie: "2"
            out.append(p("s_groups", lang, noun=noun, ranges=_join(ranges, lang)))
        else:
            out.append(p("s_groups_none", lang))
    lvl = ru.level
    out.append(
        p(
            "s_wide",
            lang,
            n=fmt_count(lvl["n_wide"], lvl["n_units"], lang)
            if lang == "vi"
            else f"{lvl['n_wide']} of {lvl['n_units']}",
            noun=noun,
            wide=lvl["wide"],
            shift=fmt_number(lvl["mean_abs_shift"], lang, 2),
        )
    )
    has_band = u["unit_id"].map(dict(zip(la.units["unit_id"], la.units["band"]))).notna()
    unsure = u[has_band & (u["p_band"] < 0.95)].sort_values(["p_band", "nominal_rank"])
    if (u.loc[has_band, "p_band"] >= 1.0).all():
        out.append(p("s_band_all", lang))
    elif len(unsure):
        bands = dict(zip(la.units["unit_id"], la.units["band"]))
        items = [
            p(
                "s_band_item",
                lang,
                unit=_names(ds, [r["unit_id"]], lang),
                band=la.methodology.band(bands[r["unit_id"]]).name[lang],
                pct=fmt_share(r["p_band"], lang),
            )
            for r in unsure.head(5).to_dict("records")
        ]
        out.append(p("s_band_some", lang, items="; ".join(items)))
        out.append(p("s_band_sure", lang))
    return out


def uncertainty_table(la: LevelAnalysis, ds: Dataset, lang: str) -> pd.DataFrame:
    """One row per unit in published order: published rank, unit, median rank, 5–95% interval,
    how often it keeps its band and ranks first."""
    units = ds.units()
    assert la.robustness is not None
    u = la.robustness.units
    return pd.DataFrame(
        {
            p("col_rank", lang): u["nominal_rank"].astype(str),
            p("col_unit", lang): [units[x].name[lang] for x in u["unit_id"]],
            p("col_median", lang): u["median_rank"].astype(str),
            p("col_interval", lang): [f"{a}–{b}" if a != b else str(a) for a, b in zip(u["p5"], u["p95"])],
            p("col_band", lang): [fmt_share(x, lang) for x in u["p_band"]],
            p("col_first", lang): [fmt_share(x, lang) for x in u["p_first"]],
        }
    )


def sensitivity_sentence(la: LevelAnalysis, lang: str) -> str | None:
    """Which varied input moves the ranks most (by total effect); None when not computed."""
    assert la.robustness is not None
    s = la.robustness.sensitivity
    if s.empty:
        return None
    if s["total_effect"].isna().all():
        return p("s_sens_none", lang)
    top = s.sort_values("total_effect", ascending=False).iloc[0]
    return p(
        "s_sens",
        lang,
        input=p(f"in_{top['input']}", lang),
        st=fmt_number(_unit(top["total_effect"]), lang, 2),
        s1=fmt_number(_unit(top["first_order"]), lang, 2),
    )


def _unit(v: float) -> float:
    """An estimated share shown within [0, 1] (the estimators can stray slightly outside)."""
    return min(1.0, max(0.0, float(v)))


def sensitivity_table(la: LevelAnalysis, lang: str) -> pd.DataFrame:
    """The first-order and total effect of each varied input (estimates shown within 0 and 1)."""
    assert la.robustness is not None
    s = la.robustness.sensitivity
    return pd.DataFrame(
        {
            p("col_input", lang): [p(f"in_{x}", lang) for x in s["input"]],
            p("col_s1", lang): [fmt_number(_unit(v), lang, 2) if pd.notna(v) else "—" for v in s["first_order"]],
            p("col_st", lang): [fmt_number(_unit(v), lang, 2) if pd.notna(v) else "—" for v in s["total_effect"]],
        }
    )


def coherence_sentences(la: LevelAnalysis, ds: Dataset, lang: str, field_label: Callable[[str], str]) -> list[str]:
    """The coherence of one level's fields in sentences (or why there is none). ``field_label``
    gives a field's number as the charts label it."""
    c = la.coherence
    if c is None or c.reason == "no_fields":
        return [p("c_no_fields", lang)]
    if c.reason == "too_few_units":
        return [p("c_too_few_units", lang, n=c.n_units)]
    if c.reason == "too_few_fields":
        return [p("c_too_few_fields", lang, k=c.n_fields)]
    names = {f.id: f.name[lang] for f in la.methodology.fields}
    noun = ds.level(la.level).noun[lang]
    out = [
        p("c_alpha_high" if c.alpha >= 0.7 else "c_alpha_low", lang, k=c.n_fields, alpha=fmt_number(c.alpha, lang, 2))
    ]
    neg = c.field_vs_rest[c.field_vs_rest < -0.005].sort_values()  # below zero at the printed 2 decimals
    if len(neg):
        out.append(
            p(
                "c_rest_negative",
                lang,
                items="; ".join(f"{names[str(f)]} ({fmt_number(v, lang, 2)})" for f, v in neg.items()),
            )
        )  # f: a field id
    st = c.field_stats
    flat = st[st["non_discriminating"]]
    for r in flat.to_dict("records"):
        if r["reason"] == "near_max":
            n = (
                fmt_count(r["n_near_max"], r["n_units"], lang)
                if lang == "vi"
                else f"{r['n_near_max']} of {r['n_units']}"
            )
            out.append(p("c_flat", lang, field=names[r["field_id"]], noun=noun, n=n, thr=fmt_number(95, lang, 0)))
        else:
            out.append(p("c_tiny", lang, field=names[r["field_id"]], noun=noun, sd=fmt_number(r["sd_pct"], lang, 1)))
    if flat.empty:
        out.append(
            p(
                "c_all_discriminate",
                lang,
                noun=noun,
                share=fmt_number(85, lang, 0),
                thr=fmt_number(95, lang, 0),
                sd=fmt_number(2, lang, 0),
            )
        )
    for r in st[st["outlier_flag"]].to_dict("records"):
        out.append(
            p(
                "c_skew",
                lang,
                field=names[r["field_id"]],
                skew=fmt_number(r["skew"], lang, 2),
                kurt=fmt_number(r["kurt"], lang, 2),
            )
        )
    uo = c.unit_outliers
    if uo.empty:
        out.append(p("c_outliers_none", lang))
    else:
        units = ds.units()
        items = [
            p(
                "c_outlier_item",
                lang,
                unit=units[r["unit_id"]].name[lang],
                num=field_label(r["field_id"]),
                z=fmt_number(r["robust_z"], lang, 1),
            )
            for r in uo.head(5).to_dict("records")
        ]
        more = p("c_outliers_more", lang, n=len(uo) - 5) if len(uo) > 5 else ""
        out.append(p("c_outliers", lang, items="; ".join(items) + more))
    return out
