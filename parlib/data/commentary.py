"""A researcher's commentary on one year of a dataset, per language.

``<dataset>/commentary/<year>.<lang>.md`` (``2023.vi.md``, ``2023.en.md``) is Markdown divided
into parts by marker lines ``<!-- section: <id> -->``; each part is placed at the end of the report
section with that id (``summary``, ``ranking``, ``strengths``, ``yoy``, ``appraisal``, ``methods``,
``published``…; ``intro`` is right after the title). Text before the first marker goes under
``intro``. Any other HTML comment (``<!-- a note for the editors -->``) is dropped. A marker
naming no section of the report is an error (file, line, the ids to choose from). The files are read as UTF-8; nothing here renders the Markdown (the report does, safely).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from parlib.errors import DataError

COMMENTARY_DIR = "commentary"
#: The report's sections a commentary can be placed under (their anchors in the page); a new
#: report section adds its id here.
SECTION_IDS: tuple[str, ...] = (
    "intro",
    "summary",
    "ranking",
    "robustness",
    "strengths",
    "yoy",
    "appraisal",
    "methods",
    "published",
    "profiles",
)
MARKER = re.compile(r"^\s*<!--\s*section\s*:\s*([A-Za-z0-9_-]*)\s*-->\s*$")
_NOTE = re.compile(r"<!--(?!\s*section\s*:).*?-->", re.S)


def commentary_path(root: Path, year: int, lang: str) -> Path:
    """Where a dataset keeps its commentary for ``year`` in ``lang``."""
    return Path(root) / COMMENTARY_DIR / f"{int(year)}.{lang}.md"


def commentary_files(root: Path) -> list[Path]:
    """Every commentary file of a dataset, sorted (inputs of its reports)."""
    folder = Path(root) / COMMENTARY_DIR
    return sorted(p for p in folder.glob("*.md") if p.is_file()) if folder.is_dir() else []


def split_commentary(text: str, known: Iterable[str], file: Path | str = "commentary") -> dict[str, str]:
    """The Markdown of each section id, in the order of the file (empty parts left out).

    >>> split_commentary("Intro\\n<!-- section: summary -->\\nA *point*.", ["intro", "summary"])
    {'intro': 'Intro', 'summary': 'A *point*.'}
    """
    known = list(known)
    # an editors' note is dropped, keeping its line breaks so that errors give the right line
    text = _NOTE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    parts: dict[str, list[str]] = {}
    current = "intro"
    for n, line in enumerate(text.splitlines(), start=1):
        m = MARKER.match(line)
        if m:
            current = m.group(1)
            if current not in known:
                raise DataError(
                    f"the marker names section {current!r}, which the report does not have",
                    f"use one of: {', '.join(known)}",
                    file=file,
                    row=n,
                )
            continue
        parts.setdefault(current, []).append(line)
    bodies = {sid: "\n".join(lines).strip() for sid, lines in parts.items()}
    return {sid: body for sid, body in bodies.items() if body}


def read_commentary(root: Path, year: int, lang: str, known: Iterable[str]) -> dict[str, str]:
    """The commentary of one year and language by section id ({} when the dataset has none)."""
    path = commentary_path(root, year, lang)
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError("is not UTF-8 text", "save the file as UTF-8", file=path) from None
    return split_commentary(text, known, path)
