"""PDFs of published versions: made once per version and paper (within a worker and across
workers), in the background, at most N at a time; 503 with Retry-After until ready; a
failure waits before it is tried again; the renderer fetches nothing from the network."""

from __future__ import annotations

import asyncio
import base64
import http.server
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from portal.config import ROOT, Settings
from portal.document import parse
from portal.exports import pdfs
from portal.exports.pdf import ORIGIN, Refused, _fetcher, official_pdf, static_file
from portal.exports.pdfs import PdfStore, RenderFailed, render_isolated, render_to_disk
from portal.versions.models import Version
from portal.versions.services import import_text
from portal.web.templating import STATIC_DIR

CONTOH = ROOT / "tests" / "data" / "contoh.md"
PDF_URL = "/r/contoh/v1.pdf"


def contoh(extra: str = "") -> str:
    return CONTOH.read_text(encoding="utf-8").replace(
        "1. Daerah adalah Provinsi Banten.", f"1. Daerah adalah Provinsi Banten.{extra}"
    )


class Recorder(http.server.BaseHTTPRequestHandler):
    requested: list[str]

    def do_GET(self) -> None:
        self.requested.append(self.path)
        png = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
        self.send_response(200)
        self.send_header("content-type", "image/png")
        self.send_header("content-length", str(len(png)))
        self.end_headers()
        self.wfile.write(png)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    requested: list[str] = []
    handler = type("Handler", (Recorder,), {"requested": requested})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- the fetcher ------------------------------------------------------------------------------


def test_the_fetcher_serves_only_the_portals_static_files(tmp_path: Path) -> None:
    assert static_file(f"{ORIGIN}/static/portal.css") == (STATIC_DIR / "portal.css").resolve()
    assert static_file((STATIC_DIR / "portal.css").as_uri()) == (STATIC_DIR / "portal.css").resolve()
    outside = tmp_path / "rahasia.txt"
    outside.write_text("x", encoding="utf-8")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "tautan.css").symlink_to(outside)
    for url in (
        "http://127.0.0.1:8000/x.png",
        "https://example.org/x.png",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        outside.as_uri(),
        f"{ORIGIN}/static/../portal/config.py",
        f"{ORIGIN}/static/%2e%2e/pyproject.toml",
        f"{ORIGIN}/r/contoh/v1",
        f"{ORIGIN}/static/tidak-ada.png",
        "http://portal.invalid.example.org/static/portal.css",
        "//127.0.0.1/x.png",
    ):
        with pytest.raises(Refused):
            static_file(url)
    with pytest.raises(Refused):  # a link out of the static folder
        static_file(f"{ORIGIN}/static/tautan.css", tmp_path / "static")
    fetcher = _fetcher()
    assert fetcher.fetch(f"{ORIGIN}/static/portal.css").read() == (STATIC_DIR / "portal.css").read_bytes()
    assert fetcher.fetch("data:text/plain;base64,aGFsbw==").read() == b"halo"
    with pytest.raises(Refused):
        fetcher.fetch("http://127.0.0.1:9/x.png")


