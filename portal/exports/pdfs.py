"""PDFs of published versions, kept on disk: each made once, in the background.

Setting a long draft takes WeasyPrint 30–80 s, so no reader waits for it:

- **Once per key.** A PDF is ``PORTAL_DATA_DIR/exports/<checksum>-<paper>.pdf`` (a
  published version never changes). Within a worker one task per key runs at a time;
  across the workers of one host the renderer holds an exclusive ``flock`` on
  ``<key>.lock`` while it sets the PDF, and a worker that cannot take the lock leaves
  the work to the one that holds it. The file appears whole (written aside, renamed).
- **At most N at once, outside the worker.** Each render is a child process
  (``pdf_child.py``, at a lower priority, stopped after ``RENDER_TIMEOUT``), waited for
  from the ``pdf`` pool (``PORTAL_PDF_THREADS`` threads per worker,
  ``web/executors.py``): WeasyPrint holds the GIL, so in a thread it would slow every
  request of the worker for the whole render.
- **Ahead of readers.** Every worker of ``portal serve`` sweeps the published versions
  for PDFs still missing, newest first, one at a time: at start-up, every 30 s (so a
  version imported with ``portal import``, which runs no web worker, or published by
  another worker is caught), and at once when this worker publishes one
  (``drafting.views.publish`` wakes it).
- **Failures wait.** A failed render is logged and noted in ``<key>.failed`` (count and
  time); the key is not tried again before 1 min, then 2, 4 … up to 1 h, by any worker.

Until the file is there, ``/r/{slug}/{versi}.pdf`` answers 503 with ``Retry-After`` and
the version page says the PDF is being prepared (``exports.views``).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from portal.document import parse
from portal.exports.official import PAPERS
from portal.ops.waiting import wait_for_event
from portal.web.executors import Busy, Executors

log = logging.getLogger("portal.exports")

RETRY_AFTER = 30  # seconds a reader is asked to wait for a PDF being prepared
BACKOFF_FIRST = 60.0  # seconds after a first failure; doubled with each failure
BACKOFF_MAX = 3600.0
SWEEP_EVERY = 30.0
RENDER_TIMEOUT = 900.0  # seconds a render may take before its process is stopped
ORDER = ("f4", "a4")  # F4 first: the paper the version page links


@dataclass
class Counts:
    """What this process has done, for the logs and the tests: real renders, not mocks."""

    attempts: int = 0  # renders started (successful or not)
    renders: int = 0  # PDFs written


counts = Counts()
_counts_lock = threading.Lock()


def _bump(field: str) -> None:
    with _counts_lock:
        setattr(counts, field, getattr(counts, field) + 1)


def key_of(checksum: str, paper: str) -> str:
    return f"{checksum}-{paper}"


def _failure(folder: Path, key: str) -> tuple[int, float]:
    """(failures so far, seconds to wait still) for a key; (0, 0) when it never failed."""
    marker = folder / f"{key}.failed"
    try:
        failures = int(marker.read_text(encoding="ascii").strip() or "1")
        age = time.time() - marker.stat().st_mtime
    except (OSError, ValueError):
        return 0, 0.0
    wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (max(failures, 1) - 1))
    return failures, max(0.0, wait - age)


class RenderFailed(RuntimeError):
    """The child process set no PDF (its error, or a timeout)."""


def render_isolated(source: str, *, ibukota: str, paper: str, timeout: float = RENDER_TIMEOUT) -> bytes:
    """The PDF of ``source``, set by a child process (``pdf_child.py``)."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [sys.executable, "-m", "portal.exports.pdf_child", paper, ibukota],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:  # run() has killed the child
        raise RenderFailed(f"stopped after {timeout:.0f} s") from error
    if done.returncode != 0:
        raise RenderFailed(
            done.stderr.decode("utf-8", "replace").strip()[-2000:] or f"exit {done.returncode}"
        )
    if not done.stdout.startswith(b"%PDF"):
        raise RenderFailed("the renderer wrote no PDF")
    return done.stdout


