"""parlib.check.sources: each printed figure looked for in the local copy of its source.

Fast, in-process tests on texts written here (the end-to-end `parlib check --sources` runs are in
test_audit.py). Expected sentences are cut from the texts by hand.
"""

from __future__ import annotations

import pytest
from handmade import load

from parlib.check.sources import _number_pattern, check_sources, find_figure, normalise, sentences, value_patterns
from parlib.data.load import load_dataset
from parlib.data.published import Figure, load_published


@pytest.fixture
def three():
    return load("three-years")


def fig(measure: str, printed: str, sentence: str = "", source: str = "hand") -> Figure:
    return Figure("f", measure, printed, {"year": 2023}, sentence, source)


def test_normalise_composes_and_collapses_white_space():
    assert normalise("  Tô\u0301t \t\n  lắm  ") == "Tốt lắm"  # o + combining acute → ó


def test_sentences_cut_prose_at_sentence_ends_and_a_table_into_rows():
    text = (
        "Điểm A đạt 80,5. Điểm B đạt 70! Hỏi? Xong; hết\n\n"
        "unit,total,rank\nSở Một,70,1\nSở Hai,60,2\n\n"
        "a,b,c\nlời một.\nlời hai.\n\n"
        "```\nx. y\n```"
    )
    assert sentences(text) == [
        "Điểm A đạt 80,5.",
        "Điểm B đạt 70!",
        "Hỏi?",
        "Xong;",
        "hết",
        "unit,total,rank",
        "Sở Một,70,1",
        "Sở Hai,60,2",
        "a,b,c lời một.",  # one row among three lines is not a table
        "lời hai.",
        "x.",  # the fence lines are dropped, not their content
        "y",
    ]
    assert sentences("Sở Một,70,1\nSở Hai,60,2\nlời.") == ["Sở Một,70,1", "Sở Hai,60,2", "lời."]  # 2 of 3 rows


def test_number_patterns_are_not_part_of_a_longer_number():
    p = _number_pattern("89.95")
    assert p.search("1,Bộ Tư pháp,61.86,28.10,89.95,89.95") and p.search("89.95")
    assert not p.search("189.95") and not p.search("89.951") and not p.search("1.89.95") and not p.search("89.95.1")
    c = _number_pattern("12,071")
    assert c.search("đạt 12,071, cao nhất") and c.search("(12,071)")
    assert not c.search("112,071") and not c.search("12,0712") and not c.search("1,12,071") and not c.search("12,071,5")
    assert _number_pattern("6").search("tăng 6 bậc") and not _number_pattern("6").search("tăng 16 bậc")
    assert not _number_pattern("6").search("tăng 65 bậc")


def _found(ds, f: Figure, text: str) -> bool:
    return any(p.search(text) for p in value_patterns(ds, f))


def test_a_number_is_found_with_a_point_or_a_comma_with_or_without_its_sign_and_percent(three):
    f = fig("unit_change", "+9,50")
    for text in ("tăng +9,50 điểm", "tăng 9,50 điểm", "tăng 9.50 điểm", "tăng +9.50"):
        assert _found(three, f, text), text
    assert not _found(three, f, "tăng 19,50") and not _found(three, f, "9,5")
    pct = fig("unit_pct", "79,62%")
    assert _found(three, pct, "đạt 79,62 %") and _found(three, pct, "79.62") and not _found(three, pct, "79,6")


def test_a_count_is_found_as_printed_or_in_words(three):
    f = fig("count_at_least", "03/07")
    for text in ("03/07 đơn vị", "03 of 07 units", "03 trong số 07 huyện"):
        assert _found(three, f, text), text
    assert not _found(three, f, "3/7") and not _found(three, f, "03 / 07") and not _found(three, f, "103/07")
    assert _found(three, fig("n_units", "07"), "có 07 huyện") and not _found(three, fig("n_units", "07"), "2007")


def test_a_unit_is_found_by_any_of_its_names_and_a_band_by_its_name(three):
    f = fig("top_unit", "phòng beta")  # the printed name, in any case, stands for every name of the unit
    assert _found(three, f, "đứng đầu là PHÒNG BETA") and _found(three, f, "the Beta Office leads")
    assert not _found(three, f, "Phòng Gamma") and not _found(three, f, "Alpha Office")
    other = fig("top_unit", "Huyện Một")
    assert _found(three, other, "District One") and not _found(three, other, "Beta Office")
    band = fig("unit_band", "Tốt")
    assert _found(three, band, "xếp loại tốt") and not _found(three, band, "Good")


