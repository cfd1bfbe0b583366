"""The indexer survives a kill -9 in the middle of a batch, with nothing lost; a new
comment becomes searchable through the running indexer (how soon: benchmarks)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from portal.config import Settings
from portal.search import indexer
from portal.search.models import SearchOutbox
from portal.search.services import SearchRequest, search
from tests.consultation.test_comments import THREAD, comment, setup_v2

pytestmark = pytest.mark.db


def portal_index(settings: Settings, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(settings.data_dir),
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_SECRET_KEY": settings.secret_key,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "portal", "index", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


async def test_a_kill_9_mid_batch_loses_nothing(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await setup_v2()  # two versions waiting in the outbox
    await comment(client, THREAD, body="Nelayan kecil di Kabupaten Lebak belum terdaftar sebagai peserta.")
    assert await SearchOutbox.all().count() == 3
    index = app.state.search
    folder = index.ensure()
    # One outbox row per batch, and a long pause between writing the batch and committing it.
    worker = portal_index(settings, "--batch", "1", "--slow", "60")
    try:
        assert await asyncio.to_thread(wait_for, folder / "MAIN_WRITELOCK", 60), (
            "the indexer never began a batch"
        )
        await asyncio.sleep(0.5)  # inside the batch: documents added, not committed
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=10)  # reaps it and closes its pipes
    assert worker.returncode == -signal.SIGKILL
    assert await SearchOutbox.all().count() == 3  # the batch was not committed, so it is still waiting
    with index.searcher() as searcher:
        assert searcher.doc_count() == 0
    # A restart applies everything (the lock died with the killed process).
    again = portal_index(settings, "--once")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err.decode()
    assert await SearchOutbox.all().count() == 0
    everything = SearchRequest(q="nelayan", all_versions=True)
    found = await asyncio.to_thread(search, index, everything, [])
    versions = {hit.versi for hit in found.hits} | {f.value for f in found.facets["versi"]}
    assert versions == {"v1", "v2"}
    assert any(hit.tipe == "komentar" for hit in found.hits) or found.facets["jenis"][0].value


async def test_a_new_comment_becomes_searchable_through_the_running_indexer(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """The indexer loop of a worker picks a new comment up by itself. How soon is a
    figure for benchmarks (bench_search), not a promise a loaded machine can break."""
    await setup_v2()
    index = app.state.search
    running = asyncio.create_task(indexer.worker(index))  # as inside portal serve
    try:
        await indexer.catch_up(index)
        posted = time.monotonic()
        response = await comment(
            client, THREAD, body="Pengemudi ojek daring di Cilegon membutuhkan perlindungan."
        )
        assert response.status_code == 303
        number = response.headers["location"].split("?")[0].rsplit("/", 1)[-1]
        while True:
            hits = (await client.get("/cari.json", params={"q": "pengemudi cilegon"})).json()["results"]
            if any(h.get("number") == number for h in hits):
                break
            assert time.monotonic() - posted < 60, "the running indexer never applied the comment"
            await asyncio.sleep(0.05)
    finally:
        running.cancel()


async def test_portal_reindex_rebuilds_and_swaps_the_index(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await setup_v2()
    index = app.state.search
    before = index.ensure()
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(settings.data_dir),
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_SECRET_KEY": settings.secret_key,
    }
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "portal", "reindex"], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"Indeks pencarian dibangun ulang:" in done.stdout
    after = index.current_dir()
    assert after is not None
    assert after != before
    assert not before.exists()  # the old index is removed
    found = await asyncio.to_thread(search, index, SearchRequest(q="nelayan"), ["jamsos-ketenagakerjaan/v2"])
    assert found.total > 0
