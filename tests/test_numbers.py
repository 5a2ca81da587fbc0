"""parlib.numbers: printed numbers (decimal comma, thousands point), printed precision, rounding.

Expected values are the numbers as a reader of the printed text understands them (domain notes:
"90,766 means 90.766; 1.234,5 means 1234.5") or the publisher's own figures.
"""

import math

import numpy as np
import pandas as pd
import pytest

from parlib.data.numbers import (
    NumberFormatError,
    matches_printed,
    parse_number,
    parse_number_codes,
    parse_number_series,
    printed_decimals,
    round_half_up,
    round_half_up_series,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("90,766", 90.766),  # Bắc Kạn department mean 2023, as printed
        ("87,45", 87.45),
        ("1.234,5", 1234.5),  # thousands point + decimal comma
        ("1,234.5", 1234.5),  # English style
        ("05", 5.0),  # zero-padded count
        ("89.95", 89.95),  # decimal point with 2 decimals is not ambiguous
        ("  61,86 ", 61.86),
        ("\u22125,31", -5.31),  # U+2212 minus, as in "−5,31"
        ("+5,83", 5.83),
        ("1\u00a0234,5", 1234.5),  # non-breaking space as thousands separator
    ],
)
def test_parse_number_printed_forms(text, value):
    assert parse_number(text) == pytest.approx(value, abs=1e-12)


def test_three_decimals_after_a_point_is_ambiguous_without_context():
    # "95.476": 95,476 or 95 476? Nothing says which.
    with pytest.raises(NumberFormatError):
        parse_number("95.476")


def test_three_decimals_after_a_point_resolved_by_maximum_and_decimals():
    # 95476 points is above a maximum of 100, so it is 95.476 (Sở GTVT 2023 total).
    assert parse_number("95.476", maximum=100) == pytest.approx(95.476)
    # a methodology printing 3 decimals reads it as a decimal point
    assert parse_number("95.476", decimals=3) == pytest.approx(95.476)
    # with a maximum large enough, and 2 printed decimals, it stays ambiguous
    with pytest.raises(NumberFormatError):
        parse_number("95.476", decimals=2, maximum=1e6)


