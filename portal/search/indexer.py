"""Keeping the index in step with the database.

The outbox (``search_outbox``) is written in the same transaction as every change to
versions, comments and answers. ``apply_outbox`` reads a batch of it, builds the
documents from the rows as they are now, commits them to the index, and only then
deletes the batch from the outbox: killed at any point, nothing is lost, and the next
run applies the batch again (indexing is idempotent). ``reindex`` rebuilds everything
into a new directory and swaps it in, holding the writer lock meanwhile so no change
slips between the two indexes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from portal.consultation.models import Comment, Response
from portal.search.bulk import BulkWriter
from portal.search.documents import Doc, comment_docs, provision_docs
from portal.search.index import SearchIndex
from portal.search.models import SearchOutbox
from portal.versions.models import Provision, Version

BATCH = 500
COMMENT_FIELDS = (
    "id", "number", "status", "redacted_at", "parent_id", "body", "replacement", "path", "category",
    "position", "region", "answered_at", "created_at", "version_id",
)  # fmt: skip

log = logging.getLogger("portal.search")


async def _version_docs(version_ids: Iterable[int]) -> list[Doc]:
    docs: list[Doc] = []
    for version in await Version.filter(id__in=list(version_ids)).select_related("regulation"):
        rows = await Provision.filter(version_id=version.id).order_by("position")
        docs += provision_docs(version, version.regulation.slug, rows)
    return docs


async def _babs(version_ids: set[int]) -> dict[tuple[int, str], str]:
    """(version id, path) → the BAB it stands in."""
    out: dict[tuple[int, str], str] = {}
    for version_id in version_ids:
        bab = ""
        rows = (
            await Provision.filter(version_id=version_id)
            .order_by("position")
            .values_list("path", "kind", "number")
        )
        for path, kind, number in rows:
            if kind == "bab":
                bab = f"BAB {number}" if number else ""
            out[(version_id, path)] = bab
    return out


async def _comment_docs(comment_ids: list[int]) -> tuple[list[Doc], list[str]]:
    """The documents of these comments, and the ids to remove first (their old state)."""
    rows = await Comment.filter(id__in=comment_ids).values(*COMMENT_FIELDS)
    versions = {
        v.id: v
        for v in await Version.filter(id__in={r["version_id"] for r in rows}).select_related("regulation")
    }
    answers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for answer in (
        await Response.filter(comment_id__in=comment_ids)
        .order_by("id")
        .values("id", "comment_id", "disposition", "reason", "created_at")
    ):
        answers[answer["comment_id"]].append(answer)
    babs = await _babs(set(versions))
    docs: list[Doc] = []
    remove = [f"c:{i}" for i in comment_ids]
    for row in rows:
        version = versions[row["version_id"]]
        row["slug"], row["versi"] = version.regulation.slug, version.versi
        remove += [f"j:{a['id']}" for a in answers[row["id"]]]
        docs += comment_docs(row, answers[row["id"]], babs.get((version.id, row["path"]), ""))
    return docs, remove


def _write(search: SearchIndex, docs: list[Doc], remove: list[str], pause: float) -> None:
    index = search.open_for_writing()
    writer = index.writer(limitmb=128)
    try:
        for term in remove:
            writer.delete_by_term("id", term)
        for doc in docs:
            writer.update_document(**doc)
        if pause:  # crash drills (portal index --slow): the batch is written but not committed
            time.sleep(pause)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


async def apply_outbox(search: SearchIndex, batch: int = BATCH, pause: float = 0.0) -> int:
    """Apply the oldest ``batch`` outbox rows; how many were applied (0: none waiting).
    The caller must hold the writer lock."""
    rows = await SearchOutbox.all().order_by("id").limit(batch).values_list("id", "kind", "ref")
    if not rows:
        return 0
    versions = {ref for _, kind, ref in rows if kind == "version"}
    comments = sorted({ref for _, kind, ref in rows if kind == "comment"})
    docs = await _version_docs(versions)
    comment_docs_, remove = await _comment_docs(comments)
    await asyncio.to_thread(_write, search, docs + comment_docs_, remove, pause)
    await SearchOutbox.filter(id__in=[row_id for row_id, _, _ in rows]).delete()
    return len(rows)


async def catch_up(search: SearchIndex, batch: int = BATCH, pause: float = 0.0) -> int:
    """Apply the whole outbox if this process may write; how many rows were applied."""
    done = 0
    with search.writer_lock() as mine:
        if not mine:
            return 0
        while applied := await apply_outbox(search, batch, pause):
            done += applied
    return done


async def worker(search: SearchIndex, every: float = 0.5) -> None:
    """The indexer inside ``portal serve``: whichever worker holds the lock applies the
    outbox every ``every`` seconds; the others find the lock taken and wait."""
    while True:
        try:
            await catch_up(search)
        except Exception:  # the worker must outlive any one bad batch (it stays in the outbox)
            log.exception("search indexing round failed")
        await asyncio.sleep(every)


async def reindex(search: SearchIndex, batch: int = 2000) -> int:
    """Rebuild the whole index into a new directory and swap it in; how many documents.
    Waits for the writer lock and holds it: changes meanwhile stay in the outbox and are
    applied to the new index afterwards."""
    with search.writer_lock(wait=True):
        old = search.current_dir()
        folder = search.create_dir()
        writer = BulkWriter(search.open_for_writing(folder))
        count = 0
        try:
            for version in await Version.all().order_by("id").select_related("regulation"):
                rows = await Provision.filter(version_id=version.id).order_by("position")
                docs = provision_docs(version, version.regulation.slug, rows)
                await asyncio.to_thread(_add_all, writer, docs)
                count += len(docs)
            last = 0
            while True:
                ids: list[int] = list(
                    await Comment.filter(id__gt=last, parent_id=None, status="terbit")
                    .order_by("id")
                    .limit(batch)
                    .values_list("id", flat=True)  # type: ignore[arg-type]
                )
                if not ids:
                    break
                docs, _ = await _comment_docs(ids)
                await asyncio.to_thread(_add_all, writer, docs)
                count += len(docs)
                last = ids[-1]
            await asyncio.to_thread(writer.commit)
        except BaseException:
            writer.cancel()
            raise
        search.publish(folder)
        if old is not None and old != folder:
            _remove_dir(old)
    return count


def _add_all(writer: Any, docs: list[Doc]) -> None:
    for doc in docs:
        writer.add_document(**doc)


def _remove_dir(folder: Any) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            path.unlink()
        else:
            path.rmdir()
    folder.rmdir()
