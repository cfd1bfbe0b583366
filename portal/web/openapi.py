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
from portal.versions.mapping import KINDS

JSON = "application/json"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _t(kind: str, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": kind, "nullable": True} if nullable else {"type": kind}


STR, INT, NUM, BOOL = _t("string"), _t("integer"), _t("number"), _t("boolean")
STR_N, INT_N, NUM_N = _t("string", nullable=True), _t("integer", nullable=True), _t("number", nullable=True)


def _obj(properties: dict[str, Any], *, nullable: bool = False) -> dict[str, Any]:
    """An object with these keys, all required (handlers always write every key)."""
    out: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties)}
    if nullable:
        out["nullable"] = True
    return out


def _list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


_COUNTS = _obj(dict.fromkeys(KINDS, INT))

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _obj(
        {"error": {**_obj({"status": INT}), "properties": {"status": INT, "title": STR, "message": STR}}}
    ),
    "Konsultasi": _obj(
        {"buka": STR, "tutup": STR, "status": {"type": "string", "enum": ["akan", "buka", "tutup"]}}
    ),
    "Version": _obj(
        {
            "versi": STR,
            "sequence": INT,
            "label": STR,
            "tanggal": STR,
            "tahap": STR,
            "status": STR,
            "pasal_count": INT,
            "konsultasi": {**_ref("Konsultasi"), "nullable": True},
            "earlier_windows": {"type": "object"},
            "checksum": STR,
            "published_at": STR,
            "published_by": STR_N,
            "url": STR,
            "json_url": STR,
        }
    ),
    "Regulation": _obj(
        {
            "slug": STR,
            "title": STR,
            "jenis": STR,
            "daerah": STR,
            "tentang": STR,
            "pembentuk": STR,
            "pemrakarsa": STR_N,
            "url": STR,
            "versions": _list(_ref("Version")),
        }
    ),
    "Node": _obj(
        {
            "kind": STR,
            "path": STR,
            "number": STR_N,
            "heading": STR_N,
            "text": STR,
            "marker": STR_N,
            "line": INT,
            "lineage": STR_N,
            "children": _list(_ref("Node")),
        }
    ),
    "Meta": {
        "type": "object",
        "properties": {
            "slug": STR,
            "versi": STR,
            "label": STR,
            "tanggal": STR,
            "jenis": STR,
            "daerah": STR,
            "tentang": STR,
            "pembentuk": STR,
            "tahap": STR,
            "nomor": {"nullable": True},
            "tahun": {"nullable": True},
            "judul": STR,
        },
        "required": ["slug", "versi", "label", "tanggal", "jenis", "tentang"],
    },
    "VersionRef": _obj({"slug": STR, "versi": STR, "label": STR, "tanggal": STR}),
    "RegulationRef": {
        **_obj({"slug": STR, "url": STR}),
        "properties": {"slug": STR, "url": STR, "title": STR},
    },
    "Mapping": _obj(
        {"old": STR_N, "new": STR_N, "kind": {"type": "string", "enum": list(KINDS)}, "score": NUM}
    ),
    "Pieces": {
        "type": "array",
        "nullable": True,
        "description": "a word diff: [operation, text] pairs",
        "items": {"type": "array", "items": STR, "minItems": 2, "maxItems": 2},
    },
    "Summary": _obj(
        {
            "counts": _COUNTS,
            "per_bab": _list(_obj({"path": STR, "title": STR, "counts": _COUNTS})),
        }
    ),
    "Comment": {
        **_obj(
            {
                "number": STR,
                "versi": STR_N,
                "path": STR_N,
                "status": STR,
                "hidden_reason": STR_N,
                "position": STR,
                "category": STR,
                "verified": BOOL,
                "region": STR_N,
                "author": STR_N,
                "body": STR_N,
                "replacement": STR_N,
                "campaign_size": INT_N,
                "created_at": STR,
                "attachment": BOOL,
                "responses": _list(
                    _obj(
                        {
                            "disposition": STR,
                            "reason": STR,
                            "new_versi": STR_N,
                            "new_path": STR_N,
                            "created_at": STR,
                        }
                    )
                ),
                "replies": _list(
                    _obj({"number": STR, "author": STR_N, "verified": BOOL, "body": STR_N, "created_at": STR})
                ),
            }
        ),
    },
    "Figures": _obj(
        {
            "versi": STR,
            "total": INT,
            "answered": INT,
            "answered_share": NUM_N,
            "median_days_to_answer": NUM_N,
            "verified": INT,
            "declared": INT,
            "by_category": _list(_obj({"key": STR, "n": INT, "verified": INT, "declared": INT})),
            "by_region": _list(_obj({"key": STR, "n": INT})),
            "by_position": _list(_obj({"key": STR, "n": INT})),
            "most_commented": _list(_obj({"path": STR_N, "label": STR, "n": INT})),
            "generated_at": STR,
        }
    ),
    "Check": {"type": "object", "properties": {"status": STR}, "required": ["status"]},
}

