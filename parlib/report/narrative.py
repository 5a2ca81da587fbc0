"""The report's summary in prose, generated from scores, in the manner of the Báo Bắc Kạn article.

One function per kind of sentence, each pure: (analysis, level, lang) → a sentence in NFC,
plain text (the caller escapes it for HTML). A sentence that the data cannot support returns
``None`` and is left out; no sentence ever shows NaN. Numbers in prose are rounded half up to the
methodology's printed decimals, the same as in the tables (87,450; 90,766).
"""

from __future__ import annotations

import pandas as pd

from parlib.data.numbers import round_half_up_series
from parlib.data.published import load_published
from parlib.model.analysis import Analysis
from parlib.model.scoring import Scores
from parlib.report.i18n import fmt_count, fmt_number, in_sentence, is_missing, noun_for, t, verbs_for

#: Appended to a figure of an illustrative year that no publisher printed ("tăng 18 bậc†"); the
#: report shows it as a visible mark and explains it under the summary.
ILLUSTRATIVE_MARK = "†"


def _published(a: Analysis) -> set[tuple[str, str, int]]:
    """(measure, level or unit, year) of every figure the publisher printed (published.yml)."""
    keys = set()
    for f in load_published(a.dataset):
        where = f.args.get("unit") or f.args.get("level")
        for w in where if isinstance(where, list) else [where]:
            keys.add((f.measure, str(w), int(f.args.get("year", a.year))))
    return keys


def _mark(a: Analysis, text: str, year: int, *keys: tuple[str, str]) -> str:
    """``text`` as it stands in a sentence: marked illustrative when ``year``'s rows are illustrative
    and no figure the publisher printed is the same (measure, level or unit) of that year."""
    if not a.dataset.is_illustrative(year):
        return text
    printed = _published(a)
    if any((measure, where, year) in printed for measure, where in keys):
        return text
    return text + ILLUSTRATIVE_MARK


def _units_name(scores: Scores, unit_ids: list[str], lang: str, *, inside: bool = False) -> str:
    units = scores.dataset.units()
    names = [in_sentence(units[u].name[lang], lang) if inside else units[u].name[lang] for u in unit_ids]
    return (" và " if lang == "vi" else " and ").join(names)


def _prev(scores: Scores, year: int, level: str) -> tuple[int | None, pd.DataFrame]:
    prev_year = scores.dataset.previous_year(year)
    if prev_year is None:
        return None, scores.units.iloc[0:0]
    return prev_year, scores.level_units(prev_year, level)


def _num(scores: Scores, year: int, level: str, value: float, lang: str, *, sign: bool = False) -> str:
    dec = scores.dataset.methodology_for(year, level).decimals
    return fmt_number(abs(value) if sign else value, lang, dec)


def _partial(frame: pd.DataFrame) -> bool:
    return bool(len(frame)) and bool(frame["partial"].any())


def sentence_mean(a: Analysis, level: str, lang: str) -> str | None:
    """The level's mean total against last year's: "Cấp sở: tổng điểm trung bình đạt 90,766/100
    điểm, cao hơn so với năm 2022 (năm 2022 đạt 87,45 điểm)." """
    scores, year = a.scores, a.year
    ds = scores.dataset
    cur = scores.level_units(year, level)
    totals = cur["total"].dropna()
    if totals.empty or _partial(cur):
        return None
    meth = ds.methodology_for(year, level)
    mean = float(totals.mean())
    prev_year, prev = _prev(scores, year, level)
    cmp = ""
    if prev_year is not None and len(prev):
        if _partial(prev):
            cmp = t("s_mean_partial", lang, prev=prev_year)
        else:
            pmean = float(prev["total"].dropna().mean())
            dec = meth.decimals
            shown, pshown = fmt_number(mean, "en", dec), fmt_number(pmean, "en", dec)
            key = "s_mean_same" if shown == pshown else ("s_mean_up" if mean > pmean else "s_mean_down")
            cmp = t(
                key,
                lang,
                prev=prev_year,
                pmean=_mark(a, _num(scores, prev_year, level, pmean, lang), prev_year, ("mean_total", level)),
            )
    return t(
        "s_mean",
        lang,
        level=ds.level(level).name[lang],
        mean=_mark(a, _num(scores, year, level, mean, lang), year, ("mean_total", level)),
        max=fmt_number(meth.max_total, lang, 0),
        cmp=cmp,
    )


