"""Issue #14, accounts and sessions: hostile input must not let anyone pass for someone else,
flood mailboxes, outlive a revocation, or lock an owner out."""

from __future__ import annotations

import dataclasses
import logging
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from portal.accounts import passwords
from portal.accounts.models import ApiToken, EmailToken, Session, User, VerificationRequest
from portal.app import create_app
from portal.config import Settings, load_settings
from portal.consultation.attachments import attachments_dir
from portal.consultation.models import Comment
from portal.mail.models import MailMessage
from portal.versions.services import import_text
from portal.web.security import MaskSecretsFilter, access_log_config, mask_secrets
from tests.accounts.helpers import PASSWORD, csrf_of, last_link, make_user, post_form, sign_in
from tests.conftest import LIVE_DATA_DIRS

DATA = Path(__file__).resolve().parents[1] / "data"
OTHER_PASSWORD = "Sandi-penyerang-2026"


@asynccontextmanager
async def client_for(
    settings: Settings, ip: str = "127.0.0.1", base_url: str = "http://portal.test", **changes: object
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with other settings, coming from network address ``ip``."""
    app = create_app(dataclasses.replace(settings, **changes), manage_orm=False)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
    finally:
        app.state.search.close()
        app.state.executors.shutdown()


def from_ip(client: httpx.AsyncClient, ip: str) -> httpx.AsyncClient:
    """Another browser on the same app, from another network address."""
    app = client._transport.app  # type: ignore[attr-defined]
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(ip, 50000)), base_url="http://portal.test"
    )


async def register(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, name: str = "Warga"
) -> httpx.Response:
    return await post_form(
        client, "/daftar", {"name": name, "email": email, "password": password, "password2": password}
    )


# -- registration: the same work whether the address is taken or not ---------------------


async def test_registering_a_taken_address_does_the_same_work(
    settings: Settings, db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user("ada@contoh.id")
    hashes: list[str] = []
    real_hash = passwords.hash_password

    def counting(password: str) -> str:
        hashes.append(password)
        return real_hash(password)

    monkeypatch.setattr(passwords, "hash_password", counting)
    async with client_for(settings, mail_limit_per_address=1000, mail_limit_per_recipient=1000) as client:
        page = await client.get("/daftar")
        token = csrf_of(page.text)
        cookies: list[str] = []

        async def timed(email: str) -> float:
            data = {
                "name": "Lain",
                "email": email,
                "password": PASSWORD,
                "password2": PASSWORD,
                "csrf_token": token,
            }
            started = time.perf_counter()
            response = await client.post("/daftar", data=data)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200
            assert "Periksa surel Anda" in response.text
            cookies.append(response.cookies.get("daftar", ""))
            return elapsed

        await timed("pemanasan@contoh.id")  # warm up the templates and the hasher
        hashes.clear()
        assert await timed("ada@contoh.id") > 0
        assert hashes == [PASSWORD]  # the taken path hashes the password too
        hashes.clear()
        assert await timed("baru-0@contoh.id") > 0
        assert hashes == [PASSWORD]
        taken, new = [], []
        for n in range(1, 6):
            taken.append(await timed("ada@contoh.id"))
            new.append(await timed(f"baru-{n}@contoh.id"))
    assert all(len(c) == 64 for c in cookies)  # both answers set the same kind of cookie
    ratio = statistics.median(taken) / statistics.median(new)
    assert 0.5 < ratio < 2, (taken, new)
    # Each path queued exactly one mail per attempt to the address it was given.
    assert await MailMessage.filter(to="ada@contoh.id").count() == 6
    assert await MailMessage.filter(to="baru-3@contoh.id").count() == 1


# -- mail-sending routes are throttled ---------------------------------------------------


async def test_every_mail_route_is_throttled_per_recipient(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    for _ in range(3):
        assert (await post_form(client, "/lupa-sandi", {"email": "ada@contoh.id"})).status_code == 200
    refused = await post_form(client, "/lupa-sandi", {"email": "Ada@contoh.id"})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Terlalu banyak pesan" in refused.text
    assert 'value="Ada@contoh.id"' in refused.text  # the form again, as typed
    assert await MailMessage.filter(to="ada@contoh.id").count() == 3
    # The same for an address without an account: the throttle tells nothing.
    for _ in range(3):
        await post_form(client, "/lupa-sandi", {"email": "tidak-ada@contoh.id"})
    assert (await post_form(client, "/lupa-sandi", {"email": "tidak-ada@contoh.id"})).status_code == 429

    # Activation: registration and every sign-in of an unverified account send it.
    assert (await register(client, "baru@contoh.id")).status_code == 200
    assert (await sign_in(client, "baru@contoh.id")).status_code == 403
    assert (await sign_in(client, "baru@contoh.id")).status_code == 403
    again = await sign_in(client, "baru@contoh.id")
    assert again.status_code == 429
    assert "retry-after" in again.headers
    assert "belum diverifikasi" in again.text
    assert await MailMessage.filter(to="baru@contoh.id").count() == 3
    more = await register(client, "baru@contoh.id", name="Nama <Tetap>")
    assert more.status_code == 429
    assert 'value="Nama &lt;Tetap&gt;"' in more.text
    assert PASSWORD not in more.text  # never the password
    assert await MailMessage.filter(to="baru@contoh.id").count() == 3

    # A change of address mails the new address.
    await sign_in(client, "ada@contoh.id")
    for _ in range(3):
        ok = await post_form(
            client,
            "/akun/surel",
            {"new_email": "baru2@contoh.id", "email_password": PASSWORD},
            form_url="/akun",
        )
        assert ok.status_code == 303
    refused = await post_form(
        client, "/akun/surel", {"new_email": "baru2@contoh.id", "email_password": PASSWORD}, form_url="/akun"
    )
    assert refused.status_code == 429
    assert 'value="baru2@contoh.id"' in refused.text
    assert "Terlalu banyak pesan" in refused.text
    assert await MailMessage.filter(to="baru2@contoh.id").count() == 3


async def test_mail_routes_are_throttled_per_client_address(settings: Settings, db: object) -> None:
    async with client_for(settings, ip="10.0.0.1", mail_limit_per_address=4) as client:
        for n in range(4):
            assert (await register(client, f"warga{n}@contoh.id")).status_code == 200
        refused = await register(client, "warga9@contoh.id")
        assert refused.status_code == 429
        assert "Terlalu banyak pesan" in refused.text
        assert 'value="warga9@contoh.id"' in refused.text
        assert (await post_form(client, "/lupa-sandi", {"email": "lain@contoh.id"})).status_code == 429
    assert not await User.exists(email="warga9@contoh.id")
    async with client_for(settings, ip="10.0.0.2", mail_limit_per_address=4) as elsewhere:
        assert (await register(elsewhere, "warga9@contoh.id")).status_code == 200  # another address


# -- API tokens ----------------------------------------------------------------------------


async def new_token(client: httpx.AsyncClient, scope: str = "write", name: str = "Skrip") -> str:
    created = await post_form(client, "/akun/token", {"token_name": name, "scope": scope}, form_url="/akun")
    assert created.status_code == 200, created.text
    return created.text.split('<code class="new-token">')[1].split("</code>")[0]


async def works(client: httpx.AsyncClient, token: str) -> bool:
    response = await client.get("/akun.json", headers={"authorization": f"Bearer {token}"})
    assert response.status_code in (200, 401)
    return response.status_code == 200


async def test_tokens_die_with_a_reset_and_a_disabled_account(client: httpx.AsyncClient, db: object) -> None:
    person = await make_user("ada@contoh.id")
    await make_user("admin@contoh.id", role="admin")
    await sign_in(client, "ada@contoh.id")
    stolen = await new_token(client)
    api = from_ip(client, "10.1.1.1")
    assert await works(api, stolen)
    await post_form(client, "/lupa-sandi", {"email": "ada@contoh.id"})
    link = await last_link("ada@contoh.id", "atur-sandi")
    new_password = "Sandi-baru-yang-panjang"
    assert (
        await post_form(client, link, {"password": new_password, "password2": new_password})
    ).status_code == 200
    assert not await works(api, stolen)

    await sign_in(client, "ada@contoh.id", new_password)
    second = await new_token(client)
    assert await works(api, second)
    admin = from_ip(client, "10.1.1.2")
    await sign_in(admin, "admin@contoh.id")
    detail = f"/admin/pengguna/{person.id}"
    assert (await post_form(admin, detail, {"action": "disable"})).status_code == 303
    assert not await works(api, second)
    assert (await post_form(admin, detail, {"action": "enable"})).status_code == 303
    assert not await works(api, second)  # enabling the account again revives nothing
    assert await ApiToken.filter(revoked_at=None).count() == 0


async def test_changing_the_password_offers_to_revoke_tokens_and_sessions(
    client: httpx.AsyncClient, db: object
) -> None:
    await make_user("ada@contoh.id")
    other = from_ip(client, "10.1.1.3")
    await sign_in(other, "ada@contoh.id")
    await sign_in(client, "ada@contoh.id")
    token = await new_token(client)
    account = await client.get("/akun")
    assert 'name="revoke_others" value="1" checked' in account.text
    kept = await post_form(
        client, "/akun/sandi",
        {"current": PASSWORD, "new": "Sandi-kedua-yang-panjang", "new2": "Sandi-kedua-yang-panjang", "revoke_choice": "1"},
        form_url="/akun",
    )  # fmt: skip
    assert kept.status_code == 303  # unticked: the owner keeps them
    assert await works(client, token)
    assert (await other.get("/akun")).status_code == 200
    ended = await post_form(
        client, "/akun/sandi",
        {"current": "Sandi-kedua-yang-panjang", "new": "Sandi-ketiga-yang-panjang", "new2": "Sandi-ketiga-yang-panjang",
         "revoke_choice": "1", "revoke_others": "1"},
        form_url="/akun",
    )  # fmt: skip
    assert ended.status_code == 303
    assert not await works(client, token)
    assert (await other.get("/akun")).status_code == 303  # signed out there
    assert (await client.get("/akun")).status_code == 200  # but not here


async def seed_comment(settings: Settings) -> tuple[str, Comment]:
    version = (await import_text((DATA / "contoh.md").read_text(encoding="utf-8"))).version
    comment = await Comment.create(
        number="UJI-2026-000009", version=version, body="Menunggu moderasi.", submission_key="k1",
        email="penulis@contoh.id", name="Penulis", status="menunggu", attachment_key="berkas-uji",
        attachment_name="kertas.pdf", attachment_type="application/pdf", attachment_size=8,
    )  # fmt: skip
    (attachments_dir(settings) / "berkas-uji").write_bytes(b"%PDF-1.4")
    return "/r/contoh/v1", comment


async def test_tokens_only_reach_the_json_api_and_personal_data_needs_its_scope(
    client: httpx.AsyncClient, db: object, settings: Settings
) -> None:
    base, comment = await seed_comment(settings)
    await make_user("moderator@contoh.id", role="moderator")
    await sign_in(client, "moderator@contoh.id")
    read = await new_token(client, "read", "baca")
    personal = await new_token(client, "pribadi", "pribadi")
    # The session sees what the role allows.
    assert "penulis@contoh.id" in (await client.get(f"{base}/komentar/ekspor.csv")).text
    assert (await client.get(f"/lampiran/{comment.number}")).status_code == 200
    api = from_ip(client, "10.1.1.4")

    def bearer(token: str) -> dict[str, str]:
        return {"authorization": f"Bearer {token}"}

    for token in (read, personal):
        for url in (
            f"{base}/komentar/ekspor.csv",
            f"/lampiran/{comment.number}",
            "/akun",
            f"{base}/komentar",
        ):
            response = await api.get(url, headers=bearer(token))
            assert response.status_code == 403, url
            assert b"%PDF" not in response.content
            assert "penulis@contoh.id" not in response.text
    exported = await api.get(f"{base}/komentar/ekspor.json", headers=bearer(read))
    assert exported.status_code == 200
    assert "Menunggu moderasi." in exported.text  # a moderator's token, on the JSON API
    assert "penulis@contoh.id" not in exported.text  # but no personal data without the scope
    assert (
        "penulis@contoh.id" in (await api.get(f"{base}/komentar/ekspor.json", headers=bearer(personal))).text
    )
    # Only roles that see personal data may make such a token.
    await make_user("warga@contoh.id")
    citizen = from_ip(client, "10.1.1.5")
    await sign_in(citizen, "warga@contoh.id")
    assert "pribadi" not in (await citizen.get("/akun")).text.split('id="scope"')[1].split("</select>")[0]
    refused = await post_form(
        citizen, "/akun/token", {"token_name": "x", "scope": "pribadi"}, form_url="/akun"
    )
    assert refused.status_code == 400
    assert not await ApiToken.filter(scope="pribadi", name="x").exists()


# -- reset links ---------------------------------------------------------------------------------


async def test_using_a_reset_link_kills_the_others(client: httpx.AsyncClient, db: object) -> None:
    await make_user("ada@contoh.id")
    await post_form(client, "/lupa-sandi", {"email": "ada@contoh.id"})
    first = await last_link("ada@contoh.id", "atur-sandi")
    await post_form(client, "/lupa-sandi", {"email": "ada@contoh.id"})
    second = await last_link("ada@contoh.id", "atur-sandi")
    assert first != second
    done = await post_form(
        client, second, {"password": "Sandi-baru-yang-panjang", "password2": "Sandi-baru-yang-panjang"}
    )
    assert done.status_code == 200
    late = await post_form(
        client, first, {"password": "Sandi-lain-yang-panjang", "password2": "Sandi-lain-yang-panjang"}
    )
    assert late.status_code == 400
    assert await EmailToken.filter(purpose="reset", used_at=None).count() == 0
    assert (await sign_in(client, "ada@contoh.id", "Sandi-baru-yang-panjang")).status_code == 303


# -- activation never hands an account to whoever registered the address first -----------


async def test_preregistering_someone_elses_address_gains_nothing(
    client: httpx.AsyncClient, db: object
) -> None:
    attacker = client
    assert (await register(attacker, "korban@contoh.id", OTHER_PASSWORD, name="Penyerang")).status_code == 200
    victim = from_ip(client, "10.2.2.2")
    link = await last_link("korban@contoh.id", "verifikasi")
    opened = await victim.get(link)  # the victim clicks the mail: nothing is activated
    assert opened.status_code == 200
    assert 'type="password"' in opened.text
    assert (await User.get(email="korban@contoh.id")).email_verified_at is None
    wrong = await post_form(victim, link, {"password": PASSWORD})
    assert wrong.status_code == 400
    assert (await User.get(email="korban@contoh.id")).email_verified_at is None
    assert (
        await sign_in(attacker, "korban@contoh.id", OTHER_PASSWORD)
    ).status_code == 403  # still unverified

    # The victim registers the address themselves and opens their own link: it is theirs.
    assert (await register(victim, "korban@contoh.id", PASSWORD, name="Korban")).status_code == 200
    own = await last_link("korban@contoh.id", "verifikasi")
    assert (await victim.get(own)).status_code == 200
    user = await User.get(email="korban@contoh.id")
    assert user.email_verified_at is not None
    assert user.name == "Korban"
    assert (await sign_in(from_ip(client, "10.2.2.3"), "korban@contoh.id", OTHER_PASSWORD)).status_code == 400
    assert (await sign_in(victim, "korban@contoh.id", PASSWORD)).status_code == 303
    assert (await attacker.get(link)).status_code == 400  # the attacker's pending link died too


async def test_activation_elsewhere_asks_for_the_registration_password(
    client: httpx.AsyncClient, db: object
) -> None:
    assert (await register(client, "siti@contoh.id")).status_code == 200
    phone = from_ip(client, "10.3.3.3")
    link = await last_link("siti@contoh.id", "verifikasi")
    assert (await phone.get(link)).status_code == 200
    assert (await User.get(email="siti@contoh.id")).email_verified_at is None
    done = await post_form(phone, link, {"password": PASSWORD})
    assert done.status_code == 200
    assert "Akun Anda aktif" in done.text
    assert (await User.get(email="siti@contoh.id")).email_verified_at is not None


# -- failed logins -------------------------------------------------------------------------------


async def test_failures_from_other_addresses_do_not_lock_the_owner_out(
    client: httpx.AsyncClient, db: object
) -> None:
    await make_user("ada@contoh.id")
    for n in range(5):
        guesser = from_ip(client, f"10.4.4.{n + 1}")
        assert (await sign_in(guesser, "ada@contoh.id", "salah-sekali-123")).status_code == 400
    assert (await sign_in(client, "ada@contoh.id")).status_code == 303  # the owner, from home
    # One address that keeps guessing is refused for that account, with Retry-After.
    guesser = from_ip(client, "10.4.5.1")
    for _ in range(5):
        assert (await sign_in(guesser, "ada@contoh.id", "salah-sekali-123")).status_code == 400
    locked = await sign_in(guesser, "ada@contoh.id")
    assert locked.status_code == 429
    assert 800 < int(locked.headers["retry-after"]) <= 900
    assert (await sign_in(from_ip(client, "10.4.5.2"), "ada@contoh.id")).status_code == 303


async def test_one_address_spraying_many_accounts_is_refused(settings: Settings, db: object) -> None:
    for n in range(4):
        await make_user(f"akun{n}@contoh.id")
    async with client_for(settings, ip="10.5.5.5", login_max_failures_per_address=3) as sprayer:
        for n in range(3):
            assert (await sign_in(sprayer, f"akun{n}@contoh.id", "salah-sekali-123")).status_code == 400
        assert (await sign_in(sprayer, "akun3@contoh.id")).status_code == 429


async def test_many_failures_on_an_account_slow_it_down_without_locking(
    settings: Settings, db: object
) -> None:
    await make_user("ada@contoh.id")
    for n in range(2):
        async with client_for(settings, ip=f"10.6.6.{n + 1}", login_slow_after=2) as guesser:
            assert (await sign_in(guesser, "ada@contoh.id", "salah-sekali-123")).status_code == 400
    async with client_for(settings, ip="10.6.7.1", login_slow_after=2) as owner:
        page = await owner.get("/masuk")
        started = time.perf_counter()
        response = await owner.post(
            "/masuk", data={"email": "ada@contoh.id", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        )
        assert time.perf_counter() - started >= 0.5
        assert response.status_code == 303  # slowed, never locked


# -- CSRF and cookies --------------------------------------------------------------------------------


async def test_a_planted_csrf_cookie_does_not_work_for_a_signed_in_user(
    client: httpx.AsyncClient, db: object
) -> None:
    await make_user("ada@contoh.id")
    attacker = from_ip(client, "10.7.7.7")
    page = await attacker.get("/masuk")
    planted, token = page.cookies["csrf"], csrf_of(page.text)
    await sign_in(client, "ada@contoh.id")
    session = await Session.filter(revoked_at=None).first()
    assert session is not None
    client.cookies.set("csrf", planted, domain="portal.test")
    forged = await client.post("/akun/sesi", data={"session": str(session.id), "csrf_token": token})
    assert forged.status_code == 403
    assert await Session.filter(id=session.id, revoked_at=None).exists()
    own = await post_form(client, "/akun/sesi", {"session": "0"}, form_url="/akun")
    assert own.status_code == 303  # the token of this session's own form works


async def test_cookies_are_host_prefixed_under_https(settings: Settings, db: object) -> None:
    await make_user("ada@contoh.id")
    async with client_for(settings, base_url="https://portal.test", https=True) as client:
        page = await client.get("/masuk")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("__Host-csrf=")
        assert "Secure" in cookie
        assert "Path=/" in cookie
        assert "Domain" not in cookie
        signed_in = await client.post(
            "/masuk", data={"email": "ada@contoh.id", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        )
        assert signed_in.status_code == 303
        cookie = signed_in.headers["set-cookie"]
        assert cookie.startswith("__Host-sesi=")
        assert "Secure" in cookie
        assert "Domain" not in cookie
        assert (await client.get("/akun")).status_code == 200
        registered = await register(client, "baru@contoh.id")
        assert registered.headers["set-cookie"].startswith("__Host-daftar=")
        out = await post_form(client, "/keluar", {}, form_url="/akun")
        assert out.status_code == 303
        assert (await client.get("/akun")).status_code == 303


# -- verification requests -----------------------------------------------------------------------


async def test_one_pending_verification_request_at_a_time(client: httpx.AsyncClient, db: object) -> None:
    await make_user("serikat@contoh.id")
    await sign_in(client, "serikat@contoh.id")
    data = {"organisation": "FSPMI Banten", "category": "serikat-pekerja", "note": ""}
    assert (await post_form(client, "/akun/verifikasi", data, form_url="/akun")).status_code == 303
    again = await post_form(client, "/akun/verifikasi", {**data, "organisation": "Lain"}, form_url="/akun")
    assert again.status_code == 400
    assert "permohonan verifikasi yang masih menunggu" in again.text
    assert await VerificationRequest.all().count() == 1


# -- hosts and the access log -------------------------------------------------------------------------


async def test_hosts_outside_the_allowlist_get_400(settings: Settings, db: object) -> None:
    async with client_for(settings, allowed_hosts=("portal.test",)) as client:
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/", headers={"host": "jahat.example"})).status_code == 400
    derived = load_settings(
        env_file=None, PORTAL_BASE_URL="https://raperda.bantenprov.go.id", PORTAL_SECRET_KEY="x"
    )
    assert "raperda.bantenprov.go.id" in derived.allowed_hosts
    assert "jahat.example" not in derived.allowed_hosts


def test_the_access_log_masks_tokens() -> None:
    assert mask_secrets("/verifikasi/AbC-123_x") == "/verifikasi/***"
    assert mask_secrets("/atur-sandi/t0k3n?lang=en") == "/atur-sandi/***?lang=en"
    assert (
        mask_secrets("/tanda-terima/JSK-2026-000001?k=rahasia&x=1")
        == "/tanda-terima/JSK-2026-000001?k=***&x=1"
    )
    assert mask_secrets("/r/contoh/v1?halaman=2") == "/r/contoh/v1?halaman=2"
    # A record as uvicorn makes it, through the formatter of the configuration `portal serve` uses.
    config = access_log_config()
    assert "mask_secrets" in config["handlers"]["access"]["filters"]
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/verifikasi/rahasia-sekali?k=kunci", "1.1", 200), None,
    )  # fmt: skip
    assert MaskSecretsFilter().filter(record)
    line = AccessFormatter(fmt=config["formatters"]["access"]["fmt"], use_colors=False).format(record)
    assert "rahasia-sekali" not in line
    assert "kunci" not in line
    assert "/verifikasi/***?k=***" in line


def test_portal_serve_keeps_tokens_out_of_its_log_and_checks_the_host(live_server: str) -> None:
    with httpx.Client(base_url=live_server) as client:
        client.get("/verifikasi/rahasia-aktivasi-123")
        client.get("/atur-sandi/rahasia-reset-456")
        client.get("/tanda-terima/JSK-2026-000001?k=rahasia-tanda-789")
        assert client.get("/", headers={"host": "jahat.example"}).status_code == 400
    log = LIVE_DATA_DIRS[live_server] / "serve.log"
    deadline = time.monotonic() + 5
    while "/tanda-terima/" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert "/verifikasi/***" in text
    assert "/atur-sandi/***" in text
    assert "k=***" in text
    for secret in ("rahasia-aktivasi-123", "rahasia-reset-456", "rahasia-tanda-789"):
        assert secret not in text


async def test_argon2_runs_off_the_event_loop(
    settings: Settings, db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing and verifying take tens of milliseconds each: in the Argon2 threads, never
    in the thread of the event loop (which would hold every other request meanwhile)."""
    import threading

    where: list[str] = []
    real_hash, real_verify = passwords.hash_password, passwords.verify

    def hash_noting(password: str) -> str:
        where.append(threading.current_thread().name)
        return real_hash(password)

    def verify_noting(stored: str, password: str) -> bool:
        where.append(threading.current_thread().name)
        return real_verify(stored, password)

    monkeypatch.setattr(passwords, "hash_password", hash_noting)
    monkeypatch.setattr(passwords, "verify", verify_noting)
    loop_thread = threading.current_thread().name
    await make_user("ada@contoh.id", password=PASSWORD)
    async with client_for(settings) as client:
        await sign_in(client, "ada@contoh.id", PASSWORD)
        await sign_in(client, "nobody@contoh.id", PASSWORD)  # an unknown address: the dummy verification
    assert len(where) >= 3
    assert all(name.startswith("argon2") for name in where), where
    assert loop_thread not in where
