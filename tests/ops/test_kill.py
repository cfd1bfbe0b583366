"""Fault test (#15): a worker killed with SIGKILL in the middle of comment intake loses
nothing that was acknowledged. A real `portal serve --workers 2` on loopback (SQLite),
clients posting comments from many addresses, one worker killed while they post;
every tracking number a client received is stored, once, with its text."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

THREAD = "/r/jamsos-ketenagakerjaan/v2/pasal-6/ayat-1/komentar"
CLIENTS = 6
SECONDS = 8.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def _post_comments(base: str, k: int, stop: threading.Event, acknowledged: dict[str, str]) -> None:
    """One client: GET the form, POST a comment, note the number of every 303 it gets."""
    n = 0
    with httpx.Client(base_url=base, timeout=15, headers={"x-forwarded-for": f"10.0.{k}.1"}) as client:
        while not stop.is_set():
            n += 1
            body = f"Komentar {k}-{n}: iuran pekerja informal perlu dibantu APBD."
            try:
                page = client.get(THREAD)
                token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
                key = re.search(r'name="submission_key" value="([^"]*)"', page.text)
                if not (token and key):
                    continue
                client.headers["x-forwarded-for"] = f"10.{n % 250}.{k}.1"  # under the per-address limit
                sent = client.post(
                    THREAD,
                    data={
                        "csrf_token": token.group(1),
                        "submission_key": key.group(1),
                        "position": "pertanyaan",
                        "category": "lainnya",
                        "body": body,
                        "email": f"orang{k}-{n}@contoh.id",
                    },
                    follow_redirects=False,
                )
            except httpx.HTTPError:
                continue  # the worker died under this request: nothing was acknowledged
            if sent.status_code == 303:
                number = sent.headers["location"].split("?")[0].rsplit("/", 1)[1]
                acknowledged[number] = body


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
def test_a_worker_killed_mid_intake_loses_no_acknowledged_comment(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp_path / "data"
    env = {**os.environ, "PORTAL_DATA_DIR": str(data)}
    env.pop("PORTAL_DATABASE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "portal", "serve", "--workers", "2", "--port", str(port)],
        env=env, stdout=log, stderr=log, cwd=tmp_path,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    acknowledged: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        today = dt.date.today()
        with sqlite3.connect(data / "portal.sqlite3") as connection:
            connection.execute(
                "UPDATE version SET konsultasi_buka = ?, konsultasi_tutup = ? WHERE versi = 'v2'",
                ((today - dt.timedelta(days=7)).isoformat(), (today + dt.timedelta(days=30)).isoformat()),
            )
        deadline = time.monotonic() + 30  # every worker's version cache rechecks within 5 s
        while "Tulis komentar" not in httpx.get(base + THREAD, timeout=10).text:
            assert time.monotonic() < deadline
            time.sleep(0.5)
        stop = threading.Event()
        clients = [
            threading.Thread(target=_post_comments, args=(base, k, stop, acknowledged))
            for k in range(CLIENTS)
        ]
        for thread in clients:
            thread.start()
        time.sleep(SECONDS / 2)
        workers = _children(process.pid)
        assert workers, "no worker processes found"
        before = len(acknowledged)
        os.kill(workers[0], signal.SIGKILL)  # in the middle of intake
        time.sleep(SECONDS / 2)
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
        assert before > 0, "no comment was acknowledged before the kill"
        assert len(acknowledged) > before, "no comment was acknowledged after the kill"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
    with sqlite3.connect(data / "portal.sqlite3") as connection:
        stored = dict(connection.execute("SELECT number, body FROM comment").fetchall())
        numbers = [row[0] for row in connection.execute("SELECT number FROM comment")]
    missing = {n for n in acknowledged if n not in stored}
    assert not missing, f"acknowledged but not stored: {sorted(missing)[:5]}"
    assert all(stored[n] == body for n, body in acknowledged.items())
    assert len(numbers) == len(set(numbers))
    print(f"\n{len(acknowledged)} acknowledged ({before} before the kill), {len(stored)} stored")