def sentence_at_least(a: Analysis, level: str, lang: str, threshold: float | None = None) -> str | None:
    """How many units reached a threshold: "19/19 sở, ngành đạt từ 80 điểm trở lên." The threshold is
    the methodology's (:meth:`~parlib.data.dataset.Methodology.threshold`: ``highlight_threshold`` or
    the band rule); without one there is no such sentence."""
    scores, year = a.scores, a.year
    cur = scores.level_units(year, level)
    meth = scores.dataset.methodology_for(year, level)
    threshold = meth.threshold() if threshold is None else threshold
    if cur.empty or _partial(cur) or threshold is None:
        return None
    dec = meth.decimals
    n = int((round_half_up_series(cur["total"], dec) >= threshold - 1e-9).sum())
    count = _mark(a, fmt_count(n, len(cur), lang=lang), year, ("count_at_least", level))
    noun = scores.dataset.level(level).noun[lang]
    band = _band_of_at_least(a, level)
    if band is not None:  # the same units as one band: said once, with the band's range
        return t(
            "s_at_least_band",
            lang,
            count=count,
            noun=noun,
            threshold=fmt_number(threshold, lang, 0),
            band=meth.band(band).name[lang],
            range=_band_range(a, level, band, lang),
        )
    return t("s_at_least", lang, count=count, noun=noun, threshold=fmt_number(threshold, lang, 0))


def _band_of_at_least(a: Analysis, level: str) -> str | None:
    """The band whose units are exactly the units at or above the summary's threshold, if there is
    one: then "19/19 scored 80 or more" and "19/19 rated Good" are one fact, said once."""
    scores, year = a.scores, a.year
    cur = scores.level_units(year, level).dropna(subset=["total"])
    meth = scores.dataset.methodology_for(year, level)
    threshold = meth.threshold()
    if cur.empty or _partial(cur) or threshold is None or not meth.bands:
        return None
    above = cur[round_half_up_series(cur["total"], meth.decimals) >= threshold - 1e-9]
    bands = set(above["band"].dropna())
    if above.empty or len(bands) != 1 or above["band"].isna().any():
        return None
    band = bands.pop()
    return str(band) if set(cur.loc[cur["band"] == band, "unit_id"]) == set(above["unit_id"]) else None


def _band_range(a: Analysis, level: str, band: str, lang: str) -> str:
    """The totals of one band's units as the summary writes them: "từ 83,107 đến 87,46 điểm"."""
    scores, year = a.scores, a.year
    cur = scores.level_units(year, level).dropna(subset=["total"])
    sel = cur[cur["band"] == band]["total"]
    lo, hi = _num(scores, year, level, sel.min(), lang), _num(scores, year, level, sel.max(), lang)
    lo, hi = _mark(a, lo, year), _mark(a, hi, year)
    return t("s_range_one", lang, lo=lo) if lo == hi else t("s_range", lang, lo=lo, hi=hi)


def sentence_bands(a: Analysis, level: str, lang: str) -> str | None:
    """Counts per band, best first, with the range of totals in each: "Xếp loại: 05/08 địa phương
    xếp loại Tốt (từ 83,107 đến 87,46 điểm), 03/08 địa phương xếp loại Khá (...)." """
    scores, year = a.scores, a.year
    ds = scores.dataset
    cur = scores.level_units(year, level).dropna(subset=["total"])
    if cur.empty or _partial(cur):
        return None
    meth = ds.methodology_for(year, level)
    items = []
    said = _band_of_at_least(a, level)  # already said with the threshold sentence
    for b in meth.bands:
        sel = cur[cur["band"] == b.id]["total"]
        if sel.empty or b.id == said:
            continue
        rng = _band_range(a, level, b.id, lang)
        count = _mark(
            a, fmt_count(len(sel), len(cur), lang=lang), year, ("count_band", level), ("count_between", level)
        )
        items.append(t("s_band_item", lang, count=count, noun=ds.level(level).noun[lang], band=b.name[lang], range=rng))
    return t("s_bands", lang, items="; ".join(items)) if items else None


