"""What the portal's own code costs per request: the ASGI app called directly, no server.

    .venv/bin/python -m benchmarks.bench_asgi

Imports drafts/ into a temporary SQLite database, then calls the app in-process with a
hand-built ASGI scope (no uvicorn, no socket, no HTTP parsing, no load generator) one
request at a time, for the targets of bench_serve and the bare Starlette app. The
difference between these figures and bench_serve's server CPU per request is what
uvicorn and h11 spend on the connection. Immutable pages are served from bodies the
portal keeps by ETag, so it also times the render that a request pays when its body
is not kept yet (the first request for a version, language, day or provision).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.types import ASGIApp
from tortoise.context import TortoiseContext

from benchmarks import bare_app
from benchmarks.bench_serve import VERSION_PATH
from benchmarks.common import (
    ROOT,
    Disturbance,
    asgi_request,
    calibration_ms,
    machine_line,
    table,
    warn_if_busy,
)
from portal.app import create_app
from portal.config import Settings
from portal.db import migrate_database, tortoise_config
from portal.document import parse
from portal.versions import services
from portal.web.pages import BodyStore


async def call(app: ASGIApp, path: str, headers: dict[str, str]) -> tuple[int, int, dict[str, str]]:
    """One GET through the ASGI app; its status, body size and response headers."""
    return await asgi_request(app, "GET", path, headers=headers)


async def measure(
    app: ASGIApp, path: str, headers: dict[str, str], count: int
) -> tuple[int, int, list[float]]:
    status, size, _ = await call(app, path, headers)  # warm-up: fills the version cache
    for _ in range(20):
        await call(app, path, headers)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        await call(app, path, headers)
        times.append(time.perf_counter() - start)
    return status, size, times


async def profile(app: ASGIApp, path: str, count: int, limit: int) -> str:
    for _ in range(20):
        await call(app, path, {})
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        await call(app, path, {})
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return f"== cProfile of {count} x GET {path} in process (shares, not ms)\n" + out.getvalue()


async def timed(app: ASGIApp, path: str, before: Callable[[], object], count: int) -> tuple[int, float]:
    """Status and median µs of ``count`` requests, each after ``before()`` (not timed)."""
    status = 0
    times = []
    for _ in range(count):
        before()
        start = time.perf_counter()
        status, _, _ = await call(app, path, {})
        times.append(time.perf_counter() - start)
    return status, statistics.median(times) * 1e6


async def misses(portal: Starlette, count: int) -> list[list[str]]:
    """What a request costs when its body is not kept yet: the render that happens once
    per version, language, day (and provision). The portal's own kept bodies (and, for
    one row, the document fragment) are dropped before each timed request."""
    slug, versi = VERSION_PATH.split("/")[2:4]
    cached = await portal.state.versions.get(slug, versi)

    def drop_bodies() -> None:
        cached.bodies = BodyStore(cached.bodies.size)

    def drop_bodies_and_fragment() -> None:
        drop_bodies()
        cached.fragments.clear()

    def drop_provisions() -> None:
        cached.provision_bodies = BodyStore(cached.provision_bodies.size)

    provision = VERSION_PATH + "/pasal-5/ayat-2"
    cases: list[tuple[str, str, Callable[[], object], int]] = [
        ("version page, body not kept (document fragment kept)", VERSION_PATH, drop_bodies, count),
        (
            "version page, nothing kept (document fragment rendered too)",
            VERSION_PATH,
            drop_bodies_and_fragment,
            20,
        ),
        ("version JSON, body not kept", VERSION_PATH + ".json", drop_bodies, count),
        ("provision page pasal-5/ayat-2, body not kept", provision, drop_provisions, count),
    ]
    rows = []
    for name, path, before, runs in cases:
        await timed(portal, path, before, 3)  # warm-up
        status, median = await timed(portal, path, before, runs)
        rows.append([name, str(status), f"{median:,.0f}", str(runs)])
    return rows


async def run(count: int, profile_path: str | None, limit: int) -> tuple[list[list[str]], list[list[str]]]:
    with tempfile.TemporaryDirectory(prefix="portal-asgi-bench-") as tmp:
        url = f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        await migrate_database(url)
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url))
            for draft in sorted((ROOT / "drafts").rglob("v*.md")):
                await services.import_document(parse(draft.read_text(encoding="utf-8")))
            settings = Settings(
                data_dir=Path(tmp),
                database_url=url,
                secret_key=secrets.token_urlsafe(16),
                drafts_dir=ROOT / "drafts",
            )
            portal = create_app(settings, manage_orm=False)
            start = time.perf_counter()
            status, _, response_headers = await call(portal, VERSION_PATH, {})
            first = time.perf_counter() - start
            assert status == 200
            etag = response_headers["etag"]
            targets: list[tuple[str, ASGIApp, str, dict[str, str]]] = [
                ("bare Starlette endpoint", bare_app.app, "/", {}),
                ("bare Starlette, fixed 240 KB body", bare_app.app, "/large", {}),
                (f"GET {VERSION_PATH} (200)", portal, VERSION_PATH, {}),
                (f"GET {VERSION_PATH} + If-None-Match (304)", portal, VERSION_PATH, {"If-None-Match": etag}),
                (f"GET {VERSION_PATH}.json", portal, VERSION_PATH + ".json", {}),
                (f"GET {VERSION_PATH}/pasal-5/ayat-2", portal, VERSION_PATH + "/pasal-5/ayat-2", {}),
            ]
            rows = []
            for name, app, path, headers in targets:
                status, size, times = await measure(app, path, headers, count)
                median = statistics.median(times)
                p95 = sorted(times)[int(0.95 * len(times))]
                rows.append(
                    [
                        name,
                        str(status),
                        f"{size:,}",
                        f"{median * 1e6:,.0f}",
                        f"{p95 * 1e6:,.0f}",
                        f"{1 / median:,.0f}",
                    ]
                )
            rows.append(
                [
                    f"first GET {VERSION_PATH} (cold: DB read + render of the document)",
                    "200",
                    "",
                    f"{first * 1e6:,.0f}",
                    "",
                    "",
                ]
            )
            cold = await misses(portal, min(count, 200))
            if profile_path:
                print(await profile(portal, profile_path, min(count, 300), limit))
            return rows, cold


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    options.add_argument("--requests", type=int, default=1000, help="timed requests per target (1000)")
    options.add_argument("--profile", metavar="PATH", help="also profile requests to PATH with cProfile")
    options.add_argument("--limit", type=int, default=30, help="functions listed by --profile (30)")
    args = options.parse_args(argv)
    warn_if_busy()
    disturbance = Disturbance()
    print("Raperda Portal: in-process ASGI cost per request (no server, one request at a time)")
    print(machine_line())
    rows, cold = asyncio.run(run(args.requests, args.profile, args.limit))
    print()
    print(table(["target", "status", "body bytes", "median µs", "p95 µs", "1 / median (req/s)"], rows))
    print()
    print("Renders when the body is not kept (once per version, language and day; the rest are kept):")
    print(table(["request", "status", "median µs", "runs"], cold))
    print(f"calibration loop at the end: {calibration_ms():.0f} ms")
    print(disturbance.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
