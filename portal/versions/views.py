"""Web handlers for regulations, versions and provisions: thin, over the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.accounts.models import User
from portal.consultation.counts import with_counts
from portal.document import Document, Node
from portal.document.citations import ancestors, citation
from portal.document.places import ibukota_of
from portal.i18n import WIB, Translator
from portal.versions import services
from portal.versions.cache import CachedVersion
from portal.versions.models import Regulation, Version
from portal.web.errors import not_found
from portal.web.pages import Page, request_lang, respond, respond_in, split_json
from portal.web.templating import regulation_url, version_url


def today() -> dt.date:
    return dt.datetime.now(WIB).date()


def konsultasi_json(version: Version, on: dt.date) -> dict[str, str] | None:
    if not (version.konsultasi_buka and version.konsultasi_tutup):
        return None
    status = "akan" if on < version.konsultasi_buka else "tutup" if on > version.konsultasi_tutup else "buka"
    return {
        "buka": version.konsultasi_buka.isoformat(),
        "tutup": version.konsultasi_tutup.isoformat(),
        "status": status,
    }


def version_json(slug: str, version: Version, on: dt.date) -> dict[str, Any]:
    url = version_url(slug, version.versi)
    return {
        "versi": version.versi,
        "sequence": version.sequence,
        "label": version.label,
        "tanggal": version.tanggal.isoformat(),
        "tahap": version.tahap,
        "status": version.status,
        "pasal_count": version.pasal_count,
        "konsultasi": konsultasi_json(version, on),
        "earlier_windows": version.earlier_windows or {},
        "checksum": version.checksum,
        "published_at": version.published_at.isoformat(),
        "published_by": _publisher(version),
        "url": url,
        "json_url": url + ".json",
    }


def _publisher(version: Version) -> str | None:
    """The publisher's name where it was loaded with the version (None: the command line)."""
    loaded = getattr(version, "published_by", None)
    return loaded.name if isinstance(loaded, User) else None


def regulation_json(regulation: Regulation, versions: list[Version], on: dt.date) -> dict[str, Any]:
    latest = versions[-1] if versions else None
    return {
        "slug": regulation.slug,
        "title": _title(regulation, latest),
        "jenis": regulation.jenis,
        "daerah": regulation.daerah,
        "tentang": regulation.tentang,
        "pembentuk": regulation.pembentuk,
        "pemrakarsa": regulation.pemrakarsa,
        "url": regulation_url(regulation.slug),
        "versions": [version_json(regulation.slug, version, on) for version in versions],
    }


def _title(regulation: Regulation, latest: Version | None) -> str:
    if latest is None:
        return regulation.tentang
    return services.metadata_of(latest, regulation).title


async def index(request: Request) -> Response:
    as_json = request.url.path in ("/index.json", "/.json")
    on = today()
    pairs = await services.list_regulations()
    items = [
        {
            "regulation": regulation,
            "versions": versions,
            "url": regulation_url(regulation.slug),
            "title": _title(regulation, versions[-1] if versions else None),
        }
        for regulation, versions in pairs
    ]
    data = {"regulations": [regulation_json(r, v, on) for r, v in pairs]}
    return respond(request, Page("index.html", data, {"items": items, "today": on}), as_json)


async def regulation_page(request: Request) -> Response:
    slug, as_json = split_json(request.path_params["slug"])
    found = await services.regulation_with_versions(slug)
    if found is None:
        raise not_found()
    regulation, versions = found
    on = today()
    data = regulation_json(regulation, versions, on)
    extra = {"regulation": regulation, "versions": versions, "title": data["title"], "today": on}
    return respond(request, Page("versions/regulation.html", data, extra), as_json)


def _fragment(request: Request, cached: CachedVersion, lang: str) -> Markup:
    fragment = cached.fragments.get(lang)
    if fragment is None:
        document = cached.document
        base = version_url(document.meta.slug, document.meta.versi)
        html = request.app.state.renderer.render(
            "versions/_document.html",
            Translator(lang),
            document=document,
            ctx={"base": base, "target": ""},
            ibukota=ibukota_of(document.meta.daerah),
        )
        fragment = Markup(html)  # noqa: S704 - produced by the autoescaping template above
        cached.fragments[lang] = fragment
    return fragment


