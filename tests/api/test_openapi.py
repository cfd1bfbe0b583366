"""The JSON API against its own OpenAPI description, fuzzed by schemathesis on a live server;
the description against the app's route table, so that every JSON route is in it."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.result import Ok
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Match, Mount, Route

from portal.versions.services import import_text
from portal.web.openapi import HTML_ONLY, NOT_PAGES, description
from tests.consultation.test_comments import sample


def test_api_conforms_and_never_fails(live_server: str) -> None:
    """Every documented operation, with generated parameters: no 5xx, documented
    status codes and content types, and bodies that match the description."""
    schema = schemathesis.openapi.from_url(f"{live_server}/api/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation loads
        operations.append(result.ok())
    # schemathesis leaves out the operation that serves the schema it was loaded from
    assert {operation.path for operation in operations} | {"/api/openapi.json"} == set(description()["paths"])
    for operation in operations:
        # First with real parameters (the sample drafts), so the bodies of found pages are checked.
        params = {
            p["name"]: EXAMPLES[p["name"]]
            for p in operation.definition.raw.get("parameters", [])
            if p["in"] == "path"
        }
        real = operation.Case(
            path_parameters=params, query={"q": "pekerja"} if operation.path == "/cari.json" else None
        )
        response = real.call_and_validate()
        if "security" not in operation.definition.raw and operation.path != "/readyz":
            assert response.status_code == 200, operation.path
        if operation.path == "/cari.json":  # a refused query's body matches its 422
            refused = operation.Case(query={"q": "J~"}).call_and_validate(
                excluded_checks=[positive_data_acceptance]
            )
            assert refused.status_code == 422

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            # A search query can break rules of the query language that no schema states
            # (a fuzzy word needs two letters before '~'): its documented 422 is not a
            # "valid request rejected". Every other check stays on.
            refusals = [positive_data_acceptance] if case.operation.path == "/cari.json" else []
            case.call_and_validate(excluded_checks=refusals)

        check()


def test_the_description_is_served(live_server: str) -> None:
    with urllib.request.urlopen(f"{live_server}/api/openapi.json", timeout=5) as response:  # noqa: S310
        assert json.load(response) == json.loads(json.dumps(description()))


def test_the_description_is_valid_openapi() -> None:
    validate(json.loads(json.dumps(description())))  # raises on the first problem


# -- the description against the route table -------------------------------------------

EXAMPLES = {
    "slug": "jamsos-ketenagakerjaan",
    "versi": "v2",
    "path": "pasal-5",
    "pair": "v1..v2",
    "draft_id": "1",
}


def example_url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: EXAMPLES[m.group(1)], path)


def first_match(app: Starlette, url: str) -> BaseRoute | None:
    scope = {"type": "http", "method": "GET", "path": url, "root_path": "", "headers": []}
    for route in app.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route
    return None


def get_routes(app: Starlette) -> set[str]:
    """The names of the routes a GET can reach (and the static files' mount)."""
    names: set[str] = set()
    for route in app.routes:
        name = getattr(route, "name", None)
        reached = isinstance(route, Mount) or (isinstance(route, Route) and "GET" in (route.methods or ()))
        if reached and isinstance(name, str):
            names.add(name)
    return names


def test_every_json_route_is_described_and_every_described_path_is_a_route(app: Starlette) -> None:
    paths: dict[str, Any] = description()["paths"]
    served_by = {path: item["x-route"] for path, item in paths.items()}
    routes = {route.name: route for route in app.routes if isinstance(route, Route | Mount)}
    for path, name in served_by.items():
        assert name in routes, path
        found = first_match(app, example_url(path))
        assert found is routes[name], f"{path} is served by {getattr(found, 'name', None)}, not {name}"
    # Every route of the table whose own path is a JSON one is described, at that path.
    for route in app.routes:
        if isinstance(route, Route) and route.path.endswith(".json"):
            described = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            assert served_by.get(described) == route.name, route.path


def test_every_page_is_json_html_only_or_no_page(app: Starlette) -> None:
    """A new GET route must join one of these: the description (it answers JSON, or is
    a page whose twin is described), ``HTML_ONLY`` or ``NOT_PAGES``."""
    items = description()["paths"].values()
    json_routes = {item["x-route"] for item in items}
    twins = {page for item in items for page in item["x-pages"]}
    names = get_routes(app)
    assert not (set(HTML_ONLY) & (json_routes | twins))
    assert not (NOT_PAGES & (json_routes | twins | set(HTML_ONLY)))
    unclassified = names - json_routes - twins - set(HTML_ONLY) - NOT_PAGES
    assert not unclassified, f"add these to the OpenAPI description, HTML_ONLY or NOT_PAGES: {unclassified}"
    every = {route.name for route in app.routes if isinstance(route, Route | Mount)}
    assert (json_routes | twins | set(HTML_ONLY) | NOT_PAGES) <= every  # nothing stale
    assert sorted(description()["x-html-only"]) == sorted(HTML_ONLY.values())
    for where in HTML_ONLY.values():
        assert where in description()["info"]["description"]


@pytest.mark.db
async def test_described_paths_answer_json_and_html_only_pages_do_not(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    for path, item in description()["paths"].items():
        response = await client.get(example_url(path))
        assert str(response.status_code) in item["get"]["responses"], (path, response.status_code)
        if response.status_code == 303:  # a staff page's twin, no session
            assert response.headers["location"].startswith("/masuk?next=")
            continue
        assert response.headers["content-type"].startswith("application/json"), path
        if "security" not in item["get"] and path != "/readyz":
            assert response.status_code == 200, path
    for where in HTML_ONLY.values():
        if "{" in where:
            continue
        url = where.split(" ")[0] + ".json"
        response = await client.get(url)
        assert response.status_code == 404, url  # no twin: the .json URL does not exist
