"""Text as it arrives from exports: Unicode NFC, trimmed, spaces collapsed, for names and headers."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

_SPACES = re.compile(r"\s+")


def clean_name(text: object) -> str:
    """A unit or field name in NFC, trimmed, inner whitespace collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def name_key(text: object) -> str:
    """The key names are matched on: clean, case-folded ("Sở Giao thông Vận tải" = "Sở Giao thông vận tải")."""
    return clean_name(text).casefold()


def clean_names(values: pd.Series) -> pd.Series:
    """:func:`clean_name` over a column, vectorised."""
    s = values.astype(object).where(values.notna(), "").astype(str)
    s = s.map(lambda v: unicodedata.normalize("NFC", v))
    return s.str.replace(_SPACES, " ", regex=True).str.strip()


def near_miss(name: str, known: list[str]) -> str:
    """Why ``name`` may look like one of the ``known`` names and still not be it, for an error message:
    invisible characters ("it holds U+200B ZERO WIDTH SPACE"), or look-alike letters of another
    alphabet ("Ð (U+00D0) where Đ (U+0110) is expected"). Empty when no known name is that close."""
    import unicodedata as ud

    from parlib.errors import _invisible

    hidden = sorted({c for c in name if _invisible(c) or (c.isspace() and c != " ")})
    if hidden:
        codes = ", ".join(f"U+{ord(c):04X} {ud.name(c, 'control character')}" for c in hidden)
        return f"it holds invisible characters ({codes})"
    target = clean_name(name)
    for k in known:
        k = clean_name(k)
        if len(k) != len(target):
            continue
        diffs = [(a, b) for a, b in zip(target, k) if a.casefold() != b.casefold()]
        if 0 < len(diffs) <= 2:
            return "; ".join(f"{a} (U+{ord(a):04X}) where {b} (U+{ord(b):04X}) is expected" for a, b in diffs)
    return ""
