"""The schemas of the JSON API's bodies, as the handlers build them (``openapi.py``
lists the routes that answer them). ``obj`` is an object whose keys are all required:
the handlers always write every key."""

from __future__ import annotations

from typing import Any

from portal.versions.mapping import KINDS

JSON = "application/json"


def schema_ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def typed(kind: str, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": kind, "nullable": True} if nullable else {"type": kind}


STR, INT, NUM, BOOL = typed("string"), typed("integer"), typed("number"), typed("boolean")
STR_N, INT_N, NUM_N = (
    typed("string", nullable=True),
    typed("integer", nullable=True),
    typed("number", nullable=True),
)


def obj(properties: dict[str, Any], *, nullable: bool = False) -> dict[str, Any]:
    """An object with these keys, all required (handlers always write every key)."""
    out: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties)}
    if nullable:
        out["nullable"] = True
    return out


def array_of(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


COUNTS = obj(dict.fromkeys(KINDS, INT))

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": obj(
        {"error": {**obj({"status": INT}), "properties": {"status": INT, "title": STR, "message": STR}}}
    ),
    "Konsultasi": obj(
        {"buka": STR, "tutup": STR, "status": {"type": "string", "enum": ["akan", "buka", "tutup"]}}
    ),
    "Version": obj(
        {
            "versi": STR,
            "sequence": INT,
            "label": STR,
            "tanggal": STR,
            "tahap": STR,
            "status": STR,
            "pasal_count": INT,
            "konsultasi": {**schema_ref("Konsultasi"), "nullable": True},
            "earlier_windows": {"type": "object"},
            "checksum": STR,
            "published_at": STR,
            "published_by": STR_N,
            "url": STR,
            "json_url": STR,
        }
    ),
    "Regulation": obj(
        {
            "slug": STR,
            "title": STR,
            "jenis": STR,
            "daerah": STR,
            "tentang": STR,
            "pembentuk": STR,
            "pemrakarsa": STR_N,
            "url": STR,
            "versions": array_of(schema_ref("Version")),
        }
    ),
    "Node": obj(
        {
            "kind": STR,
            "path": STR,
            "number": STR_N,
            "heading": STR_N,
            "text": STR,
            "marker": STR_N,
            "line": INT,
            "lineage": STR_N,
            "children": array_of(schema_ref("Node")),
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
    "VersionRef": obj({"slug": STR, "versi": STR, "label": STR, "tanggal": STR}),
    "RegulationRef": {
        **obj({"slug": STR, "url": STR}),
        "properties": {"slug": STR, "url": STR, "title": STR},
    },
    "Mapping": obj(
        {"old": STR_N, "new": STR_N, "kind": {"type": "string", "enum": list(KINDS)}, "score": NUM}
    ),
    "Pieces": {
        "type": "array",
        "nullable": True,
        "description": "a word diff: [operation, text] pairs",
        "items": {"type": "array", "items": STR, "minItems": 2, "maxItems": 2},
    },
    "Summary": obj(
        {
            "counts": COUNTS,
            "per_bab": array_of(obj({"path": STR, "title": STR, "counts": COUNTS})),
        }
    ),
    "Comment": {
        **obj(
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
                "responses": array_of(
                    obj(
                        {
                            "disposition": STR,
                            "reason": STR,
                            "new_versi": STR_N,
                            "new_path": STR_N,
                            "created_at": STR,
                        }
                    )
                ),
                "replies": array_of(
                    obj({"number": STR, "author": STR_N, "verified": BOOL, "body": STR_N, "created_at": STR})
                ),
            }
        ),
    },
    "Figures": obj(
        {
            "versi": STR,
            "total": INT,
            "answered": INT,
            "answered_share": NUM_N,
            "median_days_to_answer": NUM_N,
            "verified": INT,
            "declared": INT,
            "by_category": array_of(obj({"key": STR, "n": INT, "verified": INT, "declared": INT})),
            "by_region": array_of(obj({"key": STR, "n": INT})),
            "by_position": array_of(obj({"key": STR, "n": INT})),
            "most_commented": array_of(obj({"path": STR_N, "label": STR, "n": INT})),
            "generated_at": STR,
        }
    ),
    "Check": {"type": "object", "properties": {"status": STR}, "required": ["status"]},
}

