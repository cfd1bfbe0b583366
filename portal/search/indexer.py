"""Keeping the index in step with the database.

The outbox (``search_outbox``) is written in the same transaction as every change to
versions, comments and answers. ``apply_outbox`` reads a batch of it past this host's
position, builds the documents from the rows as they are now, commits them to the
index, and only then records the new position (``search_state``): killed at any point,
nothing is lost, and the next run applies the batch again (indexing is idempotent).
Each host (data folder) has its own index, writer and position; a row is deleted once
every live host has passed it (``prune``). ``reindex`` rebuilds everything into a new
directory and swaps it in, holding the writer lock meanwhile so no change slips
between the two indexes; the indexer runs it by itself when the index is missing or
damaged, or when this host fell behind the outbox's retention.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.consultation.models import Comment, Response
from portal.search.bulk import BulkWriter
from portal.search.documents import Doc, comment_docs, provision_docs
from portal.search.index import Expected, SearchIndex, generation_of
from portal.search.models import SearchOutbox, SearchState
from portal.versions.models import Provision, Version

BATCH = 500
#: An outbox id missing below ids already committed is a transaction still running (its
#: row commits later: PostgreSQL hands out ids at insert, not at commit) or one rolled
#: back (its id never comes). The position waits this long at such a gap, then passes it.
GAP_SECONDS = 30.0
HEARTBEAT_SECONDS = 60.0  # a running host refreshes its ``updated_at`` at least this often
#: A host silent for longer is not waited for: the rows it has not applied may be deleted,
#: and it rebuilds its index when it comes back (``pruned_to`` past its position).
RETENTION = dt.timedelta(days=7)
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


@dataclass
class Progress:
    """This process's writer bookkeeping for one index (not in the database: lost on a
    restart, when rows are simply applied again)."""

    applied: set[int] = field(default_factory=set)  # ids applied above the position (past a gap)
    stuck: tuple[int, float] | None = None  # (position, since when) while a gap holds it
    beat: float = 0.0  # when ``updated_at`` was last written


_progress: weakref.WeakKeyDictionary[SearchIndex, Progress] = weakref.WeakKeyDictionary()


def progress(search: SearchIndex) -> Progress:
    found = _progress.get(search)
    if found is None:
        found = _progress[search] = Progress()
    return found


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class State:
    """This host's row (None: none yet) and what the others say."""

    own: SearchState | None
    others: int
    pruned: int  # the largest ``pruned_to`` of any host: outbox rows up to it are gone


async def load_state(search: SearchIndex) -> State:
    """Read ``search_state`` and tell ``search`` what its index must be (``Expected``).
    Called by the worker of every process each round, and before a process's first search."""
    host = search.host
    rows = await SearchState.all()
    own = next((row for row in rows if row.host == host), None)
    if own is not None:
        search.expected = Expected(own.index_name, own.generation)
    elif rows:
        search.expected = Expected(None, -1)  # a new host: build the index, do not start empty
    else:
        search.expected = None  # a fresh install: an empty index is right
    search.state_loaded = True
    return State(own, len(rows) - (own is not None), max((row.pruned_to for row in rows), default=0))


async def _save_state(search: SearchIndex, folder: Path, generation: int, position: int) -> None:
    values: dict[str, Any] = {
        "index_name": folder.name,
        "generation": generation,
        "position": position,
        "updated_at": _now(),
    }
    updated = await SearchState.filter(host=search.host).update(**values)
    if not updated:
        await SearchState.create(host=search.host, **values)
    search.expected = Expected(folder.name, generation)
    progress(search).beat = time.monotonic()


def _advance(position: int, mine: Progress) -> int:
    """The new position: past every id applied that follows it without a gap, and past a
    gap that has held it for ``GAP_SECONDS``."""
    while True:
        ids = sorted(i for i in mine.applied if i > position)
        mine.applied = set(ids)
        while ids and ids[0] == position + 1:
            position = ids.pop(0)
            mine.applied.discard(position)
        if not ids:
            mine.stuck = None
            return position
        now = time.monotonic()
        if mine.stuck is None or mine.stuck[0] != position:
            mine.stuck = (position, now)
            return position
        if now - mine.stuck[1] < GAP_SECONDS:
            return position
        log.warning("search outbox ids %d to %d never came: passed", position + 1, ids[0] - 1)
        position = ids[0] - 1


async def prune(search: SearchIndex) -> int:
    """Delete the outbox rows every live host has applied; how far (0: nothing)."""
    live = await SearchState.filter(updated_at__gte=_now() - RETENTION).values_list("position", "host")
    if not any(host == search.host for _, host in live):
        return 0
    floor = min(position for position, _ in live)
    own = await SearchState.get(host=search.host)
    if floor <= own.pruned_to:
        return 0
    await SearchOutbox.filter(id__lte=floor).delete()
    await SearchState.filter(host=search.host).update(pruned_to=floor)
    return int(floor)