def sentence_best_band(a: Analysis, level: str, lang: str) -> str | None:
    """The count in the best band against last year: "Năm 2023, không có sở, ngành nào xếp loại
    Xuất sắc (năm 2022 có 05 sở, ngành xếp loại Xuất sắc)." """
    scores, year = a.scores, a.year
    ds = scores.dataset
    cur = scores.level_units(year, level)
    if cur.empty or _partial(cur) or not ds.methodology_for(year, level).bands:
        return None
    best = ds.methodology_for(year, level).bands[0]
    noun = ds.level(level).noun[lang]
    n = int((cur["band"] == best.id).sum())
    key = "s_best_band_none" if n == 0 else "s_best_band_some"
    text = t(
        key,
        lang,
        year=year,
        count=fmt_count(n, lang=lang),
        noun=noun_for(noun, n, lang),
        band=best.name[lang],
        **verbs_for(n),
    )
    prev_year, prev = _prev(scores, year, level)
    if n and (prev_year is None or not len(prev)):
        return None  # the band sentence has said this count, and there is no year to compare it with
    if prev_year is not None and len(prev):
        if _partial(prev):
            text += t("s_best_band_prev_partial", lang, prev=prev_year)
        elif ds.methodology_for(prev_year, level).bands:
            pb = ds.methodology_for(prev_year, level).bands[0]
            pn = int((prev["band"] == pb.id).sum())
            text += t(
                "s_best_band_prev" if pn else "s_best_band_prev_none",
                lang,
                prev=prev_year,
                count=fmt_count(pn, lang=lang),
                noun=noun,
                band=pb.name[lang],
            )
    return text + "."


def sentence_top_unit(a: Analysis, level: str, lang: str) -> str | None:
    """The first unit with its total, change of points and of places: "Thành phố Bắc Kạn đứng đầu
    08 địa phương với tổng số điểm đạt 87,46, tăng 5,651 điểm và tăng 6 bậc so với năm 2022." """
    scores, year = a.scores, a.year
    ds = scores.dataset
    cur = scores.level_units(year, level)
    top = cur[cur["rank"] == 1].sort_values("unit_id")
    if top.empty:
        return None
    total = float(top["total"].iloc[0])
    uid = str(top["unit_id"].iloc[0])
    change = ""
    prev_year, prev = _prev(scores, year, level)
    changes = a.level(level).changes
    if prev_year is not None and len(prev) and len(top) == 1:
        assert changes is not None  # a level with a previous year has its changes
        row = changes.set_index("unit_id").loc[top["unit_id"].iloc[0]]
        if is_missing(row["change"]):
            change = t("s_top_new", lang, prev=prev_year)
        else:
            ch, rc = float(row["change"]), row["rank_change"]
            rank = ""
            if not is_missing(rc):
                rank = (
                    t("s_top_rank_same", lang)
                    if int(rc) == 0
                    else t(
                        "s_top_rank",
                        lang,
                        dir=t("up" if int(rc) > 0 else "down", lang),
                        places=_mark(a, str(abs(int(rc))), year, ("unit_rank_change", uid)),
                        s="" if abs(int(rc)) == 1 else "s",
                    )
                )
            change = t(
                "s_top_change",
                lang,
                dir=t("up" if ch >= 0 else "down", lang),
                points=_mark(a, _num(scores, year, level, ch, lang, sign=True), year, ("unit_change", uid)),
                rank=rank,
                prev=prev_year,
            )
    # a partial table's first unit is first of the whole level, whose size is its declared one
    size = ds.level(level).size
    unit = _units_name(scores, top["unit_id"].tolist(), lang)
    if _partial(cur) and size is None:
        return t(
            "s_top_partial",
            lang,
            unit=_mark(a, unit, year, ("top_unit", level)),
            noun=ds.level(level).noun[lang],
            total=_mark(a, _num(scores, year, level, total, lang), year, ("unit_total", uid)),
            change=change,
        )
    n = size if _partial(cur) and size is not None else len(cur)  # partial with no size returned above
    return t(
        "s_top",
        lang,
        unit=_mark(a, unit, year, ("top_unit", level)),
        n=_mark(a, fmt_count(n, lang=lang), year, ("n_units", level), ("top_unit", level)),
        noun=ds.level(level).noun[lang],
        total=_mark(a, _num(scores, year, level, total, lang), year, ("unit_total", uid)),
        change=change,
    )


def sentence_top_survey(a: Analysis, level: str, lang: str) -> str | None:
    """The highest survey score of the level: "Điểm điều tra xã hội học cao nhất là của Thành phố
    Bắc Kạn (12,071 điểm)." None when the data has no survey points."""
    scores, year = a.scores, a.year
    cur = scores.level_units(year, level).dropna(subset=["survey"])
    if cur.empty:
        return None
    best = cur["survey"].max()
    ids = sorted(cur.loc[(cur["survey"] - best).abs() <= 1e-9, "unit_id"])
    unit = _mark(a, _units_name(scores, ids, lang, inside=True), year, ("top_unit_by_survey", level))
    survey = _num(scores, year, level, best, lang)
    return t("s_survey_top", lang, unit=unit, survey=_mark(a, survey, year, *(("unit_survey", u) for u in ids)))


