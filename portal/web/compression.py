"""gzip for HTML and JSON responses that are not compressed already.

Pages kept with an ETag (``portal/web/pages.py``) are compressed once and kept so
(brotli or gzip); this middleware compresses the rest: drafts, threads, search, forms,
reports. Only the media types in ``COMPRESSIBLE`` are touched, so PDFs, DOCX, XLSX,
zip and other downloads pass as they are, with their Content-Length; bodies under
``minimum_size`` bytes are sent plain; a streamed body is compressed chunk by chunk.
A compressed response keeps its ETag as a weak one (the bytes differ from the plain
representation's; ``pages.not_modified`` accepts ``W/``) and carries
``Vary: Accept-Encoding``, as does the plain one."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "application/json",
        "text/plain",
        "text/csv",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "application/xml",
        "text/xml",
        "text/markdown",
    }
)


def _media_type(message: Message) -> str:
    value = Headers(raw=message.get("headers", [])).get("content-type", "")
    return value.partition(";")[0].strip().lower()


class _Allowlist(IdentityResponder):
    """Starlette's responder, told to leave alone whatever is not in ``COMPRESSIBLE``."""

    async def send_with_compression(self, message: Message) -> None:
        await super().send_with_compression(message)
        if message["type"] != "http.response.start":
            return
        passed = self.content_encoding_set or self.partial_response or self.content_type_is_excluded
        if not passed and _media_type(message) not in COMPRESSIBLE:
            self.content_type_is_excluded = True
            await self.send(self.initial_message)


class _Gzip(_Allowlist, GZipResponder):
    pass


class CompressionMiddleware:
    def __init__(self, app: ASGIApp, *, minimum_size: int = 1024, compresslevel: int = 6) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder: IdentityResponder
        if _accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
            responder = _Gzip(self.app, self.minimum_size, compresslevel=self.compresslevel)
        else:
            responder = _Allowlist(self.app, self.minimum_size)

        async def weak_etag(message: Message) -> None:
            if message["type"] == "http.response.start" and not responder.content_encoding_set:
                headers = MutableHeaders(scope=message)
                tag = headers.get("etag")
                if headers.get("content-encoding") == "gzip" and tag and not tag.startswith("W/"):
                    headers["etag"] = f"W/{tag}"
            await send(message)

        await responder(scope, receive, weak_etag)


def _accepts_gzip(header: str) -> bool:
    """``gzip`` (or ``*``) offered with a quality above 0."""
    offered: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if name.strip():
            offered[name.strip().lower()] = quality
    return offered.get("gzip", offered.get("*", 0.0)) > 0