def render_to_disk(folder: Path, checksum: str, source: str, paper: str) -> str:
    """Set the PDF of one version on one paper, unless it exists, another process is
    setting it, or it failed too recently. Runs in a thread; returns what happened:
    "ready", "elsewhere", "later", "failed" or "made"."""
    from portal.document.places import ibukota_of

    folder.mkdir(parents=True, exist_ok=True)
    key = key_of(checksum, paper)
    target = folder / f"{key}.pdf"
    if target.exists():
        return "ready"
    with (folder / f"{key}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "elsewhere"
        try:
            if target.exists():  # made while this process waited for the lock
                return "ready"
            for stale in folder.glob(f"{key}.*.tmp"):  # left by a process that died rendering
                stale.unlink(missing_ok=True)
            failures, wait = _failure(folder, key)
            if wait > 0:
                return "later"
            _bump("attempts")
            started = time.monotonic()
            try:
                document = parse(source)  # a draft that does not parse fails here, cheaply
                body = render_isolated(source, ibukota=ibukota_of(document.meta.daerah), paper=paper)
            except Exception:  # any failure of the renderer (or Pango missing): logged, retried later
                log.exception("PDF %s failed (%d times so far)", key, failures + 1)
                (folder / f"{key}.failed").write_text(f"{failures + 1}\n", encoding="ascii")
                return "failed"
            staging = folder / f"{key}.{os.getpid()}.{threading.get_ident()}.tmp"
            staging.write_bytes(body)
            os.replace(staging, target)
            (folder / f"{key}.failed").unlink(missing_ok=True)
            _bump("renders")
            log.info("PDF %s set in %.1f s (%d bytes)", key, time.monotonic() - started, len(body))
            return "made"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class PdfStore:
    """The PDFs of one data directory, made in the ``pdf`` pool of one worker."""

    def __init__(self, data_dir: Path, pools: Executors) -> None:
        self.folder = data_dir / "exports"
        self.pools = pools
        self._running: dict[str, asyncio.Task[str]] = {}
        self._wake = asyncio.Event()
        self._seen: dict[Path, float] = {}  # PDFs found, with when: a stat per page view cost 7 %

    READY_FOR = 5.0  # seconds a PDF once found counts as there without looking again

    def path(self, checksum: str, paper: str = "f4") -> Path:
        return self.folder / f"{key_of(checksum, paper)}.pdf"

    def ready(self, checksum: str, paper: str = "f4") -> bool:
        path = self.path(checksum, paper)
        now = time.monotonic()
        if now - self._seen.get(path, -self.READY_FOR) < self.READY_FOR:
            return True
        if path.exists():
            self._seen[path] = now
            return True
        self._seen.pop(path, None)
        return False

    def retry_after(self, checksum: str, paper: str = "f4") -> int:
        """Seconds a reader should wait: the usual time to set a PDF, or the failure's wait."""
        _, wait = _failure(self.folder, key_of(checksum, paper))
        return max(RETRY_AFTER, int(wait) + 1)

    def start(self, checksum: str, source: str, papers: Iterable[str] = ORDER) -> None:
        """Start setting the PDFs not made yet, unless they are being set or failed too
        recently; returns at once."""
        for paper in papers:
            if paper not in PAPERS:
                continue
            key = key_of(checksum, paper)
            if key in self._running or self.ready(checksum, paper) or _failure(self.folder, key)[1] > 0:
                continue
            task = asyncio.create_task(self._make(key, checksum, source, paper))
            self._running[key] = task
            task.add_done_callback(lambda _, key=key: self._running.pop(key, None))  # type: ignore[misc]

    async def make(self, checksum: str, source: str, paper: str) -> str:
        """Set one PDF now (joining a render of the same key already running)."""
        key = key_of(checksum, paper)
        running = self._running.get(key)
        if running is None:
            self.start(checksum, source, (paper,))
            running = self._running.get(key)
        return await asyncio.shield(running) if running is not None else "skipped"

    async def _make(self, key: str, checksum: str, source: str, paper: str) -> str:
        try:
            return await self.pools.run("pdf", render_to_disk, self.folder, checksum, source, paper)
        except Busy:  # the pool is full: the next request or sweep asks again
            return "busy"

    async def idle(self) -> None:
        """Wait for the renders started in this worker (tests; shutdown)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._running.values():
            task.cancel()

    async def sweep(self) -> int:
        """Set, one at a time, the PDFs of published versions still missing, newest
        first; returns how many were made here. A publication meanwhile (``wake``)
        starts the sweep again from the newest, so the new version does not wait behind
        a backlog of older ones."""
        from portal.versions.models import Version

        made = 0
        while True:
            self._wake.clear()
            rows = await Version.all().order_by("-published_at", "-id").values_list("id", "checksum")
            missing = [
                (version_id, checksum, paper)
                for version_id, checksum in rows
                for paper in ORDER
                if not self.ready(checksum, paper) and _failure(self.folder, key_of(checksum, paper))[1] == 0
            ]
            for version_id, checksum, paper in missing:
                if self._wake.is_set():
                    break
                sources = await Version.filter(id=version_id).values_list("source", flat=True)
                if sources:
                    made += await self.make(checksum, str(sources[0]), paper) == "made"
            else:
                return made

    def wake(self) -> None:
        """A version was just published: sweep now rather than at the next round."""
        self._wake.set()

    async def worker(self, every: float = SWEEP_EVERY) -> None:
        """The sweep, while the portal runs, every ``every`` seconds or when woken; a
        failed round waits for the next one."""
        while True:
            try:
                await self.sweep()
            except Exception:  # the worker must outlive any one bad round
                log.exception("PDF sweep failed")
            await wait_for_event(self._wake, every)