THREAD = obj(
    {
        "regulation": schema_ref("RegulationRef"),
        "versi": STR,
        "path": STR_N,
        "consultation": obj(
            {"state": STR, "buka": STR_N, "tutup": STR_N, "anonymous_allowed": BOOL, "moderation": STR}
        ),
        "total": INT,
        "page": INT,
        "pages": INT,
        "comments": array_of(schema_ref("Comment")),
        "deleted_provisions_total": INT,
        "deleted_provisions": array_of({"type": "object"}),
    }
)
VERSION_PAGE = obj(
    {
        "regulation": {**schema_ref("RegulationRef")},
        "version": {"allOf": [schema_ref("Version"), {"type": "object", "properties": {"closed_by": STR_N}}]},
        "comments": obj(
            {"url": STR, "on_version": INT, "by_path": {"type": "object", "additionalProperties": INT}}
        ),
        "meta": schema_ref("Meta"),
        "children": array_of(schema_ref("Node")),
    }
)
PROVISION_PAGE = obj(
    {
        "regulation": schema_ref("RegulationRef"),
        "version": schema_ref("Version"),
        "citation": STR,
        "url": STR,
        "breadcrumb": array_of(obj({"kind": STR, "path": STR, "label": STR})),
        "node": schema_ref("Node"),
    }
)
COMPARISON = obj(
    {
        "old": schema_ref("VersionRef"),
        "new": schema_ref("VersionRef"),
        "summary": schema_ref("Summary"),
        "alignment": array_of(schema_ref("Mapping")),
        "references": array_of(obj({"path": STR, "text": STR, "problem": STR, "suggestion": STR_N})),
        "diffs": array_of({"allOf": [schema_ref("Mapping"), obj({"pieces": schema_ref("Pieces")})]}),
    }
)
MATRIKS = obj(
    {
        "old": schema_ref("VersionRef"),
        "new": schema_ref("VersionRef"),
        "rows": array_of(
            obj(
                {
                    "no": INT,
                    "semula": obj({"label": STR_N, "text": STR}),
                    "baru": obj({"label": STR_N, "text": STR}),
                    "keterangan": STR,
                }
            )
        ),
    }
)
HISTORY = obj(
    {
        "regulation": schema_ref("RegulationRef"),
        "path": STR,
        "versi": STR,
        "history": array_of(
            obj(
                {
                    "versi": STR,
                    "label": STR,
                    "tanggal": STR,
                    "path": STR_N,
                    "citation": STR_N,
                    "text": STR_N,
                    "url": STR_N,
                    "changed": BOOL,
                    "pieces": schema_ref("Pieces"),
                }
            )
        ),
    }
)
FACETS = {"type": "object", "additionalProperties": array_of({"type": "object"})}
SEARCH = obj(
    {
        "query": STR,
        "all_versions": BOOL,
        "total": INT,
        "page": INT,
        "pages": INT,
        "results": array_of(
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
        "facets": FACETS,
        "facet_names": {"type": "object", "additionalProperties": STR},
        "suggestion": {"nullable": True},
        "citation": {"nullable": True},
        "comment": {"nullable": True},
        "error": {"nullable": True},
        "message": {"nullable": True},
    }
)
SEARCH_REFUSED = {
    **SEARCH,
    "properties": {**SEARCH["properties"], "error": STR, "message": STR},
}
DRAFT = obj(
    {
        "id": INT,
        "slug": STR,
        "versi": STR,
        "status": STR,
        "revision": INT,
        "valid": BOOL,
        "problems": array_of({"type": "object"}),
        "findings": array_of({"type": "object"}),
        "previous": STR_N,
        "alignment": {**array_of(schema_ref("Mapping")), "nullable": True},
        "summary": {**schema_ref("Summary"), "nullable": True},
        "corrections": array_of(obj({"id": INT, "old": STR_N, "new": STR_N, "note": STR, "applied": BOOL})),
        "version_url": STR_N,
    }
)
READY = obj(
    {
        "status": STR,
        "failed": array_of(STR),
        "checks": {"type": "object", "additionalProperties": schema_ref("Check")},
    }
)
OPENAPI = {
    "type": "object",
    "properties": {"openapi": STR, "paths": {"type": "object"}},
    "required": ["openapi"],
}
