"""The report adapts to what a publisher's table holds (issue 8, items 5, 8 and 9): columns only
where the data fills them, long levels split into charts shorter than a page, the index named in
the data, English singulars, and a dataset outside the project reproduced by its folder. Tiny
hand-made tables; expected texts and numbers written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from handmade import one_year

from parlib.build.outputs import get_figures
from parlib.report import charts, sections
from parlib.report.i18n import noun_for, t, verbs_for

ROWS = ["Đơn vị 0;85,50", "Đơn vị 1;72,25", "Đơn vị 2;90,00"]


def _ctx(folder: Path, lang: str = "en") -> sections.ReportContext:
    return sections.prepare(str(folder), 2023, lang, str(folder))


def _edit_yml(folder: Path, change) -> None:
    """Change dataset.yml's document with ``change(doc)`` (the table and its checksum untouched)."""
    path = folder / "dataset.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


# --- charts.chunks: the rows of each chart of a long level -------------------------------------------


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, [(0, 0)]),
        (1, [(0, 1)]),
        (30, [(0, 30)]),  # exactly one page of rows: one chart
        (31, [(0, 16), (16, 31)]),  # one more: two charts as even as possible (15,5 → 16 + 15)
        (63, [(0, 21), (21, 42), (42, 63)]),  # 63 provinces: 3 charts of 21
        (60, [(0, 30), (30, 60)]),
    ],
)
def test_chunks_by_hand(n, expected):
    assert charts.chunks(n) == expected


def test_chunks_of_500_cover_every_row_once_in_17_charts_of_at_most_30():
    parts = charts.chunks(500)
    assert len(parts) == 17  # ceil(500 / 30)
    assert parts[0][0] == 0 and parts[-1][1] == 500
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))  # consecutive, no gap, no overlap
    assert {stop - start for start, stop in parts} == {29, 30}  # 500 = 7 × 29 + 10 × 30


def test_chunks_with_another_size_and_a_bad_one():
    assert charts.chunks(50, 25) == [(0, 25), (25, 50)]
    with pytest.raises(ValueError, match="at least one row"):
        charts.chunks(5, 0)


# --- English singulars -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "noun, count, lang, expected",
    [
        ("departments", 1, "en", "department"),
        ("ministries", 1, "en", "ministry"),
        ("provinces", 1, "en", "province"),
        ("districts", 2, "en", "districts"),
        ("departments", 0, "en", "departments"),
        ("departments, boards and agencies", 1, "en", "departments, boards and agencies"),
        ("sở, ngành", 1, "vi", "sở, ngành"),
        ("huyện", 1, "vi", "huyện"),
    ],
)
def test_noun_for_by_hand(noun, count, lang, expected):
    assert noun_for(noun, count, lang) == expected


def test_best_band_sentence_in_english_agrees_with_one():
    text = t(
        "s_best_band_some",
        "en",
        year=2023,
        count="1",
        noun=noun_for("departments", 1, "en"),
        band="Good",
        **verbs_for(1),
    )
    assert text == "In 2023, 1 department was rated Good"
    text = t("s_best_band_some", "en", year=2023, count="2", noun="departments", band="Good", **verbs_for(2))
    assert text == "In 2023, 2 departments were rated Good"


# --- ranking columns: only what the data fills -------------------------------------------------------


