"""Bounded thread pools for slow work, one per kind, so one kind cannot starve another.

Search, document exports (DOCX, XLSX, Akoma Ntoso), PDF rendering, draft work
(parse, lint, preview, diffs), the check of uploaded files and the first render of a long
page (a version, a comparison: ``web/pages.respond_in``) each run in a pool of their own with a fixed number of
threads and a bounded queue: a request that would wait behind more than ``queue`` jobs
of its kind is refused at once (``Busy``, answered 503 with ``Retry-After``) instead of
piling up. Nothing here runs on the event loop, and the default executor of asyncio
(``asyncio.to_thread``) is left to the libraries that use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

KINDS = ("search", "export", "pdf", "draft", "upload", "render")


class Busy(Exception):
    """Too many jobs of this kind are waiting: try again shortly."""

    def __init__(self, kind: str, retry_after: int = 5) -> None:
        super().__init__(f"the {kind} pool is full")
        self.kind = kind
        self.retry_after = retry_after


@dataclass
class _Pool:
    executor: ThreadPoolExecutor
    threads: int
    slots: int  # threads + queued jobs admitted at once
    admitted: int = 0


class Executors:
    """``await pools.run("search", fn, *args)`` runs ``fn`` in the search pool."""

    def __init__(self, threads: dict[str, int], queue: int = 16) -> None:
        self._pools: dict[str, _Pool] = {}
        for kind in KINDS:
            size = max(1, threads.get(kind, 1))
            self._pools[kind] = _Pool(
                ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"portal-{kind}"), size, size + queue
            )

    def threads(self, kind: str) -> int:
        return self._pools[kind].threads

    def admitted(self, kind: str) -> int:
        """Jobs of ``kind`` running or waiting now."""
        return self._pools[kind].admitted

    async def run(self, kind: str, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        pool = self._pools[kind]
        if pool.admitted >= pool.slots:
            raise Busy(kind)
        pool.admitted += 1  # changed on the event loop only: no lock needed
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        job = pool.executor.submit(functools.partial(context.run, fn, *args, **kwargs))

        def done(_: object) -> None:  # when the thread is free again, not when the caller left
            with contextlib.suppress(RuntimeError):  # a closed loop (shutdown): nothing to count
                loop.call_soon_threadsafe(_release, pool)

        job.add_done_callback(done)
        return await asyncio.wrap_future(job)

    def shutdown(self) -> None:
        for pool in self._pools.values():
            pool.executor.shutdown(wait=False, cancel_futures=True)


def _release(pool: _Pool) -> None:
    pool.admitted -= 1


def executors_of(app_state: Any) -> Executors:
    pools: Executors = app_state.executors
    return pools
