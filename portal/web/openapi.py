"""The OpenAPI description of the JSON API, served at /api/openapi.json.

Every route that answers JSON is here, with the schema of the body its handler builds
(``x-route``: the route that serves it; ``x-pages``: the HTML pages it is the twin of).
The pages without a JSON twin are named in ``HTML_ONLY`` (and in the description's
``x-html-only``); the routes that are no pages at all (downloads, redirects, POST
handlers, metrics) in ``NOT_PAGES``. ``tests/api/test_openapi.py`` checks that these
cover the app's route table, so a new JSON route must join."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from portal import __version__
from portal.web.api_schemas import (
    COMPARISON,
    DRAFT,
    HISTORY,
    JSON,
    MATRIKS,
    OPENAPI,
    PROVISION_PAGE,
    READY,
    SCHEMAS,
    SEARCH,
    SEARCH_REFUSED,
    STR,
    STR_N,
    THREAD,
    VERSION_PAGE,
    array_of,
    obj,
    schema_ref,
)


def _param(name: str, description: str, example: str) -> dict[str, Any]:
    schema = {"type": "string", "minLength": 1}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
        "example": example,
    }


SLUG = _param("slug", "the regulation", "jamsos-ketenagakerjaan")
VERSI = _param("versi", "the version", "v2")
PATH = _param("path", "the provision's path (slashes for deeper units)", "pasal-5")
PAIR = _param("pair", "two versions", "v1..v2")
DRAFT_ID = _param("draft_id", "the working draft's number", "1")
QUERY = [
    {"name": "q", "in": "query", "required": False, "schema": STR, "description": "the words sought"},
    {"name": "halaman", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
]


def _op(
    summary: str,
    schema: dict[str, Any],
    parameters: list[dict[str, Any]],
    *,
    route: str,
    pages: tuple[str, ...] = (),
    auth: str | None = None,
    errors: tuple[str, ...] = ("404",),
    ok: str = "200",
    error_schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: {"description": "found", "content": {JSON: {"schema": schema}}}}
    if ok != "200":
        responses["200"] = {"description": "ready", "content": {JSON: {"schema": schema}}}
    denied = {"api": ("401", "403"), "session": ("403",)}.get(auth or "", ())
    for status in denied:
        responses[status] = {
            "description": _ERRORS[status],
            "content": {JSON: {"schema": schema_ref("Error")}},
        }
    for status in errors:  # the operation's own refusals: its body when it has one, else an Error
        body = error_schema or schema_ref("Error")
        responses[status] = {"description": _ERRORS[status], "content": {JSON: {"schema": body}}}
    if auth == "session":  # a staff page's twin: without a session, to the login page
        responses["303"] = {"description": "no session: redirected to /masuk?next=…"}
    operation: dict[str, Any] = {"summary": summary, "parameters": parameters, "responses": responses}
    if auth == "api":
        operation["security"] = [{"bearer": []}, {"session": []}]
    elif auth == "session":
        operation["security"] = [{"session": []}]
        operation["description"] = "For staff with a session (an API token gets 403)."
    return {"get": operation, "x-route": route, "x-pages": list(pages)}


_ERRORS = {
    "401": "a session or an API token is needed",
    "403": "the account may not see this",
    "404": "not found",
    "422": "the query was refused (too long, too many words)",
    "503": "busy: try again after Retry-After",
}

PATHS: dict[str, dict[str, Any]] = {
    "/.json": _op(
        "Regulations with their versions",
        obj({"regulations": array_of(schema_ref("Regulation"))}),
        [],
        route="index_json",
        pages=("index",),
        errors=(),
    ),
    "/index.json": _op(
        "The same as /.json",
        obj({"regulations": array_of(schema_ref("Regulation"))}),
        [],
        route="index_json_alias",
        errors=(),
    ),
    "/r/{slug}.json": _op(
        "One regulation and its versions",
        schema_ref("Regulation"),
        [SLUG],
        route="regulation",
        pages=("regulation",),
    ),
    "/r/{slug}/{versi}.json": _op(
        "One version: metadata, comment counts and the tree of provisions",
        VERSION_PAGE,
        [SLUG, VERSI],
        route="version",
        pages=("version",),
    ),
    "/r/{slug}/{versi}/{path}.json": _op(
        "One provision with its citation and breadcrumb",
        PROVISION_PAGE,
        [SLUG, VERSI, PATH],
        route="provision",
        pages=("provision",),
    ),
    "/r/{slug}/{versi}/{path}/riwayat.json": _op(
        "A provision through every version of its regulation",
        HISTORY,
        [SLUG, VERSI, PATH],
        route="history_json",
        pages=("history",),
    ),
    "/r/{slug}/{versi}/komentar.json": _op(
        "The comments on a version as a whole",
        THREAD,
        [SLUG, VERSI],
        route="version_comments_json",
        pages=("version_comments",),
    ),
    "/r/{slug}/{versi}/{path}/komentar.json": _op(
        "The comments on one provision",
        THREAD,
        [SLUG, VERSI, PATH],
        route="provision_comments_json",
        pages=("provision_comments",),
    ),
    "/r/{slug}/{versi}/komentar/ekspor.json": _op(
        "Every public comment of a version (a download, streamed)",
        obj({"versi": STR, "comments": array_of(schema_ref("Comment"))}),
        [SLUG, VERSI],
        route="comments_export_json",
    ),
    "/r/{slug}/{versi}/akuntabilitas.json": _op(
        "The consultation in figures",
        schema_ref("Figures"),
        [SLUG, VERSI],
        route="accountability_json",
        pages=("accountability",),
    ),
    "/r/{slug}/{versi}/laporan.json": _op(
        "The consultation report: the figures, the period and the answers per provision",
        {"allOf": [schema_ref("Figures"), obj({"period": STR, "matrix": array_of({"type": "object"})})]},
        [SLUG, VERSI],
        route="report_json",
        pages=("report",),
    ),
    "/r/{slug}/banding/{pair}.json": _op(
        "A comparison of two versions: summary, alignment, word diffs, reference problems",
        COMPARISON,
        [SLUG, PAIR],
        route="compare",
        pages=("compare",),
    ),
    "/r/{slug}/banding/{pair}/matriks.json": _op(
        "The matriks perubahan of two versions",
        MATRIKS,
        [SLUG, PAIR],
        route="compare_sub",
        pages=("compare_sub",),
    ),
    "/cari.json": _op(
        "Search provisions, comments and answers",
        SEARCH,
        QUERY,
        route="search_json",
        pages=("search",),
        errors=("422", "503"),
        # A refused or unanswered search is the search page's own body: the query kept,
        # no results, ``error`` its reason (e.g. "fuzzy_short") and ``message`` in words;
        # a full pool of slow work before the search starts answers the usual Error.
        error_schema={"anyOf": [SEARCH_REFUSED, schema_ref("Error")]},
    ),
    "/akun.json": _op(
        "The signed-in account",
        obj({"email": STR, "name": STR, "role": STR, "organisation": STR_N}),
        [],
        route="account_json",
        pages=("account",),
        auth="api",
        errors=(),
    ),
    "/kelola/draf/{draft_id}.json": _op(
        "A working draft: its check, and its comparison with the latest version",
        DRAFT,
        [DRAFT_ID],
        route="draft",
        pages=("draft",),
        auth="session",
    ),
    "/api/openapi.json": _op("This description", OPENAPI, [], route="openapi", errors=()),
    "/healthz": _op("The process is up", obj({"status": STR}), [], route="healthz", errors=()),
    "/readyz": _op(
        "The database, index, outbox, mail and disk are fine (503 if not)",
        READY,
        [],
        route="readyz",
        errors=(),
        ok="503",
    ),
}

# Pages (HTML) without a JSON twin: forms, the staff's work pages, the account's.
HTML_ONLY: dict[str, str] = {
    "compare_form": "/r/{slug}/banding (the version picker; redirects)",
    "receipt": "/tanda-terima/{nomor}",
    "lookup": "/lacak",
    "moderation": "/moderasi",
    "answer_queue": "/kelola/komentar",
    "answer": "/kelola/komentar/{nomor}",
    "register": "/daftar",
    "verify_email": "/verifikasi/{token}",
    "login": "/masuk",
    "logout": "/keluar",
    "forgot_password": "/lupa-sandi",
    "reset_password": "/atur-sandi/{token}",
    "admin_users": "/admin/pengguna",
    "admin_user": "/admin/pengguna/{user_id}",
    "admin_audit": "/admin/audit",
    "drafts": "/kelola",
    "draft_part": "/kelola/draf/{draft_id}/sunting",
    "draft_outline": "/kelola/draf/{draft_id}/kerangka",
    "draft_revisions": "/kelola/draf/{draft_id}/banding",
}

# Routes that are no pages: downloads, redirects, form handlers, metrics, static files.
NOT_PAGES = frozenset(
    {
        "comments_csv", "dim_docx", "dim_xlsx", "report_docx", "version_pdf", "version_docx",
        "version_akn", "version_markdown", "attachment", "switch_language", "metrics", "static",
        "moderate", "redact", "account_tokens", "account_password", "account_sessions",
        "account_email", "account_verification", "draft_create", "draft_save", "draft_correct",
        "draft_publish", "draft_discard", "draft_restore",
    }
)  # fmt: skip


def description() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Raperda Portal JSON API",
            "version": __version__,
            "description": (
                "Most public pages have a JSON twin at their URL with '.json' appended (the HTML "
                "page announces it with Link: rel=alternate); every JSON route is listed here. "
                "These pages are HTML only (no JSON twin): "
                + ", ".join(HTML_ONLY.values())
                + '. Errors on a \'.json\' URL are JSON: {"error": {"status", "title", "message"}}.'
            ),
        },
        "x-html-only": list(HTML_ONLY.values()),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an API token (/akun)"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sesi",
                    "description": "__Host-sesi under HTTPS",
                },
            },
        },
        "paths": PATHS,
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(description())


routes = [Route("/api/openapi.json", openapi, name="openapi")]
