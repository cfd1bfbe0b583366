"""A comment a moderator hid shows nothing its writer typed — name, organisation,
proposed wording, attachment, text — in the thread's HTML and JSON, on its public
receipt line and in the public exports; only the public reason and the regency or city
(a choice from a list) remain."""

from __future__ import annotations

import httpx

from portal.consultation.models import Comment
from tests.accounts.helpers import csrf_of, make_user, sign_in
from tests.consultation.test_comments import THREAD, V2, comment, docx_bytes, setup_v2

TYPED = ("Budi Santoso", "Koperasi Nelayan Karangantu", "Rumusan pengganti yang diusulkan", "kertas.docx")


async def test_hiding_hides_everything_the_writer_typed(client: httpx.AsyncClient) -> None:
    await setup_v2()
    sent = await comment(
        client,
        name="Budi Santoso",
        show_name="1",
        organisation="Koperasi Nelayan Karangantu",
        replacement="Rumusan pengganti yang diusulkan",
        files={"attachment": ("kertas.docx", docx_bytes(), "x")},
    )
    assert sent.status_code == 303
    stored = await Comment.get()
    before = (await client.get(THREAD)).text
    assert all(typed in before for typed in TYPED)  # shown while published
    await make_user("moderator@banten.go.id", role="moderator")
    await sign_in(client, "moderator@banten.go.id")
    queue = await client.get("/moderasi")
    hide = await client.post(
        f"/moderasi/{stored.number}",
        data={"csrf_token": csrf_of(queue.text), "action": "sembunyikan", "reason": "Menyerang pribadi."},
    )
    assert hide.status_code == 303
    client.cookies.clear()  # the public from here on

    page = (await client.get(THREAD)).text
    assert "Menyerang pribadi." in page
    assert "Anggota masyarakat, Kota Serang" in page
    for typed in TYPED:
        assert typed not in page, typed

    data = (await client.get(f"{THREAD}.json")).json()["comments"][0]
    assert data["author"] == "Anggota masyarakat, Kota Serang"
    assert data["body"] is None
    assert data["replacement"] is None
    assert data["attachment"] is False
    assert "personal" not in data
    whole = (await client.get(f"{THREAD}.json")).text + (await client.get(f"{V2}/komentar.json")).text
    for typed in TYPED:
        assert typed not in whole, typed

    export = (await client.get(f"{V2}/komentar/ekspor.csv")).content.decode("utf-8-sig")
    export += (await client.get(f"{V2}/komentar/ekspor.json")).text
    assert stored.number in export
    assert "Menyerang pribadi." in export
    for typed in TYPED:
        assert typed not in export, typed
