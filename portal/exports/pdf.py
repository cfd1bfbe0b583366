"""A PDF of a version, as the portal prints it: the official document's HTML through the
print stylesheet, set by WeasyPrint on F4 or A4 paper."""

from __future__ import annotations

from portal.document import Document
from portal.web.i18n import Translator
from portal.web.templating import STATIC_DIR, Renderer

PAGES = {"f4": "215mm 330mm", "a4": "A4"}


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
    sheet = (STATIC_DIR / "portal.css").read_text(encoding="utf-8")
    page = f"@page {{ size: {PAGES.get(paper, PAGES['f4'])}; }}"
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(string=sheet), CSS(string=page)])
    return pdf


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
