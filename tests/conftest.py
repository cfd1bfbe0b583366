"""Fixtures: a real database per test (SQLite, or PostgreSQL when
PORTAL_TEST_DATABASE_URL is set) migrated with the committed migrations,
the real app behind an ASGI client, and a query counter."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio
from hypothesis import settings as hypothesis_settings
from starlette.applications import Starlette
from tortoise.context import TortoiseContext

from portal.app import create_app
from portal.config import ROOT, Settings
from portal.db import migrate_database, normalise_url, tortoise_config

# Property tests draw the same examples on every run, so a CI result is reproducible and
# a red run can be replayed; HYPOTHESIS_PROFILE=explore draws new ones, to look for more.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
DRAFTS = ROOT / "drafts"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(normalise_url(url))
    return urlunsplit(parts._replace(path="/" + name))


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + normalise_url(url).removeprefix("postgres://")


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every migration applied once per run, into a database that each test's database
    is copied from (applying them per test cost 2-4 s a test). SQLite: the file's path;
    PostgreSQL: the name of a template database, dropped at the end."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        asyncio.run(migrate_database(f"sqlite://{path}"))
        yield str(path)
        return
    name = f"portal_template_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(migrate_database(_with_database(PG_URL, name)))
        yield name
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _copy_sqlite(source: str, target: Path) -> None:
    """A consistent copy through SQLite's backup API (whatever its journal holds)."""
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


@pytest_asyncio.fixture
async def database_url(tmp_path: Path, template_database: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one test: a copy of the template."""
    if not PG_URL:
        target = tmp_path / "test.sqlite3"
        _copy_sqlite(template_database, target)
        yield f"sqlite://{target}"
        return
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    url = _with_database(PG_URL, name)
    try:
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture
async def db(database_url: str) -> AsyncIterator[TortoiseContext]:
    """The ORM, initialised on the test database for the duration of the test."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(database_url))
        yield ctx


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key",
        drafts_dir=DRAFTS,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Starlette]:
    # The test's `db` fixture runs the ORM; ASGITransport does not run lifespans.
    app = create_app(settings, manage_orm=False)
    yield app
    app.state.search.close()  # what the lifespan does on shutdown
    app.state.executors.shutdown()


@pytest_asyncio.fixture
async def client(app: Starlette, db: TortoiseContext) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        yield client


@dataclass
class QueryCounter(logging.Handler):
    """Counts SQL statements sent through Tortoise's db_client logger."""

    queries: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, level=logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}:
            self.queries.append(message)

    def reset(self) -> None:
        self.queries.clear()

    def __hash__(self) -> int:
        return id(self)


@pytest.fixture
def queries() -> Iterator[QueryCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the database, so CI can run them again on PostgreSQL."""
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


LIVE_DATA_DIRS: dict[str, Path] = {}  # live server URL → its PORTAL_DATA_DIR


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real portal (`python -m portal serve`) on a free loopback port, with the sample drafts."""
    data = tmp_path_factory.mktemp("portal-data")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PORTAL_DATA_DIR": str(data)}
    env.pop("PORTAL_DATABASE_URL", None)
    log = (data / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "portal", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    LIVE_DATA_DIRS[url] = data
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2):  # noqa: S310 - our own local server
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data / "serve.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
