"""One context, two forms: every page renders HTML or, with '.json' appended, JSON.

Handlers build a ``Page``: the JSON payload plus what the template needs beyond
it. HTML responses announce their twin with ``Link: <…json>; rel="alternate"``.
Published versions never change, so their pages carry strong ETags and 304s.
"""

from __future__ import annotations

import gzip
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import brotli  # type: ignore[import-untyped]
from starlette.requests import Request
from starlette.responses import Response

from portal.i18n import LANG_COOKIE, LANGUAGES, Translator
from portal.web.executors import Busy, Executors

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


class BodyStore:
    """Rendered bodies of immutable pages by ETag; the least recently used go first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, tag: str) -> bytes | None:
        body = self._bodies.get(tag)
        if body is not None:
            self._bodies.move_to_end(tag)
        return body

    def put(self, tag: str, body: bytes) -> None:
        self._bodies[tag] = body
        if len(self._bodies) > self.size:
            self._bodies.popitem(last=False)

    def __len__(self) -> int:
        return len(self._bodies)


@dataclass
class Page:
    """What a handler returns: the JSON payload, what the template needs beyond it,
    and (for immutable content) an ETag and a place to keep rendered bodies."""

    template: str
    data: dict[str, Any] | Callable[[], dict[str, Any]]
    extra: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    status: int = 200
    etag: str | None = None
    store: BodyStore | None = None


HTML = "text/html; charset=utf-8"
JSON = "application/json"


def not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match", "")
    return any(tag.strip() in (etag, f"W/{etag}", "*") for tag in header.split(","))


def vary_lang(headers: dict[str, str]) -> dict[str, str]:
    headers["vary"] = "Cookie"
    return headers


def _etags(request: Request, etag: str, as_json: bool) -> str:
    """HTML varies with the language; JSON does not."""
    return etag if as_json else f'"{etag.strip(chr(34))}-{request_lang(request)}"'


def _headers(request: Request, tag: str | None, as_json: bool) -> dict[str, str]:
    headers: dict[str, str] = {}
    if not as_json:
        json_url = request.url.path + JSON_SUFFIX
        headers = vary_lang({"link": f'<{json_url}>; rel="alternate"; type="application/json"'})
    if tag:
        headers["etag"] = tag
        headers["cache-control"] = "public, max-age=0, must-revalidate"
    return headers


def _render(request: Request, page: Page, as_json: bool) -> bytes:
    if as_json:
        return dumps(page.data() if callable(page.data) else page.data)
    # Templates draw on ``extra``; the JSON payload is not built for an HTML page.
    path = request.url.path
    extra = dict(page.extra() if callable(page.extra) else page.extra)
    html: str = request.app.state.renderer.render(
        page.template,
        Translator(request_lang(request)),
        current_path=path,
        json_url=extra.pop("json_url", path + JSON_SUFFIX),  # a page may keep its query in it
        **extra,
    )
    return html.encode("utf-8")


@dataclass
class _Answer:
    """What ``respond`` found before rendering: the tags, the headers, and a body when
    one is kept (or a 304)."""

    tag: str | None
    plain_tag: str | None
    encoding: str | None
    headers: dict[str, str]
    done: Response | None = None
    body: bytes | None = None
    plain: bytes | None = None


def _look(request: Request, page: Page, as_json: bool) -> _Answer:
    tag = _etags(request, page.etag, as_json) if page.etag else None
    encoding = accepted_encoding(request) if page.store is not None and tag else None
    if tag and encoding:
        tag = f'{tag[:-1]}-{ENCODING_TAGS[encoding]}"'  # each representation its own tag
    headers = _headers(request, tag, as_json)
    if page.store is not None and tag:
        headers["vary"] = "Cookie, Accept-Encoding" if not as_json else "Accept-Encoding"
    plain_tag = _etags(request, page.etag, as_json) if page.etag else None
    answer = _Answer(tag, plain_tag, encoding, headers)
    if tag and not_modified(request, tag):
        answer.done = Response(status_code=304, headers=headers)
        return answer
    answer.body = page.store.get(tag) if page.store is not None and tag else None
    if answer.body is None:
        answer.plain = page.store.get(plain_tag) if page.store is not None and plain_tag else None
    return answer


def _make(request: Request, page: Page, as_json: bool, answer: _Answer) -> tuple[bytes, bytes]:
    """The plain body (rendered unless kept) and the body to send (compressed as asked)."""
    plain = answer.plain if answer.plain is not None else _render(request, page, as_json)
    return plain, compress(plain, answer.encoding) if answer.encoding else plain


def _send(page: Page, as_json: bool, answer: _Answer, made: tuple[bytes, bytes] | None) -> Response:
    if made is not None:
        plain, answer.body = made
        if page.store is not None and answer.plain_tag and answer.plain is None:
            page.store.put(answer.plain_tag, plain)
        if page.store is not None and answer.tag and answer.encoding:
            page.store.put(answer.tag, answer.body)
    if answer.encoding:
        answer.headers["content-encoding"] = answer.encoding
    return Response(
        answer.body, status_code=page.status, media_type=JSON if as_json else HTML, headers=answer.headers
    )


def respond(request: Request, page: Page, as_json: bool) -> Response:
    """Render the page as HTML or JSON; with an ETag, answer 304s and reuse kept bodies,
    kept compressed too (brotli or gzip, as the client accepts), so that a published
    version's page costs no rendering and no compression after its first reader."""
    answer = _look(request, page, as_json)
    if answer.done is not None:
        return answer.done
    return _send(
        page, as_json, answer, _make(request, page, as_json, answer) if answer.body is None else None
    )


async def respond_in(executors: Executors, request: Request, page: Page, as_json: bool) -> Response:
    """``respond``, with the rendering and compressing of a body not kept yet done in the
    ``render`` pool: a long page (a whole version, a comparison) takes tens of
    milliseconds to render, which would hold every other request of the worker."""
    answer = _look(request, page, as_json)
    if answer.done is not None:
        return answer.done
    made = None
    if answer.body is None:
        try:
            made = await executors.run("render", _make, request, page, as_json, answer)
        except Busy:  # every render thread taken: render here rather than refuse a reader
            made = _make(request, page, as_json, answer)
    return _send(page, as_json, answer, made)


ENCODING_TAGS = {"br": "br", "gzip": "gz"}


def accepted_encoding(request: Request) -> str | None:
    """``br`` or ``gzip`` when the client accepts it (``q=0`` refuses), brotli first."""
    offered: dict[str, float] = {}
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if name.strip():
            offered[name.strip().lower()] = quality
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", 0.0)) > 0:
            return name
    return None


def compress(body: bytes, encoding: str) -> bytes:
    """Fast settings (brotli 5, gzip 6): a 500 KB version page in about 10 ms, once."""
    if encoding == "br":
        packed: bytes = brotli.compress(body, quality=5)
        return packed
    return gzip.compress(body, compresslevel=6, mtime=0)
