"""Each printed figure found in the local copy of its source (`parlib check --sources`).

A dataset's ``sources:`` may name a local ``copy:`` (the article's text, an excerpt of a table page)
with its sha256. For each figure of published.yml this finds, in the copy of the figure's source,
the sentence the figure quotes (or, when the figure's sentence is a summary rather than a quotation,
the sentence of the copy that holds the printed value and shares most words with it), and says
whether the printed value is in it: a number as printed or with a decimal point instead of the
comma, a count "a/b" also as "a of b", a unit by any of its names, a band by its name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parlib.data.dataset import Dataset
from parlib.data.published import MEASURE_KINDS, Figure

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_CSV_ROW = re.compile(r"^[^,\s][^\n]*,[^ \n][^\n]*,[^ \n]")


@dataclass(frozen=True)
class SourceMatch:
    """Where one figure's printed value was looked for and what was found."""

    figure: str
    printed: str
    source: str
    copy: str | None  # the copy's path relative to the dataset folder, None when the source has none
    sentence: str | None  # the sentence of the copy found for the figure
    found: bool  # the printed value is in that sentence


def normalise(text: str) -> str:
    """NFC, one space for every run of white space, no space at either end."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def sentences(text: str) -> list[str]:
    """The copy cut into sentences: paragraphs (blocks between blank lines) at each sentence end,
    and each row of a table (a line of comma-separated values) on its own."""
    out = []
    for block in re.split(r"\n\s*\n", unicodedata.normalize("NFC", text)):
        lines = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("```")]
        if lines and sum(bool(_CSV_ROW.match(ln)) for ln in lines) * 2 > len(lines):
            out += [normalise(ln) for ln in lines]
        else:
            out += [normalise(s) for s in _SENTENCE_END.split(" ".join(lines)) if s.strip()]
    return out


def _number_pattern(t: str) -> re.Pattern[str]:
    """A number as written, not inside a longer number of the same style (a comma between two
    values of a table row is not taken for a decimal comma when the value has a point)."""
    sep = "," if "," in t else "." if "." in t else ""
    before = rf"(?<!\d)(?<!\d{re.escape(sep)})" if sep else r"(?<!\d)"
    after = rf"(?!\d)(?!{re.escape(sep)}\d)" if sep else r"(?!\d)"
    return re.compile(before + re.escape(t) + after)


def value_patterns(ds: Dataset, fig: Figure) -> list[re.Pattern[str]]:
    """Every way the printed value may be written in a source (see the module's docstring)."""
    printed = normalise(fig.printed)
    kind = MEASURE_KINDS[fig.measure][0]
    texts = {printed}
    if kind == "number":
        bare = printed.rstrip("%").strip()
        texts |= {bare, bare.replace(",", "."), bare.lstrip("+"), bare.lstrip("+").replace(",", ".")}
    elif kind == "count" and "/" in printed:
        a, b = (x.strip() for x in printed.split("/", 1))
        texts |= {f"{a} of {b}", f"{a} trong số {b}", f"{a}/{b}"}
    elif kind == "unit":
        key = printed.casefold()
        for u in ds.units().values():
            names = [*u.name.values(), *u.aliases]
            if key in (n.casefold() for n in names):
                texts |= set(names)
    pats = []
    for t in sorted(texts, key=len, reverse=True):
        if kind in ("number", "count"):
            pats.append(_number_pattern(t))
        else:
            pats.append(re.compile(re.escape(t), re.IGNORECASE))
    return pats


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) > 1}


def find_figure(ds: Dataset, fig: Figure, copy_text: str) -> tuple[str | None, bool]:
    """The sentence of ``copy_text`` found for ``fig`` and whether the printed value is in it."""
    pats = value_patterns(ds, fig)

    def has_value(s: str) -> bool:
        return any(p.search(s) for p in pats)

    text = normalise(copy_text)
    quote = normalise(fig.sentence)
    if quote and quote in text:  # the figure quotes the copy: the sentence(s) around the quotation
        start, end = text.index(quote), text.index(quote) + len(quote)
        cut = [m.end() for m in re.finditer(r"[.!?;] ", text[:start])]
        m = re.search(r"[.!?;](?= |$)", text[end:])
        right = end + m.end() if m else len(text)
        found = text[(cut[-1] if cut else 0) : right]
        if not has_value(found) and len(cut) > 1:  # "the city ... 12,071": the name is in the sentence before
            found = text[cut[-2] : right]
        return found, has_value(found)
    candidates = [s for s in sentences(copy_text) if has_value(s)]
    if not candidates:
        return None, False
    want = _words(fig.sentence)
    best = max(candidates, key=lambda s: len(want & _words(s)))
    return best, True


def check_sources(ds: Dataset, figures: list[Figure]) -> list[SourceMatch]:
    """Each figure looked for in the local copy of its source."""
    out, cache = [], {}
    for fig in figures:
        src = ds.sources.get(fig.source)
        if src is None or src.copy is None:
            out.append(SourceMatch(fig.id, fig.printed, fig.source, None, None, False))
            continue
        if src.id not in cache:
            cache[src.id] = src.copy.read_text(encoding="utf-8")
        sentence, found = find_figure(ds, fig, cache[src.id])
        out.append(SourceMatch(fig.id, fig.printed, fig.source, src.copy_rel, sentence, found))
    return out
