"""Web handlers for comparing versions, the matriks perubahan and a provision's history."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.document import Node
from portal.exports.matrix import matrix_docx, matrix_xlsx
from portal.versions import services
from portal.versions.cache import CachedVersion
from portal.versions.compare import Comparison, kind_label
from portal.versions.diff import word_diff
from portal.versions.redline import pieces_html, redline_context
from portal.web.pages import Page, request_lang, respond, respond_in, split_json
from portal.web.templating import regulation_url, version_url

VIEWS = ("redline", "berdampingan")


def compare_url(slug: str, a: str, b: str) -> str:
    return f"/r/{quote(slug)}/banding/{quote(a)}..{quote(b)}"


async def _pair(request: Request, pair: str) -> tuple[CachedVersion, CachedVersion]:
    slug = request.path_params["slug"]
    a, sep, b = pair.partition("..")
    if not sep:
        raise HTTPException(status_code=404)
    old = await request.app.state.versions.get(slug, a)
    new = await request.app.state.versions.get(slug, b)
    if old is None or new is None:
        raise HTTPException(status_code=404)
    return old, new


async def compare_form(request: Request) -> Response:
    """The version pickers' GET form lands here and goes on to the canonical URL."""
    slug = request.path_params["slug"]
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    found = await services.regulation_with_versions(slug)
    if found is None:
        raise HTTPException(status_code=404)
    versions = [v.versi for v in found[1]]
    if a not in versions or b not in versions:
        if len(versions) < 2:
            raise HTTPException(status_code=404)
        a, b = versions[-2], versions[-1]
    return RedirectResponse(compare_url(slug, a, b), status_code=303)


async def compare_page(request: Request) -> Response:
    pair, as_json = split_json(request.path_params["pair"])
    old, new = await _pair(request, pair)
    slug = request.path_params["slug"]
    comparison: Comparison = await request.app.state.comparisons.get(old, new)
    view = request.query_params.get("tampilan", "redline")
    view = view if view in VIEWS else "redline"
    lang = request_lang(request)

    def extra() -> dict[str, Any]:
        versions = [old.version, *old.others]
        versions.sort(key=lambda v: (v.sequence, v.id))
        pairs = [
            (c.old, c.new, c.pieces)
            for c in comparison.changes
            if c.kind != "same" and (c.new or c.old) is not None and (c.new or c.old).kind == "pasal"  # type: ignore[union-attr]
        ]
        return {
            **redline_context(comparison, lang),
            "slug": slug,
            "old": old.version,
            "new": new.version,
            "versions": versions,
            "view": view,
            "side_pairs": pairs,
            "regulation_url": regulation_url(slug),
            "base_url": compare_url(slug, old.version.versi, new.version.versi),
        }

    etag = f'"cmp-{old.version.checksum[:16]}-{new.version.checksum[:16]}-{old.tag}-{view}"'
    store = request.app.state.comparisons.bodies(old, new)
    page = Page("versions/compare.html", comparison.to_json, extra, etag=etag, store=store)
    return await respond_in(request.app.state.executors, request, page, as_json)


async def compare_sub(request: Request) -> Response:
    name = request.path_params["name"]
    stem, _, extension = name.partition(".")
    if stem != "matriks" or extension not in ("", "json", "docx", "xlsx"):
        raise HTTPException(status_code=404)
    old, new = await _pair(request, request.path_params["pair"])
    slug = request.path_params["slug"]
    comparison: Comparison = await request.app.state.comparisons.get(old, new)
    lang = request_lang(request)
    filename = f"matriks-{slug}-{old.version.versi}-{new.version.versi}"
    # The rows and the document are made in the export pool (tens of ms for a long draft).
    if extension == "docx":
        return Response(
            await request.app.state.executors.run(
                "export", lambda: matrix_docx(comparison, comparison.matrix(lang), lang)
            ),
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            headers={"content-disposition": f'attachment; filename="{filename}.docx"'},
        )
    if extension == "xlsx":
        return Response(
            await request.app.state.executors.run(
                "export", lambda: matrix_xlsx(comparison, comparison.matrix(lang), lang)
            ),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{filename}.xlsx"'},
        )
    rows = comparison.matrix(lang)

    def data() -> dict[str, Any]:
        return {
            "old": comparison.to_json()["old"],
            "new": comparison.to_json()["new"],
            "rows": [r.to_json() for r in rows],
        }

    extra = {
        "rows": rows,
        "slug": slug,
        "old": old.version,
        "new": new.version,
        "regulation_url": regulation_url(slug),
        "base_url": compare_url(slug, old.version.versi, new.version.versi),
        "filename": filename,
    }
    etag = f'"mx-{old.version.checksum[:16]}-{new.version.checksum[:16]}"'
    return respond(request, Page("versions/matrix.html", data, extra, etag=etag), extension == "json")


