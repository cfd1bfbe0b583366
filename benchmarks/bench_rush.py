"""The deadline rush: readers and comment writers at once, on PostgreSQL, with 1, 2 and 4 workers.

    .venv/bin/python -m benchmarks.bench_rush                       # 1, 2, 4 workers, 20 s each
    .venv/bin/python -m benchmarks.bench_rush --workers 2 --seconds 60
    .venv/bin/python -m benchmarks.bench_rush --soak 600 --workers 2  # memory per minute

Needs wrk (``apt-get install -y wrk``): a Python client on the same two cores measured
itself, not the portal (httpx gave 23 comments/s where wrk gets 190).

For each worker count: a fresh database on the PostgreSQL at PORTAL_BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test: a database of its own is created and
dropped), `portal serve --workers N` on loopback with the sample drafts, v2 opened for
comments. The PDFs of the sample versions are set once and kept in a cache folder, so
that the 30-80 s of WeasyPrint after a publication do not fall into the measurement.
Then, at once for a bounded time: one wrk posts comments (``rush_post.lua``: each from
an address and an e-mail of its own, through X-Forwarded-For, which `portal serve`
trusts from loopback; the CSRF cookie and token read once), another reads the version
page. Printed: requests/s, p50/p95/p99 and errors per kind, the comments acknowledged
(every one must be stored), stored, and searchable once the indexer caught up (stored =
searchable; a few more may be stored than acknowledged: those wrk had sent when its
time ran out, whose answer it did not wait for). With --soak: the resident memory of
the server's processes once a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from benchmarks.bench_serve import WRK_SCRIPT, wrk_path
from benchmarks.common import ROOT, machine_line, restore_pdfs, table, wait_for_pdfs

HOST = "127.0.0.1"
THREAD = "/r/jamsos-ketenagakerjaan/v2/pasal-6/ayat-1/komentar"
PAGE = "/r/jamsos-ketenagakerjaan/v2"
POST_SCRIPT = Path(__file__).with_name("rush_post.lua")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _dsn(url: str) -> str:
    return "postgresql://" + url.removeprefix("postgres://").removeprefix("postgresql://")


def _rss_mb(pid: int) -> dict[int, float]:
    """Resident memory (MB) of ``pid`` and each of its descendants."""
    found: dict[int, float] = {}
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[p] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return found


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += [int(child), *_children(int(child))]
    return found


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _kind(pid: int, server: int) -> str | None:
    """What a process is, for the CPU table: the portal's, PostgreSQL's, wrk's."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        owner = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    text = b" ".join(argv).decode(errors="replace")
    if pid == server:
        return "portal serve (supervisor)"
    if "portal jobs" in text:
        return "portal jobs (indexer, mail)"
    if "pdf_child" in text:
        return "PDF renderer"
    if "multiprocessing" in text or "spawn_main" in text:
        return "portal web worker"
    if text.startswith("postgres") or "\nName:\tpostgres" in owner:
        return "PostgreSQL"
    if Path(argv[0].decode(errors="replace")).name == "wrk":
        return "wrk (load)"
    return None


def _cpu_by_kind(server: int) -> dict[int, tuple[str, float]]:
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (kind := _kind(int(entry.name), server)) is not None:
            found[int(entry.name)] = (kind, _cpu_seconds(int(entry.name)))
    return found


def _cpu_lines(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], seconds: float, comments: int
) -> list[str]:
    used: dict[str, float] = {}
    for pid, (kind, cpu) in after.items():
        used[kind] = used.get(kind, 0.0) + cpu - (before[pid][1] if pid in before else 0.0)
    total = sum(used.values())
    rows = [
        [kind, f"{cpu:.1f}", f"{cpu / seconds:.2f}", f"{1000 * cpu / max(comments, 1):.2f}"]
        for kind, cpu in sorted(used.items(), key=lambda item: -item[1])
    ]
    rows.append(["all", f"{total:.1f}", f"{total / seconds:.2f}", f"{1000 * total / max(comments, 1):.2f}"])
    return ["", table(["process", "CPU s", "cores", "CPU ms per comment"], rows)]


def _acknowledged(data: Path) -> set[str]:
    return {n for f in data.glob("acked.*") for n in f.read_text().split()}


