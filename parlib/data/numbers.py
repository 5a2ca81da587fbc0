"""Numbers as publishers print them: decimal commas, thousands points, printed precision.

Vietnamese agencies write 90,766 for 90.766 and 1.234,5 for 1234.5. A value such as "95.476" is
ambiguous (95,476 or 95476); it is resolved with what the methodology says about the column: its
printed decimals and its maximum. These functions never guess silently: an unresolvable value is
an error.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

MISSING_TOKENS = frozenset({"", "—", "–", "-", "x", "X", "n/a", "N/A", "na", "NA", "nan", "NaN", "..."})

_PLAIN = re.compile(r"^[+-]?\d+$")
_COMMA_DEC = re.compile(r"^[+-]?\d+,\d+$")
_POINT_DEC = re.compile(r"^[+-]?\d+\.\d+$")
_VN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACE = re.compile(r"\s")
_DIGITS_AND_SPACES = re.compile(r"^[+-]?[\d\s.,]+$")
_SPACED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([,.]\d+)?$")


class NumberFormatError(ValueError):
    """A text that is not a number, or that could mean two numbers."""


def parse_number(text: object, *, decimals: int | None = None, maximum: float | None = None) -> float:
    """Parse one printed number, accepting the decimal comma.

    ``decimals`` (the methodology's printed decimals) and ``maximum`` (the largest value the
    column can hold) resolve "95.476": read as a decimal point when the value would otherwise
    exceed ``maximum``, or when three decimals are expected. Raises :class:`NumberFormatError`
    for missing markers ("—", "x", "n/a") and for what cannot be resolved.
    """
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        value = float(text)
        if math.isnan(value):
            raise NumberFormatError("the value is missing")
        return value
    s = str(text).strip().replace("\u2212", "-")
    if _SPACE.search(s) and _DIGITS_AND_SPACES.match(s):
        # a space is a thousands separator only between groups of three digits ("1 234,5"); anywhere
        # else ("75, 09", "7 5,09") the cell is two things, or a typo, and is not guessed at
        if not _SPACED_THOUSANDS.match(s):
            raise NumberFormatError(
                f"{str(text).strip()!r} has a space inside; it is not read as a number "
                "(is it '" + _SPACE.sub("", s) + "'?)"
            )
        s = _SPACE.sub("", s)
    if s in MISSING_TOKENS:
        raise NumberFormatError(f"the value {str(text).strip()!r} is missing or not a number")
    if _PLAIN.match(s):
        return float(s)
    if _COMMA_DEC.match(s):
        return float(s.replace(",", "."))
    if _POINT_DEC.match(s):
        frac = s.split(".")[1]
        if len(frac) != 3:
            return float(s)
        # "95.476": a decimal point or a Vietnamese thousands point?
        as_decimal, as_thousands = float(s), float(s.replace(".", ""))
        if maximum is not None and abs(as_thousands) > maximum:
            return as_decimal
        if decimals is not None and decimals >= 3:
            return as_decimal
        raise NumberFormatError(f"{s!r} could be {as_decimal:g} (decimal point) or {as_thousands:g} (thousands point)")
    if _VN_THOUSANDS.match(s):
        return float(s.replace(".", "").replace(",", "."))
    if _EN_THOUSANDS.match(s):
        return float(s.replace(",", ""))
    raise NumberFormatError(f"{str(text).strip()!r} is not a number")


def printed_decimals(text: str) -> int:
    """How many decimals a printed number shows: "90,766" → 3, "87,45" → 2, "05" → 0, "89.95" → 2."""
    m = re.search(r",(\d+)\D*$", str(text).strip())
    if m:
        return len(m.group(1))
    # a decimal point is a decimal point unless it could be a thousands point (three digits after it)
    m = re.fullmatch(r"[^\d,.]*\d+\.(\d{1,2}|\d{4,})\D*", str(text).strip())
    return len(m.group(1)) if m else 0


def round_half_up(value: float, decimals: int) -> float:
    """Round as people and publishers do (0,0005 → 0,001), not to even, using the decimal value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def round_half_up_series(values: pd.Series, decimals: int) -> pd.Series:
    """:func:`round_half_up` over a column, vectorised: 88,185 → 88,19 and 39,995 → 40,00 at two
    decimals, where binary rounding (pandas ``round``) gives 88,18 and 39,99. NaN stays NaN.

    The scaled value is first rounded to 6 places to remove binary noise (88.185 × 100 is
    8818.499999999999 in floating point), then halves are rounded away from zero.
    """
    x = values.astype(float).to_numpy()
    scale = 10.0**decimals
    scaled = np.round(np.abs(x) * scale, 6)
    return pd.Series(np.sign(x) * np.floor(scaled + 0.5) / scale, index=values.index)


