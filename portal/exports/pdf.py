"""A PDF of a version, as the portal prints it: the official document's HTML through the
print stylesheet, set by WeasyPrint on F4 or A4 paper.

WeasyPrint fetches what a page refers to (images, stylesheets) itself. A drafter's text
may hold ``![x](http://…)``, so the renderer is given a fetcher that serves only the
portal's own static files, read from ``static/`` on disk, and ``data:`` URIs: nothing
from the network (no SSRF from the server's address) and no other file."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from portal.document import Document
from portal.i18n import Translator
from portal.web.templating import STATIC_DIR, Renderer

PAGES = {"f4": "215mm 330mm", "a4": "A4"}
# The base of relative URLs in the printed page: ``/static/…`` resolves under it. The
# ``.invalid`` domain never resolves (RFC 2606), and the fetcher never asks the network.
ORIGIN = "https://portal.invalid"


class Refused(ValueError):
    """A URL the printed page may not fetch."""


def static_file(url: str, static_dir: Path = STATIC_DIR) -> Path:
    """The file under ``static_dir`` a URL names, or ``Refused``: ``ORIGIN/static/…``, or a
    ``file:`` URL inside the folder. Anything resolving outside it (``..``, links) is refused."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and f"{scheme}://{parts.netloc.lower()}" == ORIGIN:
        path = unquote(parts.path)
        if not path.startswith("/static/"):
            raise Refused(f"not a static file: {url}")
        relative = path.removeprefix("/static/")
    elif scheme == "file" and parts.netloc in ("", "localhost"):
        relative = url2pathname(parts.path)
    else:
        raise Refused(f"the printed page fetches nothing from the network: {url}")
    root = static_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Refused(f"not a static file: {url}")
    return target


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        """Static files from disk and ``data:`` URIs; every other URL is refused."""

        def __init__(self) -> None:
            # ``data:`` is all the base class may still open (no http, https, ftp or file).
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_file(url)
            media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media})

    return StaticOnly()


def official_pdf(document: Document, *, ibukota: str = "…", paper: str = "f4") -> bytes:
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # loaded only to print

    fragment = Renderer().render(
        "versions/_document.html",
        Translator("id"),
        document=document,
        ctx={"base": "", "target": ""},
        ibukota=ibukota,
    )
    title = document.meta.title
    html = (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{_escape(title)}</title></head>'
        f'<body class="page-version">{fragment}</body></html>'
    )
    fetcher = _fetcher()
    sheet = (STATIC_DIR / "portal.css").read_text(encoding="utf-8")
    page = f"@page {{ size: {PAGES.get(paper, PAGES['f4'])}; }}"
    stylesheets = [
        CSS(string=sheet, base_url=f"{ORIGIN}/static/", url_fetcher=fetcher),
        CSS(string=page, url_fetcher=fetcher),
    ]
    pdf: bytes = HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets
    )
    return pdf


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
