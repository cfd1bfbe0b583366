"""The drafters' answer queue (#16): it opens on the version with comments waiting, and an
answer points to a provision chosen from a list (the typed path still accepted)."""

from __future__ import annotations

import re

import httpx

from portal.consultation.models import Comment, Response
from portal.versions.models import Provision, Version
from portal.versions.services import import_text
from tests.accounts.helpers import csrf_of, make_user, sign_in
from tests.consultation.test_comments import PATH, comment, sample, setup_v2


async def commented_then_v3(client: httpx.AsyncClient) -> Comment:
    """A comment on v2's Pasal 6 ayat (1), then v3 published (with nothing waiting on it)."""
    await setup_v2()
    assert (await comment(client)).status_code == 303
    await import_text(sample("v3"))
    await make_user("penyusun@banten.go.id", role="penyusun")
    await sign_in(client, "penyusun@banten.go.id")
    return await Comment.get()


async def test_the_queue_opens_on_the_version_with_comments_waiting(client: httpx.AsyncClient) -> None:
    waiting = await commented_then_v3(client)
    v2, v3 = await Version.get(versi="v2"), await Version.get(versi="v3")
    queue = await client.get("/kelola/komentar")
    assert queue.status_code == 200
    assert re.search(rf'<option value="{v2.id}" selected>', queue.text)
    assert waiting.number in queue.text
    chosen = await client.get(f"/kelola/komentar?versi={v3.id}")  # the choice is still the drafter's
    assert re.search(rf'<option value="{v3.id}" selected>', chosen.text)
    assert waiting.number not in chosen.text


async def test_an_answer_chooses_its_provision_from_a_list(client: httpx.AsyncClient) -> None:
    waiting = await commented_then_v3(client)
    v3 = await Version.get(versi="v3")
    lineage = (await Provision.get(version__versi="v2", path=PATH)).lineage
    follows = await Provision.get(version_id=v3.id, lineage=lineage)
    form = await client.get(f"/kelola/komentar/{waiting.number}")
    assert '<select id="ketentuan" name="ketentuan">' in form.text
    assert 'name="new_path"' not in form.text
    # Readable names, and the provision the commented one became in v3 chosen already.
    assert '<option value="v3/pasal-6">v3 · Pasal 6</option>' in form.text
    assert f'<option value="v3/{follows.path}" selected>' in form.text

    data = {"csrf_token": csrf_of(form.text), "disposition": "diterima", "reason": "Rumusan diubah."}
    refused = await client.post(
        f"/kelola/komentar/{waiting.number}", data={**data, "ketentuan": "v3/pasal-999"}
    )
    assert refused.status_code == 400
    assert "Pilih ketentuan dari daftar." in refused.text
    assert "Rumusan diubah." in refused.text  # what was typed is kept
    assert not await Response.exists()

    answered = await client.post(
        f"/kelola/komentar/{waiting.number}", data={**data, "ketentuan": f"v3/{follows.path}"}
    )
    assert answered.status_code == 303
    response = await Response.get()
    assert (response.new_versi, response.new_path) == ("v3", follows.path)


async def test_the_typed_version_and_path_are_still_accepted(client: httpx.AsyncClient) -> None:
    waiting = await commented_then_v3(client)
    form = await client.get(f"/kelola/komentar/{waiting.number}")
    answered = await client.post(
        f"/kelola/komentar/{waiting.number}",
        data={
            "csrf_token": csrf_of(form.text), "disposition": "ditolak", "reason": "Tidak sesuai kewenangan.",
            "new_versi": "v3", "new_path": "pasal-7",
        },
    )  # fmt: skip
    assert answered.status_code == 303
    response = await Response.get()
    assert (response.new_versi, response.new_path) == ("v3", "pasal-7")


async def test_several_comments_on_one_provision_give_one_anchor(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert (await comment(client)).status_code == 303
    assert (
        await comment(client, body="Pekerja ojek daring perlu didaftarkan oleh aplikatornya.")
    ).status_code == 303
    await make_user("penyusun@banten.go.id", role="penyusun")
    await sign_in(client, "penyusun@banten.go.id")
    queue = await client.get("/kelola/komentar")
    assert queue.text.count(f'id="p-{PATH}"') == 1  # an id names one element
    assert f'href="#p-{PATH}"' in queue.text
    assert len(re.findall(r"/kelola/komentar/[A-Z]+-\d{4}-\d{6}", queue.text)) == 2
