"""Is this error the database being unavailable (down, unreachable, locked, full), rather
than a bug? Then the portal says so honestly (``web/errors.py``) and keeps what was typed."""

from __future__ import annotations

import importlib
import sqlite3
from typing import Any

from tortoise.exceptions import DBConnectionError, OperationalError

# SQLite: the file cannot be opened or written, or another process holds it too long.
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "unable to open database",
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
    "file is not a database",  # the file was replaced or damaged: unusable until restored
    "database disk image is malformed",
)
# PostgreSQL: connection exceptions (class 08), shutdowns and "cannot connect now" (57P0x),
# too many connections (53300).
# asyncpg has no type information; imported as a plain module so that mypy needs no setting.
asyncpg: Any = importlib.import_module("asyncpg")

_PG_STATES = ("08", "57P01", "57P02", "57P03", "53300")
_PG_MESSAGES = (
    "not currently accepting connections",
    "connection is closed",
    "pool is closing",
    "connection was closed in the middle of operation",
    "another operation is in progress",  # a pooled connection the server killed mid-use
)
# The drivers whose OSErrors (refused, reset, timed out) mean the database is out of reach.
_DRIVER_PATHS = ("/asyncpg/", "/aiosqlite/", "/tortoise/")

# What exception handlers should be registered for (route level), to be told apart below.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    DBConnectionError,
    OperationalError,
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    OSError,
)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the database cannot be reached or used."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unavailable(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _unavailable(error: BaseException) -> bool:
    message = str(error).lower()
    if isinstance(error, DBConnectionError):
        return True
    if isinstance(error, (OperationalError, sqlite3.DatabaseError)):
        return any(text in message for text in _SQLITE_UNAVAILABLE + _PG_MESSAGES)
    if isinstance(error, asyncpg.PostgresError):
        state = str(getattr(error, "sqlstate", "") or "")
        return state.startswith(_PG_STATES) or any(text in message for text in _PG_MESSAGES)
    if isinstance(error, (asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError)):
        return any(text in message for text in _PG_MESSAGES)
    if isinstance(error, OSError):
        return _raised_in_driver(error)
    return False


def _raised_in_driver(error: BaseException) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename.replace("\\", "/")
        if any(part in filename for part in _DRIVER_PATHS):
            return True
        traceback = traceback.tb_next
    return False
