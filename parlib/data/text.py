"""Text as it arrives from exports: Unicode NFC, trimmed, spaces collapsed, for names and headers."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd


def clean_name(text: object) -> str:
    """A unit or field name in NFC, trimmed, inner whitespace collapsed to one space."""
    # str.split() splits on exactly what the pattern \s matches (str.isspace(), checked for every
    # code point), and three times faster than re.sub(r"\s+", " ", …).strip(): dataset.yml's
    # ids, names and aliases (10,000 units: 50,000 texts) all pass through here.
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


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


def clean_codes(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """A text column factorised once: ``codes`` (one per row) into ``uniques``, its distinct values
    cleaned as by :func:`clean_name` (two raw spellings may clean to the same name). Everything a
    caller needs of the column (its clean names, unit or field ids, keys) is then computed on the
    few thousand uniques and spread with :func:`spread`: factorising 400,000 names costs as much as
    cleaning them, so it is done once per column."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, _clean_unique(pd.Series(uniques, dtype=object))


def spread(per_unique_values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The value of each row's unique (``per_unique_values[codes]``), with the column's ``index``."""
    out = per_unique_values.iloc[codes]
    out.index = index
    return out


def _clean_unique(values: pd.Series) -> pd.Series:
    # str.split() splits on the characters the pattern \s matches (both are str.isspace()), so
    # joining the parts is clean_name's collapse and strip; a loop over the few thousand uniques is
    # several times faster than pandas' .str methods (which loop too, with more per-item work).
    texts = values.where(values.notna(), "").astype(object)
    return pd.Series(
        [" ".join(unicodedata.normalize("NFC", str(t)).split()) for t in texts], index=values.index, dtype=str
    )


def near_miss(name: str, known: list[str]) -> str:
    """Why ``name`` may look like one of the ``known`` names and still not be it, for an error message:
    invisible characters ("it holds U+200B ZERO WIDTH SPACE"), or look-alike letters of another
    alphabet ("Ð (U+00D0) where Đ (U+0110) is expected"). Empty when no known name is that close."""
    from parlib.errors import _invisible

    hidden = sorted({c for c in name if _invisible(c) or (c.isspace() and c != " ")})
    if hidden:
        codes = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in hidden)
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


def clean_names(values: pd.Series) -> pd.Series:
    """:func:`clean_name` over a column, vectorised, once per distinct value."""
    return per_unique(values, _clean_unique)


def name_keys(values: pd.Series) -> pd.Series:
    """:func:`name_key` over a column, vectorised, once per distinct value."""
    return per_unique(values, lambda u: _clean_unique(u).str.casefold())
