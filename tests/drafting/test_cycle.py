"""The drafter's cycle (#16): versions in the order of publication, earlier consultation
windows closed (or kept) by a publication, label and date asked at publication, discarding
a draft that does not parse. Through the real app and database."""

from __future__ import annotations

import datetime as dt

import httpx

from portal.accounts.models import AuditEvent
from portal.consultation.services import today, window_state
from portal.drafting.models import WorkingDraft
from portal.versions.models import Version
from portal.versions.services import import_text
from tests.drafting.test_workflow import SLUG, drafter, post, sample


def v2_open_today() -> str:
    """The sample v2 with a consultation window open today."""
    on = today()
    window = f"konsultasi: {{buka: {on - dt.timedelta(days=10)}, tutup: {on + dt.timedelta(days=30)}}}"
    text = sample("v2").replace("konsultasi: {buka: 2026-10-12, tutup: 2027-01-15}", window)
    assert window in text
    return text


async def start(client: httpx.AsyncClient, versi: str, source: str | None = None) -> WorkingDraft:
    """A draft of ``versi`` continuing the latest version; ``source`` saved over it."""
    latest = await Version.all().order_by("-sequence").first()
    assert latest is not None
    response = await post(client, "/kelola/draf", {"dari": str(latest.id), "versi": versi})
    assert response.status_code == 303, response.text
    draft = await WorkingDraft.get(versi=versi)
    if source is not None:
        saved = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": source, "revision": "1"})
        assert saved.status_code == 303, saved.text
    return await WorkingDraft.get(id=draft.id)


async def test_a_version_started_today_from_v3_comes_after_it(client: httpx.AsyncClient) -> None:
    # The sample v3 is dated 2027-02-01: a v4 dated today still follows it.
    for name in ("v1", "v2", "v3"):
        await import_text(sample(name))
    await drafter(client)
    draft = await start(client, "v4")
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert "Melanjutkan" in page.text
    assert f"/r/{SLUG}/v3" in page.text
    review = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert review["previous"] == "v3"
    # The form asks for the label and the date (today), and warns about the earlier date.
    assert 'name="label"' in page.text
    assert f'value="{today().isoformat()}"' in page.text
    assert "Tanggal ini lebih awal daripada tanggal versi terakhir" in page.text

    published = await post(
        client, f"/kelola/draf/{draft.id}/terbitkan",
        {"moderasi": "pasca", "anonim": "1", "label": "Draf Uji Publik III", "tanggal": today().isoformat()},
    )  # fmt: skip
    assert published.status_code == 303, published.text  # warned, not refused
    v4 = await Version.get(versi="v4").select_related("previous")
    assert (v4.sequence, v4.status, v4.label, v4.tanggal) == (4, "published", "Draf Uji Publik III", today())
    assert v4.previous is not None
    assert v4.previous.versi == "v3"
    assert "label: Draf Uji Publik III" in v4.source
    statuses = dict(await Version.all().values_list("versi", "status"))
    assert statuses == {"v1": "superseded", "v2": "superseded", "v3": "superseded", "v4": "published"}

    regulation = (await client.get(f"/r/{SLUG}.json")).json()
    assert [v["versi"] for v in regulation["versions"]] == ["v1", "v2", "v3", "v4"]
    assert [v["sequence"] for v in regulation["versions"]] == [1, 2, 3, 4]
    v3_page = await client.get(f"/r/{SLUG}/v3")
    assert f"/r/{SLUG}/v4" in v3_page.text
    assert "superseded" in v3_page.text
    v4_page = await client.get(f"/r/{SLUG}/v4")
    assert f"/r/{SLUG}/banding/v3..v4" in v4_page.text
    default = await client.get(f"/r/{SLUG}/banding")
    assert default.headers["location"].endswith("/banding/v3..v4")


async def test_a_next_version_continues_the_latest_one(client: httpx.AsyncClient) -> None:
    for name in ("v1", "v2", "v3"):
        await import_text(sample(name))
    await drafter(client)
    v2 = await Version.get(versi="v2")
    response = await post(client, "/kelola/draf", {"dari": str(v2.id), "versi": "v4"})
    assert response.status_code == 400
    assert "melanjutkan versi terakhir" in response.text
    assert not await WorkingDraft.filter(versi="v4").exists()
    page = await client.get("/kelola")
    assert f'value="{v2.id}"' not in page.text  # only each regulation's latest version is offered