async def version_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    versi, as_json = split_json(request.path_params["versi"])
    cached = await request.app.state.versions.get(slug, versi)
    if cached is None:
        raise not_found()
    version, document = cached.version, cached.document
    on = today()
    counts = await request.app.state.comment_counts.get(cached)
    lang = request_lang(request)
    base = version_url(slug, versi)

    def data() -> dict[str, Any]:
        by_path = {
            n.path: counts.by_lineage[n.lineage]
            for n in cached.order
            if n.lineage and n.lineage in counts.by_lineage
        }
        return {
            "regulation": {"slug": slug, "title": document.meta.title, "url": regulation_url(slug)},
            "version": {
                **version_json(slug, version, on),
                "closed_by": cached.closed_by.versi if cached.closed_by else None,
            },
            "comments": {
                "url": f"{base}/komentar",
                "on_version": counts.whole,
                "by_path": by_path,
            },
            **document.to_json(),
        }

    def extra() -> dict[str, Any]:
        window = konsultasi_json(version, on)
        open_ = window is not None and window["status"] == "buka"
        return {
            "version": version,
            "document": document,
            "document_html": with_counts(_fragment(request, cached, lang), cached, counts, lang, open_),
            "other_versions": cached.others_in_order,
            "closed_by": cached.closed_by,
            "earlier_windows": version.earlier_windows or {},
            "previous_version": cached.previous,
            "latest_version": cached.latest,
            "publisher": _publisher(version),
            "regulation_url": regulation_url(slug),
            "today": on,
            "comments_whole": counts.whole,
            "consultation_open": open_,
            "pdf_ready": pdf_ready,
        }

    # The status of the consultation window changes with the day, the counts with each
    # comment, the PDF link once the PDF is made: all are in the tag.
    pdf_ready = request.app.state.pdfs.ready(version.checksum)
    etag = f'"{version.checksum[:32]}-{cached.tag}-{counts.tag}-{on.isoformat()}-{int(pdf_ready)}"'
    page = Page("versions/version.html", data, extra, etag=etag, store=cached.bodies)
    return await respond_in(request.app.state.executors, request, page, as_json)


def _context_node(chain: list[Node]) -> Node:
    """What to show around a provision: its Pasal (or Menimbang/Mengingat/section)."""
    for node in reversed(chain):
        if node.kind in ("pasal", "menimbang", "mengingat", "penjelasan_umum", "lampiran"):
            return node
    return chain[-1]


async def provision_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    versi = request.path_params["versi"]
    path, as_json = split_json(request.path_params["path"].strip("/"))
    cached = await request.app.state.versions.get(slug, versi)
    if cached is None or path not in cached.index:
        raise not_found()
    version, document = cached.version, cached.document
    node = cached.index[path]
    on = today()
    base = version_url(slug, versi)
    # The chain of sections is found only when a page is rendered (a kept page needs only the path).
    found: list[list[Node]] = []

    def chain_of() -> list[Node]:
        if not found:
            found.append(_chain(document, path))
        return found[0]

    def data() -> dict[str, Any]:
        chain = chain_of()
        cite = citation(chain)
        return {
            "regulation": {"slug": slug, "title": document.meta.title, "url": regulation_url(slug)},
            "version": version_json(slug, version, on),
            "citation": cite,
            "url": f"{base}/{path}",
            "breadcrumb": [
                {"kind": n.kind, "path": n.path, "label": n.label}
                for n in chain[:-1]
                if n.kind != "penjelasan"
            ],
            "node": node.to_json(),
        }

    def extra() -> dict[str, Any]:
        chain = chain_of()
        cite = citation(chain)
        units = [n for n in cached.order if n.kind != "penjelasan"]
        position = next((i for i, n in enumerate(units) if n.path == path), None)
        return {
            "version": version,
            "document": document,
            "node": node,
            "context_node": _context_node(chain),
            "crumbs": [n for n in chain[:-1] if n.kind != "penjelasan"],
            "citation": cite,
            "previous": units[position - 1] if position else None,
            "next": units[position + 1] if position is not None and position + 1 < len(units) else None,
            "regulation_url": regulation_url(slug),
            "ctx": {"base": base, "target": path},
            "ibukota": ibukota_of(document.meta.daerah),
        }

    etag = f'"{version.checksum[:32]}-{cached.tag}-{on.isoformat()}-{path}"'
    page = Page("versions/provision.html", data, extra, etag=etag, store=cached.provision_bodies)
    return respond(request, page, as_json)


def _chain(document: Document, path: str) -> list[Node]:
    """The nodes from the top down to ``path``; a Penjelasan hangs under its Pasal."""
    if not path.startswith("penjelasan/"):
        return ancestors(document, path)
    pasal = path.removeprefix("penjelasan/").split("/")[0]
    return ancestors(document, pasal) + [n for n in ancestors(document, path) if n.kind == "penjelasan"]


routes = [
    Route("/", index, name="index"),
    Route("/.json", index, name="index_json"),
    Route("/index.json", index, name="index_json_alias"),
    Route("/r/{slug}", regulation_page, name="regulation"),
    Route("/r/{slug}/{versi}", version_page, name="version"),
    Route("/r/{slug}/{versi}/{path:path}", provision_page, name="provision"),
]
