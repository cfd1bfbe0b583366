"""What the consultation gives back: exports of comments (streamed) and the
accountability figures (the DIM is in ``dim.py``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from tortoise import connections
from tortoise.functions import Count

from portal.accounts.labels import CATEGORIES
from portal.consultation import threads
from portal.consultation.models import POSITIONS, Comment
from portal.document import Document
from portal.document.citations import path_citation
from portal.versions.models import Version
from portal.web.unicode import clean_label

BATCH = 2000
CSV_COLUMNS = (
    "nomor", "versi", "path", "balasan_untuk", "posisi", "kategori", "terverifikasi", "organisasi", "wilayah", "penulis",
    "komentar", "usulan_rumusan", "status", "alasan_disembunyikan", "kampanye", "lampiran", "dibuat",
    "tanggapan", "alasan_tanggapan", "dijawab_pada",
)  # fmt: skip
PERSONAL_COLUMNS = ("nama", "surel", "nama_boleh_tampil")
FREE_TEXT = frozenset(
    {
        "organisasi",
        "penulis",
        "komentar",
        "usulan_rumusan",
        "alasan_disembunyikan",
        "alasan_tanggapan",
        "nama",
        "surel",
    }
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# Exports read rows with plain SQL: Tortoise's model and value conversion would cost
# more than everything else together (about 0.1 ms a row); keyset pagination keeps
# the memory flat whatever the number of comments.
_COMMENTS_SQL = (
    "SELECT c.id, c.number, c.path, p.number AS parent_number, c.position, c.category, c.organisation, "
    "c.region, c.verified, c.name, c.email, c.show_name, c.body, c.replacement, c.status, c.hidden_reason, "
    "g.size AS group_size, c.attachment_key, c.created_at, c.redacted_at "
    "FROM comment c LEFT JOIN comment p ON p.id = c.parent_id LEFT JOIN campaign_group g ON g.id = c.group_id "
    "WHERE c.version_id = {0} AND c.id > {1} AND c.status IN ({2}) ORDER BY c.id LIMIT {3}"
)
_ANSWERS_SQL = (
    "SELECT comment_id, disposition, reason, new_versi, new_path, created_at FROM comment_response "
    "WHERE comment_id >= {0} AND comment_id <= {1} ORDER BY id"
)


def _placeholders(dialect: str, count: int) -> list[str]:
    return [f"${k}" for k in range(1, count + 1)] if dialect == "postgres" else ["?"] * count


async def comment_batches(
    version: Version, *, staff: bool
) -> AsyncIterator[list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    """Every comment on a version in id order, ``BATCH`` at a time, with their answers:
    2 queries a batch."""
    statuses = ["terbit", "disembunyikan", "menunggu"] if staff else ["terbit", "disembunyikan"]
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    marks = _placeholders(dialect, 3 + len(statuses))
    comments_sql = _COMMENTS_SQL.format(marks[0], marks[1], ", ".join(marks[2:-1]), marks[-1])
    answers_sql = _ANSWERS_SQL.format(*_placeholders(dialect, 2))
    last = 0
    while True:
        batch = await connection.execute_query_dict(comments_sql, [version.id, last, *statuses, BATCH])
        if not batch:
            return
        ids = {row["id"] for row in batch}
        answers: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for answer in await connection.execute_query_dict(answers_sql, [batch[0]["id"], batch[-1]["id"]]):
            if answer["comment_id"] in ids:
                answers[answer["comment_id"]].append(answer)
        yield [(row, answers.get(row["id"], [])) for row in batch]
        last = batch[-1]["id"]


def _iso(value: Any) -> str:
    """Datetimes as ISO 8601 (SQLite hands back its stored text, PostgreSQL a datetime)."""
    if not value:
        return ""
    return value.replace(" ", "T", 1) if isinstance(value, str) else str(value.isoformat())


def export_record(
    comment: dict[str, Any], answers: list[dict[str, Any]], versi: str, base_url: str, *, personal: bool
) -> dict[str, Any]:
    hidden = comment["status"] == "disembunyikan"
    latest = answers[-1] if answers else None
    record: dict[str, Any] = {
        "nomor": comment["number"],
        "versi": versi,
        "path": comment["path"],
        "balasan_untuk": comment["parent_number"] or "",
        "posisi": comment["position"] or "",
        "kategori": comment["category"],
        "terverifikasi": "ya"
        if comment["verified"]
        else "tidak",  # "tidak": category and organisation declared
        "organisasi": "" if hidden and not personal else clean_label(comment["organisation"]),
        "wilayah": comment["region"],
        "penulis": threads.author_label(
            comment["name"],
            bool(comment["show_name"]),
            comment["organisation"],
            comment["region"],
            bool(comment["redacted_at"]),
            verified=bool(comment["verified"]),
            hidden=hidden,
        ),
        "komentar": "" if hidden else comment["body"],
        "usulan_rumusan": "" if hidden else comment["replacement"],
        "status": comment["status"],
        "alasan_disembunyikan": comment["hidden_reason"],
        "kampanye": comment["group_size"] or "",
        "lampiran": f"{base_url}/lampiran/{comment['number']}"
        if comment["attachment_key"] and not hidden
        else "",
        "dibuat": _iso(comment["created_at"]),
        "tanggapan": latest["disposition"] if latest else "",
        "alasan_tanggapan": latest["reason"] if latest else "",
        "dijawab_pada": _iso(latest["created_at"]) if latest else "",
    }
    if personal:
        record.update(
            {
                "nama": comment["name"],
                "surel": comment["email"],
                "nama_boleh_tampil": bool(comment["show_name"]),
            }
        )
    return record


async def export_csv(version: Version, base_url: str, *, staff: bool, personal: bool) -> AsyncIterator[bytes]:
    columns = CSV_COLUMNS + (PERSONAL_COLUMNS if personal else ())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer.writerow(columns)
    yield buffer.getvalue().encode("utf-8")
    free = [k for k, c in enumerate(columns) if c in FREE_TEXT]  # typed by people: may start with "="
    async for batch in comment_batches(version, staff=staff):
        buffer.seek(0)
        buffer.truncate()
        rows = []
        for comment, answers in batch:
            record = export_record(comment, answers, version.versi, base_url, personal=personal)
            row = [record[c] for c in columns]
            for k in free:
                row[k] = safe_cell(row[k])
            rows.append(row)
        writer.writerows(rows)
        yield buffer.getvalue().encode("utf-8")


async def export_json(
    version: Version, base_url: str, *, staff: bool, personal: bool
) -> AsyncIterator[bytes]:
    yield b'{"versi":' + json.dumps(version.versi).encode() + b',"comments":['
    first = True
    async for batch in comment_batches(version, staff=staff):
        parts = []
        for comment, answers in batch:
            record = export_record(comment, answers, version.versi, base_url, personal=personal)
            record["terverifikasi"] = bool(comment["verified"])
            record["tanggapan_semua"] = [
                {"tanggapan": a["disposition"], "alasan": a["reason"], "versi_baru": a["new_versi"] or None,
                 "path_baru": a["new_path"] or None, "dijawab_pada": _iso(a["created_at"])}
                for a in answers
            ]  # fmt: skip
            parts.append(json.dumps(record, ensure_ascii=False))
        chunk = ",".join(parts)
        yield (chunk if first else "," + chunk).encode("utf-8")
        first = False
    yield b"]}"


# -- accountability ----------------------------------------------------------------------------


async def _days_to_answer(version: Version) -> list[float]:
    """Days from each published comment to its answer, computed by the database (reading
    the two datetimes of 100,000 comments into Python took seconds)."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        sql = (
            "SELECT EXTRACT(EPOCH FROM (answered_at - created_at)) / 86400 AS d FROM comment "
            "WHERE version_id = $1 AND parent_id IS NULL AND status = 'terbit' AND answered_at IS NOT NULL"
        )
    else:
        sql = (
            "SELECT julianday(answered_at) - julianday(created_at) AS d FROM comment "
            "WHERE version_id = ? AND parent_id IS NULL AND status = 'terbit' AND answered_at IS NOT NULL"
        )
    rows = await connection.execute_query_dict(sql, [version.id])
    return [float(row["d"]) for row in rows if row["d"] is not None]