async def _wrk(argv: list[str], env: dict[str, str] | None = None) -> dict[str, int]:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    out, err = await process.communicate()
    line = next((x for x in out.decode().splitlines() if x.startswith("WRKJSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {out.decode()}{err.decode()}")
    data: dict[str, int] = json.loads(line.removeprefix("WRKJSON "))
    return data


async def _nothing() -> dict[str, int]:
    return {}


def _row(name: str, data: dict[str, int]) -> list[str]:
    seconds = data["duration_us"] / 1e6
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return [
        name, f"{data['requests'] / seconds:.0f}", f"{data['p50_us'] / 1000:.1f}",
        f"{data['p95_us'] / 1000:.1f}", f"{data['p99_us'] / 1000:.1f}", str(errors),
    ]  # fmt: skip


async def run(
    workers: int, seconds: float, writers: int, readers: int, soak: float, base_url: str
) -> list[str]:
    name = f"portal_rush_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = base_url.rsplit("/", 1)[0] + "/" + name
    data = Path(tempfile.mkdtemp(prefix="portal-rush-"))
    restore_pdfs(data)
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
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
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
            versions = int(await db.fetchval("SELECT count(*) FROM version"))
            await asyncio.to_thread(wait_for_pdfs, data, versions)
            while "Tulis komentar" not in (page := await client.get(THREAD)).text:  # noqa: ASYNC110
                await asyncio.sleep(0.5)
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            if token is None or not cookie:
                raise RuntimeError("the thread page gave no CSRF token or cookie")
            out = data / "acked"
            length = round(soak or seconds)
            reader_script = data / "read.lua"
            reader_script.write_text(WRK_SCRIPT, encoding="utf-8")
            wrk = [wrk_path(), "-d", f"{length}s", "--timeout", "10s"]
            post = asyncio.create_task(
                _wrk(
                    [*wrk, "-t", "2", "-c", str(writers), "-s", str(POST_SCRIPT), base + THREAD],
                    {**os.environ, "RUSH_COOKIE": cookie, "RUSH_TOKEN": token.group(1), "RUSH_OUT": str(out)},
                )
            )
            read = asyncio.create_task(
                _wrk([*wrk, "-t", "1", "-c", str(readers), "-s", str(reader_script), base + PAGE])
                if readers
                else _nothing()
            )
            memory: list[tuple[int, dict[int, float]]] = []
            cpu_before = await asyncio.to_thread(_cpu_by_kind, process.pid)
            started = time.monotonic()
            minute = 0
            while not (post.done() and read.done()):
                await asyncio.sleep(1)
                if soak and time.monotonic() - started >= 60 * minute and minute <= length // 60:
                    memory.append((minute, _rss_mb(process.pid)))
                    minute += 1
            written, reading = await post, await read
            cpu_after = await asyncio.to_thread(_cpu_by_kind, process.pid)
            ran = time.monotonic() - started
            acked = await asyncio.to_thread(_acknowledged, data)
            # Requests wrk had sent when its time ran out are still being stored: count once
            # the intake is quiet and the indexer has caught up, not at once.
            caught_up = time.monotonic() + 300
            while await db.fetchval("SELECT count(*) FROM search_outbox") and time.monotonic() < caught_up:  # noqa: ASYNC110
                await asyncio.sleep(1)
            stored, before = -1, -2
            while (stored != before or await db.fetchval("SELECT count(*) FROM search_outbox")) and (
                time.monotonic() < caught_up
            ):
                await asyncio.sleep(2)  # the last batch is committed after its rows leave the outbox
                before, stored = stored, await db.fetchval("SELECT count(*) FROM comment")
            missing = await db.fetchval(
                "SELECT count(*) FROM unnest($1::text[]) AS n WHERE n NOT IN (SELECT number FROM comment)",
                sorted(acked),
            )
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
        shutil.rmtree(data, ignore_errors=True)
    lines = [
        f"### {workers} worker(s): {writers} writer connections, {readers} reader connections, {length} s",
        "",
        table(
            ["kind", "per s", "p50 ms", "p95 ms", "p99 ms", "errors"],
            [_row("comment POST", written), *([_row("version page", reading)] if reading else [])],
        ),
        "",
        f"acknowledged {len(acked)} (wrk counted {written['acknowledged']}), not stored {missing}; "
        f"stored {stored} = searchable {found}: " + ("yes" if not missing and stored == found else "NO"),
        *_cpu_lines(cpu_before, cpu_after, ran, len(acked)),
    ]
    if memory:
        totals = [(m, sum(each.values())) for m, each in memory]
        lines += [
            "",
            "memory (MB, all processes) per minute: " + ", ".join(f"{m}:{mb:.0f}" for m, mb in totals),
        ]
        for pid in sorted({pid for _, each in memory for pid in each}):
            lines.append(
                f"  process {pid}: " + ", ".join(f"{m}:{each[pid]:.0f}" for m, each in memory if pid in each)
            )
        if len(totals) > 2:
            lines.append(f"after warm-up: median {statistics.median(mb for _, mb in totals[2:]):.0f} MB")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--writers", type=int, default=32, help="writer connections")
    parser.add_argument("--readers", type=int, default=8, help="reader connections")
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of a soak with memory per minute")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install -y wrk)")
    base_url = os.environ.get("PORTAL_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    print(machine_line())
    for workers in args.workers:
        lines = asyncio.run(
            run(workers, min(args.seconds, 600), args.writers, args.readers, min(args.soak, 900), base_url)
        )
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
