"""SQLite: a reconnection that fails must not leave the connection's lock held.

With Tortoise's own client, a connect that failed inside ``in_transaction()`` (or inside any
query) kept the lock, and every later query of the process waited for ever. The portal's
client (``portal.sqlite``) releases it, so the portal serves again once the file is back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from portal.sqlite import Client
from portal.versions.models import Regulation
from tests.conftest import PG_URL

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(bool(PG_URL), reason="the SQLite client only"),
]


async def test_a_failed_reconnection_releases_the_lock(client: httpx.AsyncClient, tmp_path: Path) -> None:
    connection: Any = connections.get("default")
    assert isinstance(connection, Client)
    filename = connection.filename
    await connection.close()
    connection.filename = str(tmp_path / "no-such-folder" / "portal.sqlite3")  # cannot be opened
    for _ in range(2):
        with pytest.raises(Exception, match="unable to open"):
            async with in_transaction():
                await Regulation.all().count()
        with pytest.raises(Exception, match="unable to open"):
            await asyncio.wait_for(Regulation.all().count(), 10)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database\n" * 500)
    connection.filename = str(junk)  # opens, but the first PRAGMA fails: not kept
    with pytest.raises(Exception, match="not a database"):
        await asyncio.wait_for(Regulation.all().count(), 10)
    assert connection._connection is None
    connection.filename = filename  # the disk is back
    async with asyncio.timeout(10):
        async with in_transaction():
            assert await Regulation.all().count() >= 0
        assert (await client.get("/readyz")).status_code == 200
