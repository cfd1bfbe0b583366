"""Editing a working draft part by part and from its outline, through the real app."""

from __future__ import annotations

import httpx

from portal.document import parse
from portal.drafting.models import DraftRevision, WorkingDraft
from tests.drafting.test_workflow import post, sample, start_v3


async def saved_v3(client: httpx.AsyncClient) -> WorkingDraft:
    draft = await start_v3(client)
    response = await post(
        client, f"/kelola/draf/{draft.id}/simpan", {"source": sample("v3"), "revision": "1"}
    )
    assert response.status_code == 303
    return await WorkingDraft.get(id=draft.id)


async def test_a_pasal_is_edited_in_its_own_form_with_a_preview(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/sunting"
    listing = await client.get(url)
    assert listing.status_code == 200
    assert f'href="{url}?bagian=pasal-5"' in listing.text
    assert f'href="{url}?bagian=menimbang"' in listing.text
    form = await client.get(url, params={"bagian": "pasal-5"})
    assert form.status_code == 200
    pasal = parse(draft.source).index()["pasal-5"]
    first = pasal.children[0]
    assert f"{first.marker} {first.text}" in form.text  # the Pasal's own text, in the field
    assert "##### Pasal 5" not in form.text  # the heading is not in the field
    assert (await client.get(url, params={"bagian": "pasal-999"})).status_code == 404

    body = "(1) Setiap Pekerja di Daerah wajib menjadi Peserta program jaminan sosial.\n\n(2) Cukup diatur di sini."
    preview = await post(
        client,
        url,
        {"bagian": "pasal-5", "revision": "2", "isi": body, "penjelasan": "", "aksi": "pratinjau"},
    )
    assert preview.status_code == 200
    assert "Pratinjau teks Anda (belum disimpan)" in preview.text
    assert 'id="pasal-5/ayat-2"' in preview.text  # the structured preview of the new text
    assert "Cukup diatur di sini." in preview.text
    assert (await WorkingDraft.get(id=draft.id)).revision == 2  # a preview saves nothing

    saved = await post(
        client, url,
        {"bagian": "pasal-5", "revision": "2", "isi": body, "penjelasan": "Ayat (1)\nCukup jelas.", "aksi": "simpan"},
    )  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}?bagian=pasal-5&disimpan=1"
    draft = await WorkingDraft.get(id=draft.id)
    assert draft.revision == 3
    revision = await DraftRevision.get(draft_id=draft.id, revision=3)
    assert revision.note == "Pasal 5 disunting"
    document, before = parse(draft.source), parse(sample("v3"))
    assert document.index()["pasal-5/ayat-2"].text == "Cukup diatur di sini."
    assert [n.path for n in document.index()["penjelasan/pasal-5"].children] == ["penjelasan/pasal-5/ayat-1"]
    # Every other Pasal is exactly as it was.
    assert [p for p in document.pasal() if p.number != "5"] == [p for p in before.pasal() if p.number != "5"]
    again = await client.get(f"{url}?bagian=pasal-5&disimpan=1")
    assert "Tersimpan." in again.text


