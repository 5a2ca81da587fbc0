"""The report's HTML templates: Jinja2 with autoescape on.

Every section is a partial under ``templates/sections/`` (``<name>.html.j2``) built on the macros
of ``templates/sections/macros.html.j2``; vi and en share them and differ only in their words
(``tr(key, ...)`` reads :mod:`parlib.report.i18n`). Every value a template prints is escaped,
unless it is a trusted fragment marked in the template with ``|safe``: a chart's PNG data URI
and a table rendered by a pandas Styler that escaped each of its cells itself.

Template layout: a line break between two tags (``>`` or ``}`` at the end of a line, ``<`` or
``{`` at the start of the next) and the indentation after it are layout of the template, not of
the page, so that templates can be indented and the HTML stays compact.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.ext import Extension
from markupsafe import Markup, escape

from parlib.report.i18n import nfc

SECTION_TEMPLATES = Path(__file__).resolve().parent / "templates" / "sections"

_BETWEEN_TAGS = re.compile(r"([>}])[ \t]*\n\s*([<{])")


class JoinTagLines(Extension):
    """Drop the line breaks (and indentation) between tags from a template's source."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _BETWEEN_TAGS.sub(r"\1\2", source)


def _finalize(value: object) -> object:
    """Every printed value in NFC; trusted markup passes as it is."""
    if isinstance(value, Markup) or value is None:
        return value
    return nfc(value)


ILLUSTRATIVE_MARK = "†"


def mark_illustrative(text: object) -> Markup:
    """Filter ``illmark``: the text escaped, each illustrative mark (†, put after a figure computed
    from illustrative rows) shown as a visible superscript that the summary's note explains."""
    escaped = escape(_finalize(text))
    return Markup(str(escaped).replace(ILLUSTRATIVE_MARK, '<sup class="ill">†</sup>'))


@cache
def environment() -> Environment:
    """The report's Jinja2 environment (autoescape on for .html and .j2 templates)."""
    env = Environment(
        loader=FileSystemLoader(str(SECTION_TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        extensions=[JoinTagLines],
        keep_trailing_newline=False,
    )
    env.filters["illmark"] = mark_illustrative
    return env


def render(template: str, **values: Any) -> str:
    """A section's HTML from its template (``template`` names a file under templates/sections/)."""
    return environment().get_template(template).render(**values)
