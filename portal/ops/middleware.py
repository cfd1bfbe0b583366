"""One pure ASGI middleware, outermost: the request id (kept or made, on the response and
in the logging context), the request's latency and status for ``/metrics``, and — with
``PORTAL_LOG_FORMAT=json`` — one access line per request with its status and duration."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.ops import metrics
from portal.ops.logs import CURRENT, RequestInfo, request_id_from
from portal.web.security import mask_secrets

access = logging.getLogger("portal.access")
SCOPE_KEY = "portal.request_id"  # for the handlers that answer outside this middleware (500)


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, access_log: bool = False) -> None:
        self.app = app
        self.access_log = access_log
        self.route_of = metrics.RouteNames()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(scope.get("headers", []))
        scope[SCOPE_KEY] = request_id
        method = scope.get("method", "GET")
        query = scope.get("query_string", b"")
        path = mask_secrets(scope.get("path", "") + ("?" + query.decode("latin-1") if query else ""))
        token = CURRENT.set(RequestInfo(request_id, method, path))
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe(method, self.route_of(scope), status, elapsed)
            if self.access_log:
                client = scope.get("client") or ("-", 0)
                access.info(
                    '%s - "%s %s HTTP/%s" %d', client[0], method, path, scope.get("http_version", "1.1"), status,
                    extra={"status": status, "duration_ms": round(elapsed * 1000, 2), "client": client[0]},
                )  # fmt: skip
            CURRENT.reset(token)