def sentence_bottom(a: Analysis, level: str, lang: str) -> str | None:
    """The last unit: "Thấp nhất là Huyện Pác Nặm với 75,242 điểm." (None for a partial table)."""
    scores, year = a.scores, a.year
    cur = scores.level_units(year, level).dropna(subset=["total"])
    if len(cur) < 2 or _partial(cur):
        return None
    low = cur["total"].min()
    ids = sorted(cur.loc[(cur["total"] - low).abs() <= 1e-9, "unit_id"])
    return t(
        "s_bottom",
        lang,
        unit=_mark(a, _units_name(scores, ids, lang, inside=True), year),
        total=_mark(a, _num(scores, year, level, low, lang), year),
    )


def sentence_partial(a: Analysis, level: str, lang: str) -> str | None:
    """For a table the publisher printed in part: how many units it holds of the level's."""
    scores, year = a.scores, a.year
    cur = scores.level_units(year, level)
    if not _partial(cur):
        return None
    size = scores.dataset.level(level).size
    noun = scores.dataset.level(level).noun[lang]
    if size is None:
        return t("s_partial_nosize", lang, year=year, count=fmt_count(len(cur), lang=lang), noun=noun)
    return t("s_partial", lang, year=year, count=fmt_count(len(cur), size, lang=lang), noun=noun)


SENTENCES = (
    sentence_partial,
    sentence_mean,
    sentence_at_least,
    sentence_bands,
    sentence_best_band,
    sentence_top_unit,
    sentence_top_survey,
    sentence_bottom,
)


def level_summary(analysis: Analysis, level: str, lang: str) -> list[str]:
    """Every sentence of one level's summary that the data supports, in order."""
    return [s for s in (f(analysis, level, lang) for f in SENTENCES) if s]


def context_paragraph(a: Analysis, lang: str) -> tuple[str, str, str] | None:
    """The national context of the unit the dataset names (``context:``), every figure read from the
    other dataset: (heading, sentence, source note), or None. "Năm 2023, Bắc Kạn đạt 84,24%, xếp thứ
    57/63 tỉnh, thành phố (năm 2022: 79,35%, thứ 61/63); so với năm 2022, tăng 4,89 điểm và tăng 4 bậc.
    Điểm trung bình của các tỉnh, thành phố năm 2023 là 86,98%, Bắc Kạn thấp hơn 2,74 điểm." """
    c = a.context
    if c is None:
        return None
    dec, unit, noun = c.decimals, c.unit_name[lang], c.level_noun[lang]
    size = fmt_count(c.size, lang=lang) if c.size else "?"
    cur, prev = c.current, c.previous
    if cur.pct is None:
        return None
    rank = t("c_rank", lang, rank=cur.rank, size=size, noun=noun) if cur.rank is not None else ""
    text = t("c_year", lang, year=cur.year, unit=unit, pct=fmt_number(cur.pct, lang, dec), rank=rank)
    if prev is not None and prev.pct is not None:
        text += t(
            "c_prev",
            lang,
            prev=prev.year,
            ppct=fmt_number(prev.pct, lang, dec),
            prank=prev.rank if prev.rank is not None else "—",
            size=size,
        )
        if c.change is not None:
            text += t(
                "c_change",
                lang,
                prev=prev.year,
                dir=t("up" if c.change >= 0 else "down", lang),
                points=fmt_number(abs(c.change), lang, dec),
            )
            if c.places is not None and c.places != 0:
                text += t(
                    "c_places",
                    lang,
                    dir=t("up" if c.places > 0 else "down", lang),
                    places=abs(c.places),
                    s="" if abs(c.places) == 1 else "s",
                )
    if cur.mean is not None and c.gap_to_mean is not None:
        inferred = t("c_inferred", lang) if cur.mean_inferred else ""
        mean = fmt_number(cur.mean, lang, dec)
        if c.gap_to_mean == 0:
            text += t("c_mean_same", lang, noun=noun, year=cur.year, mean=mean, inferred=inferred, unit=unit)
        else:
            text += t(
                "c_mean",
                lang,
                noun=noun,
                year=cur.year,
                mean=mean,
                inferred=inferred,
                unit=unit,
                cmp=t("c_below" if c.gap_to_mean < 0 else "c_above", lang),
                gap=fmt_number(abs(c.gap_to_mean), lang, dec),
            )
    else:
        text += "."
    heading = t("h_context", lang, unit=unit, index=c.index[lang], noun=noun)
    return heading, text, t("c_source", lang, id=c.dataset_id, title=c.dataset_title[lang])
