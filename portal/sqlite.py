"""Tortoise's SQLite backend with its connection lock released when connecting fails.

Tortoise 1.1's SQLite client takes its one connection's lock, then connects if the
connection was closed. When that connect fails (the database file is gone or is not a
database: a lost disk, a restore in progress), the exception leaves ``__aenter__`` with the
lock still held, and every later query of the process waits on it for ever: one failed
reconnection froze the portal. Here the lock is released whenever entering fails, and a
connection whose set-up failed half-way is closed instead of kept, so the next query tries
again and the database coming back is noticed. Used for every ``sqlite://`` URL
(``portal.db.tortoise_config``).
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

from tortoise.backends.base.client import ConnectionWrapper, TransactionalDBClient
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)


class _Connection(ConnectionWrapper[Any]):
    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


class _Transaction(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._trxlock.release()
            raise
        self.token = _set_current(self.connection_name, self.connection)
        try:
            await self.connection.begin()
        except BaseException:
            _reset_current(self.token)
            self._trxlock.release()
            raise
        return cast(TransactionalDBClient, self.connection)


def _set_current(name: str, client: Any) -> Any:
    from tortoise.connection import get_connections

    return get_connections().set(name, client)


def _reset_current(token: Any) -> None:
    from tortoise.connection import get_connections

    get_connections().reset(token)


class Client(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        try:
            await super().create_connection(with_db)
        except BaseException:
            # aiosqlite may have opened the file before a PRAGMA found it is no database:
            # drop that connection, or it would be reused as if it were sound.
            connection, self._connection = self._connection, None
            if connection is not None:
                with contextlib.suppress(Exception):  # already failing: the first error is raised
                    await connection.close()
            raise

    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _Connection(self._lock, self)

    def _in_transaction(self) -> SqliteTransactionContext:
        return _Transaction(SqliteTransactionWrapper(self), self._lock)


client_class = Client
