"""The words of the report's robustness section: each sentence computed from the Analysis, and a
short section that says why it is short."""

from dataclasses import replace

import pandas as pd
from handmade import load

from parlib.data.load import load_dataset
from parlib.model.analysis import analyse
from parlib.model.coherence import get_coherence
from parlib.model.robustness import NoiseSpec
from parlib.report import robustness_text as rt


def test_totals_only_say_so_and_the_clear_first_and_last_are_quoted():
    """tests/data/totals-vi: 90,766 is more than 10 points ahead, 79,999 is behind the two 80,000
    whatever their rounding: first and last place never move."""
    ds = load("totals-vi")
    la = analyse(ds, 2023, noise=NoiseSpec(draws=300, sensitivity_draws=0)).level("departments")
    assert rt.notes(la, "en") == [rt.p("n_totals", "en")]
    en = rt.sentences(la, ds, "en")
    assert "Department of Transport ranks first in every draw." in en
    assert "No draw moves Department of Home Affairs out of last place." in en
    # the two tied at 80,000 share rank 2 and cannot be told apart (rounding splits them)
    assert any(s.startswith("The departments ranked 2 cannot be told apart") for s in en)
    vi = rt.sentences(la, ds, "vi")
    assert "Sở Giao thông vận tải xếp thứ nhất trong mọi lần mô phỏng." in vi
    assert "Không lần mô phỏng nào đưa Sở Nội vụ ra khỏi vị trí cuối bảng." in vi
    assert rt.coherence_sentences(la, ds, "vi", str) == [rt.p("c_no_fields", "vi")]


def test_a_partial_year_says_why_it_is_short():
    ds = load_dataset("vn-ministries")
    la = analyse(ds, 2022).level("ministries")
    assert rt.reason(la, ds, "en").startswith("In 2022 the sources print only part of the ranking of ministries")


def test_a_field_nearly_everyone_maxes_out_is_named_with_its_count():
    """19 units, field f1 at 95 % of its maximum or more for 17 of them: 'barely separates'."""
    ds = load("fields-wide")
    a = analyse(ds, 2023, noise=NoiseSpec(draws=50, sensitivity_draws=0))
    la = a.level("departments")
    meth = la.methodology
    ids = [f"u{i}" for i in range(19)]
    f1 = [10.0] * 15 + [9.6, 9.5, 6.0, 7.0]
    rows = []
    for i, u in enumerate(ids):
        for f in meth.fields:
            pts = (
                f1[i] * f.max / 10 if f.id == meth.fields[0].id else f.max * (0.5 + 0.025 * ((i * 7 + len(f.id)) % 19))
            )
            rows.append({"unit_id": u, "field_id": f.id, "points": pts, "max": f.max})
    c = get_coherence(pd.DataFrame(rows), meth)
    c = replace(c, unit_outliers=c.unit_outliers.iloc[0:0])
    out = rt.coherence_sentences(replace(la, coherence=c), ds, "en", str)
    name = meth.fields[0].name["en"]
    assert f"{name} barely separates the departments: 17 of 19 score 95% of its maximum or more." in out
    vi = rt.coherence_sentences(replace(la, coherence=c), ds, "vi", str)
    assert (
        f"{meth.fields[0].name['vi']} hầu như không phân biệt được các sở, ngành: 17/19 đạt từ 95% điểm tối đa trở lên."
        in vi
    )


def test_shares_near_0_and_100_are_never_rounded_to_all_or_none():
    assert rt.fmt_share(0.996, "vi") == "99,6%" and rt.fmt_share(0.9996, "en") == "> 99.9%"
    assert rt.fmt_share(1.0, "en") == "100%" and rt.fmt_share(0.0, "en") == "0%"
    assert rt.fmt_share(0.97, "en") == "97%" and rt.fmt_share(0.0004, "en") == "< 0.1%"


def test_a_correlation_printed_as_0_is_not_called_negative():
    """backan 2023 districts: field f1 against the rest is 0 (a floating -1e-17 at most): not listed
    as negatively correlated; the survey, below zero at two decimals, is."""
    ds = load_dataset("backan")
    la = analyse(ds, 2023, noise=NoiseSpec(draws=20, sensitivity_draws=0)).level("districts")
    text = " ".join(rt.coherence_sentences(la, ds, "en", str))
    assert "(0.00)" not in text and "Institutional reform (-0.24)" in text


def test_the_section_shows_the_chart_sentences_and_tables_in_both_languages():
    """The section is rendered from the Analysis: a rank chart and an interval table per level, the
    quotable sentences, and the coherence heatmap where fields exist; names stay text."""
    from parlib.report.sections import ReportContext, html_robustness

    ds = load("fields-wide")
    a = analyse(ds, 2023, noise=NoiseSpec(draws=50, sensitivity_draws=0))
    for lang, heading in (("vi", "Độ tin cậy của xếp hạng"), ("en", "How robust are the ranks")):
        html = html_robustness(ReportContext(a, lang))
        assert heading in html and 'id="robustness"' in html
        assert html.count("data:image/png;base64,") >= 2  # rank intervals + correlations
        la = a.level("departments")
        for s in rt.sentences(la, ds, lang):
            assert s.replace("&", "&amp;").replace("'", "&#39;") in html or s in html
