"""Text as it arrives from exports: Unicode NFC, trimmed, spaces collapsed, for names and headers."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

_SPACES = re.compile(r"\s+")


def clean_name(text: object) -> str:
    """A unit or field name in NFC, trimmed, inner whitespace collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def name_key(text: object) -> str:
    """The key names are matched on: clean, case-folded ("Sở Giao thông Vận tải" = "Sở Giao thông vận tải")."""
    return clean_name(text).casefold()


def per_unique(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn`` (a vectorised function of a column) computed once per distinct value of ``values``
    and spread back to every row, with ``values``' index. A table of 400,000 rows holds a few
    thousand distinct names and a few hundred distinct printed numbers: the work is per name."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = fn(pd.Series(uniques, dtype=object))
    out = done.iloc[codes]
    out.index = values.index
    return out


def _clean_unique(values: pd.Series) -> pd.Series:
    s = values.where(values.notna(), "").astype(str).str.normalize("NFC")
    return s.str.replace(_SPACES, " ", regex=True).str.strip()


def clean_names(values: pd.Series) -> pd.Series:
    """:func:`clean_name` over a column, vectorised, once per distinct value."""
    return per_unique(values, _clean_unique)


def name_keys(values: pd.Series) -> pd.Series:
    """:func:`name_key` over a column, vectorised, once per distinct value."""
    return per_unique(values, lambda u: _clean_unique(u).str.casefold())
