"""Slow work of one kind cannot starve another: with the PDF pool full and asyncio's
default thread pool held (by searches, say, or any library using ``to_thread``), every
document download still answers at once, from the ``export`` pool."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from starlette.applications import Starlette

from portal.web.executors import Executors
from tests.consultation.test_comments import setup_v2

DOWNLOADS = (
    "/r/jamsos-ketenagakerjaan/v2.docx",
    "/r/jamsos-ketenagakerjaan/v2.docx?kertas=a4",
    "/r/jamsos-ketenagakerjaan/v2.akn.xml",
    "/r/jamsos-ketenagakerjaan/banding/v1..v2/matriks.docx",
    "/r/jamsos-ketenagakerjaan/banding/v1..v2/matriks.xlsx",
    "/r/jamsos-ketenagakerjaan/v2/dim.docx",
    "/r/jamsos-ketenagakerjaan/v2/dim.xlsx",
    "/r/jamsos-ketenagakerjaan/v2/laporan.docx",
)


async def test_a_full_pdf_pool_and_a_held_default_pool_do_not_delay_downloads(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await setup_v2()
    pools: Executors = app.state.executors
    release = threading.Event()
    loop = asyncio.get_running_loop()
    held = ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(held)  # asyncio.to_thread's pool, for this test's loop
    blockers = [asyncio.ensure_future(asyncio.to_thread(release.wait, 60))]
    # Every PDF thread busy and every queued slot taken.
    slots = pools.threads("pdf") + 16
    blockers += [asyncio.ensure_future(pools.run("pdf", release.wait, 60)) for _ in range(slots)]
    await asyncio.sleep(0.05)
    assert pools.admitted("pdf") == slots
    try:
        for url in DOWNLOADS:
            started = time.monotonic()
            response = await asyncio.wait_for(client.get(url), timeout=20)
            assert response.status_code == 200, (url, response.status_code)
            assert response.content.startswith(b"PK" if "xml" not in url else b"<?xml"), url
            assert time.monotonic() - started < 15, url
        # A PDF asked for now is refused at once (its pool is full), not queued for ever.
        pdf = await asyncio.wait_for(client.get("/r/jamsos-ketenagakerjaan/v2.pdf"), timeout=5)
        assert pdf.status_code == 503
        assert "retry-after" in pdf.headers
    finally:
        release.set()
        await asyncio.gather(*blockers, return_exceptions=True)
        await app.state.pdfs.idle()
        held.shutdown(wait=True)


async def test_a_full_export_pool_is_a_503_with_retry_after(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await setup_v2()
    pools: Executors = app.state.executors
    release = threading.Event()
    slots = pools.threads("export") + 16
    blockers = [asyncio.ensure_future(pools.run("export", release.wait, 60)) for _ in range(slots)]
    await asyncio.sleep(0.05)
    try:
        response = await asyncio.wait_for(client.get(DOWNLOADS[0]), timeout=5)
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) > 0
    finally:
        release.set()
        await asyncio.gather(*blockers, return_exceptions=True)
    assert (await client.get(DOWNLOADS[0])).status_code == 200