def test_a_drafters_image_on_the_network_is_never_requested(
    local_server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    base, requested = local_server
    # The server answers, so the test would see a fetch (it does without the fetcher).
    with httpx.Client() as probe:
        assert probe.get(f"{base}/probe.png").status_code == 200
    requested.clear()
    text = contoh(f" ![peta]({base}/x.png) ![peta lagi](//127.0.0.1:{base.rsplit(':', 1)[1]}/y.png)")
    document = parse(text)
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        body = official_pdf(document)
    assert body.startswith(b"%PDF-")  # the PDF is still made, without the image
    assert requested == []
    assert "fetches nothing from the network" in caplog.text


# -- through the app ------------------------------------------------------------------------


def store_of(app: Starlette) -> PdfStore:
    store: PdfStore = app.state.pdfs
    return store


async def test_three_first_requests_render_once_and_the_others_wait(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await import_text(contoh())
    before = pdfs.counts.renders
    page = await client.get("/r/contoh/v1")
    assert 'v1.pdf">PDF</a> (sedang disiapkan)' in page.text  # no download link yet
    first = await asyncio.gather(*(client.get(PDF_URL) for _ in range(3)))
    for response in first:
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["content-type"].startswith("text/html")
        assert "PDF sedang disiapkan" in response.text
        assert 'http-equiv="refresh"' in response.text
    await store_of(app).idle()
    assert pdfs.counts.renders - before == 1  # one render for three requests
    response = await client.get(PDF_URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert (await client.get(PDF_URL)).content == response.content
    assert pdfs.counts.renders - before == 1  # kept on disk
    assert (await client.get(PDF_URL, headers={"if-none-match": response.headers["etag"]})).status_code == 304
    page = await client.get("/r/contoh/v1", headers={"if-none-match": page.headers["etag"]})
    assert page.status_code == 200  # the page's tag changed with the PDF
    assert 'v1.pdf" download>PDF</a>' in page.text
    # Another paper is another file, made once too.
    assert (await client.get(PDF_URL, params={"kertas": "a4"})).status_code == 503
    await store_of(app).idle()
    a4 = await client.get(PDF_URL, params={"kertas": "a4"})
    assert a4.status_code == 200
    assert a4.content.startswith(b"%PDF-")
    assert a4.content != response.content
    assert sorted(p.name.split("-", 1)[1] for p in (settings.data_dir / "exports").glob("*.pdf")) == [
        "a4.pdf",
        "f4.pdf",
    ]


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    """Another process (a second worker) holding the render lock of one key."""
    script = (
        "import fcntl, sys\n"
        f"lock = open({str(path)!r}, 'a')\n"
        "fcntl.flock(lock, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(  # our own interpreter and script
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


async def test_another_worker_rendering_the_same_pdf_is_left_to_it(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await import_text(contoh())
    version = await Version.get(versi="v1")
    folder = settings.data_dir / "exports"
    folder.mkdir(parents=True)
    holder = _hold_lock(folder / f"{version.checksum}-f4.lock")
    try:
        before = pdfs.counts.attempts
        assert (await client.get(PDF_URL)).status_code == 503
        await store_of(app).idle()
        assert pdfs.counts.attempts == before  # left to the process holding the lock
        assert not store_of(app).ready(version.checksum)
        assert (await client.get(PDF_URL)).status_code == 503
    finally:
        assert holder.stdin is not None
        holder.stdin.close()  # the other worker is done (its lock goes with it)
        holder.wait(timeout=10)
        assert holder.stdout is not None
        holder.stdout.close()
    assert (await client.get(PDF_URL)).status_code == 503  # starts the render here now
    await store_of(app).idle()
    assert (await client.get(PDF_URL)).status_code == 200
    assert pdfs.counts.attempts == before + 1


async def test_a_failed_render_is_logged_and_waits_before_the_next_try(
    client: httpx.AsyncClient, app: Starlette, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    folder = settings.data_dir / "exports"
    checksum = "f" * 64
    before = pdfs.counts.attempts
    with caplog.at_level(logging.ERROR, logger="portal.exports"):
        assert render_to_disk(folder, checksum, "bukan draf", "f4") == "failed"
    assert f"PDF {checksum}-f4 failed" in caplog.text
    assert render_to_disk(folder, checksum, "bukan draf", "f4") == "later"
    assert pdfs.counts.attempts == before + 1
    marker = folder / f"{checksum}-f4.failed"
    stamp = time.time() - 61
    os.utime(marker, (stamp, stamp))  # a minute later
    assert render_to_disk(folder, checksum, "bukan draf", "f4") == "failed"
    assert marker.read_text(encoding="ascii").strip() == "2"
    assert render_to_disk(folder, checksum, "bukan draf", "f4") == "later"  # now 2 minutes
    assert pdfs.counts.attempts == before + 2
    # Through the app: a version whose PDF just failed is not tried on every request.
    await import_text(contoh())
    version = await Version.get(versi="v1")
    (folder / f"{version.checksum}-f4.failed").write_text("1\n", encoding="ascii")
    for _ in range(3):
        response = await client.get(PDF_URL)
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 55
    await store_of(app).idle()
    assert pdfs.counts.attempts == before + 2
    assert not store_of(app).ready(version.checksum)


async def test_published_versions_get_their_pdfs_in_the_background(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    store = store_of(app)
    worker = asyncio.create_task(store.worker(every=3600))  # as in `portal serve`
    try:
        await asyncio.sleep(0.2)  # the first sweep: nothing published yet
        await import_text(contoh())  # as `portal import` or a publication does
        store.wake()  # what publishing from the browser does
        version = await Version.get(versi="v1")
        deadline = time.monotonic() + 60
        while not (store.ready(version.checksum, "f4") and store.ready(version.checksum, "a4")):
            assert time.monotonic() < deadline, "the PDFs were not made in the background"
            await asyncio.sleep(0.1)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        await store.idle()
    first = await client.get(PDF_URL)  # the first reader does not wait
    assert first.status_code == 200
    assert first.content.startswith(b"%PDF-")
    assert await store.sweep() == 0  # nothing left to make


def test_a_render_runs_in_a_child_process_that_is_stopped_when_it_runs_too_long() -> None:
    # WeasyPrint holds the GIL: in a thread of the worker it would slow every request.
    body = render_isolated(contoh(), ibukota="Serang", paper="a4")
    assert body.startswith(b"%PDF")
    with pytest.raises(RenderFailed, match="stopped after"):
        render_isolated(contoh(), ibukota="Serang", paper="a4", timeout=0.2)
    with pytest.raises(RenderFailed, match="Error"):
        render_isolated("bukan draf", ibukota="Serang", paper="a4")


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}  # a zombie has ended; nobody may reap it in a container


def test_the_child_ends_when_the_worker_that_started_it_is_killed(tmp_path: Path) -> None:
    # A worker killed mid-render must not leave its child setting a PDF for minutes.
    source = tmp_path / "draft.md"
    source.write_text((ROOT / "drafts" / "jamsos-ketenagakerjaan" / "v3.md").read_text(encoding="utf-8"))
    worker = subprocess.Popen(
        [
            sys.executable, "-c",
            "import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-m', 'portal.exports.pdf_child', 'a4', 'Serang'],"
            " stdin=open(sys.argv[1], 'rb'), stdout=subprocess.DEVNULL)\n"
            "print(child.pid, flush=True)\n"
            "time.sleep(600)\n",
            str(source),
        ],
        stdout=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    try:
        assert worker.stdout is not None
        child = int(worker.stdout.readline())
        time.sleep(1.0)
        assert _running(child)  # setting the PDF: the sample's 70 KB take 30 s or more
        worker.kill()
        worker.wait()
        deadline = time.monotonic() + 5
        while _running(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(child)
    finally:
        worker.kill()
        worker.wait()
        if worker.stdout is not None:
            worker.stdout.close()
