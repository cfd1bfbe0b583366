"""A signed-in person sees who they are in the header, their comments with their
statuses on /akun (paginated), and /lacak filled in with their address."""

from __future__ import annotations

import re

import httpx

from portal.accounts.views import COMMENTS_PER_PAGE
from portal.consultation.models import Comment
from tests.accounts.helpers import make_user, sign_in
from tests.consultation.test_comments import comment, setup_v2


async def test_the_header_names_who_is_signed_in(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert 'class="account-link">Akun</a>' in (await client.get("/lacak")).text
    await make_user("siti@contoh.id")
    await sign_in(client, "siti@contoh.id")
    for path in ("/akun", "/lacak", "/r/jamsos-ketenagakerjaan/v2/komentar"):
        page = (await client.get(path)).text
        assert re.search(r'<a href="/akun" class="account-link" title="Masuk sebagai Siti">Siti</a>', page), (
            path
        )


async def test_own_comments_with_statuses_paginated(client: httpx.AsyncClient) -> None:
    await setup_v2()
    user = await make_user("siti@contoh.id")
    await sign_in(client, "siti@contoh.id")
    assert "Anda belum mengirim komentar" in (await client.get("/akun")).text
    sent = await comment(client, body="Komentar pertama saya.")
    assert sent.status_code == 303, sent.text[:300]
    first = await Comment.get(author_id=user.id)
    # More than a page of them (written directly: the rate limit is not what is tested).
    fields = {
        k: getattr(first, k)
        for k in ("version_id", "path", "lineage", "wording", "category", "email", "ip_hash", "created_at")
    }
    for k in range(COMMENTS_PER_PAGE + 2):
        await Comment.create(
            **fields, author_id=user.id, body=f"Komentar {k}.", position="mendukung",
            number=f"JSK-2026-9{k:05d}", status="disembunyikan" if k == 0 else "terbit",
            submission_key=f"kunci-{k}", receipt_hash=f"h{k}",
        )  # fmt: skip
    await Comment.create(
        **{**fields, "email": "lain@contoh.id"}, body="Bukan milik Siti.", position="menolak",
        number="JSK-2026-800000", submission_key="lain", receipt_hash="lain",
    )  # fmt: skip
    page1 = (await client.get("/akun")).text
    assert page1.count('<a href="/tanda-terima/') == COMMENTS_PER_PAGE
    assert "JSK-2026-800000" not in page1
    assert 'href="/akun?halaman=2#komentar"' in page1
    assert "terbit" in page1
    assert "Halaman 1 dari 2" in page1
    page2 = (await client.get("/akun?halaman=2")).text
    assert page2.count('<a href="/tanda-terima/') == 3
    assert first.number in page2
    assert "JSK-2026-900000" in page2
    assert "disembunyikan" in page2
    receipt = await client.get(f"/tanda-terima/{first.number}")  # the owner's link works without a key
    assert receipt.status_code == 200


async def test_lookup_is_filled_in_for_a_signed_in_person(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert 'id="email" name="email" type="email" value=""' in (await client.get("/lacak")).text
    await make_user("siti@contoh.id")
    await sign_in(client, "siti@contoh.id")
    assert 'id="email" name="email" type="email" value="siti@contoh.id"' in (await client.get("/lacak")).text
