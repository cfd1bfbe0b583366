"""One context, two forms: every page renders HTML or, with '.json' appended, JSON.

Handlers build a ``Page``: the JSON payload plus what the template needs beyond
it. HTML responses announce their twin with ``Link: <…json>; rel="alternate"``.
Published versions never change, so their pages carry strong ETags and 304s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.web.i18n import LANG_COOKIE, LANGUAGES, Translator

JSON_SUFFIX = ".json"


def split_json(value: str) -> tuple[str, bool]:
    """'v2.json' → ('v2', True); 'v2' → ('v2', False)."""
    if value.endswith(JSON_SUFFIX) and len(value) > len(JSON_SUFFIX):
        return value[: -len(JSON_SUFFIX)], True
    return value, False


def request_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if lang in LANGUAGES:
        return lang
    default: str = request.app.state.settings.default_lang
    return default


def translator(request: Request) -> Translator:
    return Translator(request_lang(request))


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class Page:
    template: str
    data: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    etag: str | None = None


def not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match", "")
    return any(tag.strip() in (etag, f"W/{etag}", "*") for tag in header.split(","))


def cached_response(
    request: Request,
    body: bytes,
    media_type: str,
    etag: str | None,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    headers = dict(extra_headers or {})
    if etag:
        headers["etag"] = etag
        headers["cache-control"] = "public, max-age=0, must-revalidate"
        if not_modified(request, etag):
            return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def vary_lang(headers: dict[str, str]) -> dict[str, str]:
    headers["vary"] = "Cookie"
    return headers


def _etags(request: Request, etag: str, as_json: bool) -> str:
    """HTML varies with the language; JSON does not."""
    return etag if as_json else f'"{etag.strip(chr(34))}-{request_lang(request)}"'


def unchanged(request: Request, etag: str, as_json: bool) -> Response | None:
    """A 304 when the client already holds this representation, before any work is done."""
    tag = _etags(request, etag, as_json)
    if not not_modified(request, tag):
        return None
    headers = {"etag": tag, "cache-control": "public, max-age=0, must-revalidate"}
    return Response(status_code=304, headers=headers if as_json else vary_lang(headers))


def respond(request: Request, page: Page, as_json: bool) -> Response:
    lang = request_lang(request)
    if as_json:
        return cached_response(request, dumps(page.data), "application/json", page.etag)
    path = request.url.path
    json_url = path + JSON_SUFFIX
    headers = vary_lang({"link": f'<{json_url}>; rel="alternate"; type="application/json"'})
    etag = _etags(request, page.etag, as_json) if page.etag else None
    if etag and not_modified(request, etag):
        return cached_response(request, b"", "text/html; charset=utf-8", etag, headers)
    html = request.app.state.renderer.render(
        page.template,
        Translator(lang),
        current_path=path,
        json_url=json_url,
        data=page.data,
        **page.extra,
    )
    response = cached_response(request, html.encode("utf-8"), "text/html; charset=utf-8", etag, headers)
    response.status_code = page.status
    return response