_THREAD = _obj(
    {
        "regulation": _ref("RegulationRef"),
        "versi": STR,
        "path": STR_N,
        "consultation": _obj(
            {"state": STR, "buka": STR_N, "tutup": STR_N, "anonymous_allowed": BOOL, "moderation": STR}
        ),
        "total": INT,
        "page": INT,
        "pages": INT,
        "comments": _list(_ref("Comment")),
        "deleted_provisions_total": INT,
        "deleted_provisions": _list({"type": "object"}),
    }
)
_VERSION_PAGE = _obj(
    {
        "regulation": {**_ref("RegulationRef")},
        "version": {"allOf": [_ref("Version"), {"type": "object", "properties": {"closed_by": STR_N}}]},
        "comments": _obj(
            {"url": STR, "on_version": INT, "by_path": {"type": "object", "additionalProperties": INT}}
        ),
        "meta": _ref("Meta"),
        "children": _list(_ref("Node")),
    }
)
_PROVISION_PAGE = _obj(
    {
        "regulation": _ref("RegulationRef"),
        "version": _ref("Version"),
        "citation": STR,
        "url": STR,
        "breadcrumb": _list(_obj({"kind": STR, "path": STR, "label": STR})),
        "node": _ref("Node"),
    }
)
_COMPARISON = _obj(
    {
        "old": _ref("VersionRef"),
        "new": _ref("VersionRef"),
        "summary": _ref("Summary"),
        "alignment": _list(_ref("Mapping")),
        "references": _list(_obj({"path": STR, "text": STR, "problem": STR, "suggestion": STR_N})),
        "diffs": _list({"allOf": [_ref("Mapping"), _obj({"pieces": _ref("Pieces")})]}),
    }
)
_MATRIKS = _obj(
    {
        "old": _ref("VersionRef"),
        "new": _ref("VersionRef"),
        "rows": _list(
            _obj(
                {
                    "no": INT,
                    "semula": _obj({"label": STR_N, "text": STR}),
                    "baru": _obj({"label": STR_N, "text": STR}),
                    "keterangan": STR,
                }
            )
        ),
    }
)
_HISTORY = _obj(
    {
        "regulation": _ref("RegulationRef"),
        "path": STR,
        "versi": STR,
        "history": _list(
            _obj(
                {
                    "versi": STR,
                    "label": STR,
                    "tanggal": STR,
                    "path": STR_N,
                    "citation": STR_N,
                    "text": STR_N,
                    "url": STR_N,
                    "changed": BOOL,
                    "pieces": _ref("Pieces"),
                }
            )
        ),
    }
)
_FACETS = {"type": "object", "additionalProperties": _list({"type": "object"})}
_SEARCH = _obj(
    {
        "query": STR,
        "all_versions": BOOL,
        "total": INT,
        "page": INT,
        "pages": INT,
        "results": _list(
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["ketentuan", "komentar", "jawaban"]},
                    "slug": STR,
                    "versi": STR,
                    "path": STR,
                    "kind": STR,
                    "kind_label": STR,
                    "number": STR,
                    "title": STR,
                    "snippet": STR,
                    "score": NUM,
                },
                "required": ["type", "slug", "versi", "path", "title", "snippet", "score"],
            }
        ),
        "facets": _FACETS,
        "facet_names": {"type": "object", "additionalProperties": STR},
        "suggestion": {"nullable": True},
        "citation": {"nullable": True},
        "comment": {"nullable": True},
        "error": {"nullable": True},
        "message": {"nullable": True},
    }
)
_SEARCH_REFUSED = {
    **_SEARCH,
    "properties": {**_SEARCH["properties"], "error": STR, "message": STR},
}
_DRAFT = _obj(
    {
        "id": INT,
        "slug": STR,
        "versi": STR,
        "status": STR,
        "revision": INT,
        "valid": BOOL,
        "problems": _list({"type": "object"}),
        "findings": _list({"type": "object"}),
        "previous": STR_N,
        "alignment": {**_list(_ref("Mapping")), "nullable": True},
        "summary": {**_ref("Summary"), "nullable": True},
        "corrections": _list(_obj({"id": INT, "old": STR_N, "new": STR_N, "note": STR, "applied": BOOL})),
        "version_url": STR_N,
    }
)
_READY = _obj(
    {"status": STR, "failed": _list(STR), "checks": {"type": "object", "additionalProperties": _ref("Check")}}
)
_OPENAPI = {
    "type": "object",
    "properties": {"openapi": STR, "paths": {"type": "object"}},
    "required": ["openapi"],
}


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
        responses[status] = {"description": _ERRORS[status], "content": {JSON: {"schema": _ref("Error")}}}
    for status in errors:  # the operation's own refusals: its body when it has one, else an Error
        body = error_schema or _ref("Error")
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
        _obj({"regulations": _list(_ref("Regulation"))}),
        [],
        route="index_json",
        pages=("index",),
        errors=(),
    ),
    "/index.json": _op(
        "The same as /.json",
        _obj({"regulations": _list(_ref("Regulation"))}),
        [],
        route="index_json_alias",
        errors=(),
    ),
    "/r/{slug}.json": _op(
        "One regulation and its versions",
        _ref("Regulation"),
        [SLUG],
        route="regulation",
        pages=("regulation",),
    ),
    "/r/{slug}/{versi}.json": _op(
        "One version: metadata, comment counts and the tree of provisions",
        _VERSION_PAGE,
        [SLUG, VERSI],
        route="version",
        pages=("version",),
    ),
    "/r/{slug}/{versi}/{path}.json": _op(
        "One provision with its citation and breadcrumb",
        _PROVISION_PAGE,
        [SLUG, VERSI, PATH],
        route="provision",
        pages=("provision",),
    ),
    "/r/{slug}/{versi}/{path}/riwayat.json": _op(
        "A provision through every version of its regulation",
        _HISTORY,
        [SLUG, VERSI, PATH],
        route="history_json",
        pages=("history",),
    ),
    "/r/{slug}/{versi}/komentar.json": _op(
        "The comments on a version as a whole",
        _THREAD,
        [SLUG, VERSI],
        route="version_comments_json",
        pages=("version_comments",),
    ),
    "/r/{slug}/{versi}/{path}/komentar.json": _op(
        "The comments on one provision",
        _THREAD,
        [SLUG, VERSI, PATH],
        route="provision_comments_json",
        pages=("provision_comments",),
    ),
    "/r/{slug}/{versi}/komentar/ekspor.json": _op(
        "Every public comment of a version (a download, streamed)",
        _obj({"versi": STR, "comments": _list(_ref("Comment"))}),
        [SLUG, VERSI],
        route="comments_export_json",
    ),
    "/r/{slug}/{versi}/akuntabilitas.json": _op(
        "The consultation in figures",
        _ref("Figures"),
        [SLUG, VERSI],
        route="accountability_json",
        pages=("accountability",),
    ),
    "/r/{slug}/{versi}/laporan.json": _op(
        "The consultation report: the figures, the period and the answers per provision",
        {"allOf": [_ref("Figures"), _obj({"period": STR, "matrix": _list({"type": "object"})})]},
        [SLUG, VERSI],
        route="report_json",
        pages=("report",),
    ),
    "/r/{slug}/banding/{pair}.json": _op(
        "A comparison of two versions: summary, alignment, word diffs, reference problems",
        _COMPARISON,
        [SLUG, PAIR],
        route="compare",
        pages=("compare",),
    ),
    "/r/{slug}/banding/{pair}/matriks.json": _op(
        "The matriks perubahan of two versions",
        _MATRIKS,
        [SLUG, PAIR],
        route="compare_sub",
        pages=("compare_sub",),
    ),
    "/cari.json": _op(
        "Search provisions, comments and answers",
        _SEARCH,
        QUERY,
        route="search_json",
        pages=("search",),
        errors=("422", "503"),
        # A refused or unanswered search is the search page's own body: the query kept,
        # no results, ``error`` its reason (e.g. "fuzzy_short") and ``message`` in words;
        # a full pool of slow work before the search starts answers the usual Error.
        error_schema={"anyOf": [_SEARCH_REFUSED, _ref("Error")]},
    ),
    "/akun.json": _op(
        "The signed-in account",
        _obj({"email": STR, "name": STR, "role": STR, "organisation": STR_N}),
        [],
        route="account_json",
        pages=("account",),
        auth="api",
        errors=(),
    ),
    "/kelola/draf/{draft_id}.json": _op(
        "A working draft: its check, and its comparison with the latest version",
        _DRAFT,
        [DRAFT_ID],
        route="draft",
        pages=("draft",),
        auth="session",
    ),
    "/api/openapi.json": _op("This description", _OPENAPI, [], route="openapi", errors=()),
    "/healthz": _op("The process is up", _obj({"status": STR}), [], route="healthz", errors=()),
    "/readyz": _op(
        "The database, index, outbox, mail and disk are fine (503 if not)",
        _READY,
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
