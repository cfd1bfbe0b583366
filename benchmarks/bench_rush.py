"""The deadline rush: readers and comment writers at once, on PostgreSQL, with 1, 2 and 4 workers.

    .venv/bin/python -m benchmarks.bench_rush                       # 1, 2, 4 workers, 20 s each
    .venv/bin/python -m benchmarks.bench_rush --workers 2 --seconds 60
    .venv/bin/python -m benchmarks.bench_rush --soak 600 --workers 2  # memory per minute

For each worker count: a fresh database on the PostgreSQL at PORTAL_BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test: a database of its own is created and
dropped), `portal serve --workers N` on loopback with the sample drafts, v2 opened for
comments; then W writer tasks post comments (each from its own address, through
X-Forwarded-For, which `portal serve` trusts from loopback) while R reader tasks read
the version page, for a bounded time. Printed: requests/s, p50/p95/p99 and errors per
kind, comments acknowledged, stored, and searchable once the indexer caught up (it
must be acknowledged = stored = searchable). With --soak: the resident memory of the
server's processes once a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from benchmarks.common import ROOT, machine_line, table

HOST = "127.0.0.1"
THREAD = "/r/jamsos-ketenagakerjaan/v2/pasal-6/ayat-1/komentar"
PAGE = "/r/jamsos-ketenagakerjaan/v2"


@dataclass
class Kind:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def row(self, name: str, seconds: float) -> list[str]:
        lat = sorted(self.latencies)

        def pct(p: float) -> str:
            return f"{lat[min(len(lat) - 1, int(p * len(lat)))] * 1000:.1f}" if lat else "—"

        return [name, f"{len(lat) / seconds:.0f}", pct(0.5), pct(0.95), pct(0.99), str(self.errors)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _dsn(url: str) -> str:
    return "postgresql://" + url.removeprefix("postgres://").removeprefix("postgresql://")


async def _writer(client: httpx.AsyncClient, k: int, stop: float, kind: Kind, acked: set[str]) -> None:
    n = 0
    while time.monotonic() < stop:
        n += 1
        address = f"10.{k % 250}.{n // 250 % 250}.{n % 250}"  # one address per comment: no rate limit
        try:
            page = await client.get(THREAD, headers={"x-forwarded-for": address})
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
            key = re.search(r'name="submission_key" value="([^"]*)"', page.text)
            if not (token and key):
                kind.errors += 1
                continue
            started = time.monotonic()
            sent = await client.post(
                THREAD,
                data={
                    "csrf_token": token.group(1),
                    "submission_key": key.group(1),
                    "position": "pertanyaan",
                    "category": "pekerja-informal",
                    "body": f"Komentar rush {k}-{n} tentang iuran nelayan.",
                    "email": f"rush{k}-{n}@contoh.id",
                },
                headers={"x-forwarded-for": address},
            )
            kind.latencies.append(time.monotonic() - started)
            if sent.status_code == 303:
                acked.add(sent.headers["location"].split("?")[0].rsplit("/", 1)[1])
            else:
                kind.errors += 1
        except httpx.HTTPError:
            kind.errors += 1


async def _reader(client: httpx.AsyncClient, stop: float, kind: Kind) -> None:
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            response = await client.get(PAGE)
            kind.latencies.append(time.monotonic() - started)
            if response.status_code != 200:
                kind.errors += 1
        except httpx.HTTPError:
            kind.errors += 1


def _rss_mb(pid: int) -> float:
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


async def run(
    workers: int, seconds: float, writers: int, readers: int, soak: float, base_url: str
) -> list[str]:
    name = f"portal_rush_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = base_url.rsplit("/", 1)[0] + "/" + name
    data = Path(tempfile.mkdtemp(prefix="portal-rush-"))
    port = _free_port()
    env = {**os.environ, "PORTAL_DATA_DIR": str(data), "PORTAL_DATABASE_URL": url}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (data / "serve.log").open("w")
    process = subprocess.Popen(  # noqa: S603, ASYNC220 - our own argv, started once
        [sys.executable, "-m", "portal", "serve", "--workers", str(workers), "--port", str(port)],
        env=env, stdout=log, stderr=log, cwd=ROOT,
    )  # fmt: skip
    base = f"http://{HOST}:{port}"
    try:
        async with httpx.AsyncClient(
            base_url=base, timeout=30, limits=httpx.Limits(max_connections=200)
        ) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data / "serve.log").read_text())
                await asyncio.sleep(0.5)
            db = await asyncpg.connect(_dsn(url))
            await db.execute(
                "UPDATE version SET konsultasi_buka = CURRENT_DATE - 7, konsultasi_tutup = CURRENT_DATE + 30 "
                "WHERE versi = 'v2'"
            )
            while "Tulis komentar" not in (await client.get(THREAD)).text:  # noqa: ASYNC110 - polling the server
                await asyncio.sleep(0.5)
            write, read, acked = Kind(), Kind(), set[str]()
            memory: list[tuple[int, float]] = []
            length = soak or seconds
            started = time.monotonic()
            stop = started + length
            tasks = [asyncio.create_task(_writer(client, k, stop, write, acked)) for k in range(writers)]
            tasks += [asyncio.create_task(_reader(client, stop, read)) for _ in range(readers)]
            minute = 0
            while time.monotonic() < stop:
                await asyncio.sleep(1)
                if soak and time.monotonic() - started >= 60 * minute:
                    memory.append((minute, _rss_mb(process.pid)))
                    minute += 1
            await asyncio.gather(*tasks)
            elapsed = time.monotonic() - started
            stored = await db.fetchval("SELECT count(*) FROM comment")
            caught_up = time.monotonic() + 120
            while await db.fetchval("SELECT count(*) FROM search_outbox") and time.monotonic() < caught_up:  # noqa: ASYNC110
                await asyncio.sleep(1)
            found = (await client.get("/cari.json", params={"q": "rush", "semua": "1"})).json().get("total")
            await db.close()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        admin = await asyncpg.connect(_dsn(base_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    out = [
        f"### {workers} worker(s): {writers} writers, {readers} readers, {elapsed:.0f} s",
        "",
        table(
            ["kind", "per s", "p50 ms", "p95 ms", "p99 ms", "errors"],
            [write.row("comment POST", elapsed), read.row("version page", elapsed)],
        ),
        "",
        f"acknowledged {len(acked)} = stored {stored} = searchable {found}: "
        + ("yes" if len(acked) == stored == found else "NO"),
    ]
    if memory:
        out += [
            "",
            "memory (MB, all processes) per minute: " + ", ".join(f"{m}:{mb:.0f}" for m, mb in memory),
        ]
        if len(memory) > 2:
            out.append(f"after warm-up: median {statistics.median(mb for _, mb in memory[2:]):.0f} MB")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of a soak with memory per minute")
    args = parser.parse_args()
    base_url = os.environ.get("PORTAL_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    print(machine_line())
    for workers in args.workers:
        lines = asyncio.run(
            run(workers, min(args.seconds, 600), args.writers, args.readers, min(args.soak, 900), base_url)
        )
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
