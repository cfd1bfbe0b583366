"""A damaged search index takes nothing else down (issue #15): nothing is memory-mapped,
so a truncated segment is an exception and a 503, not SIGBUS; a missing index is
detected against ``search_state``, answered 503 and rebuilt from the database while
comments keep coming in; a searcher opening during a commit or a swap never fails."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from portal.config import Settings
from portal.consultation.models import Comment
from portal.consultation.moderation import moderate
from portal.search import indexer
from portal.search.bulk import BulkWriter
from portal.search.index import IndexUnavailable, SearchIndex
from portal.search.models import SearchOutbox, SearchState
from portal.search.services import SearchRequest
from portal.search.views import guarded
from tests.accounts.helpers import make_user
from tests.consultation.test_comments import THREAD, comment, setup_v2
from tests.search.test_scoring import LATEST
from tests.search.test_scoring import comment as comment_doc

ROOT = Path(__file__).resolve().parents[2]


def mapped(path: Path) -> list[str]:
    """Lines of this process's memory maps naming a file under ``path``."""
    return [line for line in Path("/proc/self/maps").read_text().splitlines() if str(path) in line]


def largest_segment(index: SearchIndex) -> Path:
    folder = index.current_dir()
    assert folder is not None
    return max(folder.glob("*.seg"), key=lambda p: p.stat().st_size)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
def test_no_index_file_is_memory_mapped(tmp_path: Path) -> None:
    """Readers, the indexer's writer (merging older segments) and the bulk writer read
    segments as files: none of them is in the process's memory maps."""
    index = SearchIndex(tmp_path)
    rng = random.Random(3)  # noqa: S311
    for start in (1, 40, 80):  # three segments
        indexer._write(index, [d for k in range(start, start + 39) for d in comment_doc(k, rng)], [], 0.0)
    ask = guarded(index, SearchRequest(q="nelayan"), LATEST)
    assert ask.total > 0
    assert mapped(index.root) == []
    writer = index.open_for_writing().writer()
    try:
        with writer.searcher() as searcher:  # the writer's own readers of the segments
            assert searcher.doc_count() > 0
            assert mapped(index.root) == []
    finally:
        writer.cancel()
    folder = index.create_dir()
    bulk = BulkWriter(index.open_for_writing(folder))
    indexer._add_all(bulk, [d for k in range(1, 20) for d in comment_doc(k, rng)])
    bulk.commit()
    index.publish(folder)
    assert guarded(index, SearchRequest(q="nelayan"), LATEST).total > 0
    assert mapped(index.root) == []
    index.close()


CHILD = """
import asyncio, json, logging, os, sys
from pathlib import Path
import httpx
from tortoise.context import TortoiseContext
from portal.app import create_app
from portal.config import Settings
from portal.db import tortoise_config

logging.basicConfig(stream=sys.stderr, level=logging.INFO)
settings = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2], secret_key="k", drafts_dir=Path("."))
MMAP = sys.argv[3] == "mmap"

async def main():
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings.database_url))
        app = create_app(settings, manage_orm=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            if MMAP:  # the control: the same index read as before, memory-mapped
                from whoosh import index as whoosh_index
                searcher = whoosh_index.open_dir(str(app.state.search.ensure())).searcher()
                first = [dict(hit) for hit in searcher.search_page(__import__("whoosh.query").query.Every(), 1)]
            else:
                first = (await client.get("/cari.json", params={"q": "nelayan"})).json()
            segment = max(app.state.search.current_dir().glob("*.seg"), key=lambda p: p.stat().st_size)
            os.truncate(segment, segment.stat().st_size // 3)  # damaged while open
            if MMAP:
                searcher.reader().stored_fields(searcher.doc_count_all() - 1)
                for name in searcher.reader().indexed_field_names():
                    list(searcher.reader().lexicon(name))
                print(json.dumps({"first": len(first)}))
                return
            second = await client.get("/cari.json", params={"q": "iuran"})
            page = await client.get("/cari", params={"q": "iuran"})
            print(json.dumps({
                "first": first["total"], "status": second.status_code, "body": second.json(),
                "retry": second.headers.get("retry-after"), "page": page.status_code, "html": page.text,
            }))
        app.state.search.close()
        app.state.executors.shutdown()

asyncio.run(main())
"""


