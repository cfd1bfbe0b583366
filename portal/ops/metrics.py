"""Prometheus metrics (``prometheus-client``): request latency by route template (never the
raw path: the labels stay few), requests by status class, comments accepted; and, computed
at scrape time from the database and the data directory, the search outbox's lag, the
index's age and the mail queue. Served at ``/metrics`` only to ``Authorization: Bearer
<PORTAL_METRICS_TOKEN>`` (404 otherwise, like any unknown address).

With several worker processes each counts its own requests: when
``PROMETHEUS_MULTIPROC_DIR`` is set (``portal serve --workers N`` sets it, wiping
``<data_dir>/metrics`` first) prometheus-client writes every process's values there and a
scrape adds them up, whichever worker answers it."""

from __future__ import annotations

import hmac
import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Scope

from portal.ops import health

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter("portal_http_requests", "Requests answered, by status class", ["method", "status"])
COMMENTS_ACCEPTED = Counter(
    "portal_comments_accepted", "Comments stored (a repeated submission is not counted)"
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "OTHER"
    REQUEST_SECONDS.labels(method, route).observe(seconds)
    REQUESTS.labels(method, f"{status // 100}xx").inc()


class RouteNames:
    """The template of the route that answered (``/r/{slug}/{versi}``), from the endpoint
    the router left in the scope; "unmatched" for a path no route has."""

    def __init__(self) -> None:
        self._by_endpoint: dict[int, list[BaseRoute]] = {}
        self._routes: int | None = None

    def __call__(self, scope: Scope) -> str:
        endpoint = scope.get("endpoint")
        app = scope.get("app")
        if endpoint is None or app is None:
            return "unmatched"
        routes: list[BaseRoute] = getattr(app, "routes", [])
        if self._routes != id(routes):
            self._index(routes)
        candidates = self._by_endpoint.get(id(endpoint), [])
        if len(candidates) == 1:
            return _template(candidates[0])
        path = get_route_path(scope)
        for route in candidates:
            regex = getattr(route, "path_regex", None)
            if regex is not None and regex.match(path):
                return _template(route)
        return "unmatched"

    def _index(self, routes: list[BaseRoute]) -> None:
        self._by_endpoint = {}
        for route in routes:
            key = (
                route.endpoint
                if isinstance(route, Route)
                else route.app
                if isinstance(route, Mount)
                else None
            )
            if key is not None:
                self._by_endpoint.setdefault(id(key), []).append(route)
        self._routes = id(routes)


def _template(route: BaseRoute) -> str:
    if isinstance(route, Mount):
        return route.path + "/{path}"
    return str(getattr(route, "path", "unmatched"))


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def authorised(request: Request) -> bool:
    token: str = request.app.state.settings.metrics_token
    sent = request.headers.get("authorization", "")
    return bool(token) and sent.lower().startswith("bearer ") and hmac.compare_digest(sent[7:].strip(), token)


async def metrics(request: Request) -> Response:
    if not authorised(request):
        raise HTTPException(status_code=404)
    state = await health.queues(request.app)
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_Gauges(state))
    body = generate_latest(_registry()) + generate_latest(scraped)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"cache-control": "no-store"})


class _Gauges:
    """Values read at scrape time (one set per host, not per process)."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state

    def collect(self) -> list[GaugeMetricFamily]:
        s = self.state
        values = [
            ("portal_search_outbox_rows", "Changes waiting for the search index", s["outbox_count"]),
            (
                "portal_search_outbox_oldest_seconds",
                "Age of the oldest change waiting for the index",
                s["outbox_oldest_s"],
            ),
            (
                "portal_search_index_age_seconds",
                "Seconds since the search index last changed",
                s["index_age_s"],
            ),
            (
                "portal_search_index_generation",
                "Generation of the search index in use",
                s["index_generation"],
            ),
            ("portal_mail_pending", "Messages waiting in the mail outbox", s["mail_pending"]),
            (
                "portal_mail_failing",
                "Waiting messages whose delivery has failed at least once",
                s["mail_failing"],
            ),
            ("portal_mail_oldest_pending_seconds", "Age of the oldest waiting message", s["mail_oldest_s"]),
            (
                "portal_database_up",
                "1 when the database answered the scrape's queries",
                1 if s["database"] else 0,
            ),
        ]
        out = []
        for name, doc, value in values:
            family = GaugeMetricFamily(name, doc)
            family.add_metric([], float(value) if value is not None else float("nan"))
            out.append(family)
        return out


routes = [Route("/metrics", metrics, name="metrics")]