def full_text(node: Node) -> str:
    """A provision's words with its units: a Pasal of ayat has no text of its own, so the
    history shows (and compares) each ayat, huruf and angka under it, one a line."""
    lines = [node.text] if node.text else []
    lines += [
        f"{unit.marker} {unit.text}".strip()
        for unit in node.walk()
        if unit is not node and unit.kind in ("ayat", "huruf", "angka")
    ]
    return "\n".join(lines)


async def history_page(request: Request, cached: CachedVersion, path: str, as_json: bool) -> Response:
    """One provision through every version of its regulation, following the alignments."""
    slug = request.path_params["slug"]
    chain = [cached.version, *cached.others]
    chain.sort(key=lambda v: (v.sequence, v.id))
    documents = {}
    for version in chain:
        item = await request.app.state.versions.get(slug, version.versi)
        if item is not None:
            documents[version.versi] = item
    position = [v.versi for v in chain].index(cached.version.versi)
    paths: dict[str, str | None] = {cached.version.versi: path}
    for step in range(position, 0, -1):  # backwards
        newer, older = chain[step].versi, chain[step - 1].versi
        current = paths.get(newer)
        mapped = None
        if current is not None:
            alignment = (
                await request.app.state.comparisons.get(documents[older], documents[newer])
            ).alignment
            sources = [m for m in alignment.backward().get(current, []) if m.old is not None]
            mapped = max(sources, key=lambda m: m.score).old if sources else None
        paths[older] = mapped
    for step in range(position, len(chain) - 1):  # forwards
        older, newer = chain[step].versi, chain[step + 1].versi
        current = paths.get(older)
        if current is None:  # the provision is gone: nothing to follow, nothing to compare
            paths[newer] = None
            continue
        comparison = await request.app.state.comparisons.get(documents[older], documents[newer])
        paths[newer] = comparison.alignment.new_path(current)
    steps: list[dict[str, Any]] = []
    previous_text: str | None = None
    for version in chain:
        item = documents[version.versi]
        at = paths.get(version.versi)
        node = item.index.get(at) if at else None
        text = full_text(node) if node is not None else None
        pieces = (
            word_diff(previous_text, text)
            if previous_text is not None and text is not None and previous_text != text
            else None
        )
        steps.append(
            {
                "versi": version.versi,
                "label": version.label,
                "tanggal": version.tanggal.isoformat(),
                "path": at,
                "citation": node.label if node is not None else None,
                "text": text,
                "url": f"{version_url(slug, version.versi)}/{at}" if at else None,
                "changed": pieces is not None,
                "pieces": [p.to_json() for p in pieces] if pieces else None,
                "_node": node,
                "_pieces": pieces,
            }
        )
        if text is not None:
            previous_text = text
    data = {
        "regulation": {"slug": slug, "url": regulation_url(slug)},
        "path": path,
        "versi": cached.version.versi,
        "history": [{k: v for k, v in s.items() if not k.startswith("_")} for s in steps],
    }
    extra = {
        "steps": steps,
        "slug": slug,
        "version": cached.version,
        "path": path,
        "node": cached.index[path],
        "regulation_url": regulation_url(slug),
        "pieces_html": pieces_html,
        "kind_label": lambda kind: kind_label(kind, request_lang(request)),
    }
    return respond(request, Page("versions/history.html", data, extra), as_json)


async def history_route(request: Request) -> Response:
    slug, versi = request.path_params["slug"], request.path_params["versi"]
    path = request.path_params["path"].strip("/")
    cached = await request.app.state.versions.get(slug, versi)
    if cached is None or path not in cached.index:
        raise HTTPException(status_code=404)
    return await history_page(request, cached, path, request.url.path.endswith(".json"))


routes = [
    Route("/r/{slug}/{versi}/{path:path}/riwayat", history_route, name="history"),
    Route("/r/{slug}/{versi}/{path:path}/riwayat.json", history_route, name="history_json"),
    Route("/r/{slug}/banding", compare_form, name="compare_form"),
    Route("/r/{slug}/banding/{pair}", compare_page, name="compare"),
    Route("/r/{slug}/banding/{pair}/{name}", compare_sub, name="compare_sub"),
]
