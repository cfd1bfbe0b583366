"""/cari and /cari.json under the bounds of issue #14: refused queries answer 422 with
their reason and keep the query, a query past its time budget answers 422 quickly and
frees its thread, and searches run in the search pool, not asyncio's default one."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import threading
import time
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from portal.config import Settings
from portal.search import postings, services, views
from tests.consultation.test_comments import setup_v2
from tests.search.test_search import indexed

pytestmark = pytest.mark.db

TIMEOUT = 0.3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, search_timeout=TIMEOUT)


async def ready(app: Starlette) -> None:
    await setup_v2()
    await indexed(app)


async def test_refused_queries_answer_422_with_their_reason(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await ready(app)
    for q, code, words in (
        ("word~9", "fuzzy_distance", "paling banyak 2 perubahan"),
        ("iuran teks:[a TO z]", "range", "rentang"),
        (" ".join(f"kata{i}" for i in range(33)), "too_many_terms", "paling banyak 32 kata (yang ini 33)"),
        ("iuran^5000", "boost", "paling besar 100"),
    ):
        start = time.perf_counter()
        response = await client.get("/cari.json", params={"q": q})
        assert time.perf_counter() - start < 1.0
        assert response.status_code == 422, q
        found = response.json()
        assert found["error"] == code
        assert found["message"].startswith(("Pencarian terlalu luas", "Pencarian ini tidak dapat"))
        assert words in found["message"]
        assert found["results"] == []
        assert found["query"] == q
    # and in English, on the HTML page
    client.cookies.set("lang", "en")
    page = await client.get("/cari", params={"q": "nelayan~3"})
    assert page.status_code == 422
    assert "Search too broad: a similar word (word~N) allows at most 2 changes." in page.text
    # a query within the bounds is answered as before
    assert (await client.get("/cari.json", params={"q": "nelayan~2"})).status_code == 200
    assert (
        await client.get("/cari.json", params={"q": " ".join(f"kata{i}" for i in range(32))})
    ).status_code == 200


async def test_a_query_over_512_characters_is_refused_and_kept(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await ready(app)
    long = "iuran nelayan " + "x" * 499
    assert len(long) == 513
    page = await client.get("/cari", params={"q": long})
    assert page.status_code == 422
    assert "paling banyak 512 karakter (yang ini 513)" in page.text
    assert f'value="{html.escape(long)}"' in page.text  # all of it, in the search box
    found = (await client.get("/cari.json", params={"q": long})).json()
    assert found["error"] == "too_long"
    assert found["query"] == long
    at_limit = await client.get("/cari.json", params={"q": long[:512]})
    assert at_limit.status_code == 200


@pytest.fixture
def slow_decoding(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Each decoding of postings takes 100 ms more (a far larger index)."""
    real = postings.read
    calls: list[float] = []

    def read(*args: Any, **kwargs: Any) -> Any:
        calls.append(time.monotonic())
        time.sleep(0.1)
        return real(*args, **kwargs)

    monkeypatch.setattr(postings, "read", read)
    return calls


BROAD = "iuran OR nelayan OR pekerja OR jaminan OR sosial OR kecelakaan OR kematian OR peserta OR daerah"


async def test_a_query_past_its_budget_answers_422_and_frees_its_thread(
    client: httpx.AsyncClient, app: Starlette, slow_decoding: list[float]
) -> None:
    await ready(app)
    app.state.search.postings.limit = 0  # every search decodes its postings again
    app.state.search.postings.clear()
    await client.get("/cari.json", params={"q": "zzz"})  # the scope and facets: built once, not timed
    for path in ("/cari.json", "/cari"):
        slow_decoding.clear()
        start = time.perf_counter()
        response = await client.get(path, params={"q": BROAD})
        took = time.perf_counter() - start
        assert response.status_code == 422
        assert took < TIMEOUT + 0.5  # unbounded: 18 decodings of 100 ms
        assert "Pencarian terlalu luas" in response.text
        if path.endswith(".json"):
            assert response.json()["error"] == "too_broad"
        else:
            assert f'value="{html.escape(BROAD)}"' in response.text
        decoded = len(slow_decoding)
        await asyncio.sleep(0.3)
        assert len(slow_decoding) == decoded  # the thread stopped: nothing decoded after the answer
        assert app.state.executors.admitted("search") == 0  # and its pool slot is free
    # a plain query still answers
    assert (await client.get("/cari.json", params={"q": "iuran"})).status_code == 200


async def test_a_search_stuck_past_its_budget_still_answers(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the search stuck in a call that never checks the deadline, the answer still
    leaves one second after the budget."""
    await ready(app)
    release = threading.Event()

    def stuck(*args: Any, **kwargs: Any) -> Any:
        release.wait(5)
        raise RuntimeError("never answered")

    monkeypatch.setattr(views, "search", stuck)
    start = time.perf_counter()
    response = await client.get("/cari.json", params={"q": "iuran"})
    assert response.status_code == 422
    assert response.json()["error"] == "too_broad"
    assert time.perf_counter() - start < TIMEOUT + views.BACKSTOP_SECONDS + 0.5
    release.set()


async def test_searches_run_in_the_search_pool(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ready(app)
    real = services.search
    threads: list[str] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "search", recorded)
    default = asyncio.get_running_loop()._default_executor  # type: ignore[attr-defined]
    for q in ("iuran", "iuran OR nelayan", '"jaminan sosial"'):
        assert (await client.get("/cari.json", params={"q": q})).status_code == 200
    assert len(threads) == 3
    assert all(name.startswith("portal-search") for name in threads), threads
    assert asyncio.get_running_loop()._default_executor is default  # type: ignore[attr-defined]


async def test_broad_queries_leave_threads_to_plain_ones(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every search thread but half taken by broad queries, the others wait for
    their turn (or get 503) while a plain word search is answered at once."""
    await ready(app)
    real = services.search
    running: list[str] = []
    release = threading.Event()

    def held(index: Any, wanted: Any, *args: Any, **kwargs: Any) -> Any:
        if views.broad(wanted.q):
            running.append(wanted.q)
            release.wait(5)
        return real(index, wanted, *args, **kwargs)

    monkeypatch.setattr(views, "search", held)
    assert app.state.executors.threads("search") == 2
    broad = [asyncio.create_task(client.get("/cari.json", params={"q": f"iuran OR x{i}"})) for i in range(4)]
    await asyncio.sleep(0.1)
    assert len(running) == 1  # one broad query at a time on two threads
    start = time.perf_counter()
    plain = await client.get("/cari.json", params={"q": "iuran"})
    assert plain.status_code == 200
    assert time.perf_counter() - start < 1.0
    answers = await asyncio.gather(*broad)
    release.set()
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(503) == 3  # no turn within the budget: 503, Retry-After
    assert all(r.headers.get("retry-after") for r in answers if r.status_code == 503)
