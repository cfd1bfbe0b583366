from __future__ import annotations

import httpx

from portal.accounts.models import ApiToken, AuditEvent, Session, User
from portal.mail.models import MailMessage
from tests.accounts.helpers import PASSWORD, csrf_of, last_link, make_user, post_form, sign_in


async def test_register_verify_sign_in_and_out(client: httpx.AsyncClient, db: object) -> None:
    response = await post_form(
        client, "/daftar",
        {"name": "Siti Aminah", "email": "Siti@Contoh.id", "password": PASSWORD, "password2": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Periksa surel Anda" in response.text
    user = await User.get(email="siti@contoh.id")
    assert user.password_hash.startswith("$argon2id$")
    assert (await sign_in(client, "siti@contoh.id")).status_code == 403  # not verified yet
    link = await last_link("siti@contoh.id", "verifikasi")
    assert "diaktifkan" not in link
    assert (await client.get(link)).status_code == 200
    assert (await client.get(link)).status_code == 400  # one use only
    signed_in = await sign_in(client, "siti@contoh.id")
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert "sesi=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    account = await client.get("/akun")
    assert account.status_code == 200
    assert "Siti Aminah" in account.text
    out = await client.post("/keluar", data={"csrf_token": csrf_of(account.text)})
    assert out.status_code == 303
    assert (await client.get("/akun")).headers["location"] == "/masuk?next=/akun"


async def test_refused_registration_keeps_what_was_typed(client: httpx.AsyncClient, db: object) -> None:
    response = await post_form(
        client,
        "/daftar",
        {"name": "Budi <b>Santoso</b>", "email": "bukan-surel", "password": "123456", "password2": "123456"},
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="Budi &lt;b&gt;Santoso&lt;/b&gt;"' in html  # kept, and escaped
    assert 'value="bukan-surel"' in html
    assert "Ini bukan alamat surel yang sah." in html
    assert "Kata sandi harus terdiri atas paling sedikit 10 karakter." in html
    assert 'aria-invalid="true"' in html
    assert await User.all().count() == 0


async def test_registering_a_taken_address_reveals_nothing(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    response = await post_form(
        client,
        "/daftar",
        {"name": "Lain", "email": "ada@contoh.id", "password": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "Periksa surel Anda" in response.text
    notice = await MailMessage.filter(to="ada@contoh.id").first()
    assert notice is not None
    assert "sudah terdaftar" in notice.body


async def test_wrong_password_and_unknown_account_look_the_same(
    client: httpx.AsyncClient, db: object
) -> None:
    await make_user("ada@contoh.id")
    wrong = await sign_in(client, "ada@contoh.id", "salah-sekali-123")
    unknown = await sign_in(client, "tidak-ada@contoh.id", "salah-sekali-123")
    assert wrong.status_code == unknown.status_code == 400
    message = "Alamat surel atau kata sandi tidak benar."
    assert message in wrong.text
    assert message in unknown.text


async def test_login_is_throttled_per_account(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    for _ in range(5):
        assert (await sign_in(client, "ada@contoh.id", "salah-sekali-123")).status_code == 400
    locked = await sign_in(client, "ada@contoh.id")  # even the right password now
    assert locked.status_code == 429
    assert "dikunci selama 15 menit" in locked.text


async def test_login_rotates_the_session_and_next_is_local_only(
    client: httpx.AsyncClient, db: object
) -> None:
    await make_user("ada@contoh.id")
    first = await sign_in(client, "ada@contoh.id")
    token = first.cookies["sesi"]
    page = await client.get("/masuk?next=https://jahat.example/curi")
    second = await client.post(
        "/masuk?next=https://jahat.example/curi",
        data={
            "email": "ada@contoh.id",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//jahat.example",
        },
    )
    assert second.headers["location"] == "/"
    assert second.cookies["sesi"] != token
    assert await Session.filter(revoked_at=None).count() == 1


async def test_forms_refuse_missing_or_foreign_csrf(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    assert (
        await client.post("/masuk", data={"email": "ada@contoh.id", "password": PASSWORD})
    ).status_code == 403
    page = await client.get("/masuk")
    foreign = await client.post(
        "/masuk",
        data={"email": "ada@contoh.id", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        headers={"origin": "https://jahat.example"},
    )
    assert foreign.status_code == 403
    forged = await client.post(
        "/masuk", data={"email": "ada@contoh.id", "password": PASSWORD, "csrf_token": "0" * 64}
    )
    assert forged.status_code == 403


async def test_password_reset_ends_every_session(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    await sign_in(client, "ada@contoh.id")
    same = await post_form(client, "/lupa-sandi", {"email": "ada@contoh.id"})
    other = await post_form(client, "/lupa-sandi", {"email": "tidak-ada@contoh.id"})
    assert same.text.replace("ada@contoh.id", "") == other.text.replace("tidak-ada@contoh.id", "")
    link = await last_link("ada@contoh.id", "atur-sandi")
    weak = await post_form(client, link, {"password": "password", "password2": "password"})
    assert weak.status_code == 400
    done = await post_form(
        client, link, {"password": "Sandi-baru-yang-panjang", "password2": "Sandi-baru-yang-panjang"}
    )
    assert done.status_code == 200
    assert await Session.filter(revoked_at=None).count() == 0
    assert (await sign_in(client, "ada@contoh.id", "Sandi-baru-yang-panjang")).status_code == 303
    assert await AuditEvent.filter(action="password.reset").exists()


async def test_change_password_keeps_only_this_session(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    await sign_in(client, "ada@contoh.id")
    await Session.create(
        user=await User.get(email="ada@contoh.id"),
        token_hash="x" * 64,
        last_seen_at="2026-11-01T00:00:00+00:00",
    )
    wrong = await post_form(
        client,
        "/akun/sandi",
        {"current": "bukan", "new": "Sandi-baru-yang-panjang", "new2": "Sandi-baru-yang-panjang"},
        form_url="/akun",
    )
    assert wrong.status_code == 400
    assert "Kata sandi saat ini tidak benar." in wrong.text
    ok = await post_form(
        client,
        "/akun/sandi",
        {"current": PASSWORD, "new": "Sandi-baru-yang-panjang", "new2": "Sandi-baru-yang-panjang"},
        form_url="/akun",
    )
    assert ok.status_code == 303
    assert await Session.filter(revoked_at=None).count() == 1


async def test_stakeholder_verification_by_an_admin(client: httpx.AsyncClient, db: object) -> None:
    applicant = await make_user("serikat@contoh.id")
    await make_user("admin@contoh.id", role="admin")
    await sign_in(client, "serikat@contoh.id")
    applied = await post_form(
        client,
        "/akun/verifikasi",
        {"organisation": "FSPMI Banten", "category": "serikat-pekerja", "note": ""},
        form_url="/akun",
    )
    assert applied.status_code == 303
    account = await client.get("/akun")
    await client.post("/keluar", data={"csrf_token": csrf_of(account.text)})
    await sign_in(client, "admin@contoh.id")
    listing = await client.get("/admin/pengguna")
    assert "FSPMI Banten" in listing.text
    detail = f"/admin/pengguna/{applicant.id}"
    refused = await post_form(client, detail, {"action": "refuse", "request": "1", "reason": ""})
    assert refused.status_code == 400  # a refusal needs a reason
    approved = await post_form(client, detail, {"action": "approve", "request": "1", "reason": ""})
    assert approved.status_code == 303
    applicant = await User.get(id=applicant.id)
    assert (applicant.role, applicant.organisation, applicant.category) == (
        "pemangku",
        "FSPMI Banten",
        "serikat-pekerja",
    )
    audit = await client.get("/admin/audit?aksi=verification")
    assert "verification.approve" in audit.text


async def test_admin_changes_roles_and_disables_accounts(client: httpx.AsyncClient, db: object) -> None:
    person = await make_user("penyusun@contoh.id")
    await make_user("admin@contoh.id", role="admin")
    await sign_in(client, "admin@contoh.id")
    detail = f"/admin/pengguna/{person.id}"
    await post_form(client, detail, {"action": "role", "role": "penyusun"})
    await post_form(client, detail, {"action": "disable"})
    person = await User.get(id=person.id)
    assert (person.role, person.is_active) == ("penyusun", False)
    actions = set(await AuditEvent.all().values_list("action", flat=True))
    assert {"user.role", "user.disable"} <= actions
    assert (
        await sign_in(
            httpx.AsyncClient(transport=client._transport, base_url="http://portal.test"),
            "penyusun@contoh.id",
        )
    ).status_code == 400


async def test_api_tokens_are_shown_once_scoped_and_revocable(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    await sign_in(client, "ada@contoh.id")
    created = await post_form(
        client, "/akun/token", {"token_name": "Skrip rekap", "scope": "read"}, form_url="/akun"
    )
    assert created.status_code == 200
    token = created.text.split('<code class="new-token">')[1].split("</code>")[0]
    assert token.startswith("rp_")
    assert token not in (await client.get("/akun")).text  # shown once
    api = httpx.AsyncClient(transport=client._transport, base_url="http://portal.test")
    me = await api.get("/akun.json", headers={"authorization": f"Bearer {token}"})
    assert me.json() == {"email": "ada@contoh.id", "name": "Ada", "role": "publik", "organisation": None}
    assert (
        await api.get("/akun", headers={"authorization": f"Bearer {token}"})
    ).status_code == 403  # HTML needs a session
    read_only = await api.post(
        "/akun/token",
        data={"token_name": "x", "scope": "write"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert read_only.status_code == 401  # a read token cannot write
    assert (await api.get("/akun.json", headers={"authorization": "Bearer rp_salah"})).status_code == 401
    assert (await api.get("/akun.json")).status_code == 401
    token_id = (await ApiToken.get(name="Skrip rekap")).id
    await post_form(client, "/akun/token", {"action": "revoke", "token": str(token_id)}, form_url="/akun")
    assert (await api.get("/akun.json", headers={"authorization": f"Bearer {token}"})).status_code == 401
    assert {"token.create", "token.revoke"} <= set(await AuditEvent.all().values_list("action", flat=True))


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def test_user_supplied_text_is_escaped_everywhere(client: httpx.AsyncClient, db: object) -> None:
    person = await make_user("warga@contoh.id")
    await User.filter(id=person.id).update(name=XSS)
    await make_user("admin@contoh.id", role="admin")
    await sign_in(client, "warga@contoh.id")
    await post_form(
        client,
        "/akun/verifikasi",
        {"organisation": XSS, "category": "lainnya", "note": XSS},
        form_url="/akun",
    )
    await post_form(client, "/akun/token", {"token_name": XSS, "scope": "read"}, form_url="/akun")
    pages = [(await client.get("/akun")).text]
    account = pages[0]
    await client.post("/keluar", data={"csrf_token": csrf_of(account)})
    await sign_in(client, "admin@contoh.id")
    pages += [
        (await client.get("/admin/pengguna")).text,
        (await client.get(f"/admin/pengguna/{person.id}")).text,
        (await client.get("/admin/audit")).text,
    ]
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;" in pages[0]


async def test_change_of_email_is_confirmed_from_the_new_address(
    client: httpx.AsyncClient, db: object
) -> None:
    await make_user("lama@contoh.id")
    await make_user("terpakai@contoh.id")
    await sign_in(client, "lama@contoh.id")
    wrong = await post_form(
        client, "/akun/surel", {"new_email": "baru@contoh.id", "email_password": "bukan"}, form_url="/akun"
    )
    assert wrong.status_code == 400
    assert 'value="baru@contoh.id"' in wrong.text
    taken = await post_form(
        client,
        "/akun/surel",
        {"new_email": "terpakai@contoh.id", "email_password": PASSWORD},
        form_url="/akun",
    )
    assert taken.status_code == 303  # same answer: no enumeration
    ok = await post_form(
        client, "/akun/surel", {"new_email": "baru@contoh.id", "email_password": PASSWORD}, form_url="/akun"
    )
    assert ok.status_code == 303
    assert await User.exists(email="lama@contoh.id")  # nothing changes before the link is used
    link = await last_link("baru@contoh.id", "verifikasi")
    assert "baru@contoh.id" in (await client.get(link)).text
    assert await User.exists(email="baru@contoh.id")
    assert await MailMessage.filter(to="lama@contoh.id", subject__contains="diubah").exists()
    assert await AuditEvent.filter(action="user.email").exists()