def test_one_year_with_bands_has_a_band_column_and_no_change_columns(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm")
    frame, colours = sections.ranking_frame(_ctx(folder), "departments")
    assert list(frame.columns) == ["Rank", "Unit", "Total", "% of max.", "Band"]
    # 90,00 first, 85,50, then 72,25; bands tot (≥ 80) and kha
    assert frame["Unit"].tolist() == ["Unit 2", "Unit 0", "Unit 1"]
    assert frame["Total"].tolist() == ["90.00", "85.50", "72.25"]
    assert frame["Band"].tolist() == ["Good", "Good", "Fair"]
    assert all(colours)


def test_no_band_rule_means_no_band_column_and_one_colour(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm")
    _edit_yml(folder, lambda doc: doc["methodologies"][0].pop("bands"))
    ctx = _ctx(folder, "vi")
    frame, colours = sections.ranking_frame(ctx, "departments")
    assert list(frame.columns) == ["Hạng", "Đơn vị", "Tổng điểm", "% tối đa"]
    assert colours == ["", "", ""]
    html = sections.html_ranking(ctx)
    assert "Xếp loại" not in html and "theo xếp loại" not in html
    assert "Cấp sở: tổng điểm năm 2023" in html


def test_appraised_and_survey_columns_when_the_table_gives_them(tmp_path):
    rows = ["Đơn vị 0;60,50;25,00;85,50", "Đơn vị 1;50,25;22,00;72,25", "Đơn vị 2;64,00;26,00;90,00"]
    folder = one_year(tmp_path / "tiny", rows, "Đơn vị;Điểm thẩm định;Điểm điều tra XHH;Tổng điểm")
    frame, _ = sections.ranking_frame(_ctx(folder), "departments")
    assert list(frame.columns) == ["Rank", "Unit", "Appraised", "Survey", "Total", "% of max.", "Band"]
    assert frame["Appraised"].tolist() == ["64.00", "60.50", "50.25"]
    assert frame["Survey"].tolist() == ["26.00", "25.00", "22.00"]


def test_header_names_the_index_from_the_data(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm")
    _edit_yml(folder, lambda doc: doc.update(index={"vi": "Chỉ số SIPAS", "en": "SIPAS"}))
    assert "SIPAS 2023: annual report" in sections.html_title(_ctx(folder, "en"))
    assert "Báo cáo thường niên Chỉ số SIPAS năm 2023" in sections.html_title(_ctx(folder, "vi"))
    assert "PAR Index" not in sections.html_title(_ctx(folder, "en"))


def test_default_index_is_the_par_index(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm")
    assert "PAR Index 2023: annual report" in sections.html_title(_ctx(folder, "en"))


# --- long levels ---------------------------------------------------------------------------------------


def test_a_level_of_31_units_gets_two_bar_charts_with_their_parts_in_the_caption(tmp_path):
    rows = [f"Đơn vị {i};{90 - i * 0.5:.2f}".replace(".", ",") for i in range(31)]
    folder = one_year(tmp_path / "tiny", rows, "Đơn vị;Tổng điểm")
    html = sections.html_ranking(_ctx(folder))
    assert html.count('<figure class="parlib-chart') == 2
    assert "(part 1 of 2: rows 1–16 of 31)" in html and "(part 2 of 2: rows 17–31 of 31)" in html
    assert 'id="fig-ranking-departments-1"' in html and 'id="fig-ranking-departments-2"' in html


def test_a_level_of_30_units_keeps_one_chart_and_its_anchor(tmp_path):
    rows = [f"Đơn vị {i};{90 - i * 0.5:.2f}".replace(".", ",") for i in range(30)]
    folder = one_year(tmp_path / "tiny", rows, "Đơn vị;Tổng điểm")
    html = sections.html_ranking(_ctx(folder))
    assert html.count('<figure class="parlib-chart') == 1
    assert 'id="fig-ranking-departments"' in html and "part 1" not in html


# --- a dataset outside the project --------------------------------------------------------------------


def test_outside_dataset_is_reproduced_by_its_folder(tmp_path):
    folder = one_year(tmp_path / "my-ranking", ROWS, "Đơn vị;Tổng điểm")
    ctx = _ctx(folder)
    methods = sections.html_methods(ctx)
    assert (
        "To reproduce: parlib build my-ranking --year 2023 --lang en --out &lt;report folder&gt; "
        "--processed &lt;tables folder&gt;"
    ) in methods
    figures = get_figures(ctx.analysis, _no_checks())
    assert figures["dataset_folder"] == "my-ranking" and figures["dataset"] == "tiny"
    json.dumps(figures)


def test_embedded_dataset_is_reproduced_by_its_id():
    ctx = sections.prepare("backan", 2023, "en", ".")
    methods = sections.html_methods(ctx)
    assert "To reproduce: parlib build backan --year 2023 --lang en." in methods
    assert "dataset_folder" not in get_figures(ctx.analysis, _no_checks())


def _no_checks():
    import pandas as pd

    return pd.DataFrame()


# --- each fact once ------------------------------------------------------------------------------------


def _published(doc: dict) -> None:
    doc["sources"][0]["provenance"] = "published"  # no illustrative marks in the sentences


def test_threshold_count_and_band_count_of_the_same_units_are_said_once(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm")
    _edit_yml(folder, _published)
    from parlib.report.narrative import level_summary

    text = " ".join(level_summary(_ctx(folder).analysis, "departments", "en"))
    # bands: Good from 80 (90,00 and 85,50), Fair below (72,25); the threshold is Good's 80
    assert "2/3 departments scored 80 points or more, all rated Good (85.50 to 90.00 points)." in text
    assert "Bands: 1/3 departments rated Fair (72.25 points)." in text
    assert text.count("2/3") == 1
    assert "were rated Good" not in text  # the best band's count, already said, and no year to compare


def test_best_band_with_none_in_it_is_said(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm", bands=(95, 0))
    _edit_yml(folder, _published)
    from parlib.report.narrative import level_summary

    text = " ".join(level_summary(_ctx(folder).analysis, "departments", "en"))
    assert "In 2023, no departments were rated Good." in text


def test_a_threshold_that_is_not_a_band_keeps_both_sentences(tmp_path):
    folder = one_year(tmp_path / "tiny", ROWS, "Đơn vị;Tổng điểm")
    _edit_yml(folder, lambda doc: (_published(doc), doc["methodologies"][0].update(highlight_threshold=88)))
    from parlib.report.narrative import level_summary

    text = " ".join(level_summary(_ctx(folder).analysis, "departments", "en"))
    assert "1/3 departments scored 88 points or more." in text  # only 90,00
    assert "2/3 departments rated Good (85.50 to 90.00 points); 1/3 departments rated Fair (72.25 points)" in text


def test_profile_text_lines_are_as_tall_as_the_svg_rows():
    """The field numbers and values beside a profile's bars sit on their rows only if the text's
    line height in report.css is the SVG's row pitch in mm (sections.PROFILE_ROW)."""
    import re

    from parlib.report.render import TEMPLATES

    css = (TEMPLATES / "parlib_report" / "report.css").read_text(encoding="utf-8")
    rule = re.search(r"\.bar-block \{([^}]*)\}", css)
    line = re.search(r"line-height: *([\d.]+)mm", rule.group(1)) if rule else None
    assert line is not None and float(line.group(1)) == sections.PROFILE_ROW


def test_profile_svg_geometry_by_hand():
    """Two fields of a unit profile (issue 14: the appendix is one SVG per unit, no flex boxes; its
    texts are HTML beside it). Track from x=0,2, 62 wide, in a 62,4-wide view box stretched to the
    card; row pitch 3,2 (mm: the SVG is as tall in mm as in units), bar 2,6 high and 0,3 below the
    row's top; median line 0,28 wide centred on its x. Field 1: 50 % of maximum, median 40 → blue
    bar 31 long, line at 0,2 + 24,8 = 25,0. Field 2: 30 % against a median of 60 → orange bar 18,6
    long, line at 37,4. Field 3: −5 % and a median of 120 are drawn at the edges: no bar, line at
    62,2. No text is drawn in the SVG."""
    bars = [
        sections.ProfileBar("1", "Alpha", 50.0, 40.0, "50,0"),
        sections.ProfileBar("2", "Beta", 30.0, 60.0, "30,0"),
        sections.ProfileBar("3", "Gamma <&>", -5.0, 120.0, "-5,0"),
    ]
    svg = sections.get_profile_svg(bars, "Alpha: 50,0 & more")
    assert 'viewBox="0 0 62.4 9.6" preserveAspectRatio="none" style="height:9.6mm"' in svg
    assert 'aria-label="Alpha: 50,0 &amp; more"' in svg
    assert (
        '<path class="track" d="M0.20 0.30h62.00v2.60h-62.00zM0.20 3.50h62.00v2.60h-62.00z'
        'M0.20 6.70h62.00v2.60h-62.00z" fill="#eef1f5"/>'
    ) in svg
    assert '<path class="bar" d="M0.20 0.30h31.00v2.60h-31.00z" fill="#2c7bb6"/>' in svg
    assert '<path class="bar below" d="M0.20 3.50h18.60v2.60h-18.60z" fill="#D55E00"/>' in svg
    assert (
        '<path class="median" d="M24.86 0.00h0.28v3.20h-0.28zM37.26 3.20h0.28v3.20h-0.28z'
        'M62.06 6.40h0.28v3.20h-0.28z" fill="#1d1d1d"/>'
    ) in svg
    assert "<text" not in svg and "50,0</" not in svg
    assert "Gamma" not in svg  # names are in the aria label and the field key, not drawn