def _write(search: SearchIndex, docs: list[Doc], remove: list[str], pause: float) -> tuple[Path, int]:
    """Commit the documents; the directory and generation committed."""
    index = search.open_for_writing()
    writer = index.writer(limitmb=128)
    try:
        for term in remove:
            writer.delete_by_term("id", term)
        removed = set(remove)
        for doc in docs:
            if doc["id"] in removed:  # deleted above: no need to look it up again
                writer.add_document(**doc)
            else:
                writer.update_document(**doc)
        if pause:  # crash drills (portal index --slow): the batch is written but not committed
            time.sleep(pause)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return Path(index.storage.folder), int(index.latest_generation())


async def _repair(search: SearchIndex, state: State) -> bool:
    """Rebuild the index if it is missing, damaged, or this host fell behind the outbox's
    retention; adopt an index from before ``search_state`` existed. Whether it rebuilt."""
    own = state.own
    problem = await asyncio.to_thread(search.problem)
    if own is None and problem is None:
        folder = search.current_dir()
        if folder is not None and generation_of(folder) >= 0:
            with search.open_for_writing(folder).searcher() as searcher:
                documents = searcher.doc_count_all()
            if documents or not state.others:  # an index of this host from before search_state
                await _save_state(search, folder, generation_of(folder), 0)
                return False
            problem = "this host's index is empty and the other hosts have one"
    if problem is None and own is not None and own.position < state.pruned:
        problem = f"this host applied the outbox up to {own.position}, rows up to {state.pruned} are gone"
    if problem is None:
        return False
    log.error("search index will be rebuilt from the database: %s", problem)
    count = await _rebuild(search, state)
    log.warning("search index rebuilt: %d documents", count)
    return True


async def apply_outbox(search: SearchIndex, batch: int = BATCH, pause: float = 0.0) -> int:
    """Apply the oldest ``batch`` outbox rows past this host's position; how many were
    applied (0: none waiting). First rebuilds the index if it must be (``_repair``).
    The caller must hold the writer lock."""
    state = await load_state(search)
    if await _repair(search, state):
        state = await load_state(search)
    mine = progress(search)
    position = state.own.position if state.own is not None else 0
    query = SearchOutbox.filter(id__gt=position)
    if mine.applied:
        query = query.exclude(id__in=sorted(mine.applied))
    rows = await query.order_by("id").limit(batch).values_list("id", "kind", "ref")
    if not rows:
        advanced = _advance(position, mine)
        current = search.current_dir()
        due = time.monotonic() - mine.beat > HEARTBEAT_SECONDS
        if current is not None and state.own is not None and (advanced != position or due):
            await _save_state(search, current, max(generation_of(current), 0), advanced)
            await prune(search)
        return 0
    versions = {ref for _, kind, ref in rows if kind == "version"}
    comments = sorted({ref for _, kind, ref in rows if kind == "comment"})
    docs = await _version_docs(versions)
    comment_docs_, remove = await _comment_docs(comments)
    folder, generation = await asyncio.to_thread(_write, search, docs + comment_docs_, remove, pause)
    mine.applied.update(row_id for row_id, _, _ in rows)
    await _save_state(search, folder, generation, _advance(position, mine))
    await prune(search)
    return len(rows)


async def catch_up(search: SearchIndex, batch: int = BATCH, pause: float = 0.0) -> int:
    """Apply the whole outbox if this process may write; how many rows were applied."""
    done = 0
    with search.writer_lock() as mine:
        if not mine:
            return 0
        while True:
            applied = await apply_outbox(search, batch, pause)
            done += applied
            if applied < batch:  # all that was waiting: what comes next waits for the next round,
                return done  # so that a rush makes a few large commits, not many small ones


async def worker(search: SearchIndex, every: float = 0.5, *, write: bool = True, batch: int = BATCH) -> None:
    """The indexer of a process: whichever process holds the lock applies the outbox
    every ``every`` seconds (and rebuilds a damaged index); the others find the lock taken
    and only read what the database says the index is. ``write=False`` (a web worker
    beside ``portal jobs``): only read it."""
    while True:
        try:
            await load_state(search)
            if write:
                await catch_up(search, batch)
        except Exception:  # the worker must outlive any one bad batch (it stays in the outbox)
            log.exception("search indexing round failed")
        await asyncio.sleep(every)


async def reindex(search: SearchIndex, batch: int = 2000) -> int:
    """Rebuild the whole index into a new directory and swap it in; how many documents.
    Waits for the writer lock and holds it: changes meanwhile stay in the outbox and are
    applied to the new index afterwards."""
    with search.writer_lock(wait=True):
        return await _rebuild(search, await load_state(search), batch)


async def _rebuild(search: SearchIndex, state: State, batch: int = 2000) -> int:
    """``reindex`` with the writer lock held. The position stays where it was (or moves
    to the rows still in the outbox): the rows after it are applied to the new index
    afterwards, so a change committed while the rebuild read the database is not lost."""
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
        shutil.rmtree(folder, ignore_errors=True)
        raise
    search.publish(folder)
    search.clear_damaged()
    position = max(state.own.position if state.own is not None else 0, state.pruned)
    progress(search).applied.clear()
    await _save_state(search, folder, generation_of(folder), position)
    if old is not None and old != folder:
        shutil.rmtree(old, ignore_errors=True)
    return count


def _add_all(writer: Any, docs: list[Doc]) -> None:
    for doc in docs:
        writer.add_document(**doc)