async def test_publishing_closes_the_earlier_open_windows(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(v2_open_today())
    await drafter(client)
    draft = await start(client, "v3", sample("v3"))
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert "Penerbitan menutup masa konsultasi versi sebelumnya" in page.text
    assert 'name="pertahankan"' in page.text
    assert window_state(await Version.get(versi="v2")) == "buka"

    published = await post(client, f"/kelola/draf/{draft.id}/terbitkan", {"moderasi": "pasca", "anonim": "1"})
    assert published.status_code == 303, published.text
    v2 = await Version.get(versi="v2")
    assert window_state(v2) == "tutup"
    assert v2.konsultasi_tutup == today() - dt.timedelta(days=1)
    v3 = await Version.get(versi="v3")
    assert v3.earlier_windows == {"closed": ["v2"]}
    event = await AuditEvent.get(action="version.publish", target=f"version:{SLUG}/v3")
    assert event.details["windows"] == {"closed": ["v2"]}

    v2_page = await client.get(f"/r/{SLUG}/v2")
    assert "Konsultasi ditutup karena versi v3 terbit" in v2_page.text
    assert (await client.get(f"/r/{SLUG}/v2.json")).json()["version"]["closed_by"] == "v3"
    v3_page = await client.get(f"/r/{SLUG}/v3")
    assert "Terbitnya versi ini menutup konsultasi versi: v2." in v3_page.text


async def test_the_drafter_may_keep_earlier_windows_open(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(v2_open_today())
    before = await Version.get(versi="v2")
    await drafter(client)
    draft = await start(client, "v3", sample("v3"))
    published = await post(
        client, f"/kelola/draf/{draft.id}/terbitkan", {"moderasi": "pasca", "anonim": "1", "pertahankan": "1"}
    )
    assert published.status_code == 303, published.text
    v2 = await Version.get(versi="v2")
    assert (v2.konsultasi_buka, v2.konsultasi_tutup) == (before.konsultasi_buka, before.konsultasi_tutup)
    assert window_state(v2) == "buka"
    assert (await Version.get(versi="v3")).earlier_windows == {"kept": ["v2"]}
    v3_page = await client.get(f"/r/{SLUG}/v3")
    assert "Konsultasi versi v2 tetap dibuka ketika versi ini terbit." in v3_page.text
    assert "Konsultasi ditutup karena" not in (await client.get(f"/r/{SLUG}/v2")).text


async def test_a_bad_publication_date_keeps_what_was_typed(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    await drafter(client)
    draft = await start(client, "v3", sample("v3"))
    response = await post(
        client, f"/kelola/draf/{draft.id}/terbitkan",
        {"moderasi": "pasca", "label": "Draf Uji Publik II (revisi)", "tanggal": "2026-13-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Tanggal tidak sah" in response.text
    assert 'value="Draf Uji Publik II (revisi)"' in response.text
    assert 'value="2026-13-01"' in response.text
    assert not await Version.filter(versi="v3").exists()


async def test_a_draft_that_does_not_parse_can_be_discarded(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    await drafter(client)
    broken = sample("v3").replace("##### Pasal 5\n", "##### Pasal lima\n", 1)
    draft = await start(client, "v3", broken)
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert "Pasal lima" in page.text  # the problem is listed
    assert f'action="/kelola/draf/{draft.id}/buang"' in page.text
    assert f'<a href="/r/{SLUG}/v2">' in page.text  # the version it continues
    assert (await client.get(f"/kelola/draf/{draft.id}.json")).json()["previous"] == "v2"
    discarded = await post(client, f"/kelola/draf/{draft.id}/buang", {})
    assert discarded.status_code == 303
    assert (await WorkingDraft.get(id=draft.id)).status == "discarded"
    assert await AuditEvent.filter(action="draft.discard", target=f"draft:{draft.id}").exists()
