"""Search through the real app: the outbox, the indexer, the page and its JSON twin."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette

from portal.config import Settings
from portal.consultation.models import Comment
from portal.consultation.moderation import Answer, answer, moderate, redact
from portal.search.indexer import catch_up, reindex
from portal.search.models import SearchOutbox
from tests.accounts.helpers import make_user
from tests.consultation.test_comments import THREAD, comment, setup_v2

pytestmark = pytest.mark.db


async def indexed(app: Starlette) -> None:
    await catch_up(app.state.search)


async def test_publishing_and_commenting_fill_the_outbox_and_the_index(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await setup_v2()
    assert await SearchOutbox.filter(kind="version").count() == 2  # v1 and v2, in their transactions
    await indexed(app)
    assert await SearchOutbox.all().count() == 0
    found = (await client.get("/cari.json", params={"q": "nelayan"})).json()
    assert found["total"] > 0
    first = found["results"][0]
    assert first["versi"] == "v2"  # the latest version only, by default
    assert {"slug", "versi", "path", "kind", "snippet", "score"} <= set(first)
    assert "<mark" in first["snippet"]
    assert set(found["facets"]) == {"versi", "bab", "jenis", "kategori", "posisi"}

    response = await comment(client, THREAD, body="Iuran bagi nelayan tradisional sebaiknya ditanggung APBD.")
    assert response.status_code == 303
    number = (await Comment.first()).number  # type: ignore[union-attr]
    assert await SearchOutbox.filter(kind="comment").count() == 1
    await indexed(app)
    hits = (await client.get("/cari.json", params={"q": "nelayan tradisional"})).json()["results"]
    mine = [h for h in hits if h["type"] == "komentar"]
    assert mine
    assert mine[0]["number"] == number
    assert mine[0]["path"] == "pasal-6/ayat-1"


async def test_the_search_page_shows_results_facets_and_a_suggestion(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await setup_v2()
    await indexed(app)
    page = await client.get("/cari", params={"q": "iuran"})
    assert page.status_code == 200
    assert re.search(r"<mark[^>]*>iuran</mark>", page.text, re.IGNORECASE)
    assert 'href="/r/jamsos-ketenagakerjaan/v2/pasal-' in page.text
    typo = (await client.get("/cari.json", params={"q": "nelayaan"})).json()
    assert typo["total"] == 0
    assert typo["suggestion"] == "nelayan"


async def test_a_citation_goes_straight_to_the_provision(client: httpx.AsyncClient, app: Starlette) -> None:
    await setup_v2()
    await indexed(app)
    response = await client.get("/cari", params={"q": "psl 6 (1)"})
    assert response.status_code == 303
    assert response.headers["location"] == "/r/jamsos-ketenagakerjaan/v2/pasal-6/ayat-1"


async def test_reindex_rebuilds_everything_and_swaps(client: httpx.AsyncClient, app: Starlette) -> None:
    await setup_v2()
    await comment(client, THREAD, body="Ojek daring perlu dilindungi jaminan kecelakaan kerja.")
    count = await reindex(app.state.search)
    assert count > 100
    # the outbox is still applied afterwards (idempotent) and nothing is lost
    await indexed(app)
    hits = (await client.get("/cari.json", params={"q": "ojol"})).json()["results"]
    assert any(h["type"] == "komentar" for h in hits)  # ojol = ojek daring


async def test_phrases_operators_filters_and_every_version(client: httpx.AsyncClient, app: Starlette) -> None:
    await setup_v2()
    await comment(
        client, THREAD, body="Sanksi administratif bagi pemberi kerja harus bertahap.", category="pengusaha"
    )
    await indexed(app)

    async def total(**params: str) -> int:
        found = (await client.get("/cari.json", params=params)).json()
        assert "error" not in found or found.get("error") is None
        return int(found["total"])

    phrase = await total(q='"sanksi administratif"')
    assert 0 < phrase <= await total(q="sanksi administratif")
    assert await total(q="nelayan OR ojek") >= await total(q="nelayan")
    assert await total(q="nelayan NOT kecil") < await total(q="nelayan")
    assert await total(q="sanksi kategori:pengusaha") == 1
    only_pasal_6 = (await client.get("/cari.json", params={"q": "pasal:6"})).json()["results"]
    assert only_pasal_6
    assert all(r["path"].removeprefix("penjelasan/").split("/")[0] == "pasal-6" for r in only_pasal_6)
    # Every version: v1 is searched too, and the page says where the phrase is.
    assert await total(q='"sanksi administratif"', semua="1") > phrase
    page = await client.get("/cari", params={"q": '"sanksi administratif"', "semua": "1"})
    assert page.status_code == 200
    assert 'class="presence"' in page.text
    # A facet narrows the results.
    facets = (await client.get("/cari.json", params={"q": "iuran"})).json()["facets"]["jenis"]
    ayat = next(f for f in facets if f["value"] == "ayat")
    assert await total(q="iuran", jenis="ayat") == ayat["count"]
    # A broken query is named, not a server error.
    broken = await client.get("/cari", params={"q": '"sanksi'})
    assert broken.status_code == 200


async def test_hidden_and_redacted_comments_leave_the_public_index(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await setup_v2()
    await comment(client, THREAD, body="Pengawas ketenagakerjaan di Pandeglang kekurangan personel.")
    await indexed(app)
    moderator = await make_user("moderator@contoh.id", role="moderator")
    stored = await Comment.get(body__contains="Pandeglang")

    async def found() -> bool:
        hits = (await client.get("/cari.json", params={"q": "pandeglang"})).json()["results"]
        return any(h.get("number") == stored.number for h in hits)

    assert await found()
    await moderate(stored, "sembunyikan", "Menyebut nama orang.", moderator)
    await indexed(app)
    assert not await found()
    await moderate(stored, "tampilkan", "", moderator)
    await indexed(app)
    assert await found()
    await redact(stored, "Permintaan pemilik data.", moderator, settings)
    await indexed(app)
    assert not await found()


async def test_answers_are_searchable_and_lead_to_their_comment(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await setup_v2()
    await comment(client, THREAD, body="Mohon kejelasan jadwal pendaftaran nelayan.")
    drafter = await make_user("penyusun@contoh.id", role="penyusun")
    stored = await Comment.get(body__contains="jadwal pendaftaran")
    await answer(
        stored,
        Answer("diterima", "Jadwal pendaftaran diatur bertahap melalui Peraturan Gubernur."),
        drafter,
        settings,
        "jamsos-ketenagakerjaan",
    )
    await indexed(app)
    found = (await client.get("/cari.json", params={"q": "bertahap peraturan gubernur"})).json()["results"]
    answers = [r for r in found if r["type"] == "jawaban"]
    assert answers
    assert answers[0]["number"] == stored.number
    assert answers[0]["path"] == stored.path
    # and the comment itself is now marked answered (status filter)
    answered = (await client.get("/cari.json", params={"q": "jadwal status:dijawab"})).json()["results"]
    assert any(r.get("number") == stored.number and r["type"] == "komentar" for r in answered)


async def test_snippets_never_mark_the_words_of_an_excluded_phrase(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """``iuran NOT "hari ojek sanksi"``: a hit may contain "ojek" (without the phrase), but
    the snippet marks only what the query looked for, never a word it excluded."""
    await setup_v2()
    body = "Iuran pengemudi ojek daring perlu diatur dengan jelas oleh pemerintah daerah."
    assert (await comment(client, THREAD, body=body)).status_code == 303
    await indexed(app)
    for query in (
        'iuran NOT "hari ojek sanksi"',
        'iuran ANDNOT "hari ojek sanksi"',
        'NOT "hari ojek sanksi"',
    ):
        found = (
            await client.get("/cari.json", params={"q": query, "semua": "1", "jenis": "komentar"})
        ).json()
        assert found["total"] == 1, (query, found)  # the comment: it has "ojek", not the phrase
        snippets = " ".join(hit["snippet"] for hit in found["results"])
        assert not re.search(r"<mark[^>]*>ojek</mark>", snippets, re.IGNORECASE), (query, snippets)
        if query.startswith("iuran"):
            assert re.search(r"<mark[^>]*>iuran</mark>", snippets, re.IGNORECASE), query