@pytest.mark.parametrize("text", ["", "—", "–", "-", "x", "n/a", "NaN", "..."])
def test_missing_markers_are_errors_not_zero(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


@pytest.mark.parametrize("text", ["abc", "12,3,4", "9O,5", "1.23.4,5,6"])
def test_not_a_number(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_numbers_pass_through_and_nan_is_missing():
    assert parse_number(12) == 12.0
    assert parse_number(61.86) == 61.86
    with pytest.raises(NumberFormatError):
        parse_number(float("nan"))


@pytest.mark.parametrize(
    "text, n", [("90,766", 3), ("87,46", 2), ("05", 0), ("84,38%", 2), ("+5,83", 2), ("\u22125,31", 2), ("19/19", 0)]
)
def test_printed_decimals(text, n):
    assert printed_decimals(text) == n


@pytest.mark.parametrize("text, n", [("89.95", 2), ("87.4", 1), ("+5.83", 2)])
def test_printed_decimals_of_a_decimal_point(text, n):
    # An English-style figure "89.95" shows 2 decimals; read as 0 decimals it would match any
    # computed value from 89.5 to 90.49.
    assert printed_decimals(text) == n


def test_figure_printed_with_a_decimal_point_is_compared_at_its_precision():
    printed = "89.95"
    assert not matches_printed(89.6, parse_number(printed), printed_decimals(printed))
    assert matches_printed(89.951, parse_number(printed), printed_decimals(printed))


def test_round_half_up_not_to_even():
    # 0,0005 → 0,001 as people round; binary floats and banker's rounding would give other answers
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(79.9995, 3) == 80.0
    assert round_half_up(84.375, 2) == 84.38
    assert math.isnan(round_half_up(float("nan"), 2))


def test_matches_printed_at_printed_precision():
    # ministries 2023: the 17 indexes sum to 1434.43, mean 84.3782…, printed "84,38"
    assert matches_printed(1434.43 / 17, 84.38, 2)
    assert not matches_printed(84.3749, 84.38, 2)
    assert matches_printed(90.7664, 90.766, 3)
    assert not matches_printed(90.7655 - 0.001, 90.766, 3)
    assert not matches_printed(float("nan"), 90.766, 3)
    assert not matches_printed(None, 90.766, 3)


def test_parse_number_series_mixed_cells():
    s = pd.Series(["90,766", "87.45", "", "95.476", "x", "1.234,5"])
    values, errors = parse_number_series(s, decimals=3, maximum=100)
    assert values.iloc[0] == pytest.approx(90.766)
    assert values.iloc[1] == pytest.approx(87.45)
    assert math.isnan(values.iloc[2]) and errors.iloc[2] == ""  # empty cell: missing, no error
    assert values.iloc[3] == pytest.approx(95.476)
    assert math.isnan(values.iloc[4]) and "missing" in errors.iloc[4]
    assert values.iloc[5] == pytest.approx(1234.5)
    assert list(errors.iloc[[0, 1, 3, 5]]) == ["", "", "", ""]


def test_parse_number_series_ambiguous_cell_reports_error():
    values, errors = parse_number_series(pd.Series(["12.375"]), decimals=2)
    assert math.isnan(values.iloc[0])
    assert "12.375" in errors.iloc[0]


def test_parse_number_series_numeric_column_passes_through():
    values, errors = parse_number_series(pd.Series([61.86, 28.1]))
    assert values.tolist() == [61.86, 28.1]
    assert (errors == "").all()


def test_series_resolves_three_decimal_points_like_parse_number():
    """The column path decides "95.476" as the cell path does: a decimal point when the method
    prints 3 decimals or when 95476 would exceed the maximum; otherwise refused."""
    import pandas as pd

    from parlib.data.numbers import parse_number_series

    cells = pd.Series(["95.476", "1.000", "12,5"], dtype=object)
    values, errors = parse_number_series(cells, maximum=100)
    assert values.tolist() == [95.476, 1.0, 12.5] and (errors == "").all()
    values, errors = parse_number_series(pd.Series(["1.000"], dtype=object), maximum=1000)
    assert pd.isna(values.iloc[0]) and "could be" in errors.iloc[0]
    values, _ = parse_number_series(pd.Series(["1.000"], dtype=object), decimals=3, maximum=1000)
    assert values.tolist() == [1.0]


def test_a_number_is_taken_as_it_is_not_read_again_as_text():
    """95.476 given as a float (an Excel cell) is that number; as text "95.476" it is ambiguous
    (95,476 or 95 476). A float NaN is "missing", in those words; True is not a number."""
    assert parse_number(95.476) == 95.476
    assert parse_number(np.float64(1234.5)) == 1234.5 and parse_number(np.int64(7)) == 7.0
    with pytest.raises(NumberFormatError, match="could be"):
        parse_number("95.476")
    with pytest.raises(NumberFormatError) as e:
        parse_number(np.float64("nan"))
    assert str(e.value) == "the value is missing"
    with pytest.raises(NumberFormatError, match="'True' is not a number"):
        parse_number(True)


def test_round_half_up_of_nothing_is_nan():
    assert math.isnan(round_half_up(None, 2)) and math.isnan(round_half_up(float("nan"), 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("75, 09", "'75, 09' has a space inside; it is not read as a number (is it '75,09'?)"),
        (" 7 5,09 ", "'7 5,09' has a space inside; it is not read as a number (is it '75,09'?)"),
        ("1 2345", "'1 2345' has a space inside; it is not read as a number (is it '12345'?)"),
    ],
)
def test_a_space_that_is_not_a_thousands_separator_is_refused_with_the_number_it_may_be(text, message):
    with pytest.raises(NumberFormatError) as e:
        parse_number(text)
    assert str(e.value) == message


def test_a_missing_marker_is_named_in_the_message():
    with pytest.raises(NumberFormatError) as e:
        parse_number(" n/a ")
    assert str(e.value) == "the value 'n/a' is missing or not a number"


def test_round_half_up_series_takes_a_printed_half_up_in_the_thousands_at_five_and_six_decimals():
    """8300,014575 at 5 decimals: the next digit is 5, so half up gives 8300,01458 (by hand; so does
    Python's decimal); × 100000 it is 830001457.4999999 in floating point, noise that rounding the
    scaled value to 6 places removes and to 7 places would not."""
    values = pd.Series([8300.014575, -8300.014575, 1026.5534285])
    assert round_half_up_series(values.iloc[:2], 5).tolist() == [8300.01458, -8300.01458]
    assert round_half_up_series(values.iloc[2:], 6).tolist() == [1026.553429]


def test_round_half_up_series_keeps_the_index_of_its_values():
    """The rounded totals are put back beside their units by index (88,185 → 88,19 and 1,005 → 1,01 by hand)."""
    rounded = round_half_up_series(pd.Series([88.185, 1.005], index=["u-a", "u-b"]), 2)
    pd.testing.assert_series_equal(rounded, pd.Series([88.19, 1.01], index=["u-a", "u-b"]))


def test_parse_number_series_empty_cells_of_a_text_column_are_missing_without_an_error():
    """A cell read as nothing (None, NaN or pandas' NA, as a spreadsheet's empty cell arrives) is
    missing like an empty text: NaN and no error message."""
    values, errors = parse_number_series(pd.Series(["81,5", None, float("nan"), pd.NA], dtype=object))
    assert values.iloc[0] == 81.5 and values.iloc[1:].isna().all()
    assert errors.tolist() == ["", "", "", ""]


def test_parse_number_series_reads_other_digits_as_parse_number_does():
    """Bug (issue 15's seventh session): the column's fast path took "٨٥,5" (Arabic-Indic digits)
    and "１２" (full-width digits) for plain numbers, since a regular expression's \\d matches any
    digit, and pandas could not read them, so a filled cell was reported as "the value is missing".
    parse_number (a published figure, a cell on its own) reads them: 85,5 and 12 by hand."""
    texts = ["٨٥,5", "１２", "٩٥.٤٧٦", "90,00"]
    values, errors = parse_number_series(pd.Series(texts), decimals=3)
    assert values.tolist() == [85.5, 12.0, 95.476, 90.0]
    assert errors.tolist() == ["", "", "", ""]
    assert [parse_number(t, decimals=3) for t in texts] == [85.5, 12.0, 95.476, 90.0]


def test_parse_number_codes_parses_each_distinct_printed_value_once():
    """Each row's code points at its distinct value's number and message: three rows of "12,5"
    share one code; the empty cell is missing without a message; "x" carries one."""
    s = pd.Series(["12,5", "x", "12,5", "", "12,5"], index=[10, 11, 12, 13, 14])
    codes, parsed, messages = parse_number_codes(s, decimals=2, maximum=100)
    assert codes.tolist() == [0, 1, 0, 2, 0]
    assert parsed.iloc[0] == 12.5 and math.isnan(parsed.iloc[1]) and math.isnan(parsed.iloc[2])
    assert messages.iloc[0] == "" and messages.iloc[2] == "" and "missing" in messages.iloc[1]
    assert len(parsed) == len(messages) == 3


def test_parse_number_codes_of_a_numeric_column_is_one_code_per_row():
    codes, parsed, messages = parse_number_codes(pd.Series([61.86, 28.1], index=[5, 9]))
    assert codes.tolist() == [0, 1]
    assert parsed.tolist() == [61.86, 28.1] and messages.tolist() == ["", ""]