async def test_a_broken_part_is_shown_with_its_problems_and_kept(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/sunting"
    typed = "(1) Ayat pertama.\n\n## Menimbang\n\na. bahwa ini salah tempat;"
    response = await post(
        client,
        url,
        {"bagian": "pasal-3", "revision": "2", "isi": typed, "penjelasan": "", "aksi": "pratinjau"},
    )
    assert response.status_code == 200
    assert "Draf tidak akan sah dengan teks ini" in response.text
    assert "baris 3 kolom ini" in response.text  # the heading's line, counted in the field
    assert "## Menimbang\n\na. bahwa ini salah tempat;</textarea>" in response.text  # nothing typed is lost


async def test_the_menimbang_and_the_penjelasan_umum_have_forms(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/sunting"
    menimbang = parse(draft.source).index()["menimbang"]
    form = await client.get(url, params={"bagian": "menimbang"})
    assert menimbang.children[0].text in form.text
    part = "a. bahwa pekerja berhak atas jaminan sosial;\n\nb. bahwa perlu menetapkan Peraturan Daerah;"
    saved = await post(client, url, {"bagian": "menimbang", "revision": "2", "isi": part, "aksi": "simpan"})
    assert saved.status_code == 303
    draft = await WorkingDraft.get(id=draft.id)
    assert [n.text for n in parse(draft.source).index()["menimbang"].children] == [
        "bahwa pekerja berhak atas jaminan sosial;",
        "bahwa perlu menetapkan Peraturan Daerah;",
    ]
    umum = await client.get(url, params={"bagian": "penjelasan-umum"})
    assert umum.status_code == 200
    assert "Penjelasan Umum" in umum.text


async def test_a_stale_part_save_gets_the_conflict_page(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/sunting"
    first = await post(
        client, url, {"bagian": "pasal-4", "revision": "2", "isi": "(1) Versi A.", "aksi": "simpan"}
    )
    assert first.status_code == 303
    second = await post(
        client, url, {"bagian": "pasal-4", "revision": "2", "isi": "(1) Versi B.", "aksi": "simpan"}
    )
    assert second.status_code == 409
    assert "(1) Versi B." in second.text  # my text, not lost
    draft = await WorkingDraft.get(id=draft.id)
    assert draft.revision == 3
    assert "(1) Versi A." in draft.source
    assert "Versi B" not in draft.source


async def test_moving_a_pasal_is_confirmed_then_saved(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/kerangka"
    page = await client.get(url)
    assert page.status_code == 200
    assert "Struktur revisi 2" in page.text
    assert f'href="{url}?pindah=pasal-8#pindah"' in page.text
    form = await client.get(url, params={"pindah": "pasal-8"})
    assert 'name="sasaran" value="pasal-8"' in form.text
    assert '<option value="setelah:pasal-10">' in form.text

    operation = {
        "revision": "2",
        "aksi": "pindah",
        "jenis": "pasal",
        "sasaran": "pasal-8",
        "posisi": "setelah:pasal-10",
    }
    check = await post(client, url, operation)
    assert check.status_code == 200
    assert "Periksa perubahan" in check.text
    assert "Pasal 8 dipindahkan dan menjadi Pasal 10" in check.text
    assert "<del>Pasal 8 ayat (2) huruf a</del>" in check.text  # the references to it, rewritten
    assert "<ins>Pasal 10 ayat (2) huruf a</ins>" in check.text
    assert (await WorkingDraft.get(id=draft.id)).revision == 2  # nothing saved yet

    done = await post(client, url, {**operation, "konfirmasi": "1"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?disimpan=1"
    draft = await WorkingDraft.get(id=draft.id)
    assert draft.revision == 3
    assert (
        await DraftRevision.get(draft_id=draft.id, revision=3)
    ).note == "Pasal 8 dipindahkan menjadi Pasal 10"
    before, after = parse(sample("v3")).index(), parse(draft.source).index()
    assert after["pasal-10"].children[0].text == before["pasal-8"].children[0].text
    numbers = [n.number for n in parse(draft.source).pasal()]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]

    stale = await post(client, url, {**operation, "konfirmasi": "1"})  # the same page again
    assert stale.status_code == 409
    assert (await WorkingDraft.get(id=draft.id)).revision == 3


async def test_outline_insert_and_delete_with_what_to_check(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/kerangka"
    empty = await post(
        client,
        url,
        {"revision": "2", "aksi": "sisip", "jenis": "pasal", "posisi": "setelah:pasal-2", "isi": " "},
    )
    assert empty.status_code == 400
    assert "Tuliskan teks Pasal baru." in empty.text
    title = await post(
        client, url, {"revision": "2", "aksi": "sisip", "jenis": "bab", "posisi": "awal:", "judul": ""}
    )
    assert title.status_code == 400
    inserted = {
        "revision": "2", "aksi": "sisip", "jenis": "pasal", "posisi": "setelah:pasal-2",
        "isi": "(1) Pasal sisipan yang merujuk Pasal 8 ayat (2).\n\n(2) Baris kedua.",
    }  # fmt: skip
    check = await post(client, url, inserted)
    assert check.status_code == 200
    assert "Pasal 3 disisipkan" in check.text
    assert "(1) Pasal sisipan yang merujuk Pasal 8 ayat (2)." in check.text  # carried in the confirm form
    done = await post(client, url, {**inserted, "konfirmasi": "1"})
    assert done.status_code == 303
    draft = await WorkingDraft.get(id=draft.id)
    assert (
        parse(draft.source).index()["pasal-3/ayat-1"].text == "Pasal sisipan yang merujuk Pasal 9 ayat (2)."
    )

    deleted = {"revision": "3", "aksi": "hapus", "jenis": "pasal", "sasaran": "pasal-9"}
    check = await post(client, url, deleted)
    assert check.status_code == 200
    assert "Pasal 9 dihapus, bersama Penjelasannya" in check.text
    assert "menunjuk ketentuan yang dihapus" in check.text  # "Pasal 9 ayat (2) …" elsewhere
    assert "[dihapus: Pasal 9 ayat (2) huruf a]" in check.text
    assert "R1" in check.text  # and the linter's new finding about it
    assert "R2" not in check.text  # findings it had before are not repeated
    assert "B4" not in check.text  # the marker's old number is not read as a number
    assert (await post(client, url, {**deleted, "konfirmasi": "1"})).status_code == 303
    assert (await WorkingDraft.get(id=draft.id)).revision == 4
    bad = await post(
        client,
        url,
        {"revision": "4", "aksi": "pindah", "jenis": "pasal", "sasaran": "pasal-2", "posisi": "awal:"},
    )
    assert bad.status_code == 400
    assert "Tidak dapat ditempatkan di sana" in bad.text


async def test_the_outline_waits_for_a_valid_text(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    broken = sample("v3").replace("##### Pasal 3\n", "##### Pasal 30\n", 1)
    assert (
        await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": broken, "revision": "2"})
    ).status_code == 303
    page = await client.get(f"/kelola/draf/{draft.id}/kerangka")
    assert page.status_code == 200
    assert "Kerangka dapat diubah setelah teksnya sah" in page.text
    refused = await post(
        client,
        f"/kelola/draf/{draft.id}/kerangka",
        {"revision": "3", "aksi": "hapus", "jenis": "pasal", "sasaran": "pasal-1"},
    )
    assert refused.status_code == 400
    # One part at a time still works on a text that does not parse.
    assert (
        await client.get(f"/kelola/draf/{draft.id}/sunting", params={"bagian": "pasal-30"})
    ).status_code == 200


async def test_the_whole_text_can_be_previewed_without_saving(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    typed = sample("v3").replace("paling lama", "paling lambat-uji", 1)
    response = await post(
        client, f"/kelola/draf/{draft.id}/simpan", {"source": typed, "revision": "2", "aksi": "pratinjau"}
    )
    assert response.status_code == 200
    assert "Pratinjau teks Anda (belum disimpan)" in response.text
    assert 'id="pasal-1/angka-1"' in response.text  # the structured preview of the whole text
    assert "paling lambat-uji" in response.text
    assert 'name="revision" value="2"' in response.text  # still based on the revision it came from
    assert (await WorkingDraft.get(id=draft.id)).revision == 2
    assert "paling lambat-uji" not in (await WorkingDraft.get(id=draft.id)).source
    # A preview from an old revision keeps that base: saving it later is a conflict, not an overwrite.
    assert (
        await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": typed, "revision": "2"})
    ).status_code == 303
    old = await post(
        client, f"/kelola/draf/{draft.id}/simpan", {"source": typed, "revision": "2", "aksi": "pratinjau"}
    )
    assert 'name="revision" value="2"' in old.text
    assert (
        await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": typed + "\n", "revision": "2"})
    ).status_code == 409


async def test_a_part_refuses_a_heading_and_says_nothing_changed(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    url = f"/kelola/draf/{draft.id}/sunting"
    typed = "(1) Ayat.\n\n##### Pasal 99\n\n(1) Pasal lain."
    refused = await post(client, url, {"bagian": "pasal-4", "revision": "2", "isi": typed, "aksi": "simpan"})
    assert refused.status_code == 400
    assert "Judul atau baris &#39;:::&#39; tidak dapat berada dalam teks ini" in refused.text
    assert "##### Pasal 99" in refused.text  # kept
    assert (await WorkingDraft.get(id=draft.id)).revision == 2
    part = (await client.get(url, params={"bagian": "pasal-4"})).text
    body = part.split('name="isi"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    import html

    same = await post(
        client, url, {"bagian": "pasal-4", "revision": "2", "isi": html.unescape(body), "aksi": "simpan"}
    )
    assert same.status_code == 303
    assert same.headers["location"].endswith("&tetap=1")
    assert (await WorkingDraft.get(id=draft.id)).revision == 2  # no empty revision
    assert "Tidak ada perubahan" in (await client.get(same.headers["location"])).text


async def test_a_closed_draft_is_read_not_changed(client: httpx.AsyncClient) -> None:
    draft = await saved_v3(client)
    await WorkingDraft.filter(id=draft.id).update(status="discarded")
    url = f"/kelola/draf/{draft.id}/sunting"
    refused = await post(
        client, url, {"bagian": "pasal-4", "revision": "2", "isi": "(1) Baru.", "aksi": "simpan"}
    )
    assert refused.status_code == 400
    assert "Draf ini sudah tidak terbuka" in refused.text
