"""`portal serve`: migrate, seed an empty database with the sample drafts, and run
uvicorn with N workers (Prometheus multiprocess mode when there are several)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from portal.commands.messages import say

if TYPE_CHECKING:
    from portal.config import Settings


def seed_if_empty(settings: Settings, lang: str, out: TextIO) -> None:
    """Migrate and, on an empty database, import the sample drafts."""
    from portal.cli import import_files, run_with_orm  # the commands that use the database
    from portal.versions import services

    async def seed() -> None:
        if await services.is_empty() and settings.drafts_dir.is_dir():
            files = services.draft_files([settings.drafts_dir])
            if files:
                out.write(say("seeded", lang, path=settings.drafts_dir) + "\n")
                await import_files(files, lang, out)

    run_with_orm(settings, seed)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    import os

    from portal.config import load_settings

    settings = load_settings()
    seed_if_empty(settings, args.lang, out)
    host = args.host
    shown = f"[{host}]" if ":" in host else host
    out.write(say("serving", args.lang, url=f"http://{shown}:{args.port}/") + "\n")
    out.flush()
    workers = max(1, args.workers)
    if workers > 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _metrics_dir(settings)
    # The indexer and the mail sender in a process of their own (portal/commands/jobs.py);
    # the workers, reading the same environment, leave that work to it.
    from portal.commands.jobs import JobsProcess

    os.environ["PORTAL_JOBS"] = "separate"
    jobs = JobsProcess(dict(os.environ))
    jobs.start()
    try:
        _run(args, settings, workers, host)
    finally:
        jobs.stop()
    return 0


def _run(args: argparse.Namespace, settings: Settings, workers: int, host: str) -> None:
    import uvicorn

    from portal.ops.logs import log_config

    # Every worker builds its own app from the same import string, reading the settings
    # as this process did (environment, then .env); uvicorn needs one for workers > 1.
    uvicorn.run(
        "portal.app:create_app", factory=True, workers=workers, host=host, port=args.port,
        loop=args.loop, http=args.http,  # auto: uvloop and httptools (uvicorn[standard])
        log_level="info", proxy_headers=True, timeout_graceful_shutdown=10,
        log_config=log_config(settings.log_format),  # tokens in /verifikasi/…, /atur-sandi/…, ?k= are masked
        access_log=settings.log_format != "json",  # json: the portal's own access line, with duration
    )  # fmt: skip


def _metrics_dir(settings: Settings) -> None:
    """Prometheus multiprocess mode: every worker writes its counts under one directory,
    emptied at start (prometheus-client's rule); ``<data_dir>/metrics`` unless set."""
    import os

    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.data_dir / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
