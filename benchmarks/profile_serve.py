"""Where a request's time goes: the portal under uvicorn, in this process, under cProfile.

    .venv/bin/python -m benchmarks.profile_serve                                  # the version page
    .venv/bin/python -m benchmarks.profile_serve --path /r/jamsos-ketenagakerjaan/v2.json

Imports drafts/ into a temporary data directory, serves the portal with uvicorn in the
main thread (one worker, 127.0.0.1, a free port) with cProfile on, drives it from a
second thread with wrk (or httpx) for a few seconds, then prints the functions that
took the most time. cProfile slows every Python call, so read shares, not milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from benchmarks.bench_serve import HOST, VERSION_PATH, free_port, portal_env, run_httpx, seed, wrk_path
from portal.app import create_app
from portal.config import load_settings


def drive(server: uvicorn.Server, url: str, seconds: float, connections: int, out: list[str]) -> None:
    """Wait for the server, warm it up, load it, then ask it to exit."""
    try:
        while not server.started:
            time.sleep(0.05)
        httpx.get(url, timeout=30.0).raise_for_status()
        if shutil.which("wrk"):
            argv = [wrk_path(), "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", url]
            done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
            out.append(done.stdout)
        else:
            result = run_httpx(url, {}, 200, connections, seconds, 1_000_000)
            out.append(f"httpx: {result.requests} requests, {result.rps:,.0f} req/s under cProfile\n")
    finally:
        server.should_exit = True


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    options.add_argument("--path", default=VERSION_PATH, help=f"URL path to load ({VERSION_PATH})")
    options.add_argument("--seconds", type=float, default=5.0)
    options.add_argument("--connections", type=int, default=10)
    options.add_argument("--limit", type=int, default=30, help="functions to list (30)")
    options.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    options.add_argument(
        "--callers", metavar="REGEX", help="also list who calls the functions matching REGEX"
    )
    args = options.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="portal-profile-") as tmp:
        env = portal_env(Path(tmp) / "data")
        seed(env, Path(tmp))
        settings = load_settings(
            env_file=None,
            PORTAL_DATA_DIR=env["PORTAL_DATA_DIR"],
            PORTAL_DRAFTS_DIR=env["PORTAL_DRAFTS_DIR"],
        )
        port = free_port()
        config = uvicorn.Config(
            create_app(settings), host=HOST, port=port, log_level="warning", access_log=False, workers=1
        )
        server = uvicorn.Server(config)
        report: list[str] = []
        driver = threading.Thread(
            target=drive,
            args=(server, f"http://{HOST}:{port}{args.path}", args.seconds, args.connections, report),
            daemon=True,
        )
        driver.start()
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            asyncio.run(server.serve())
        finally:
            profiler.disable()
            server.should_exit = True
            driver.join(timeout=args.seconds + 60)
    print(f"== {args.path}: load under cProfile (access log off)")
    print("".join(report))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.limit)
    if args.callers:
        stats.print_callers(args.callers)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
