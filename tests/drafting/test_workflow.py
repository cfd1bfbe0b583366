"""From a published version to the next one in the browser: draft, save, conflict,
correct the alignment, publish (through the real app and database)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from starlette.applications import Starlette

from portal.accounts.models import AuditEvent
from portal.drafting.models import AlignmentCorrection, DraftRevision, WorkingDraft
from portal.versions.models import AlignmentRow, Provision, Version
from portal.versions.services import import_text
from tests.accounts.helpers import csrf_of, make_user, sign_in

DRAFTS = Path(__file__).resolve().parents[2] / "drafts" / "jamsos-ketenagakerjaan"
SLUG = "jamsos-ketenagakerjaan"


def sample(name: str) -> str:
    return (DRAFTS / f"{name}.md").read_text(encoding="utf-8")


async def drafter(client: httpx.AsyncClient, email: str = "penyusun@banten.go.id") -> None:
    await make_user(email, role="penyusun")
    assert (await sign_in(client, email)).status_code == 303


async def post(client: httpx.AsyncClient, url: str, data: dict[str, str], **kwargs: object) -> httpx.Response:
    page = await client.get("/kelola")
    return await client.post(url, data={**data, "csrf_token": csrf_of(page.text)}, **kwargs)  # type: ignore[arg-type]


async def start_v3(client: httpx.AsyncClient) -> WorkingDraft:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    await drafter(client)
    v2 = await Version.get(versi="v2")
    response = await post(client, "/kelola/draf", {"dari": str(v2.id), "versi": "v3"})
    assert response.status_code == 303, response.text
    draft = await WorkingDraft.get(versi="v3")
    assert response.headers["location"] == f"/kelola/draf/{draft.id}"
    return draft


async def test_a_drafter_goes_from_v2_to_a_published_v3(client: httpx.AsyncClient, app: Starlette) -> None:
    draft = await start_v3(client)
    assert draft.source.startswith("---\n")
    assert 'versi: "v3"' in draft.source
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert page.status_code == 200
    assert "Penyelarasan dengan" in page.text  # the review of the alignment with v2

    # Save the real v3 text over the copy of v2.
    save = await post(
        client,
        f"/kelola/draf/{draft.id}/simpan",
        {"source": sample("v3"), "revision": "1", "note": "naskah v3"},
    )
    assert save.status_code == 303
    draft = await WorkingDraft.get(id=draft.id)
    assert draft.revision == 2
    assert draft.source == sample("v3")
    assert await DraftRevision.filter(draft_id=draft.id).count() == 2

    # The review shows v2 → v3; correct one pair of Pasal.
    review = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert review["valid"]
    assert review["previous"] == "v2"
    automatic = {(m["old"], m["new"]) for m in review["alignment"]}
    old, new = next(
        (m["old"], m["new"]) for m in review["alignment"]
        if m["kind"] == "renumbered" and m["old"] and m["old"].count("/") == 0 and m["old"].startswith("pasal-")
    )  # fmt: skip
    assert (old, new) in automatic
    number = int(new.removeprefix("pasal-"))
    other = f"pasal-{number + 1}"
    response = await post(
        client, f"/kelola/draf/{draft.id}/koreksi", {"lama": old, "baru": other, "catatan": "uji koreksi"}
    )
    assert response.status_code == 303, response.text
    correction = await AlignmentCorrection.get(draft_id=draft.id)
    assert (correction.old_path, correction.new_path) == (old, other)
    assert await AuditEvent.filter(action="alignment.correct", target=f"draft:{draft.id}").exists()
    review = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert any(m["old"] == old and m["new"] == other for m in review["alignment"])
    assert review["corrections"][0]["applied"] is True

    # Publish with a consultation window.
    response = await post(
        client,
        f"/kelola/draf/{draft.id}/terbitkan",
        {"buka": "2026-12-01", "tutup": "2027-01-31", "anonim": "1", "moderasi": "pra"},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/r/{SLUG}/v3"
    v3 = await Version.get(versi="v3").select_related("published_by")
    assert v3.published_by is not None
    assert v3.published_by.email == "penyusun@banten.go.id"
    assert (v3.konsultasi_buka.isoformat(), v3.konsultasi_tutup.isoformat()) == ("2026-12-01", "2027-01-31")  # type: ignore[union-attr]
    assert v3.moderasi == "pra"
    assert v3.anonim_boleh
    assert (await Version.get(versi="v2")).status == "superseded"
    assert (await WorkingDraft.get(id=draft.id)).status == "published"
    # The correction is in the stored alignment, and the lineage followed it.
    assert await AlignmentRow.filter(to_version_id=v3.id, old_path=old, new_path=other).exists()
    v2 = await Version.get(versi="v2")
    lineage = (await Provision.get(version_id=v2.id, path=old)).lineage
    assert (await Provision.get(version_id=v3.id, path=other)).lineage == lineage
    event = await AuditEvent.get(action="version.publish", target=f"version:{SLUG}/v3")
    assert event.details["corrections"] == [[old, other]]
    assert event.actor_id is not None  # type: ignore[attr-defined]

    page = await client.get(f"/r/{SLUG}/v3.json")
    assert page.json()["version"]["published_by"] == "Penyusun"
    assert page.json()["version"]["konsultasi"]["buka"] == "2026-12-01"
    # The published draft is closed: no more saves.
    again = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": sample("v3"), "revision": "2"})
    assert again.status_code == 400


async def test_two_saves_from_the_same_revision_make_a_conflict_page(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    first = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": sample("v3"), "revision": "1"})
    assert first.status_code == 303
    mine = sample("v3").replace("Pasal 1", "Pasal 1", 1) + "\n<!-- teks saya -->\n"
    second = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": mine, "revision": "1"})
    assert second.status_code == 409
    assert "teks saya" in second.text  # my text, kept
    assert "disimpan lebih dahulu" in second.text
    draft = await WorkingDraft.get(id=draft.id)
    assert draft.revision == 2
    assert "teks saya" not in draft.source


async def test_an_invalid_text_is_saved_but_not_published(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    broken = sample("v3").replace("##### Pasal 5\n", "##### Pasal lima\n", 1)
    save = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": broken, "revision": "1"})
    assert save.status_code == 303
    page = await client.get(f"/kelola/draf/{draft.id}")
    line = broken.splitlines().index("##### Pasal lima") + 1
    assert f"baris {line}" in page.text
    review = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert not review["valid"]
    assert review["problems"][0]["line"] == line
    publish = await post(
        client, f"/kelola/draf/{draft.id}/terbitkan", {"buka": "", "tutup": "", "moderasi": "pasca"}
    )
    assert publish.status_code == 400
    assert "belum sah" in publish.text
    assert not await Version.filter(versi="v3").exists()


async def test_a_refused_window_keeps_what_was_typed(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    response = await post(
        client,
        f"/kelola/draf/{draft.id}/terbitkan",
        {"buka": "2027-02-01", "tutup": "2027-01-01", "moderasi": "pasca", "anonim": "1"},
    )
    assert response.status_code == 400
    assert "Tanggal tutup harus sesudah tanggal buka" in response.text
    assert 'value="2027-02-01"' in response.text
    assert 'value="2027-01-01"' in response.text
    assert not await Version.filter(versi="v3").exists()


async def test_a_unit_correction_needs_its_pasal_aligned(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    response = await post(
        client, f"/kelola/draf/{draft.id}/koreksi", {"lama": "pasal-5/ayat-1", "baru": "pasal-6/ayat-1"}
    )
    assert response.status_code == 400
    assert "Koreksi pasangan Pasal-nya terlebih dahulu" in response.text
    assert not await AlignmentCorrection.filter(draft_id=draft.id).exists()
    mixed = await post(
        client, f"/kelola/draf/{draft.id}/koreksi", {"lama": "pasal-5", "baru": "pasal-6/ayat-1"}
    )
    assert mixed.status_code == 400
    assert "dari jenis yang sama" in mixed.text


async def test_upload_a_new_regulation_and_refuse_a_binary_file(client: httpx.AsyncClient) -> None:
    await drafter(client)
    token = csrf_of((await client.get("/kelola")).text)
    bad = await client.post(
        "/kelola/draf",
        data={"csrf_token": token, "source": ""},
        files={"berkas": ("v1.md", b"\xff\xfe\x00bukan teks", "text/markdown")},
    )
    assert bad.status_code == 400
    assert "berkas Markdown (.md) berkode UTF-8" in bad.text
    good = await client.post(
        "/kelola/draf",
        data={"csrf_token": token, "source": ""},
        files={"berkas": ("v2.md", sample("v2").encode(), "text/markdown")},
    )
    assert good.status_code == 303
    draft = await WorkingDraft.get(slug=SLUG, versi="v2")
    page = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert page["valid"]
    assert page["previous"] is None
    published = await post(client, f"/kelola/draf/{draft.id}/terbitkan", {"moderasi": "pasca", "anonim": "1"})
    assert published.status_code == 303
    assert (await Version.get(versi="v2")).konsultasi_buka is not None  # from the front matter
    # The same versi again is refused, with the text kept.
    again = await post(client, "/kelola/draf", {"source": sample("v2")})
    assert again.status_code == 400
    assert "sudah terbit" in again.text
    assert re.search(r"<textarea[^>]*>---\nslug: jamsos", again.text)


async def test_the_public_cannot_reach_working_drafts(client: httpx.AsyncClient) -> None:
    await WorkingDraft.create(slug=SLUG, versi="v9", source="---\n")
    assert (await client.get("/kelola/draf/1")).headers["location"].startswith("/masuk")
    await make_user("warga@contoh.id", role="pemangku")
    await sign_in(client, "warga@contoh.id")
    assert (await client.get("/kelola")).status_code == 403
    assert (await client.get("/kelola/draf/1.json")).status_code == 403


async def test_a_worker_notices_a_version_published_elsewhere(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await import_text(sample("v1"))
    app.state.versions.revalidate = 0.0
    first = await client.get(f"/r/{SLUG}/v1")
    assert "telah digantikan" not in first.text
    await import_text(sample("v2"))  # as if another worker (or the CLI) published it
    second = await client.get(f"/r/{SLUG}/v1", headers={"if-none-match": first.headers["etag"]})
    assert second.status_code == 200
    assert "telah digantikan" in second.text


async def test_the_draft_page_shows_the_linter_findings(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    clean = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert clean["findings"] == []
    assert "Tidak ada temuan" in (await client.get(f"/kelola/draf/{draft.id}")).text
    sloppy = sample("v3").replace("paling lama", "selambat-lambatnya", 1)
    save = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": sloppy, "revision": "1"})
    assert save.status_code == 303
    findings = (await client.get(f"/kelola/draf/{draft.id}.json")).json()["findings"]
    assert [f["code"] for f in findings] == ["L1"]
    assert findings[0]["line"] == next(
        k for k, line in enumerate(sloppy.splitlines(), start=1) if "selambat-lambatnya" in line
    )
    page = (await client.get(f"/kelola/draf/{draft.id}")).text
    assert "Teknik penyusunan (1)" in page
    assert "selambat-lambatnya" in page


async def test_saves_can_be_compared_and_an_earlier_one_restored(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    changed = sample("v3").replace("paling lama", "paling singkat", 1)
    assert (
        await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": changed, "revision": "1"})
    ).status_code == 303
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert f"/kelola/draf/{draft.id}/banding?dari=1&amp;ke=2" in page.text
    diff = await client.get(f"/kelola/draf/{draft.id}/banding", params={"dari": "1", "ke": "2"})
    assert diff.status_code == 200
    assert "<del>lama </del><ins>singkat </ins>" in diff.text
    assert "baris tidak berubah" in diff.text  # a long text: the unchanged stretches are folded
    assert "Pasal 1\n" not in diff.text
    whole = await client.get(f"/kelola/draf/{draft.id}/banding", params={"dari": "1", "ke": "2", "utuh": "1"})
    assert "baris tidak berubah" not in whole.text
    assert "Pasal 1\n" in whole.text
    assert (await client.get(f"/kelola/draf/{draft.id}/banding", params={"dari": "9"})).status_code == 404
    restored = await post(client, f"/kelola/draf/{draft.id}/pulihkan", {"revisi": "1", "revision": "2"})
    assert restored.status_code == 303
    draft = await WorkingDraft.get(id=draft.id)
    assert draft.revision == 3
    first = await DraftRevision.get(draft_id=draft.id, revision=1)
    assert draft.source == first.source
    latest = await DraftRevision.get(draft_id=draft.id, revision=3)
    assert latest.note == "Dipulihkan dari revisi 1"
    # Restoring from a stale page is a conflict, not an overwrite.
    stale = await post(client, f"/kelola/draf/{draft.id}/pulihkan", {"revisi": "2", "revision": "2"})
    assert stale.status_code == 409
    assert (await WorkingDraft.get(id=draft.id)).revision == 3
