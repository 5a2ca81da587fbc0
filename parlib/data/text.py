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
