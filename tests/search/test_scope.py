"""What /cari searches by default (issue #16): the versions open for comment (the latest
when none is open) and every comment of the regulation; a tracking number goes to its
comment, never to a hidden one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from portal.consultation.models import Comment
from portal.consultation.moderation import moderate
from portal.search.indexer import catch_up
from portal.versions.models import Version
from portal.versions.services import import_text
from tests.accounts.helpers import make_user
from tests.conftest import QueryCounter
from tests.consultation.test_comments import SLUG, THREAD, comment, sample, setup_v2

pytestmark = pytest.mark.db

TODAY = dt.date.today()
OPEN = {"konsultasi_buka": TODAY - dt.timedelta(days=10), "konsultasi_tutup": TODAY + dt.timedelta(days=30)}
CLOSED = {"konsultasi_buka": TODAY - dt.timedelta(days=60), "konsultasi_tutup": TODAY - dt.timedelta(days=30)}


async def found(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    response = await client.get("/cari.json", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def numbers(data: dict[str, Any]) -> set[str]:
    return {r["number"] for r in data["results"] if r["type"] == "komentar"}


async def three_versions_with_comments(client: httpx.AsyncClient, app: Starlette) -> tuple[str, str]:
    """v1 (closed, one comment), v2 (open, one comment), v3 (the latest, no window)."""
    await setup_v2()
    await Version.filter(versi="v1").update(**OPEN)
    response = await comment(
        client, f"/r/{SLUG}/v1/komentar", body="Pekerja rentan di Kabupaten Lebak belum terdata sama sekali."
    )
    assert response.status_code == 303, response.text
    await Version.filter(versi="v1").update(**CLOSED)
    response = await comment(client, THREAD, body="Nelayan di Pandeglang perlu dibantu mendaftar.")
    assert response.status_code == 303, response.text
    await import_text(sample("v3"))
    await Version.filter(versi="v3").update(konsultasi_buka=None, konsultasi_tutup=None)
    await catch_up(app.state.search)
    on_v1 = await Comment.get(body__contains="Lebak")
    on_v2 = await Comment.get(body__contains="Pandeglang")
    return on_v1.number, on_v2.number


async def test_the_default_covers_the_open_version_and_every_comment(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    on_v1, on_v2 = await three_versions_with_comments(client, app)
    # The comment of the version open for comment, though v3 is newer.
    assert numbers(await found(client, q="pandeglang")) == {on_v2}
    # A comment of an earlier, closed version of the regulation.
    assert numbers(await found(client, q="lebak")) == {on_v1}
    # Provisions: those of the open version, not of the latest nor of older ones.
    provisions = [r for r in (await found(client, q="iuran"))["results"] if r["type"] == "ketentuan"]
    assert provisions
    assert {r["versi"] for r in provisions} == {"v2"}
    page = await client.get("/cari", params={"q": "pandeglang"})
    assert on_v2 in page.text

    # No version open any more: the latest version's provisions, and still every comment.
    await Version.filter(versi="v2").update(**CLOSED)
    provisions = [r for r in (await found(client, q="iuran"))["results"] if r["type"] == "ketentuan"]
    assert provisions
    assert {r["versi"] for r in provisions} == {"v3"}
    assert numbers(await found(client, q="pandeglang")) == {on_v2}
    assert numbers(await found(client, q="lebak")) == {on_v1}


async def test_explicit_scopes_work_as_before(client: httpx.AsyncClient, app: Starlette) -> None:
    on_v1, on_v2 = await three_versions_with_comments(client, app)
    every = await found(client, q="iuran", semua="1")
    assert {r["versi"] for r in every["results"] if r["type"] == "ketentuan"} <= {"v1", "v2", "v3"}
    assert {v["versi"] for v in every["versions"]} == {"v1", "v2", "v3"}
    # Every version and one of them: its provisions and its comments, as before.
    only_v1 = await found(client, q="lebak OR pandeglang OR iuran", semua="1", versi="v1")
    assert only_v1["total"] > 0
    assert {r["versi"] for r in only_v1["results"]} == {"v1"}
    assert on_v1 in numbers(await found(client, q="lebak OR pandeglang", semua="1", versi="v1"))
    assert numbers(await found(client, q="lebak OR pandeglang", semua="1", versi="v2")) == {on_v2}
    page = await client.get("/cari", params={"q": '"sanksi administratif"', "semua": "1"})
    assert 'class="presence"' in page.text
    assert ">v1: " in page.text
    assert ">v3: " in page.text


async def commented(client: httpx.AsyncClient, body: str) -> Comment:
    """v2 open for comment, and one comment on it."""
    await setup_v2()
    response = await comment(client, THREAD, body=body)
    assert response.status_code == 303, response.text
    return await Comment.get(body=body)


async def test_a_tracking_number_goes_to_its_public_comment(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    stored = await commented(client, "Nelayan di Pandeglang perlu dibantu mendaftar.")
    await catch_up(app.state.search)
    target = f"/r/{SLUG}/v2/pasal-6/ayat-1/komentar#{stored.number}"
    for typed in (stored.number, stored.number.lower(), f"  {stored.number.lower()}  "):
        response = await client.get("/cari", params={"q": typed})
        assert response.status_code == 303, typed
        assert response.headers["location"] == target
    assert (await found(client, q=stored.number.lower()))["comment"] == target


async def test_a_hidden_or_unknown_tracking_number_finds_nothing(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    stored = await commented(client, "Pengawas di Pandeglang kekurangan personel.")
    moderator = await make_user("moderator@contoh.id", role="moderator")
    await moderate(stored, "sembunyikan", "Menyebut nama orang.", moderator)
    await catch_up(app.state.search)
    prefix, year, _ = stored.number.split("-")
    for number in (stored.number.lower(), f"{prefix}-{year}-999999"):
        page = await client.get("/cari", params={"q": f" {number} "})
        assert page.status_code == 200
        assert "Tidak ada yang ditemukan." in page.text or "Nothing was found." in page.text
        assert "Pandeglang" not in page.text
        assert "komentar#" not in page.text
        data = await found(client, q=number)
        assert data["total"] == 0
        assert data["comment"] is None


async def test_the_search_page_reads_no_version_text(
    client: httpx.AsyncClient, app: Starlette, queries: QueryCounter
) -> None:
    await three_versions_with_comments(client, app)
    for params in ({"q": "iuran"}, {"q": "iuran", "semua": "1"}):
        queries.reset()
        response = await client.get("/cari", params=params)
        assert response.status_code == 200
        on_versions = [q for q in queries.queries if '"version"' in q or "`version`" in q or " version " in q]
        assert len(on_versions) <= 2, on_versions  # the names and dates, and the open windows
        assert not any("source" in q for q in on_versions), on_versions  # never a version's text
