"""Fault test (#15): PostgreSQL restarts (fast shutdown) in the middle of comment intake.
A private cluster is started for the test with Debian's `initdb`/`pg_ctl` as the
`postgres` user (initdb refuses root); the machine's shared server is never touched.
Every comment acknowledged before, during and after the restart is stored; comments
sent while the server is down are refused honestly (503 with the form), never lost
after an acknowledgement."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext

from portal.app import create_app
from portal.config import ROOT, Settings
from portal.consultation.models import Comment
from portal.db import migrate_database, tortoise_config
from tests.accounts.helpers import csrf_of
from tests.consultation.test_comments import THREAD, setup_v2

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


def _as_postgres(*command: str) -> None:
    subprocess.run(
        [
            "/usr/sbin/runuser" if Path("/usr/sbin/runuser").exists() else "runuser",
            "-u",
            "postgres",
            "--",
            *command,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def fresh_executors() -> Iterator[None]:
    """Tortoise keeps each model's INSERT statement by connection name only: after SQLite
    tests in this process, the "default" connection would get SQLite's '?' placeholders on
    PostgreSQL. (A portal process has one backend; only this test mixes them.)"""
    EXECUTOR_CACHE.clear()
    yield
    EXECUTOR_CACHE.clear()


@pytest.fixture
def private_cluster(fresh_executors: None) -> Iterator[tuple[str, Path]]:
    if BIN is None or os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs Debian's PostgreSQL binaries and root (to run them as the postgres user)")
    # Not under pytest's tmp_path: its folders are private to root, and the cluster runs as postgres.
    holder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    holder.chmod(0o755)
    folder = holder / "pg"
    folder.mkdir()
    shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _as_postgres(str(BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(BIN / "pg_ctl"), "-D", str(folder / "data"), "-o", options, "-w", "-l", str(folder / "log")]
    _as_postgres(*start, "start")
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres", folder / "data"
    finally:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(holder, ignore_errors=True)


async def test_a_postgresql_restart_during_intake_loses_no_acknowledged_comment(
    private_cluster: tuple[str, Path], tmp_path: Path
) -> None:
    url, data = private_cluster
    await migrate_database(url)
    settings = Settings(
        data_dir=tmp_path / "data", database_url=url, secret_key="k", drafts_dir=ROOT / "drafts"
    )
    acknowledged: dict[str, str] = {}
    refused = 0
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        await setup_v2()
        app = create_app(settings, manage_orm=False)
        # An error the portal does not recognise as an outage would be a 500: counted as not
        # acknowledged (which it is not), never as a loss.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
                token = csrf_of((await client.get(THREAD)).text)

                async def post(n: int) -> None:
                    nonlocal refused
                    body = f"Komentar {n} tentang iuran pekerja informal."
                    form = {
                        "csrf_token": token, "submission_key": f"kunci-{n:03d}", "position": "pertanyaan",
                        "category": "lainnya", "body": body, "email": f"orang{n}@contoh.id",
                    }  # fmt: skip
                    response = await client.post(THREAD, data=form)  # at most 30 from one address: kept under
                    if response.status_code == 303:
                        acknowledged[response.headers["location"].split("?")[0].rsplit("/", 1)[1]] = body
                    else:
                        assert response.status_code == 503, re.findall(
                            r"form-error[^>]*>([^<]*)", response.text
                        )
                        refused += 1

                for n in range(5):
                    await post(n)
                restart = asyncio.create_task(
                    asyncio.to_thread(
                        _as_postgres,
                        str(BIN / "pg_ctl"),
                        "-D",
                        str(data),
                        "-m",
                        "fast",
                        "-w",
                        "restart",
                        "-l",
                        str(data.parent / "log"),  # the options of the first start, kept by pg_ctl
                    )
                )
                n = 5
                while not restart.done():
                    await post(n)
                    n += 1
                    await asyncio.sleep(0.02)
                await restart
                during = n - 5
                for k in range(n, n + 10):
                    await post(k)
        finally:
            app.state.search.close()
            app.state.executors.shutdown()
        stored = dict(await Comment.all().values_list("number", "body"))
    assert len(acknowledged) >= 15, (len(acknowledged), refused)  # before and after the restart
    missing = sorted(set(acknowledged) - set(stored))
    assert not missing, f"acknowledged but not stored: {missing[:5]}"
    assert all(stored[number] == body for number, body in acknowledged.items())
    assert during > 0, "nothing was sent while the server restarted"
    print(f"\n{len(acknowledged)} acknowledged, {refused} refused, {during} sent during the restart")
