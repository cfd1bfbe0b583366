"""Issue #14 on the consultation: no one passes for a verified stakeholder, `/lacak` is
no oracle, comments carry no images, redaction is complete and final."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from portal.accounts.models import User
from portal.config import Settings
from portal.consultation.models import Comment
from portal.consultation.services import _lookup_token_valid, lookup_token
from portal.mail.models import MailMessage
from portal.mail.outbox import deliver_pending
from tests.accounts.helpers import csrf_of, make_user, sign_in
from tests.consultation.test_comments import THREAD, V2, comment, setup_v2

pytestmark = pytest.mark.db

SPOOF = "BPJS\u200b Ketenagakerjaan\u202e Kanwil\u2066 Banten\u200d"


async def verified_bpjs(client: httpx.AsyncClient) -> User:
    user = await make_user("kanwil@bpjsketenagakerjaan.go.id")
    await User.filter(id=user.id).update(
        role="pemangku", organisation="BPJS Ketenagakerjaan Kanwil Banten", category="bpjs"
    )
    await sign_in(client, "kanwil@bpjsketenagakerjaan.go.id")
    return await User.get(id=user.id)


async def test_a_verified_stakeholder_is_told_apart_from_one_who_says_so(client: httpx.AsyncClient) -> None:
    await setup_v2()
    await verified_bpjs(client)
    # The verified account's category and organisation are the verified ones, whatever the form says.
    assert (await comment(client, category="lainnya", organisation="Siapa saja")).status_code == 303
    client.cookies.clear()
    spoof = await comment(
        client, email="palsu@contoh.id", category="bpjs", organisation=SPOOF, name=f"Humas\u200b {SPOOF}",
        show_name="1",
    )  # fmt: skip
    assert spoof.status_code == 303
    real, fake = await Comment.all().order_by("id")
    assert (real.verified, real.category, real.organisation) == (
        True,
        "bpjs",
        "BPJS Ketenagakerjaan Kanwil Banten",
    )
    assert (fake.verified, fake.category) == (False, "bpjs")
    assert fake.organisation == "BPJS Ketenagakerjaan Kanwil Banten"  # no format characters kept
    assert fake.name == "Humas BPJS Ketenagakerjaan Kanwil Banten"
    assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", fake.organisation + fake.name)

    page = (await client.get(THREAD)).text
    assert page.count("Terverifikasi: BPJS Ketenagakerjaan") == 1
    assert "BPJS Ketenagakerjaan (dinyatakan sendiri)" in page
    assert "BPJS Ketenagakerjaan Kanwil Banten (dinyatakan sendiri)" in page  # the signature too

    data = (await client.get(f"{THREAD}.json")).json()
    assert [c["verified"] for c in data["comments"]] == [True, False]
    assert "(dinyatakan sendiri)" in data["comments"][1]["author"]

    rows = list(
        csv.DictReader(
            io.StringIO((await client.get(f"{V2}/komentar/ekspor.csv")).content.decode("utf-8-sig"))
        )
    )
    assert [r["terverifikasi"] for r in rows] == ["ya", "tidak"]
    exported = json.loads((await client.get(f"{V2}/komentar/ekspor.json")).content)
    assert [c["terverifikasi"] for c in exported["comments"]] == [True, False]

    figures = (await client.get(f"{V2}/akuntabilitas.json")).json()
    assert (figures["verified"], figures["declared"]) == (1, 1)
    assert figures["by_category"] == [{"key": "bpjs", "n": 2, "verified": 1, "declared": 1}]


async def test_lookup_answers_the_same_whatever_the_match_and_mails_only_the_owner(
    client: httpx.AsyncClient,
) -> None:
    await setup_v2()
    assert (
        await comment(client, email="pemilik@contoh.id", body="Rahasia penulis anonim.")
    ).status_code == 303
    stored = await Comment.get()
    form = await client.get("/lacak")
    token = csrf_of(form.text)

    async def ask(email: str, number: str = stored.number) -> httpx.Response:
        return await client.post("/lacak", data={"csrf_token": token, "number": number, "email": email})

    right, wrong, nothing = (
        await ask("pemilik@contoh.id"),
        await ask("tebak@contoh.id"),
        await ask("x@y.id", "JSK-0"),
    )
    assert right.status_code == wrong.status_code == nothing.status_code == 200

    def shown(page: httpx.Response) -> str:
        return re.sub(r'value="[^"]*"', "", page.text).replace(stored.number, "N")

    assert shown(right) == shown(wrong)  # nothing on the page tells a match from a guess
    assert "Rahasia penulis anonim." not in right.text
    links = await MailMessage.filter(subject=f"Tautan komentar {stored.number}")
    assert [m.to for m in links] == ["pemilik@contoh.id"]
    url = re.search(r"https?://[^/\s]+(/tanda-terima/\S+)", links[0].body)
    assert url
    assert "Rahasia penulis anonim." in (await client.get(url.group(1))).text
    forged = url.group(1)[:-4] + "0000"
    assert (await client.get(forged)).status_code == 404


async def test_lookup_is_throttled_per_number(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert (await comment(client, email="pemilik@contoh.id")).status_code == 303
    stored = await Comment.get()
    token = csrf_of((await client.get("/lacak")).text)
    codes = []
    for k in range(5):
        response = await client.post(
            "/lacak", data={"csrf_token": token, "number": stored.number, "email": f"tebak{k}@contoh.id"}
        )
        codes.append(response.status_code)
    assert codes == [200, 200, 200, 429, 429]  # PORTAL_MAIL_LIMIT_PER_RECIPIENT = 3 a number
    assert "Terlalu banyak permintaan" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert f'value="{stored.number}"' in response.text  # the form comes back as typed


async def test_comments_render_no_images_and_mark_their_links(client: httpx.AsyncClient) -> None:
    await setup_v2()
    body = "Lihat ![grafik](https://contoh.id/x.png) dan ![d](data:image/png;base64,iVBORw0KGgo=) [kajian](https://kajian.contoh.id)"
    assert (await comment(client, body=body)).status_code == 303
    page = (await client.get(THREAD)).text
    article = page[page.index('class="comment-body"') :]
    assert "<img" not in article
    assert 'href="data:' not in article
    assert '<a href="https://kajian.contoh.id" rel="nofollow ugc noopener">kajian</a>' in article


async def test_redaction_is_complete_and_final(app: Starlette, client: httpx.AsyncClient) -> None:
    settings = app.state.settings
    await setup_v2()
    assert (
        await comment(client, email="subjek@contoh.id", name="Budi Santoso", show_name="1")
    ).status_code == 303
    stored = await Comment.get()
    await deliver_pending(settings)  # the receipt goes out as an .eml file (no SMTP host)
    mail_dir = settings.data_dir / "mail"
    assert any("subjek@contoh.id" in p.read_text() for p in mail_dir.glob("*.eml"))
    await make_user("admin@banten.go.id", role="admin")
    await sign_in(client, "admin@banten.go.id")
    token = csrf_of((await client.get("/moderasi")).text)
    done = await client.post(
        f"/admin/komentar/{stored.number}/hapus",
        data={"csrf_token": token, "reason": "Permintaan subjek data."},
    )
    assert done.status_code == 303
    assert not await MailMessage.filter(to="subjek@contoh.id").exists()
    assert not await MailMessage.filter(body__contains="Budi Santoso").exists()
    assert not any("subjek@contoh.id" in p.read_text() for p in mail_dir.glob("*.eml"))
    after = await Comment.get(id=stored.id)
    assert (after.receipt_hash, after.ip_hash, after.author_id) == ("", "", None)  # type: ignore[attr-defined]
    # Final: a moderator cannot show or approve it again.
    for action in ("tampilkan", "setujui"):
        refused = await client.post(
            f"/moderasi/{stored.number}", data={"csrf_token": token, "action": action}
        )
        assert refused.status_code == 400
        assert "tidak dapat ditampilkan lagi" in refused.text
    assert (await Comment.get(id=stored.id)).status == "disembunyikan"


async def test_the_receipt_cookie_is_secure_under_https(app: Starlette, client: httpx.AsyncClient) -> None:
    app.state.settings = type(app.state.settings)(**{**app.state.settings.__dict__, "https": True})
    await setup_v2()
    secure = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://portal.test")
    async with secure:
        response = await comment(secure)
    assert response.status_code == 303
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("tt-"))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_lookup_tokens_expire(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="", secret_key="k", drafts_dir=tmp_path)
    fake = Comment(number="JSK-2026-000001", email="a@b.id")
    assert _lookup_token_valid(fake, lookup_token(fake, settings), settings)
    assert not _lookup_token_valid(fake, lookup_token(fake, settings, expires=int(time.time()) - 1), settings)
    other = Comment(number="JSK-2026-000001", email="c@d.id")
    assert not _lookup_token_valid(other, lookup_token(fake, settings), settings)