async def accountability(version: Version, document: Document) -> dict[str, Any]:
    """Figures of a version's consultation: who took part, what was answered, how fast."""
    base = Comment.filter(version_id=version.id, parent_id=None, status="terbit")
    total = await base.count()
    answered = await base.filter(answered_at__not_isnull=True).count()

    async def by(field: str) -> dict[str, int]:
        rows = await base.group_by(field).annotate(n=Count("id")).values_list(field, "n")
        return {str(key or ""): int(n) for key, n in rows}

    categories = await by("category")
    verified_rows = (
        await base.filter(verified=True)
        .group_by("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    verified = {str(key or ""): int(n) for key, n in verified_rows}
    regions = await by("region")
    positions = await by("position")
    paths = (
        await base.group_by("path").annotate(n=Count("id")).order_by("-n").limit(10).values_list("path", "n")
    )
    days = await _days_to_answer(version)
    index = {n.path: n for n in document.walk()}
    return {
        "versi": version.versi,
        "total": total,
        "answered": answered,
        "answered_share": round(answered / total, 4) if total else None,
        "median_days_to_answer": round(statistics.median(days), 1) if days else None,
        # Each category split into comments of verified stakeholders and declared ones.
        "verified": sum(verified.values()),
        "declared": total - sum(verified.values()),
        "by_category": [
            {
                "key": k,
                "n": categories[k],
                "verified": verified.get(k, 0),
                "declared": categories[k] - verified.get(k, 0),
            }
            for k in CATEGORIES
            if categories.get(k)
        ],
        "by_region": [
            {"key": k or "tidak disebut", "n": n} for k, n in sorted(regions.items(), key=lambda kv: -kv[1])
        ],
        "by_position": [{"key": k, "n": positions.get(k, 0)} for k in POSITIONS if positions.get(k)],
        "most_commented": [
            {
                "path": path or None,
                "label": path_citation(path) if path in index else "rancangan secara keseluruhan",
                "n": int(n),
            }
            for path, n in paths
        ],
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
    }
