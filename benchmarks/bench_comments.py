"""The consultation at scale: 100,000 comments on the sample version.

    .venv/bin/python -m benchmarks.bench_comments                       # SQLite, 100,000 comments
    .venv/bin/python -m benchmarks.bench_comments --database-url postgres://postgres@127.0.0.1:5432/bench
    .venv/bin/python -m benchmarks.bench_comments --comments 20000 --submits 500

Imports drafts/ v1 and v2 into a fresh database, generates comments on v2 with a
realistic skew (provisions drawn from a Zipf law: a few draw most; 3 % replies; 40 %
answered), then calls the app in process (ASGI, no server) and prints p50/p95 of:
the version page with its comment counts (counted again on every request, the worst
case, and kept for 2 s as in production), a hot provision's thread (first and a deep
page), the whole-version thread; then comment submissions through the real form
(CSRF, limits, campaign check, receipt mail) from concurrent clients, checking that
every acknowledged comment is stored; the CSV export of every comment (time and peak
Python memory, which must stay flat); and the DIM of the version. Aims (issue 6, one
worker): pages p95 < 50 ms, ≥ 500 submissions/s on PostgreSQL, CSV < 5 s flat, DIM < 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import re
import secrets
import statistics
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from urllib.parse import urlencode

from starlette.types import ASGIApp
from tortoise import connections
from tortoise.context import TortoiseContext

from benchmarks.common import ROOT, asgi_request, calibration_ms, machine_line, table, warn_if_busy
from portal.app import create_app
from portal.config import Settings
from portal.consultation import reports
from portal.consultation.models import Comment, Response
from portal.db import migrate_database, tortoise_config
from portal.versions import services
from portal.versions.models import Provision, Version
from portal.web.forms import _sign

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
SLUG = "jamsos-ketenagakerjaan"
CATEGORIES = ("serikat-pekerja", "pengusaha", "pekerja-informal", "masyarakat-sipil", "akademisi", "bpjs")
REGIONS = ("Kota Serang", "Kota Cilegon", "Kabupaten Lebak", "Kabupaten Tangerang", "Kota Tangerang Selatan")
# Comment texts draw on the words of the sample draft itself (a realistic vocabulary:
# unrelated comments rarely share four words in a row).
WORDS = tuple(re.findall(r"\w+", (DRAFTS / "v2.md").read_text(encoding="utf-8").lower()))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def seed(count: int, rng: random.Random) -> tuple[Version, list[str], str]:
    await services.import_text((DRAFTS / "v1.md").read_text(encoding="utf-8"))
    await services.import_text((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    version = await Version.get(versi="v2")
    today = dt.date.today()
    await Version.filter(id=version.id).update(
        konsultasi_buka=today - dt.timedelta(days=30), konsultasi_tutup=today + dt.timedelta(days=30)
    )
    provisions = await Provision.filter(
        version_id=version.id, kind__in=["pasal", "ayat", "huruf", "angka"]
    ).values_list("path", "lineage", "text")
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(provisions))]  # Zipf-like: a few draw most
    order = list(provisions)
    rng.shuffle(order)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    batch: list[Comment] = []
    made = 0
    hot = order[0][0]
    for k in range(count):
        path, lineage, text = rng.choices(order, weights)[0]
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
        batch.append(
            Comment(
                number=f"JSK-2026-{k + 1:06d}", version_id=version.id, path=path, lineage=lineage, wording=text,
                body=body, position=rng.choice(("mendukung", "menolak", "usul-perubahan", "pertanyaan")),
                replacement=body[:120] if rng.random() < 0.2 else "", category=rng.choice(CATEGORIES),
                region=rng.choice(REGIONS), email=f"w{k}@contoh.id", status="terbit",
                submission_key=uuid.uuid4().hex, created_at=start + dt.timedelta(seconds=k * 20),
                answered_at=start + dt.timedelta(seconds=k * 20, days=rng.randint(1, 20)) if rng.random() < 0.4 else None,
            )
        )  # fmt: skip
        if len(batch) == 5000:
            await Comment.bulk_create(batch, batch_size=1000)
            made += len(batch)
            batch = []
    if batch:
        await Comment.bulk_create(batch, batch_size=1000)
    answered = await Comment.filter(answered_at__not_isnull=True).values_list("id", flat=True)
    responses = [
        Response(comment_id=i, disposition="diterima", reason="Diakomodasi dalam rumusan baru.")
        for i in answered
    ]
    for start_at in range(0, len(responses), 5000):
        await Response.bulk_create(responses[start_at : start_at + 5000], batch_size=1000)
    # Statistics for the planner and PostgreSQL's visibility map, as a live database has
    # them once autovacuum has seen 100,000 new rows (it runs after 20 % new inserts):
    # without the map, counts read every row instead of the index alone. SQLite: its
    # optimizer statistics after a bulk load.
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    await connection.execute_script("VACUUM ANALYZE" if postgres else "ANALYZE")
    return version, [p for p, _, _ in order[:5]], hot


async def timed_gets(app: ASGIApp, path: str, count: int) -> tuple[int, list[float]]:
    status = 0
    await asgi_request(app, "GET", path)
    times = []
    for _ in range(count):
        begin = time.perf_counter()
        status, _, _ = await asgi_request(app, "GET", path)
        times.append(time.perf_counter() - begin)
    return status, times


async def submissions(
    app: ASGIApp, secret: str, path: str, total: int, clients: int
) -> tuple[float, int, int]:
    cookie = secrets.token_urlsafe(32)
    token = _sign(secret, cookie)
    acknowledged: list[str] = []
    counter = iter(range(total))
    rng = random.Random(11)

    async def client(number: int) -> None:
        for k in counter:
            form = urlencode(
                {
                    "csrf_token": token,
                    "submission_key": uuid.uuid4().hex,
                    "position": "usul-perubahan",
                    "body": " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))),
                    "category": "pekerja-informal",
                    "region": "Kota Serang",
                    "email": f"kirim{k}@contoh.id",
                }
            ).encode()
            status, _, headers = await asgi_request(
                app, "POST", path, form,
                {"cookie": f"csrf={cookie}", "content-type": "application/x-www-form-urlencoded"},
                ip=f"10.{number}.{k // 250 % 250}.{k % 250}",
            )  # fmt: skip
            if status == 303:
                acknowledged.append(headers["location"].split("?")[0].rsplit("/", 1)[-1])

    begin = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - begin
    stored = await Comment.filter(number__in=acknowledged).count()
    return len(acknowledged) / elapsed, len(acknowledged), stored


async def consume(app: ASGIApp, path: str) -> tuple[float, int, int]:
    """Seconds and bytes of one GET read to the end, then (in a second run, since tracing
    every allocation slows Python down several times) the peak of Python memory."""
    begin = time.perf_counter()
    _, size, _ = await asgi_request(app, "GET", path)
    elapsed = time.perf_counter() - begin
    tracemalloc.start()
    await asgi_request(app, "GET", path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, size, peak


async def run(args: argparse.Namespace) -> None:
    print(machine_line())
    warn_if_busy()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="portal-comments-") as tmp:
        url = args.database_url or f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        if url.startswith("postgres"):
            import asyncpg  # a fresh database for the run

            admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
            name = url.rsplit("/", 1)[1]
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await admin.execute(f'CREATE DATABASE "{name}"')
            await admin.close()
        await migrate_database(url)
        settings = Settings(data_dir=Path(tmp), database_url=url, secret_key="b" * 64, drafts_dir=DRAFTS)
        async with TortoiseContext() as context:
            await context.init(config=tortoise_config(url))
            begin = time.perf_counter()
            version, top, hot = await seed(args.comments, rng)
            print(
                f"Database: {url.split('://')[0]}; {args.comments:,} comments generated in {time.perf_counter() - begin:.1f} s"
            )
            hot_count = await Comment.filter(version_id=version.id, path=hot).count()
            print(f"Hot provision {hot}: {hot_count:,} comments; top five: {', '.join(top)}")
            app = create_app(settings, manage_orm=False)
            base = f"/r/{SLUG}/v2"
            rows: list[list[str]] = []

            def row(name: str, status: int, times: list[float]) -> None:
                rows.append(
                    [
                        name,
                        str(status),
                        f"{statistics.median(times) * 1000:.1f}",
                        f"{percentile(times, 0.95) * 1000:.1f}",
                    ]
                )

            app.state.comment_counts.revalidate = 0.0
            row("version page, counts recounted per request", *await timed_gets(app, base, args.runs))
            app.state.comment_counts.revalidate = 2.0
            row("version page, counts kept 2 s (production)", *await timed_gets(app, base, args.runs))
            row("hot provision thread, page 1", *await timed_gets(app, f"{base}/{hot}/komentar", args.runs))
            row(
                "hot provision thread, page 50",
                *await timed_gets(app, f"{base}/{hot}/komentar?halaman=50", args.runs),
            )
            row(
                "hot provision thread, filtered",
                *await timed_gets(app, f"{base}/{hot}/komentar?kategori=pengusaha&status=dijawab", args.runs),
            )
            row("hot provision thread JSON", *await timed_gets(app, f"{base}/{hot}/komentar.json", args.runs))
            row("whole-version thread", *await timed_gets(app, f"{base}/komentar", args.runs))
            print(table(["page (in process, one at a time)", "status", "p50 ms", "p95 ms"], rows))

            rate, acknowledged, stored = await submissions(
                app, settings.secret_key, f"{base}/{top[1]}/komentar", args.submits, args.clients
            )
            print(
                f"\nSubmissions through the form: {acknowledged:,} acknowledged by {args.clients} concurrent clients, "
                f"{stored:,} of them stored → {rate:,.0f} comments/s"
            )
            elapsed, size, peak = await consume(app, f"{base}/komentar/ekspor.csv")
            total = await Comment.filter(version_id=version.id).count()
            print(
                f"CSV export of {total:,} comments: {elapsed:.2f} s, {size / 1e6:.1f} MB, peak Python memory {peak / 1e6:.1f} MB (batch {reports.BATCH})"
            )
            small_elapsed, _, small_peak = await consume(app, f"/r/{SLUG}/v1/komentar/ekspor.csv")
            print(
                f"  the same export of an empty version: peak {small_peak / 1e6:.1f} MB ({small_elapsed * 1000:.0f} ms)"
            )
            for name in ("dim.xlsx", "dim.docx"):
                begin = time.perf_counter()
                status, size, _ = await asgi_request(app, "GET", f"{base}/{name}")
                print(f"{name}: {time.perf_counter() - begin:.2f} s, {size / 1e3:.0f} kB, status {status}")
            begin = time.perf_counter()
            status, _, _ = await asgi_request(app, "GET", f"{base}/akuntabilitas.json")
            print(
                f"accountability figures (computed): {(time.perf_counter() - begin) * 1000:.0f} ms, status {status}"
            )
    print(f"calibration loop: {calibration_ms():.0f} ms (lower is faster)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--submits", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--database-url", default="")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
