"""Taking the database away for real: the connection is closed and, on SQLite, reopened on a
file that is not a database; on PostgreSQL, the portal's pool is closed, the test database
refuses new connections and any other open one is terminated by the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import connections

from tests.conftest import PG_URL, _asyncpg_dsn


@asynccontextmanager
async def database_gone(database_url: str, tmp_path: Path) -> AsyncIterator[None]:
    client: Any = connections.get("default")
    if not PG_URL:
        filename = client.filename
        await client.close()
        # Reconnected to a file that is not a database (a lost or replaced disk): every query
        # fails with "file is not a database" until the real file comes back.
        junk = tmp_path / "not-a-database.sqlite3"
        junk.write_bytes(b"this is not an SQLite database\n" * 200)
        client.filename = str(junk)
        try:
            yield
        finally:
            await client.close()
            client.filename = filename
        return
    name = database_url.rsplit("/", 1)[1]
    await client.close()  # the portal's pool goes; its next query must connect again
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        try:
            yield
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await client.close()
    finally:
        await admin.close()


@asynccontextmanager
async def writes_refused(database_url: str, tmp_path: Path) -> AsyncIterator[None]:
    """The database refuses writes. SQLite: another process holds its write lock, so a write
    fails with "database is locked" after the driver's busy timeout (5 s) — the connection
    itself stays open. (A failed reconnection is tested in ``test_sqlite_reconnect.py``.)
    PostgreSQL: the database goes away (``database_gone``)."""
    if PG_URL:
        async with database_gone(database_url, tmp_path):
            yield
        return
    import sqlite3

    holder = sqlite3.connect(database_url.removeprefix("sqlite://"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO search_outbox (kind, ref, created_at) VALUES ('lock', 0, '2026-01-01')")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()
