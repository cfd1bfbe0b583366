"""/cari: the search page and its JSON twin."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.search.index import FACETS, SearchIndex
from portal.search.service import SearchRequest, search
from portal.versions.models import Provision, Version
from portal.web.pages import Page, respond

MAX_QUERY = 500


def search_index(request: Request) -> SearchIndex:
    index: SearchIndex = request.app.state.search
    return index


async def latest_versions() -> dict[str, tuple[int, str]]:
    """slug → (id, versi) of each regulation's newest published version."""
    out: dict[str, tuple[int, str, Any]] = {}
    for version in await Version.all().select_related("regulation").order_by("tanggal", "id"):
        out[version.regulation.slug] = (version.id, version.versi, version.tanggal)
    return {slug: (vid, versi) for slug, (vid, versi, _) in out.items()}


def _request(request: Request) -> SearchRequest:
    params = request.query_params
    try:
        page = max(1, min(int(params.get("halaman", "1")), 1000))
    except ValueError:
        page = 1
    chosen = {name: params[name] for name in FACETS if params.get(name)}
    return SearchRequest(
        q=params.get("q", "")[:MAX_QUERY], page=page, all_versions=params.get("semua") == "1", chosen=chosen
    )


async def search_page(request: Request) -> Response:
    as_json = request.url.path.endswith(".json")
    wanted = _request(request)
    latest = await latest_versions()
    outcome = await asyncio.to_thread(
        search, search_index(request), wanted, [f"{slug}/{versi}" for slug, (_, versi) in latest.items()]
    )
    target = None
    if outcome.citation:
        # A query that is only a citation goes to that provision of the latest version.
        for slug, (version_id, versi) in latest.items():
            if await Provision.exists(version_id=version_id, path=outcome.citation):
                target = f"/r/{slug}/{versi}/{outcome.citation}"
                break
    if target and not as_json and wanted.page == 1 and not wanted.chosen:
        return RedirectResponse(target, status_code=303)
    data = {
        "query": wanted.q,
        "all_versions": wanted.all_versions,
        "total": outcome.total,
        "page": outcome.page,
        "pages": outcome.pages,
        "results": [hit.to_json() for hit in outcome.hits],
        "facets": {
            name: [{"value": f.value, "count": f.count, "chosen": f.chosen} for f in values]
            for name, values in outcome.facets.items()
        },
        "suggestion": outcome.suggestion,
        "citation": target,
    }
    if wanted.all_versions:
        data["versions"] = [{"versi": versi, "count": count} for versi, count in outcome.presence]

    def url(path: str = "/cari", **changes: str | None) -> str:
        params = {"q": wanted.q, **wanted.chosen, "semua": "1" if wanted.all_versions else None}
        params |= changes
        kept = {k: v for k, v in params.items() if v}
        return f"{path}?{urlencode(kept)}" if kept else path

    extra = {
        "json_url": url("/cari.json", halaman=str(outcome.page) if outcome.page > 1 else None),
        "page_url": lambda n: url(halaman=str(n) if n > 1 else None),
        "facet_url": lambda name, value: url(**{name: "" if wanted.chosen.get(name) == value else value}),
        "scope_url": url(semua=None if wanted.all_versions else "1"),
        "suggestion_url": url(q=outcome.suggestion) if outcome.suggestion else None,
        "found": dict(outcome.presence),
        "wanted": wanted,
        "outcome": outcome,
        "error": outcome.error,
        "title_query": wanted.q,
        "versions_of": await _all_versions(latest) if wanted.all_versions else [],
    }
    return respond(request, Page("search/results.html", data, extra), as_json)


async def _all_versions(latest: dict[str, tuple[int, str]]) -> list[str]:
    return [
        v.versi for v in await Version.filter(regulation__slug__in=list(latest)).order_by("tanggal", "id")
    ]


routes = [
    Route("/cari", search_page, name="search"),
    Route("/cari.json", search_page, name="search_json"),
]