def matches_printed(computed: float, printed: float, decimals: int) -> bool:
    """True when ``computed`` rounded half up to ``decimals`` places equals ``printed``."""
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return False
    return round_half_up(computed, decimals) == round_half_up(printed, decimals)


def parse_number_series(
    values: pd.Series, *, decimals: int | None = None, maximum: float | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse a column of printed numbers.

    Returns the parsed floats (NaN where a cell is empty) and a Series of error messages (empty
    string where the cell parsed). Numeric columns pass through without per-cell work.
    """
    codes, parsed, errors = parse_number_codes(values, decimals=decimals, maximum=maximum)
    return (
        pd.Series(parsed.to_numpy()[codes], index=values.index, dtype=float),
        pd.Series(errors.to_numpy()[codes], index=values.index, dtype=object),
    )


def parse_number_codes(
    values: pd.Series, *, decimals: int | None = None, maximum: float | None = None
) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """:func:`parse_number_series` before it is spread back to the rows: each row's code, and the
    parsed float and error message (empty string where it parsed) of each code. A caller that only
    asks which rows failed compares a few hundred messages, not 400,000."""
    if pd.api.types.is_numeric_dtype(values):
        n = len(values)
        return np.arange(n), values.astype(float).reset_index(drop=True), pd.Series([""] * n, dtype=object)
    # Once per distinct printed value (a column of 400,000 scores holds a few hundred), then
    # spread back to the rows.
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed, errors = _parse_texts(pd.Series(uniques, dtype=object), decimals=decimals, maximum=maximum)
    return codes, parsed, errors


def _parse_texts(values: pd.Series, *, decimals: int | None, maximum: float | None) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_number_series` of distinct values (a default RangeIndex)."""
    texts = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    # Fast path, vectorised: plain integers, decimal commas, and decimal points with other than
    # three decimals parse without ambiguity; only the rest is looked at cell by cell. ASCII digits
    # only ([0-9], not \d): pd.to_numeric reads no other digits, and a cell of other digits ("٨٥,5",
    # "８５") left to it came out as an empty cell ("the value is missing"); parse_number reads them.
    simple = texts.str.fullmatch(r"[+-]?[0-9]+(,[0-9]+)?") | texts.str.fullmatch(r"[+-]?[0-9]+\.([0-9]{1,2}|[0-9]{4,})")
    # "95.476" (a point and three decimals) is a decimal point when the method prints three
    # decimals or when 95476 would exceed the column's maximum, as in parse_number; decided here
    # for the whole column at once, the unresolved rest goes cell by cell (and is refused there).
    three = texts.str.fullmatch(r"[+-]?[0-9]+\.[0-9]{3}")
    if three.any():
        as_decimal = pd.to_numeric(texts.where(three), errors="coerce")
        resolved = three & (
            (decimals is not None and decimals >= 3)
            | ((as_decimal * 1000).abs() > maximum if maximum is not None else False)
        )
        simple = simple | resolved
    parsed = pd.to_numeric(texts.where(simple).str.replace(",", ".", regex=False), errors="coerce")
    errors = pd.Series("", index=values.index, dtype=object)
    for idx in texts.index[~simple & (texts != "")]:
        try:
            parsed[idx] = parse_number(texts[idx], decimals=decimals, maximum=maximum)
        except NumberFormatError as exc:
            errors[idx] = str(exc)
    return parsed.astype(float), errors


def total_from_parts(parts_sum: pd.Series, decimals: int) -> pd.Series:
    """A total from the sum of printed parts, rounded to the printed decimals.

    Parts printed with ``decimals`` places sum exactly to a number with ``decimals`` places; the
    rounding only removes binary floating-point noise (95.47599999… → 95.476), which would
    otherwise break ties between equal totals.
    """
    return round_half_up_series(parts_sum, decimals)
