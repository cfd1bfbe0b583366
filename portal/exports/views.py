"""Downloads of a version: its canonical Markdown, its Akoma Ntoso XML, the official
layout as DOCX (built in the ``export`` pool) and as PDF (made once, in the background,
by ``pdfs.PdfStore``: until it is ready the URL answers 503 with ``Retry-After``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from portal.document import Document, parse
from portal.document.places import ibukota_of
from portal.exports.akn import akoma_ntoso
from portal.exports.official import PAPERS, official_docx
from portal.exports.pdfs import PdfStore
from portal.i18n import Translator
from portal.versions import services
from portal.versions.models import Version
from portal.versions.services import find_version
from portal.web.errors import not_found
from portal.web.pages import not_modified, request_lang
from portal.web.templating import version_url


def _headers(version: Version, suffix: str, variant: str = "") -> dict[str, str]:
    name = f"{version.regulation.slug}-{version.versi}{suffix}"
    return {
        "etag": f'"{version.checksum}{variant}{suffix}"',  # a published version never changes
        "cache-control": "public, max-age=0, must-revalidate",
        "content-disposition": f'attachment; filename="{name}"',
    }


def _paper(request: Request) -> str:
    """``?kertas=a4`` for A4; F4 otherwise (the paper of regional regulations)."""
    paper = request.query_params.get("kertas", "f4")
    return paper if paper in PAPERS else "f4"


async def _version(request: Request) -> Version:
    version = await find_version(request.path_params["slug"], request.path_params["versi"])
    if version is None:
        raise not_found()
    return version


async def markdown(request: Request) -> Response:
    version = await _version(request)
    headers = _headers(version, ".md")
    if not_modified(request, headers["etag"]):
        return Response(status_code=304, headers=headers)
    return Response(version.source, media_type="text/markdown; charset=utf-8", headers=headers)


async def akn(request: Request) -> Response:
    version = await _version(request)
    headers = _headers(version, ".akn.xml")
    if not_modified(request, headers["etag"]):
        return Response(status_code=304, headers=headers)
    # The Work is the regulation: its year is the first version's, whichever version this is.
    first = await services.first_date(version)
    body = await request.app.state.executors.run(
        "export",
        lambda: akoma_ntoso(parse(version.source), first=first),
    )
    return Response(body, media_type="application/akn+xml", headers=headers)


async def docx(request: Request) -> Response:
    """The official layout as DOCX; ``?kertas=a4`` for A4 instead of F4."""
    version = await _version(request)
    paper = _paper(request)
    headers = _headers(version, ".docx", f"-{paper}")
    if not_modified(request, headers["etag"]):
        return Response(status_code=304, headers=headers)
    body = await request.app.state.executors.run("export", _official_docx, version.source, paper)
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Response(body, media_type=media, headers=headers)


def _official_docx(source: str, paper: str) -> bytes:
    document: Document = parse(source)
    return official_docx(document, ibukota=ibukota_of(document.meta.daerah), paper=paper)


async def pdf(request: Request) -> Response:
    """The version printed (the print stylesheet, by WeasyPrint). Made once per version
    and paper and kept on disk (``pdfs.PdfStore``); until then 503 with ``Retry-After``,
    and the render is started if none is running."""
    version = await _version(request)
    paper = _paper(request)
    headers = _headers(version, ".pdf", f"-{paper}")
    if not_modified(request, headers["etag"]):
        return Response(status_code=304, headers=headers)
    store: PdfStore = request.app.state.pdfs
    if store.ready(version.checksum, paper):
        return FileResponse(
            store.path(version.checksum, paper), media_type="application/pdf", headers=headers
        )
    store.start(version.checksum, version.source, (paper,))
    retry = store.retry_after(version.checksum, paper)
    html = request.app.state.renderer.render(
        "exports/pdf_pending.html",
        Translator(request_lang(request)),
        version=version,
        base=version_url(version.regulation.slug, version.versi),
        query="?kertas=a4" if paper == "a4" else "",
        retry_after=retry,
        current_path=request.url.path,
    )
    return HTMLResponse(
        html, status_code=503, headers={"retry-after": str(retry), "cache-control": "no-store"}
    )


routes = [
    Route("/r/{slug}/{versi}.pdf", pdf, name="version_pdf"),
    Route("/r/{slug}/{versi}.docx", docx, name="version_docx"),
    Route("/r/{slug}/{versi}.akn.xml", akn, name="version_akn"),
    Route("/r/{slug}/{versi}.md", markdown, name="version_markdown"),
]
