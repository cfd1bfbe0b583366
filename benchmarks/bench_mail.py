"""Mail throughput: the outbox delivered to a real local SMTP server.

    .venv/bin/python -m benchmarks.bench_mail                       # SQLite, 2,000 messages, 3 runs
    .venv/bin/python -m benchmarks.bench_mail --database-url postgres://postgres@127.0.0.1:5432/bench
    .venv/bin/python -m benchmarks.bench_mail --messages 500 --runs 5 --senders 2

Starts aiosmtpd (``aiosmtpd.handlers.Sink``) in its own process on 127.0.0.1, queues
``--messages`` messages (one in ten account mail) in a fresh database, then times the
delivery of the whole queue the way the portal does it: rounds of ``outbox.ROUND``
claimed messages, one SMTP connection per round, each message checked, sent and marked
sent (``--senders`` senders side by side; on SQLite the lock lets one send at a time).
Checks that every message was sent exactly once and prints messages/s per run and
their median. Aim (issue 15): at least 50 messages/s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from tortoise.context import TortoiseContext

from benchmarks.common import ROOT, machine_line, warn_if_busy
from portal.config import Settings
from portal.db import migrate_database, normalise_url, tortoise_config
from portal.mail import outbox
from portal.mail.models import MailMessage


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_server(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.recv(100)  # the greeting
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("aiosmtpd did not start") from None
            time.sleep(0.1)


async def _queue(count: int) -> None:
    now = dt.datetime.now(dt.UTC)
    await MailMessage.bulk_create(
        [
            MailMessage(
                to=f"warga{i}@contoh.id",
                subject=f"Tanda terima JSK-2026-{i:06d}",
                body=f"Yth. Warga {i},\n\nMasukan Anda telah kami terima dengan nomor JSK-2026-{i:06d}.\n"
                * 3,
                next_attempt_at=now,
                priority=outbox.PRIORITY["account" if i % 10 == 0 else "notice"],
            )
            for i in range(count)
        ],
        batch_size=1000,
    )


async def _sender(settings: Settings) -> int:
    sent = 0
    while True:
        done = await outbox.deliver_round(settings)
        sent += done.sent
        if done.claimed == 0:
            if not await MailMessage.filter(status="pending").exists():
                return sent
            await asyncio.sleep(0.005)  # SQLite: another sender holds the lock


async def _run(settings: Settings, messages: int, senders: int) -> float:
    await MailMessage.all().delete()
    await _queue(messages)
    started = time.perf_counter()
    counts = await asyncio.gather(*(_sender(settings) for _ in range(senders)))
    elapsed = time.perf_counter() - started
    sent = await MailMessage.filter(status="sent", attempts=1).count()
    if sum(counts) != messages or sent != messages:
        raise RuntimeError(f"sent {sum(counts)} (rows marked sent once: {sent}) of {messages}")
    return messages / elapsed


async def _database(url: str | None, folder: Path) -> tuple[str, str | None]:
    """The database to use, and the PostgreSQL database to drop afterwards."""
    if not url:
        return f"sqlite://{folder / 'bench.sqlite3'}", None
    name = f"bench_mail_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_admin_dsn(url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, _ = normalise_url(url).rpartition("/")
    return f"{base}/{name}", name


def _admin_dsn(url: str) -> str:
    """The server's ``postgres`` database: the one named in the URL need not exist."""
    base, _, _ = normalise_url(url).rpartition("/")
    return "postgresql://" + base.removeprefix("postgres://") + "/postgres"


async def _drop(url: str, name: str) -> None:
    admin = await asyncpg.connect(_admin_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, created = await _database(args.database_url, folder)
        port = _free_port()
        server = _start_server(port)
        try:
            await migrate_database(url)
            settings = Settings(
                data_dir=folder / "data",
                database_url=url,
                secret_key="bench",  # noqa: S106 - a throwaway database
                drafts_dir=ROOT / "drafts",
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_starttls=False,
            )
            async with TortoiseContext() as ctx:
                await ctx.init(config=tortoise_config(url))
                await _run(settings, min(args.messages, 200), args.senders)  # warm-up
                rates = [await _run(settings, args.messages, args.senders) for _ in range(args.runs)]
        finally:
            server.terminate()
            server.wait(timeout=10)
            if created and args.database_url:
                await _drop(args.database_url, created)
    dialect = "PostgreSQL" if args.database_url else "SQLite"
    print(machine_line())
    print(
        f"mail to aiosmtpd on 127.0.0.1, {dialect}, {args.messages} messages, {args.senders} sender(s), "
        f"rounds of {outbox.ROUND}"
    )
    print("runs: " + ", ".join(f"{rate:.0f}" for rate in rates) + " messages/s")
    print(f"median: {statistics.median(rates):.0f} messages/s (aim: at least 50)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--senders", type=int, default=1)
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL (a database is made and dropped)"
    )
    args = parser.parse_args()
    warn_if_busy()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
