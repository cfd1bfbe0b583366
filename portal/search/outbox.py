"""Writing to the search outbox, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient

from portal.search.models import SearchOutbox


async def note(kind: str, refs: Iterable[int], connection: BaseDBAsyncClient | None = None) -> None:
    """Tell the indexer to look again at these versions or comments.

    Called inside the transaction that changes them, so the note commits (or rolls
    back) with the change. With ``connection`` the rows go in as plain parameters, the
    cheapest way for a batch of new comments."""
    refs = list(refs)
    if not refs:
        return
    if connection is None:
        await SearchOutbox.bulk_create([SearchOutbox(kind=kind, ref=ref) for ref in refs])
        return
    postgres = connection.capabilities.dialect == "postgres"
    marks = "$1, $2" if postgres else "?, ?"
    await connection.execute_many(
        f"INSERT INTO search_outbox (kind, ref, created_at) VALUES ({marks}, CURRENT_TIMESTAMP)",  # noqa: S608 - placeholders only
        [[kind, ref] for ref in refs],
    )
