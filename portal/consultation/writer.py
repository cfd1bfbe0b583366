"""Group commit of comments: submissions that arrive together are checked against the
limits, numbered, stored, compared for campaigns and given their receipt mail in one
transaction, and each submitter is answered only after that transaction commits.

Why: stored one by one, a comment costs about ten queries and a commit; under load
the database round trips, not the rules, set the pace. Here a batch of any size
costs about ten queries in all. No task outlives its work: the first submitter that
finds no flush running starts one, and it ends when nothing is waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from portal.consultation import text as texts
from portal.consultation.models import CampaignGroup, Comment, CommentBand, CommentCounter
from portal.consultation.numbers import NumberLedger
from portal.mail.models import MailMessage
from portal.search import outbox as search_outbox

MAX_BATCH = 256


@dataclass
class Pending:
    """One accepted submission, waiting for its batch."""

    fields: dict[str, Any]  # Comment fields, all but ``number``
    prefix: str  # of the tracking number, e.g. "JSK-2026"
    person: tuple[str, Any]  # ("author", user id) or ("email", address)
    is_reply: bool
    receipt_hash: str
    mail: Callable[[str], tuple[str, str, str]]  # number → (to, subject, body)
    limits: tuple[int, int, int]  # per address, per person (in the window), per provision
    since: dt.datetime
    future: asyncio.Future[tuple[Comment, bool]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Refusal(Exception):
    """A limit refused this submission in its batch (the key of the message)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


class CommentWriter:
    def __init__(self, max_batch: int = MAX_BATCH, ledger: NumberLedger | None = None) -> None:
        self.max_batch = max_batch
        self.ledger = ledger  # where acknowledged numbers are recorded outside the database
        self.pending: list[Pending] = []
        self.flushing: asyncio.Task[None] | None = None

    async def write(self, item: Pending) -> tuple[Comment, bool]:
        """Store ``item`` with whatever else is waiting; (the comment, stored now?)."""
        self.pending.append(item)
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.get_running_loop().create_task(self._flush())
        return await item.future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let submissions arriving in the same tick join the batch
        while self.pending:
            batch, self.pending = self.pending[: self.max_batch], self.pending[self.max_batch :]
            try:
                await store(batch, self.ledger)
            except BaseException as error:  # the batch is lost as a whole: every submitter hears it
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(
                            error if isinstance(error, Exception) else RuntimeError("cancelled")
                        )
                if not isinstance(error, Exception):
                    raise


async def _refuse_over_limits(batch: list[Pending]) -> list[Pending]:
    """Rate limits per address and person, and the cap per provision: two queries for
    the whole batch (the first also finds the submissions stored already); earlier items
    of the batch count for later ones."""
    since = min(item.since for item in batch)
    ips = {item.fields["ip_hash"] for item in batch}
    emails = {item.person[1] for item in batch if item.person[0] == "email"}
    authors = {item.person[1] for item in batch if item.person[0] == "author"}
    keys = [item.fields["submission_key"] for item in batch]
    who = Q(ip_hash__in=ips) | Q(email__in=emails) | Q(author_id__in=authors or {0})
    rows = await Comment.filter(Q(who, created_at__gte=since) | Q(submission_key__in=keys)).values_list(
        "ip_hash", "author_id", "email", "created_at", "submission_key"
    )
    by_address: Counter[str] = Counter()
    by_person: Counter[tuple[str, Any]] = Counter()
    seen: set[str] = set()
    wanted = set(keys)
    for ip_hash, author_id, email, created_at, submission_key in rows:
        if submission_key in wanted:
            seen.add(submission_key)
        if created_at < since or not (ip_hash in ips or email in emails or author_id in authors):
            continue  # found by its key only
        by_address[ip_hash] += 1
        by_person[("author", author_id) if author_id else ("email", email)] += 1
    versions = {item.fields["version_id"] for item in batch}
    rows = (
        await Comment.filter(
            Q(email__in=emails) | Q(author_id__in=authors or {0}), version_id__in=versions, parent_id=None
        )
        .group_by("version_id", "path", "author_id", "email")
        .annotate(n=Count("id"))
        .values_list("version_id", "path", "author_id", "email", "n")
    )
    on_provision: Counter[tuple[int, str, tuple[str, Any]]] = Counter()
    for version_id, path, author_id, email, n in rows:
        on_provision[(version_id, path, ("author", author_id) if author_id else ("email", email))] += int(n)
    accepted: list[Pending] = []
    for item in batch:
        if item.fields["submission_key"] in seen:  # a repeat: it will get the stored comment
            accepted.append(item)
            continue
        seen.add(item.fields["submission_key"])
        per_address, per_person, per_provision = item.limits
        place = (item.fields["version_id"], item.fields["path"], item.person)
        if by_address[item.fields["ip_hash"]] >= per_address or by_person[item.person] >= per_person:
            item.future.set_exception(Refusal("rate_limited"))
            continue
        if not item.is_reply and on_provision[place] >= per_provision:
            item.future.set_exception(Refusal("cap_reached"))
            continue
        by_address[item.fields["ip_hash"]] += 1
        by_person[item.person] += 1
        if not item.is_reply:
            on_provision[place] += 1
        accepted.append(item)
    return accepted


