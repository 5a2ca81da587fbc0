"""A researcher's Markdown rendered safely into the report.

CommonMark through markdown-it-py with raw HTML off: ``<script>``, ``<img onerror=…>`` and any
other tag typed in the Markdown are shown as text; links that are not http(s), mailto or an
in-page ``#anchor`` (``javascript:``, ``data:``, ``file:``) are not made into links; images are
not loaded (the report makes no request): an image is shown as its alt text. LaTeX and other
markup are left as typed. Headings are demoted below the report's own (``#`` becomes ``<h4>``).
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from parlib.report.i18n import nfc

_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


class _SafeLinks(MarkdownIt):
    """CommonMark whose links are made only for safe schemes and in-page anchors."""

    def validateLink(self, url: str) -> bool:
        return url.strip().lower().startswith(_SAFE_SCHEMES)


@cache
def _parser() -> MarkdownIt:
    md = _SafeLinks("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # no request from the page; the alt text stays as text
    md.core.ruler.push("parlib_heading_levels", _demote_headings)
    return md


def _demote_headings(state: StateCore) -> None:
    """Headings of a commentary sit under the report's own: # → h4, ## → h5, deeper → h6."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 3, 6)}"


def render_markdown(text: str) -> Markup:
    """Markdown (CommonMark) as HTML, raw HTML escaped and unsafe links left as text (NFC)."""
    return Markup(_parser().render(nfc(text)))
