"""Security headers on every response (a pure ASGI middleware, cheap on the hot path), the
request body limit, and the filter that keeps secrets in URLs out of the access log."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.headers = {
            "content-security-policy": CSP,
            "x-content-type-options": "nosniff",
            "referrer-policy": "strict-origin-when-cross-origin",
            "x-frame-options": "DENY",
            "cross-origin-opener-policy": "same-origin",
            "permissions-policy": "camera=(), microphone=(), geolocation=()",
        }
        if https:
            self.headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes with 413, before they are read whole:
    at once when Content-Length says so, or as soon as the streamed bytes pass it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        larger: tuple[tuple[str, int], ...] = (),
        keep_fields: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.limit = limit
        # Paths (regular expressions) whose forms carry files: a larger limit of their own.
        self.larger = [(re.compile(pattern), size) for pattern, size in larger]
        # Paths whose forms come back whole when too large: the body is cut at the limit
        # instead (the app sees it end there, with ``request.state.body_truncated``), so
        # the handler can answer with the fields that arrived; the rest is never read.
        self.keep_fields = [re.compile(pattern) for pattern in keep_fields]

    def limit_for(self, path: str) -> int:
        for pattern, size in self.larger:
            if pattern.fullmatch(path):
                return max(size, self.limit)
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limit_for(path)
        cut = any(pattern.fullmatch(path) for pattern in self.keep_fields)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit and not cut:
                await _too_large(send)
                return
        seen = 0
        started = False
        ended = False

        async def counted() -> Message:
            nonlocal seen, ended
            message = await receive()
            if ended and message["type"] == "http.request":
                return {**message, "body": b""}  # cut at the limit: the rest is dropped
            if message["type"] == "http.request":
                body = message.get("body", b"")
                if seen + len(body) > limit:
                    if not cut:
                        raise _TooLarge
                    ended = True
                    scope.setdefault("state", {})["body_truncated"] = True
                    return {"type": "http.request", "body": body[: limit - seen], "more_body": False}
                seen += len(body)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = b"Request body too large / Isi permintaan terlalu besar"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- secrets in URLs, out of the access log -----------------------------------------------

# One-time tokens travel in links: /verifikasi/<token>, /atur-sandi/<token>, and receipt
# keys (?k=…) or any ?token=…. The access log must never hold them.
_SECRET_PATHS = re.compile(r"(/(?:verifikasi|atur-sandi)/)[^/?#\s]+")
_SECRET_PARAMS = re.compile(r"([?&](?:k|token)=)[^&#\s]*", re.IGNORECASE)
MASK = "***"


def mask_secrets(path: str) -> str:
    """``path`` (with its query string) with the secrets it carries replaced by ``***``."""
    if "=" not in path and "/verifikasi/" not in path and "/atur-sandi/" not in path:
        return path  # nothing to mask (most requests): no regular expression run
    return _SECRET_PARAMS.sub(rf"\g<1>{MASK}", _SECRET_PATHS.sub(rf"\g<1>{MASK}", path))


class MaskSecretsFilter(logging.Filter):
    """For uvicorn's access log: its records carry (client, method, path with query,
    HTTP version, status) as arguments; the path is masked before it is formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_secrets(args[2]), *args[3:])
        elif isinstance(record.msg, str):
            record.msg = mask_secrets(record.msg)
        return True


def access_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration, with ``MaskSecretsFilter`` on the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_secrets"] = {"()": MaskSecretsFilter}
    config["handlers"]["access"].setdefault("filters", []).append("mask_secrets")
    return config