def run_child(settings: Settings, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(settings.data_dir), settings.database_url, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


async def test_a_truncated_segment_is_a_503_not_a_crash_and_is_rebuilt(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await setup_v2()
    await indexer.catch_up(app.state.search)
    app.state.search.close()
    child = await asyncio.to_thread(run_child, settings, "plain")
    assert child.returncode == 0, child.stderr  # not -SIGBUS: the process lived
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["first"] > 0
    assert seen["status"] == 503
    assert seen["body"]["error"] == "index_rebuilding"
    assert seen["body"]["total"] == 0
    assert seen["body"]["results"] == []
    assert seen["retry"]
    assert int(seen["retry"]) > 0
    assert seen["page"] == 503
    assert "Pencarian sedang dibangun ulang" in seen["html"]
    assert "search index damaged" in child.stderr  # logged
    # This process (another worker of the host) sees the mark too, before any rebuild.
    index = SearchIndex(settings.data_dir)
    await indexer.load_state(index)
    with pytest.raises(IndexUnavailable):
        guarded(index, SearchRequest(q="nelayan"), [])
    # The indexer's next round rebuilds it from the database.
    await indexer.catch_up(index)
    assert index.damaged() is None
    assert guarded(index, SearchRequest(q="iuran", all_versions=True), []).total > 0
    index.close()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
async def test_the_same_truncation_through_a_memory_map_kills_the_process(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    """The control: what the child above does, read through Whoosh's memory map, dies of
    SIGBUS, so the test above would see a crash."""
    await setup_v2()
    await indexer.catch_up(app.state.search)
    app.state.search.close()
    child = await asyncio.to_thread(run_child, settings, "mmap")
    assert child.returncode == -signal.SIGBUS, (child.returncode, child.stderr[-2000:])


def restart(app: Starlette, settings: Settings) -> SearchIndex:
    """What a restarted worker has: a new ``SearchIndex`` that has not read the database yet."""
    app.state.search.close()
    app.state.search = SearchIndex(settings.data_dir)
    return app.state.search  # type: ignore[no-any-return]


def toc_files(index: SearchIndex) -> list[Path]:
    folder = index.current_dir()
    return list(folder.glob("_MAIN_*.toc")) if folder else []


@pytest.mark.parametrize("damage", ["toc", "current", "folder"])
async def test_a_missing_index_is_a_503_never_an_empty_one_and_is_rebuilt(
    client: httpx.AsyncClient,
    app: Starlette,
    settings: Settings,
    damage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await setup_v2()
    await comment(client, THREAD, body="Nelayan kecil di Lebak belum terdaftar sebagai peserta.")
    await indexer.catch_up(app.state.search)
    state = await SearchState.get()
    assert state.generation >= 1
    assert state.index_name == app.state.search.current_dir().name
    folder = app.state.search.current_dir()
    assert folder is not None
    if damage == "toc":
        for toc in toc_files(app.state.search):
            toc.unlink()
    elif damage == "current":
        (folder.parent / "CURRENT").unlink()
    else:
        shutil.rmtree(folder.parent)
    index = restart(app, settings)
    with caplog.at_level(logging.ERROR, logger="portal.search"):
        answer = await client.get("/cari.json", params={"q": "nelayan"})
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "15"
    found = answer.json()
    assert found["error"] == "index_rebuilding"
    assert found["results"] == []
    assert "dibangun ulang" in found["message"]
    client.cookies.set("lang", "en")
    english = await client.get("/cari", params={"q": "nelayan"})
    client.cookies.delete("lang")
    assert english.status_code == 503
    assert "Search is being rebuilt" in english.text
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(m.startswith(("search index unavailable", "search index damaged")) for m in logged), logged
    # Not replaced by an empty index behind our back.
    assert damage != "toc" or toc_files(index) == []
    assert damage == "toc" or index.current_dir() is None or not index.current_dir().exists()  # type: ignore[union-attr]
    # Comments keep coming in meanwhile.
    response = await comment(client, THREAD, body="Ojek daring di Cilegon perlu perlindungan.")
    assert response.status_code == 303
    # The indexer's round rebuilds from the database, then applies what came meanwhile.
    await indexer.catch_up(index)
    for q in ("lebak", "cilegon", "iuran"):
        answer = await client.get("/cari.json", params={"q": q})
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] > 0, q


async def test_a_fresh_install_still_starts_with_an_empty_index(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    answer = await client.get("/cari.json", params={"q": "nelayan"})
    assert answer.status_code == 200
    assert answer.json()["total"] == 0
    assert app.state.search.current_dir() is not None
    assert await SearchState.all().count() == 0  # nothing indexed yet: nothing recorded


async def test_an_index_behind_the_database_is_damaged(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    """A table of contents older than the generation the database recorded (an index
    put back from a copy, a lost commit) is not trusted."""
    await setup_v2()
    await indexer.catch_up(app.state.search)
    await SearchState.all().update(generation=99)
    index = restart(app, settings)
    answer = await client.get("/cari.json", params={"q": "nelayan"})
    assert answer.status_code == 503
    assert index.problem() is not None
    assert "database says 99" in str(index.problem())
    await indexer.catch_up(index)
    assert (await client.get("/cari.json", params={"q": "nelayan"})).json()["total"] > 0


async def test_changes_during_a_rebuild_are_applied_after_it(
    client: httpx.AsyncClient, app: Starlette, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Comments written and hidden while the rebuild runs — after it read the comments —
    are in (or out of) the rebuilt index: their outbox rows are applied after it."""
    await setup_v2()
    await comment(client, THREAD, body="Iuran nelayan sebaiknya ditanggung APBD kabupaten.")
    await indexer.catch_up(app.state.search)
    moderator = await make_user("moderator@contoh.id", role="moderator")
    index = app.state.search
    index.mark_damaged("test: damaged")
    loop = asyncio.get_running_loop()
    committing = asyncio.Event()
    release = threading.Event()
    original = BulkWriter.commit

    def slow_commit(self: BulkWriter, *args: object, **kwargs: object) -> None:
        loop.call_soon_threadsafe(committing.set)  # every comment has been read by now
        assert release.wait(30)
        original(self, *args, **kwargs)

    monkeypatch.setattr(BulkWriter, "commit", slow_commit)
    rebuilding = asyncio.create_task(indexer.catch_up(index))
    try:
        await asyncio.wait_for(committing.wait(), 30)
        assert (await client.get("/cari.json", params={"q": "iuran"})).status_code == 503
        response = await comment(client, THREAD, body="Pengemudi ojek daring di Cilegon butuh perlindungan.")
        assert response.status_code == 303
        hidden = await Comment.get(body__contains="APBD kabupaten")
        await moderate(hidden, "sembunyikan", "Uji.", moderator)
    finally:
        release.set()
    await asyncio.wait_for(rebuilding, 60)
    assert index.damaged() is None
    ojek = (await client.get("/cari.json", params={"q": "cilegon"})).json()
    assert "komentar" in [hit["type"] for hit in ojek["results"]]
    apbd = (await client.get("/cari.json", params={"q": "apbd kabupaten"})).json()
    assert not [hit for hit in apbd["results"] if hit["type"] == "komentar"]
    assert await SearchOutbox.all().count() == 0


def test_no_500_while_the_indexer_commits_and_swaps(tmp_path: Path) -> None:
    """Searchers open while one thread commits (merging) and swaps in whole new
    directories in a loop: no exception escapes (at worst ``IndexUnavailable('busy')``,
    a 503), and no search ever sees an empty index."""
    index = SearchIndex(tmp_path)
    rng = random.Random(7)  # noqa: S311
    base = [d for k in range(1, 30) for d in comment_doc(k, rng)]
    indexer._write(index, base, [], 0.0)
    stop = threading.Event()
    failures: list[BaseException] = []
    busy: list[IndexUnavailable] = []
    answers: list[int] = []

    def write() -> None:
        k = 1000
        try:
            while not stop.is_set():
                for _ in range(4):
                    k += 1
                    indexer._write(index, comment_doc(k, rng), [f"c:{k - 3}"], 0.0)
                old = index.current_dir()
                folder = index.create_dir()  # what reindex does: build, publish, remove the old
                bulk = BulkWriter(index.open_for_writing(folder))
                indexer._add_all(bulk, base)
                bulk.commit()
                index.publish(folder)
                if old is not None:
                    shutil.rmtree(old)
        except BaseException as exc:
            failures.append(exc)

    def read() -> None:
        while not stop.is_set():
            try:
                answers.append(guarded(index, SearchRequest(q="nelayan"), LATEST).total)
            except IndexUnavailable as down:
                busy.append(down)
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert not failures, failures[:3]
    assert len(answers) > 50
    assert min(answers) > 0  # never an empty index
    assert all(down.reason == "busy" for down in busy)  # never taken for damage
    assert len(busy) <= len(answers) // 20
    assert index.damaged() is None
    index.close()
