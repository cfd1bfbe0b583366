"""Markdown to HTML for readers: raw HTML is never rendered (spec §3)."""

from __future__ import annotations

from typing import Any

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


def _commenter_markdown() -> MarkdownIt:
    """What a commenter writes: no images (an image is a request the reader's browser
    makes for the writer), no tables, and every link marked as user-written so that
    search engines give it no weight and the opened page gets no handle on this one."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable(DISABLED_RULES)
    md.disable("image")  # ![x](…) stays as the text the commenter typed

    def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "nofollow ugc noopener")
        rendered: str = renderer.renderToken(tokens, idx, options, env)
        return rendered

    md.add_render_rule("link_open", link_open)
    md.validateLink = _web_link  # type: ignore[method-assign]
    return md


def _web_link(url: str) -> bool:
    """Links a commenter may make: the web, mail, and this portal's own pages."""
    plain = url.strip().lower()
    return plain.startswith(("http://", "https://", "mailto:", "/", "#")) and not plain.startswith("//")


_COMMENT_MD = _commenter_markdown()


def comment_block(text: str) -> Markup:
    """A comment, a reply or a proposal as the public wrote it: paragraphs, emphasis,
    lists and links (marked ``rel="nofollow ugc"``); no images, no raw HTML."""
    return Markup(_COMMENT_MD.render(text))  # noqa: S704 - markdown-it escapes raw HTML (html=False)
