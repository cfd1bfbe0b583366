"""How long one callback holds the event loop on the portal's busy paths.

    .venv/bin/python -m benchmarks.bench_loop              # 5 rounds of each path
    .venv/bin/python -m benchmarks.bench_loop --rounds 20

The app in process (ASGI, no server) on a fresh SQLite database with the sample drafts,
on asyncio's own loop in debug mode. Every callback the loop runs is timed (a wrapper
around ``asyncio.Handle._run``), and for each path this prints the longest one, which
callback it was, and how many took more than asyncio's ``slow_callback_duration``
(50 ms here). The app runs inside the client's task (ASGI transport), so a long
callback is a stretch of a request's own code between two awaits. The paths: signing in (Argon2), a comment with a PDF attached (streamed,
sniffed, the group commit), the official DOCX and the Akoma Ntoso of a version, the
matriks perubahan as DOCX, a search, and a comparison of two versions computed for the
first time; each path once before it is timed (a first use imports modules and
compiles templates, once per process). Work that belongs in a thread shows here as a
long callback: the aim
(issue 17) is under 50 ms for each path on an idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import logging
import re
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
from tortoise.context import TortoiseContext

from benchmarks.common import ROOT, calibration_ms, machine_line, table
from portal.accounts import services as accounts
from portal.app import create_app
from portal.config import Settings
from portal.db import migrate_database, tortoise_config
from portal.versions.models import Version
from portal.versions.services import import_text

SLUG = "jamsos-ketenagakerjaan"
THREAD = f"/r/{SLUG}/v2/pasal-6/ayat-1/komentar"
PASSWORD = "Kata-sandi-yang-kuat-2026"  # noqa: S105 - a benchmark's own throwaway account
SLOW = 0.050


class CallbackClock:
    """The longest callback since ``reset``, and how many were slower than ``SLOW``."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.slow = 0
        self.gc_longest = 0.0  # the longest garbage collection: it stops every thread
        self._gc_started = 0.0
        self._original = asyncio.Handle._run

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started:
            self.gc_longest = max(self.gc_longest, time.perf_counter() - self._gc_started)

    def install(self) -> None:
        clock, original = self, self._original
        gc.callbacks.append(self._gc)

        def timed(handle: asyncio.Handle) -> None:
            started = time.perf_counter()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - started
                if took > SLOW:
                    clock.slow += 1
                clock.longest = max(clock.longest, took)

        asyncio.Handle._run = timed  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        asyncio.Handle._run = self._original  # type: ignore[method-assign]
        gc.callbacks.remove(self._gc)

    def reset(self) -> None:
        self.longest, self.slow, self.gc_longest = 0.0, 0, 0.0


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


async def _sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/masuk")
    done = await client.post(
        "/masuk", data={"email": "ada@contoh.id", "password": PASSWORD, "csrf_token": _token(page.text)}
    )
    if done.status_code != 303:
        raise RuntimeError(f"sign-in answered {done.status_code}")
    client.cookies.clear()


async def _comment(client: httpx.AsyncClient, n: int) -> None:
    page = await client.get(THREAD)
    key = re.search(r'name="submission_key" value="([^"]*)"', page.text)
    data = {
        "csrf_token": _token(page.text), "submission_key": key.group(1) if key else "",
        "position": "pertanyaan", "category": "pekerja-informal",
        "body": f"Iuran nelayan {n}: perlu dibantu APBD selama tiga tahun pertama.",
        "email": f"warga{n}@contoh.id",
    }  # fmt: skip
    pdf = b"%PDF-1.7\n" + b"0" * 2_000_000 + b"\n%%EOF\n"
    form = client.build_request(
        "POST", THREAD, data=data, files={"attachment": ("posisi.pdf", pdf, "application/pdf")}
    )
    body = form.read()

    async def pieces() -> AsyncIterator[bytes]:  # as a server hands the body on: 64 KB at a time
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    done = await client.post(
        THREAD, content=pieces(),
        headers={"content-type": form.headers["content-type"], "x-forwarded-for": f"10.1.{n // 250}.{n % 250}"},
    )  # fmt: skip
    if done.status_code != 303:
        raise RuntimeError(f"the comment answered {done.status_code}: {done.text[:300]}")