def test_a_quoted_sentence_is_found_with_its_sentence_around_it(three):
    f = fig("unit_total", "90,00", "Huyện Một đạt 90,00 điểm")
    text = "Mở đầu. Huyện Một đạt 90,00 điểm. Kết thúc."
    assert find_figure(three, f, text) == ("Huyện Một đạt 90,00 điểm.", True)
    assert find_figure(three, f, "Huyện Một đạt 90,00 điểm") == ("Huyện Một đạt 90,00 điểm", True)  # no end mark
    assert find_figure(three, f, "Huyện Một đạt 90,00 điểm; hạng 1. Hết.") == ("Huyện Một đạt 90,00 điểm;", True)
    wrong = fig("unit_total", "91,00", "Huyện Một đạt 90,00 điểm")
    assert find_figure(three, wrong, text) == ("Huyện Một đạt 90,00 điểm.", False)


def test_a_value_in_the_sentence_before_the_quotation_is_found_with_it(three):
    f = fig("unit_survey", "12,071", "Thành phố cao nhất")
    text = "A. Điểm 12,071 của thành phố. Thành phố cao nhất. B."
    assert find_figure(three, f, text) == ("Điểm 12,071 của thành phố. Thành phố cao nhất.", True)
    # with only one sentence before, the quotation's own sentence is all there is to look in
    assert find_figure(three, f, "Điểm 12,071. Thành phố cao nhất. B.") == ("Thành phố cao nhất.", False)


def test_a_summary_is_matched_to_the_sentence_with_the_value_and_most_words_in_common(three):
    f = fig("unit_total", "90,00", "Điểm của Huyện Một là 90,00")
    # one paragraph each: a line holding two decimal commas would be read as a table row (see sentences)
    text = "Huyện Hai đạt 90,00 điểm.\n\nHuyện Một cũng đạt 90,00 điểm cao.\n\nHuyện Ba đạt 70,00 điểm."
    assert find_figure(three, f, text) == ("Huyện Một cũng đạt 90,00 điểm cao.", True)
    assert find_figure(three, f, "Huyện Ba đạt 70,00 điểm.") == (None, False)


def test_check_sources_finds_the_backan_figures_in_the_article_and_says_when_there_is_no_copy(three):
    ds = load_dataset("backan")
    found = check_sources(ds, load_published(ds))
    assert len(found) == 24 and all(m.found for m in found)
    city = next(m for m in found if m.figure == "city-survey")
    assert city.copy == "sources/bao-bac-kan-par-index-2023.txt" and city.source == "bbk-2024"
    assert city.printed == "12,071"
    assert city.sentence == ("Điểm điều tra xã hội học của thành phố đạt 12,071, cao nhất trong các đơn vị cấp huyện.")
    f = Figure("h", "unit_total", "90,00", {"year": 2023}, "", "hand")
    assert [tuple(vars(m).values()) for m in check_sources(three, [f])] == [("h", "90,00", "hand", None, None, False)]
    g = Figure("n", "unit_total", "90,00", {"year": 2023}, "", "nowhere")
    assert check_sources(three, [g])[0].copy is None


def test_a_block_is_a_table_only_when_most_of_its_lines_are_rows():
    # one row of two lines is not most of them: the block is prose, cut at its sentence ends
    assert sentences("Sở Một,70,1\nlời một. Hết.") == ["Sở Một,70,1 lời một.", "Hết."]


def test_a_quotation_found_twice_is_read_where_it_first_appears(three):
    f = fig("unit_total", "90,00", "Huyện Một đạt 90,00")
    text = "Huyện Một đạt 90,00. Giữa hai câu. Huyện Một đạt 90,00 lần nữa."
    assert find_figure(three, f, text) == ("Huyện Một đạt 90,00.", True)


def test_the_sentence_sharing_most_words_of_two_letters_or_more_is_chosen(three):
    # words of one letter do not count: "z y x" (not a quotation) shares nothing with either, so the first one is chosen
    text = "Huyện Một đạt 90,00.\n\nx y z đạt 90,00."
    assert find_figure(three, fig("unit_total", "90,00", "z y x"), text) == ("Huyện Một đạt 90,00.", True)
    # "ab", "cd" count: the second sentence shares four words (ab, cd, 90, 00), the first two
    text = "Xyz đạt 90,00.\n\nAb cd 90,00."
    assert find_figure(three, fig("unit_total", "90,00", "cd ab 90,00"), text) == ("Ab cd 90,00.", True)


def test_a_figure_without_a_copy_does_not_stop_the_others():
    ds = load_dataset("backan")
    figures = load_published(ds)
    first = Figure("no-copy", "unit_total", "90,00", {"year": 2023}, "", "nowhere")
    found = check_sources(ds, [first, *figures])
    assert [m.figure for m in found] == ["no-copy", *(f.id for f in figures)]
    assert not found[0].found and all(m.found for m in found[1:])
