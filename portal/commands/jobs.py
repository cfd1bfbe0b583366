"""`portal jobs`: the background work of one host in a process of its own — the search
indexer (applying the outbox, rebuilding a damaged index) and the mail sender.

Why a process: inside a web worker the indexer's segment writes and the sender held the
interpreter lock for a third and a fifth of the worker's time, and every wait of a
request for the database waited behind them as well. `portal serve` starts this process
beside its workers (and starts it again when it ends), and tells the workers
(``PORTAL_JOBS=separate``) to leave the work to it; served any other way (plain uvicorn,
gunicorn), the workers do it themselves unless ``PORTAL_JOBS=separate`` is set and this
command runs beside them (``docs/deployment.md``).

Safe with several: the indexer writes only while it holds the host's writer lock, and
mail is claimed before it is sent (``portal/mail/outbox.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from portal.config import Settings

log = logging.getLogger("portal.jobs")

MAIL_EVERY = 0.5  # seconds between looks at the mail outbox (no wake-up crosses processes)
INDEX_EVERY = 1.0  # a rush commits the index once a second, in batches of up to INDEX_BATCH
INDEX_BATCH = 2000
WATCH_INTERVAL = 0.5


async def run_jobs(settings: Settings, stop: asyncio.Event) -> None:
    """Index and send until ``stop`` is set; then finish the round in hand."""
    from tortoise.context import TortoiseContext

    from portal.db import tortoise_config
    from portal.mail import outbox as mail_outbox
    from portal.search import indexer
    from portal.search.index import SearchIndex

    search = SearchIndex(settings.data_dir, settings.search_postings_mb * 1024 * 1024)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings.database_url))
        tasks = [
            asyncio.create_task(mail_outbox.worker(settings, every=MAIL_EVERY)),
            asyncio.create_task(indexer.worker(search, every=INDEX_EVERY, batch=INDEX_BATCH)),
        ]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            search.close()


def _watch_parent(parent: int) -> None:
    """End this process when the one that started it has ended (killed with -9, say)."""
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(3)


def cmd_jobs(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings

    if args.nice:
        os.nice(args.nice)
    if args.watch_parent:
        threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_format == "json":
        from portal.ops.logs import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())

    async def main() -> None:
        from portal.db import migrate_database

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await migrate_database(settings.database_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        log.info("background jobs started (pid %d): search indexer, mail sender", os.getpid())
        await run_jobs(settings, stop)
        log.info("background jobs stopped")

    asyncio.run(main())
    return 0


class JobsProcess:
    """``portal jobs`` beside ``portal serve``'s workers: started at once, started again
    (after a pause that grows while it keeps failing) whenever it ends, stopped with the
    server. A thread of the serving process watches it."""

    RESTART_MIN = 1.0
    RESTART_MAX = 30.0

    def __init__(
        self, env: dict[str, str], spawn: Callable[[dict[str, str]], subprocess.Popen[bytes]] | None = None
    ) -> None:
        self.env = env
        self.spawn = spawn or _spawn
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.started = 0
        self.thread = threading.Thread(target=self._run, name="portal-jobs", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        pause = self.RESTART_MIN
        while not self.stopping.is_set():
            began = time.monotonic()
            self.process = self.spawn(self.env)
            self.started += 1
            code = self.process.wait()
            if self.stopping.is_set():
                return
            log.warning("portal jobs ended (exit %s); starting it again in %.0f s", code, pause)
            if time.monotonic() - began > 60:
                pause = self.RESTART_MIN  # it ran a good while: not a crash loop
            if self.stopping.wait(pause):
                return
            pause = min(self.RESTART_MAX, pause * 2)

    def stop(self, grace: float = 10.0) -> None:
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(RuntimeError):
            self.thread.join(grace)


JOBS_NICE = 10  # the web workers come first when the cores are busy; indexing and mail catch up after


def _spawn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "portal", "jobs", "--watch-parent", "--nice", str(JOBS_NICE)]
    return subprocess.Popen(argv, env=env)  # noqa: S603 - our own interpreter and module
