"""Fault test (#15): a worker killed with SIGKILL in the middle of comment intake loses
nothing that was acknowledged. A real `portal serve --workers 2` on loopback (SQLite),
clients posting comments from many addresses, one worker killed while they post, then
the background process (`portal jobs`: indexer and mail); every tracking number a client
received is stored, once, with its text, and the jobs process, started again by
`portal serve`, indexes every comment and writes every receipt."""

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


def _is_jobs(pid: int) -> bool:
    try:
        return b"portal\0jobs" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _mail_sent(data: Path) -> int:
    with sqlite3.connect(data / "portal.sqlite3") as connection:
        return int(
            connection.execute("SELECT count(*) FROM mail_message WHERE status = 'sent'").fetchone()[0]
        )


def _jobs_process(pid: int) -> int | None:
    return next((child for child in _children(pid) if _is_jobs(child)), None)


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
        workers = [child for child in _children(process.pid) if not _is_jobs(child)]
        assert workers, "no worker processes found"
        jobs = _jobs_process(process.pid)
        assert jobs is not None, "portal serve started no jobs process"
        before = len(acknowledged)
        os.kill(workers[0], signal.SIGKILL)  # in the middle of intake
        time.sleep(SECONDS / 4)
        os.kill(jobs, signal.SIGKILL)  # the indexer and the mail sender, in the middle of their rounds
        time.sleep(SECONDS / 4)
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
        assert before > 0, "no comment was acknowledged before the kill"
        assert len(acknowledged) > before, "no comment was acknowledged after the kill"
        deadline = time.monotonic() + 60  # started again after a pause of a second
        while _jobs_process(process.pid) in (None, jobs):
            assert time.monotonic() < deadline, "the jobs process was not started again"
            time.sleep(0.3)
        sent_before = _mail_sent(data)
        deadline = time.monotonic() + 120  # the new jobs process catches up
        while True:
            with sqlite3.connect(data / "portal.sqlite3") as connection:
                count = connection.execute("SELECT count(*) FROM comment").fetchone()[0]
                waiting = connection.execute(
                    "SELECT count(*) FROM mail_message WHERE status = 'pending' AND claimed_by IS NULL"
                ).fetchone()[0]
            found = httpx.get(
                base + "/cari.json", params={"q": "iuran", "semua": "1", "jenis": "komentar"}, timeout=10
            ).json()
            # Every comment searchable; the mail not claimed by the killed sender all sent (what
            # it had claimed waits for its lease to end, then goes out).
            if found.get("total") == count and not waiting:
                break
            assert time.monotonic() < deadline, (found.get("total"), count, waiting)
            time.sleep(1)
        assert _mail_sent(data) > sent_before or not waiting
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
    with sqlite3.connect(data / "portal.sqlite3") as connection:
        queued = connection.execute("SELECT count(*) FROM mail_message").fetchone()[0]
    assert queued == len(stored)  # a receipt for every comment: sent, or waiting to be
    print(f"\n{len(acknowledged)} acknowledged ({before} before the kill), {len(stored)} stored")
