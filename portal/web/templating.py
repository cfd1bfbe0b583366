"""Jinja2 environment: autoescaped templates with Markdown rendered by markdown-it (html off)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portal.accounts.labels import CATEGORY_NAMES, ROLE_NAMES
from portal.config import ROOT
from portal.document.citations import pasal_range, path_citation
from portal.document.nodes import Node
from portal.i18n import Translator
from portal.web import markdown
from portal.web.forms import MESSAGES

TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


@cache
def static_url(name: str) -> str:
    """A static file's URL with a content hash, so browsers may cache it for long."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def regulation_url(slug: str) -> str:
    return f"/r/{quote(slug)}"


def version_url(slug: str, versi: str) -> str:
    return f"/r/{quote(slug)}/{quote(versi)}"


def node_title(node: Node) -> str:
    return node.label


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(
        static_url=static_url,
        version_url=version_url,
        inline=markdown.inline,
        block=markdown.block,
        comment_block=markdown.comment_block,
        node_title=node_title,
        pasal_range=pasal_range,
        cite=path_citation,
        messages=MESSAGES,
        role_names=ROLE_NAMES,
        category_names=CATEGORY_NAMES,
    )
    return env


class Renderer:
    """Renders templates in one language; the translator's callables join the context."""

    def __init__(self, env: Environment | None = None) -> None:
        self.env = env or make_environment()

    def render(self, template: str, translator: Translator, **context: Any) -> str:
        context.setdefault("json_url", None)
        context.setdefault("current_path", "/")
        return self.env.get_template(template).render(
            lang=translator.lang, **translator.callables(), **context
        )
