"""parlib.report.i18n: numbers as each language prints them.

Expected strings are written by hand (Vietnamese: "." between thousands, "," before decimals;
English the other way round), and the property test's oracle is Babel's own public
``format_decimal``, which ``fmt_number`` once called for every number.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from parlib.data.numbers import round_half_up
from parlib.report.i18n import fmt_number


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "options", "expected"),
    [
        (1234567.891, "vi", 2, {}, "1.234.567,89"),
        (1234567.891, "en", 2, {}, "1,234,567.89"),
        (-1.5, "vi", 1, {"sign": True}, "-1,5"),
        (2.25, "en", 1, {"sign": True}, "+2.3"),  # half up, not to even
        (0.0, "vi", 1, {"sign": True}, "0,0"),  # no sign on zero
        (-0.04, "vi", 1, {"sign": True}, "0,0"),  # rounds to zero: no "-0,0"
        (87.0, "vi", 3, {"trim": True}, "87"),
        (87.45, "en", 3, {"trim": True}, "87.45"),
        (99.5, "vi", 0, {}, "100"),
        (1000.0, "en", 0, {}, "1,000"),
        (float("nan"), "vi", 2, {}, "—"),
        (None, "en", 2, {}, "—"),
    ],
)
def test_numbers_as_each_language_prints_them(value, lang, decimals, options, expected):
    assert fmt_number(value, lang, decimals, **options) == expected


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    lang=st.sampled_from(["vi", "en"]),
    decimals=st.integers(min_value=0, max_value=4),
    sign=st.booleans(),
    trim=st.booleans(),
)
def test_the_same_text_as_babels_format_decimal(value, lang, decimals, sign, trim):
    rounded = Decimal(repr(round_half_up(value, decimals))) + Decimal(0)
    frac = ("#" if trim else "0") * decimals
    body = "#,##0" + (f".{frac}" if decimals else "")
    pattern = body if rounded == 0 or not sign else f"+{body};-{body}"
    expected = format_decimal(rounded, format=pattern, locale=lang, decimal_quantization=True)
    assert fmt_number(value, lang, decimals, sign=sign, trim=trim) == expected