def _marks(connection: BaseDBAsyncClient, count: int) -> list[str]:
    """Query placeholders in the connection's dialect."""
    postgres = connection.capabilities.dialect == "postgres"
    return [f"${k}" for k in range(1, count + 1)] if postgres else ["?"] * count


async def _numbers(
    connection: BaseDBAsyncClient, batch: list[Pending], ledger: NumberLedger | None = None
) -> tuple[list[str], asyncio.Task[None] | None]:
    """Tracking numbers from one counter per prefix (regulation and year), in the batch's
    transaction: a batch that fails gives no number away. With a ``ledger``, a counter
    starts at no less than the ledger's mark (a database restored from an older backup
    never gives an acknowledged number again), and the batch's last numbers are recorded
    in it before the transaction commits (``numbers.py``): the second value is that
    recording, started at once in a thread; the caller awaits it before committing, so
    its fsync runs while the batch's other statements do."""
    wanted = Counter(item.prefix for item in batch)
    mark, mark2, mark3 = _marks(connection, 3)
    greatest = "GREATEST" if connection.capabilities.dialect == "postgres" else "MAX"
    last: dict[str, int] = {}
    for prefix, count in sorted(wanted.items()):
        floor = 0
        if ledger:
            known = ledger.known_floor(prefix)  # read once per process, then kept
            floor = known if known is not None else await asyncio.to_thread(ledger.floor, prefix)
        update = f"UPDATE comment_counter SET value = {greatest}(value, {mark}) + {mark2} WHERE name = {mark3} RETURNING value"  # noqa: S608 - placeholders only
        rows = await connection.execute_query_dict(update, [floor, count, prefix])
        if not rows:  # the prefix's first number
            # Start after the highest number already given under this prefix (numbers are
            # zero-padded, so the text order is the number order).
            highest = await Comment.filter(number__startswith=f"{prefix}-").order_by("-number").first()
            start = int(highest.number.rsplit("-", 1)[1]) if highest else 0
            await CommentCounter.get_or_create(name=prefix, defaults={"value": start})
            rows = await connection.execute_query_dict(update, [floor, count, prefix])
        last[prefix] = int(rows[0]["value"]) - count
    recording = None
    if ledger:  # durable before anything is acknowledged; a failure fails the batch
        marks = {prefix: value + wanted[prefix] for prefix, value in last.items()}
        recording = asyncio.get_running_loop().create_task(asyncio.to_thread(ledger.record, marks))
    out: list[str] = []
    for item in batch:
        last[item.prefix] += 1
        out.append(f"{item.prefix}-{last[item.prefix]:06d}")
    return out, recording


# The limits are counted from the stored comments, then the batch is inserted: two
# workers (or hosts) checking at once would both pass. Each batch therefore takes the
# intake lock first, for its transaction: PostgreSQL's transaction-scoped advisory lock
# (every host on the database), SQLite's write lock (a write statement that changes
# nothing takes it at once; SQLite has one writer anyway).
INTAKE_LOCK = 0x4A534B  # "JSK": any constant the portal's other advisory locks do not use


async def _intake_lock(connection: BaseDBAsyncClient) -> None:
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(f"SELECT pg_advisory_xact_lock({INTAKE_LOCK})")
    else:
        await connection.execute_query("UPDATE comment_counter SET value = value WHERE 0")


async def store(batch: list[Pending], ledger: NumberLedger | None = None) -> None:
    async with in_transaction() as connection:
        await _intake_lock(connection)
        batch = await _refuse_over_limits(batch)
        if not batch:
            return
        numbers, recording = await _numbers(connection, batch, ledger)
        try:
            created = await _insert(connection, batch, numbers)
        finally:
            if recording is not None:
                await recording  # the ledger holds the numbers before the commit
    for item, comment in created:
        if not item.future.done():
            item.future.set_result((comment, comment.receipt_hash == item.receipt_hash))