def _get(path: str, expect: int = 200) -> Callable[[httpx.AsyncClient, int], Awaitable[None]]:
    async def run(client: httpx.AsyncClient, n: int) -> None:
        answer = await client.get(path, headers={"accept-encoding": "identity"})
        if answer.status_code != expect:
            raise RuntimeError(f"{path} answered {answer.status_code}")

    return run


async def _first_comparison(client: httpx.AsyncClient, n: int) -> None:
    client.app_state.comparisons._items.clear()  # type: ignore[attr-defined]  # computed again
    client.app_state.comparisons._bodies.clear()  # type: ignore[attr-defined]
    await _get(f"/r/{SLUG}/banding/v2..v3")(client, n)


async def run(rounds: int) -> list[list[str]]:
    data = Path(tempfile.mkdtemp(prefix="portal-loop-"))
    url = f"sqlite://{data / 'portal.sqlite3'}"
    settings = Settings(
        data_dir=data, database_url=url, drafts_dir=ROOT / "drafts",
        secret_key="bench-loop",  # noqa: S106 - a throwaway database
    )  # fmt: skip
    await migrate_database(url)
    clock = CallbackClock()
    rows: list[list[str]] = []
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        for versi in ("v1", "v2", "v3"):
            await import_text((ROOT / "drafts" / SLUG / f"{versi}.md").read_text(encoding="utf-8"))
        today = dt.date.today()
        await Version.filter(versi="v2").update(
            konsultasi_buka=today - dt.timedelta(days=3), konsultasi_tutup=today + dt.timedelta(days=30)
        )
        await accounts.create_user("ada@contoh.id", PASSWORD, "publik", "Ada")
        app = create_app(settings, manage_orm=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            client.app_state = app.state  # type: ignore[attr-defined]
            paths: list[tuple[str, Callable[[httpx.AsyncClient, int], Awaitable[None]]]] = [
                ("sign in (Argon2)", lambda c, n: _sign_in(c)),
                ("comment with a 2 MB PDF", _comment),
                ("official DOCX of v2", _get(f"/r/{SLUG}/v2.docx")),
                ("Akoma Ntoso of v2", _get(f"/r/{SLUG}/v2.akn.xml")),
                ("matriks perubahan DOCX v2..v3", _get(f"/r/{SLUG}/banding/v2..v3/matriks.docx")),
                ("search 'iuran nelayan'", _get("/cari?q=iuran+nelayan&semua=1")),
                ("comparison v2..v3, computed", _first_comparison),
            ]
            await _sign_in(client)  # warm: templates compiled, first queries planned
            gc.collect()
            gc.freeze()  # as the app's lifespan does once started (portal/app.py)
            clock.install()
            try:
                for k, (name, path) in enumerate(paths):
                    await path(client, 10_000 + k)  # once before: imports and templates of a first use
                    clock.reset()
                    started = time.perf_counter()
                    for n in range(rounds):
                        await path(client, n)
                    each = (time.perf_counter() - started) / rounds
                    rows.append([
                        name, f"{each * 1000:.0f}", f"{clock.longest * 1000:.1f}", str(clock.slow),
                        "yes" if clock.longest < SLOW else "no", f"{clock.gc_longest * 1000:.1f}",
                    ])  # fmt: skip
            finally:
                clock.uninstall()
        app.state.search.close()
        app.state.executors.shutdown()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine_line())
    logging.getLogger("asyncio").setLevel(logging.ERROR)  # its slow-callback lines: counted here instead
    loop = asyncio.new_event_loop()
    loop.set_debug(True)
    loop.slow_callback_duration = SLOW
    try:
        rows = loop.run_until_complete(run(max(1, args.rounds)))
    finally:
        loop.close()
    headers = [
        "path",
        "ms per request",
        "longest callback ms",
        f"callbacks > {SLOW * 1000:.0f} ms",
        "< 50 ms",
        "longest GC pause ms",
    ]
    print(table(headers, rows))
    print(f"calibration loop at the end: {calibration_ms():.0f} ms")


if __name__ == "__main__":
    main()
