"""Several hosts on one database (issue #15): each data folder is a host with its own
index, writer lock and outbox position; a row is deleted only once every live host has
applied it; a host stopped for a while catches up, one gone beyond the retention
rebuilds; a gap in the outbox ids (a transaction still running) holds the position."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from portal.consultation.models import Comment
from portal.consultation.moderation import moderate
from portal.search import indexer
from portal.search.index import IndexUnavailable, SearchIndex, host_id
from portal.search.models import SearchOutbox, SearchState
from portal.search.services import SearchRequest
from portal.search.views import guarded
from tests.accounts.helpers import make_user
from tests.consultation.test_comments import THREAD, comment, setup_v2

pytestmark = pytest.mark.db


@pytest.fixture
def hosts(tmp_path: Path) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    one, two = SearchIndex(tmp_path / "host-a"), SearchIndex(tmp_path / "host-b")
    yield one, two
    one.close()
    two.close()


def numbers(index: SearchIndex, q: str) -> set[str]:
    found = guarded(index, SearchRequest(q=q, all_versions=True), [])
    return {hit.number for hit in found.hits if hit.tipe == "komentar"}


async def number_of(response: httpx.Response) -> str:
    assert response.status_code == 303
    return response.headers["location"].split("?")[0].rsplit("/", 1)[-1]


def test_each_data_folder_is_a_host_with_its_own_writer(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert host_id(a) == host_id(a) != host_id(b)
    one, two = SearchIndex(a), SearchIndex(b)
    with one.writer_lock() as first, two.writer_lock() as second:
        assert first
        assert second
        with SearchIndex(a).writer_lock() as again:
            assert not again  # a second writer on the same host is kept out


async def test_a_comment_written_once_is_in_both_indexes_and_deleted_after_both(
    client: httpx.AsyncClient, app: Starlette, hosts: tuple[SearchIndex, SearchIndex]
) -> None:
    a, b = hosts
    await setup_v2()
    await indexer.catch_up(a)
    await indexer.catch_up(b)  # a new host: builds its index (the others have one)
    assert await SearchState.all().count() == 2
    number = await number_of(await comment(client, THREAD, body="Nelayan di Lebak belum terdaftar."))
    await indexer.catch_up(a)
    assert numbers(a, "lebak") == {number}
    assert await SearchOutbox.all().count() == 1  # host b has not applied it yet
    await indexer.catch_up(b)
    assert numbers(b, "lebak") == {number}
    assert await SearchOutbox.all().count() == 0
    state = {row.host: row for row in await SearchState.all()}
    assert state[a.host].position == state[b.host].position > 0
    assert state[a.host].index_name != state[b.host].index_name or a.root != b.root


async def test_a_stopped_host_catches_up(
    client: httpx.AsyncClient, app: Starlette, hosts: tuple[SearchIndex, SearchIndex]
) -> None:
    a, b = hosts
    await setup_v2()
    first = await number_of(await comment(client, THREAD, body="Iuran nelayan ditanggung APBD."))
    await indexer.catch_up(a)
    await indexer.catch_up(b)
    # Host b stops; comments and a moderation meanwhile, applied by a only.
    later = [
        await number_of(await comment(client, THREAD, body=f"Ojek daring nomor {k} di Cilegon."))
        for k in range(3)
    ]
    moderator = await make_user("moderator@contoh.id", role="moderator")
    await moderate(await Comment.get(number=first), "sembunyikan", "Uji.", moderator)
    await indexer.catch_up(a)
    assert numbers(a, "cilegon") == set(later)
    assert numbers(a, "apbd") == set()
    assert numbers(b, "cilegon") == set()
    assert numbers(b, "apbd") == {first}
    assert await SearchOutbox.all().count() == 4  # kept for b
    await indexer.catch_up(b)  # b back
    assert numbers(b, "cilegon") == set(later)
    assert numbers(b, "apbd") == set()
    assert await SearchOutbox.all().count() == 0


async def test_a_host_gone_beyond_the_retention_is_not_waited_for_and_rebuilds(
    client: httpx.AsyncClient, app: Starlette, hosts: tuple[SearchIndex, SearchIndex]
) -> None:
    a, b = hosts
    await setup_v2()
    await indexer.catch_up(a)
    await indexer.catch_up(b)
    await SearchState.filter(host=b.host).update(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))
    number = await number_of(await comment(client, THREAD, body="Pengemudi ojek di Serang."))
    await indexer.catch_up(a)
    assert await SearchOutbox.all().count() == 0  # b is not live: not waited for
    before = b.current_dir()
    await indexer.catch_up(b)  # its position is behind what was deleted: rebuilt
    assert b.current_dir() != before
    assert numbers(b, "serang") == {number}


async def test_a_new_host_never_answers_from_an_empty_index(
    client: httpx.AsyncClient, app: Starlette, hosts: tuple[SearchIndex, SearchIndex]
) -> None:
    a, b = hosts
    await setup_v2()
    await indexer.catch_up(a)
    await indexer.load_state(b)
    with pytest.raises(IndexUnavailable):
        guarded(b, SearchRequest(q="nelayan"), [])
    assert b.current_dir() is None
    await indexer.catch_up(b)
    assert guarded(b, SearchRequest(q="nelayan", all_versions=True), []).total > 0


async def test_a_gap_in_the_outbox_ids_holds_the_position_until_it_fills(
    client: httpx.AsyncClient,
    app: Starlette,
    hosts: tuple[SearchIndex, SearchIndex],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL gives out ids at insert: row n+2 can commit before row n+1. The rows
    after the gap are applied, the position waits at it, and row n+1 committing later is
    applied too; a gap that never fills (a rollback) is passed after ``GAP_SECONDS``."""
    a, _ = hosts
    await setup_v2()
    await indexer.catch_up(a)
    top = (await SearchState.get(host=a.host)).position
    one = await number_of(await comment(client, THREAD, body="Komentar pertama tentang Pandeglang."))
    two = await number_of(await comment(client, THREAD, body="Komentar kedua tentang Pandeglang."))
    first, second = (await Comment.get(number=one)).id, (await Comment.get(number=two)).id
    await SearchOutbox.filter(id__gt=top).delete()
    # Only the later row has committed so far.
    await SearchOutbox.create(id=top + 2, kind="comment", ref=second)
    await indexer.catch_up(a)
    assert numbers(a, "pandeglang") == {two}
    assert (await SearchState.get(host=a.host)).position == top  # held at the gap
    assert await SearchOutbox.filter(id=top + 2).exists()  # not deleted past the position
    await SearchOutbox.create(id=top + 1, kind="comment", ref=first)  # the slow transaction commits
    await indexer.catch_up(a)
    assert numbers(a, "pandeglang") == {one, two}
    assert (await SearchState.get(host=a.host)).position == top + 2
    # A gap that never fills is passed once it is older than GAP_SECONDS.
    await SearchOutbox.create(id=top + 4, kind="comment", ref=first)
    monkeypatch.setattr(indexer, "GAP_SECONDS", 0.0)
    await indexer.catch_up(a)  # notes the gap
    await indexer.catch_up(a)  # passes it
    assert (await SearchState.get(host=a.host)).position == top + 4
