"""Downloads of a version: its canonical Markdown and its Akoma Ntoso XML."""

from __future__ import annotations

import asyncio
import os

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.document import parse
from portal.exports.akn import akoma_ntoso
from portal.exports.official import PAPERS, official_docx
from portal.exports.pdf import official_pdf
from portal.versions.models import Version
from portal.versions.services import find_version
from portal.versions.views import IBUKOTA, not_found
from portal.web.pages import not_modified


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
    body = await asyncio.to_thread(lambda: akoma_ntoso(parse(version.source)))
    return Response(body, media_type="application/akn+xml", headers=headers)


async def docx(request: Request) -> Response:
    """The official layout as DOCX; ``?kertas=a4`` for A4 instead of F4."""
    version = await _version(request)
    paper = _paper(request)
    headers = _headers(version, ".docx", f"-{paper}")
    if not_modified(request, headers["etag"]):
        return Response(status_code=304, headers=headers)
    document = parse(version.source)
    city = IBUKOTA.get(document.meta.daerah, "…")
    body = await asyncio.to_thread(official_docx, document, ibukota=city, paper=paper)
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Response(body, media_type=media, headers=headers)


async def pdf(request: Request) -> Response:
    """The version printed (the print stylesheet, by WeasyPrint); kept on disk once made,
    since a long draft takes seconds to set and a published version never changes."""
    version = await _version(request)
    paper = _paper(request)
    headers = _headers(version, ".pdf", f"-{paper}")
    if not_modified(request, headers["etag"]):
        return Response(status_code=304, headers=headers)
    folder = request.app.state.settings.data_dir / "exports"
    kept = folder / f"{version.checksum}-{paper}.pdf"
    if kept.exists():
        body = kept.read_bytes()
    else:
        document = parse(version.source)
        city = IBUKOTA.get(document.meta.daerah, "…")
        try:
            body = await asyncio.to_thread(official_pdf, document, ibukota=city, paper=paper)
        except OSError as error:  # WeasyPrint loads Pango when it first sets a page
            raise HTTPException(
                503, "PDF belum tersedia di server ini (pustaka Pango belum terpasang)."
            ) from error
        folder.mkdir(parents=True, exist_ok=True)
        staging = kept.with_suffix(f".{os.getpid()}.tmp")
        staging.write_bytes(body)
        os.replace(staging, kept)
    return Response(body, media_type="application/pdf", headers=headers)


routes = [
    Route("/r/{slug}/{versi}.pdf", pdf, name="version_pdf"),
    Route("/r/{slug}/{versi}.docx", docx, name="version_docx"),
    Route("/r/{slug}/{versi}.akn.xml", akn, name="version_akn"),
    Route("/r/{slug}/{versi}.md", markdown, name="version_markdown"),
]
