"""The OpenAPI description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from portal import __version__

_STRING = {"type": "string", "minLength": 1}
_OBJECT = {"type": "object"}
_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {"status": {"type": "integer"}}}},
    "required": ["error"],
}


def _param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _STRING, "description": description}


SLUG = _param("slug", "the regulation, e.g. jamsos-ketenagakerjaan")
VERSI = _param("versi", "the version, e.g. v2")


def _get(summary: str, parameters: list[dict[str, Any]], *, auth: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "found", "content": {"application/json": {"schema": _OBJECT}}},
        "404": {"description": "not found", "content": {"application/json": {"schema": _ERROR}}},
    }
    if auth:
        responses["401"] = {"description": "a session or an API token is needed"}
    operation: dict[str, Any] = {"summary": summary, "parameters": parameters, "responses": responses}
    if auth:
        operation["security"] = [{"bearer": []}]
    return {"get": operation}


def description() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Raperda Portal JSON API",
            "version": __version__,
            "description": "Every page of the portal has a JSON twin at its URL with '.json' appended.",
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/.json": _get("Regulations with their versions and consultation status", []),
            "/r/{slug}.json": _get("One regulation and its versions", [SLUG]),
            "/r/{slug}/{versi}.json": _get("One version: metadata and the tree of provisions", [SLUG, VERSI]),
            "/r/{slug}/{versi}/{path}.json": _get(
                "One provision with its citation and breadcrumb",
                [
                    SLUG,
                    VERSI,
                    _param("path", "the provision's path, e.g. pasal-5 (slashes for deeper units)"),
                ],
            ),
            "/r/{slug}/banding/{pair}.json": _get(
                "A comparison of two versions: alignment, word diffs, reference problems",
                [SLUG, _param("pair", "two versions, e.g. v1..v2")],
            ),
            "/r/{slug}/banding/{pair}/matriks.json": _get(
                "The matriks perubahan of two versions", [SLUG, _param("pair", "two versions, e.g. v1..v2")]
            ),
            "/akun.json": _get("The signed-in account", [], auth=True),
        },
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(description())


routes = [Route("/api/openapi.json", openapi, name="openapi")]