async def _insert(
    connection: BaseDBAsyncClient, batch: list[Pending], numbers: list[str]
) -> list[tuple[Pending, Comment]]:
    """The batch's comments, their notes for the indexer, campaigns and receipt mail."""
    await Comment.bulk_create(
        [Comment(number=number, **item.fields) for item, number in zip(batch, numbers, strict=True)],
        ignore_conflicts=True,  # a submission key already stored: the earlier comment stands
    )
    keys = [item.fields["submission_key"] for item in batch]
    stored = {c.submission_key: c for c in await Comment.filter(submission_key__in=keys)}
    if len(stored) != len(set(keys)):  # a conflict other than a repeated key: refuse the batch whole
        raise RuntimeError("comments of the batch were not stored; nothing was acknowledged")
    created = [(item, stored[item.fields["submission_key"]]) for item in batch]
    fresh = [(item, c) for item, c in created if c.receipt_hash == item.receipt_hash]
    await search_outbox.note("comment", [c.id for _, c in fresh], connection)
    await _campaigns(connection, [c for item, c in fresh if not item.is_reply and c.signature])
    await MailMessage.bulk_create(
        [
            MailMessage(
                **dict(zip(("to", "subject", "body"), item.mail(c.number), strict=True)),
                next_attempt_at=dt.datetime.now(dt.UTC),
            )
            for item, c in fresh
            if item.fields["email"]
        ]
    )
    return created


async def _campaigns(connection: BaseDBAsyncClient, comments: list[Comment]) -> None:
    """Join near-identical comments into campaign groups (MinHash bands, then the
    estimated similarity of the whole signature)."""
    if not comments:
        return
    keyed = {c.id: texts.bands(c.signature) for c in comments}
    all_bands = {band for bands in keyed.values() for band in bands}
    versions = {c.version_id for c in comments}  # type: ignore[attr-defined]
    hits = await CommentBand.filter(version_id__in=versions, band__in=all_bands).values_list(
        "band", "comment_id"
    )
    by_band: dict[str, set[int]] = defaultdict(set)
    for band, comment_id in hits:
        by_band[band].add(comment_id)
    candidate_ids = {i for ids in by_band.values() for i in ids}
    known = (
        {
            c.id: c
            for c in await Comment.filter(id__in=candidate_ids).only(
                "id", "signature", "group_id", "version_id"
            )
        }
        if candidate_ids
        else {}
    )
    touched: set[int] = set()
    joining: dict[int, list[int]] = defaultdict(list)  # group → comments that join it now
    for comment in comments:
        bands = keyed[comment.id]
        others = sorted({i for band in bands for i in by_band.get(band, set())} - {comment.id})
        match = next(
            (
                known[i] for i in others
                if i in known and known[i].version_id == comment.version_id  # type: ignore[attr-defined]
                and texts.estimated_similarity(known[i].signature, comment.signature) >= texts.SAME_CAMPAIGN
            ),
            None,
        )  # fmt: skip
        for band in bands:  # later comments of the batch see this one
            by_band[band].add(comment.id)
        known[comment.id] = comment
        if match is None:
            continue
        group_id = match.group_id  # type: ignore[attr-defined]
        if group_id is None:
            group = await CampaignGroup.create(version_id=comment.version_id, size=1)  # type: ignore[attr-defined]
            group_id = group.id
            joining[group_id].append(match.id)
            match.group_id = group_id
        joining[group_id].append(comment.id)
        comment.group_id = group_id
        touched.add(group_id)
    for group_id, ids in joining.items():  # one statement per group, not one per comment
        await Comment.filter(id__in=ids).update(group_id=group_id)
    # Plain rows, not model objects: eight bands per comment made most of a batch's cost.
    marks = _marks(connection, 3)
    await connection.execute_many(
        f"INSERT INTO comment_band (version_id, band, comment_id) VALUES ({', '.join(marks)})",  # noqa: S608 - placeholders only
        [[c.version_id, band, c.id] for c in comments for band in keyed[c.id]],  # type: ignore[attr-defined]
    )
    if touched:
        sizes = (
            await Comment.filter(group_id__in=touched)
            .group_by("group_id")
            .annotate(n=Count("id"))
            .values_list("group_id", "n")
        )
        for group_id, n in sizes:
            await CampaignGroup.filter(id=group_id).update(size=int(n))
