"""Markdown to HTML for readers: raw HTML is never rendered (spec §3)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

from portal.document.parser import DISABLED_RULES

# The same block rules as the parser, so that what a reader sees in a Lampiran or
# the Penjelasan Umum is what the parser understood; html=False escapes any tag.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable(DISABLED_RULES).enable("table")


def inline(text: str) -> Markup:
    """Unit text: emphasis, strong, links and code; everything else escaped."""
    return Markup(_MD.renderInline(text))  # noqa: S704 - markdown-it escapes raw HTML (html=False)


def block(text: str) -> Markup:
    """Free text (Penjelasan Umum, Lampiran, Penjelasan paragraphs), tables allowed."""
    return Markup(_MD.render(text))  # noqa: S704 - markdown-it escapes raw HTML (html=False)
