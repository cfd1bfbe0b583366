"""Commenting, receipts, moderation, campaigns and answers, through the real app."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import httpx
from starlette.applications import Starlette

from portal.accounts.models import AuditEvent
from portal.consultation.models import CampaignGroup, Comment, Response
from portal.consultation.text import signature, sniff, tracking_prefix
from portal.mail.models import MailMessage
from portal.versions.models import Version
from portal.versions.services import import_text
from tests.accounts.helpers import csrf_of, make_user, sign_in

DRAFTS = Path(__file__).resolve().parents[2] / "drafts" / "jamsos-ketenagakerjaan"
SLUG = "jamsos-ketenagakerjaan"
V2 = f"/r/{SLUG}/v2"
PATH = "pasal-6/ayat-1"
THREAD = f"{V2}/{PATH}/komentar"


def sample(name: str) -> str:
    return (DRAFTS / f"{name}.md").read_text(encoding="utf-8")


async def setup_v2() -> Version:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    version = await Version.get(versi="v2")
    today = dt.date.today()
    await Version.filter(id=version.id).update(
        konsultasi_buka=today - dt.timedelta(days=10), konsultasi_tutup=today + dt.timedelta(days=30)
    )
    return await Version.get(id=version.id)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


async def comment(
    client: httpx.AsyncClient,
    url: str = THREAD,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    **fields: str,
) -> httpx.Response:
    page = await client.get(url)
    data = {
        "csrf_token": csrf_of(page.text),
        "submission_key": hidden(page.text, "submission_key"),
        "position": "usul-perubahan",
        "body": "Iuran bagi nelayan sebaiknya dibantu penuh oleh APBD selama tiga tahun pertama.",
        "category": "pekerja-informal",
        "region": "Kota Serang",
        "email": "warga@contoh.id",
        **fields,
    }
    return await client.post(url, data=data, files=files or {})


async def test_an_anonymous_comment_gets_a_number_a_receipt_and_a_count(client: httpx.AsyncClient) -> None:
    await setup_v2()
    page = await client.get(THREAD)
    assert page.status_code == 200
    assert "Tulis komentar" in page.text
    response = await comment(
        client, replacement="Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya."
    )
    assert response.status_code == 303, response.text
    stored = await Comment.get(email="warga@contoh.id")
    assert re.fullmatch(r"JSK-\d{4}-\d{6}", stored.number)
    assert stored.path == PATH
    assert stored.lineage
    assert stored.status == "terbit"
    assert response.headers["location"].startswith(f"/tanda-terima/{stored.number}?k=")
    receipt = await client.get(response.headers["location"])
    assert receipt.status_code == 200
    assert stored.number in receipt.text
    mail = await MailMessage.get(to="warga@contoh.id")
    assert stored.number in mail.subject
    assert "/tanda-terima/" in mail.body
    thread = await client.get(THREAD)
    assert "Anggota masyarakat, Kota Serang" in thread.text
    assert "<ins>" in thread.text  # the proposed wording as a word diff
    data = (await client.get(f"{THREAD}.json")).json()
    assert data["total"] == 1
    assert data["comments"][0]["number"] == stored.number
    assert "personal" not in data["comments"][0]
    assert "warga@contoh.id" not in str(data)
    version = (await client.get(f"{V2}.json")).json()
    assert version["comments"]["by_path"] == {PATH: 1}
    html = (await client.get(V2)).text
    assert f'href="{V2}/{PATH}/komentar">1 komentar</a>' in html
    # Without the receipt token, the receipt is not shown to others.
    assert (await client.get(f"/tanda-terima/{stored.number}")).status_code == 404


async def test_a_double_submit_stores_one_comment(client: httpx.AsyncClient) -> None:
    await setup_v2()
    page = await client.get(THREAD)
    data = {
        "csrf_token": csrf_of(page.text), "submission_key": hidden(page.text, "submission_key"),
        "position": "mendukung", "body": "Setuju sekali.", "category": "serikat-pekerja", "email": "a@contoh.id",
    }  # fmt: skip
    first = await client.post(THREAD, data=data)
    second = await client.post(THREAD, data=data)
    assert first.status_code == second.status_code == 303
    assert await Comment.all().count() == 1
    assert first.headers["location"].split("?")[0] == second.headers["location"].split("?")[0]


async def test_a_refused_comment_comes_back_as_typed(client: httpx.AsyncClient) -> None:
    await setup_v2()
    response = await comment(client, position="", email="bukan-surel", body="Tulisan saya <b>tetap</b> ada.")
    assert response.status_code == 400
    assert "Pilih sikap Anda." in response.text
    assert "Alamat surel diperlukan" in response.text
    assert "Tulisan saya &lt;b&gt;tetap&lt;/b&gt; ada." in response.text
    assert 'value="bukan-surel"' in response.text
    assert not await Comment.exists()


async def test_a_closed_window_refuses_and_shows_its_dates(client: httpx.AsyncClient) -> None:
    version = await setup_v2()
    await Version.filter(id=version.id).update(
        konsultasi_buka=dt.date(2026, 1, 5), konsultasi_tutup=dt.date(2026, 2, 5)
    )
    page = await client.get(THREAD)
    assert "Konsultasi telah ditutup" in page.text
    assert "5 Januari 2026" in page.text
    assert "Tulis komentar" not in page.text
    token = csrf_of((await client.get("/lacak")).text)
    refused = await client.post(
        THREAD,
        data={
            "csrf_token": token,
            "body": "x",
            "position": "menolak",
            "category": "lainnya",
            "email": "a@b.id",
        },
    )
    assert refused.status_code == 400
    assert "Konsultasi atas versi ini telah ditutup." in refused.text
    assert not await Comment.exists()


async def test_anonymous_comments_can_be_switched_off(client: httpx.AsyncClient) -> None:
    version = await setup_v2()
    await Version.filter(id=version.id).update(anonim_boleh=False)
    page = await client.get(THREAD)
    assert "Masuk untuk memberi komentar" in page.text
    await make_user("anggota@serikat.id", role="pemangku")
    await sign_in(client, "anggota@serikat.id")
    assert (await comment(client)).status_code == 303
    stored = await Comment.get()
    assert stored.author_id is not None  # type: ignore[attr-defined]
    assert stored.email == "anggota@serikat.id"


async def test_pre_moderation_and_hiding_with_a_public_reason(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    version = await setup_v2()
    await Version.filter(id=version.id).update(moderasi="pra")
    app.state.versions.clear()
    assert (await comment(client)).status_code == 303
    stored = await Comment.get()
    assert stored.status == "menunggu"
    assert (await client.get(f"{THREAD}.json")).json()["total"] == 0
    await make_user("moderator@banten.go.id", role="moderator")
    await sign_in(client, "moderator@banten.go.id")
    queue = await client.get("/moderasi")
    assert stored.number in queue.text
    token = csrf_of(queue.text)
    refused = await client.post(
        f"/moderasi/{stored.number}", data={"csrf_token": token, "action": "sembunyikan"}
    )
    assert refused.status_code == 400
    ok = await client.post(f"/moderasi/{stored.number}", data={"csrf_token": token, "action": "setujui"})
    assert ok.status_code == 303
    hide = await client.post(
        f"/moderasi/{stored.number}",
        data={"csrf_token": token, "action": "sembunyikan", "reason": "Memuat data pribadi pihak lain."},
    )
    assert hide.status_code == 303
    data = (await client.get(f"{THREAD}.json")).json()
    assert data["comments"][0]["status"] == "disembunyikan"
    assert data["comments"][0]["body"] is None
    assert data["comments"][0]["hidden_reason"] == "Memuat data pribadi pihak lain."
    assert await AuditEvent.filter(action="comment.sembunyikan").exists()
    assert await Comment.exists()  # never deleted


def docx_bytes() -> bytes:
    """The same bytes on every call (a fixed time on the entries: zip keeps it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


async def test_attachments_are_checked_by_content_and_served_as_downloads(client: httpx.AsyncClient) -> None:
    await setup_v2()
    fake = await comment(
        client, files={"attachment": ("kertas.pdf", b"MZ\x90\x00 bukan pdf", "application/pdf")}
    )
    assert fake.status_code == 400
    assert "harus berupa berkas PDF, DOCX, atau ODT" in fake.text
    big = await comment(
        client,
        files={"attachment": ("besar.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "application/pdf")},
    )
    assert big.status_code == 413  # the form back, every field kept (test_form_limits.py)
    assert "lebih besar dari 10 MB" in big.text
    ok = await comment(
        client, files={"attachment": ("Kertas Posisi.docx", docx_bytes(), "application/octet-stream")}
    )
    assert ok.status_code == 303
    stored = await Comment.get()
    assert stored.attachment_type.endswith("wordprocessingml.document")
    download = await client.get(f"/lampiran/{stored.number}")
    assert download.status_code == 200
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.content == docx_bytes()


async def test_honeypot_and_cap_per_provision(client: httpx.AsyncClient) -> None:
    await setup_v2()
    spam = await comment(client, situs="http://iklan.example")
    assert spam.status_code == 400
    for k in range(5):
        assert (await comment(client, body=f"Komentar ke-{k} tentang iuran.")).status_code == 303
    sixth = await comment(client, body="Komentar keenam.")
    assert sixth.status_code == 400
    assert "sudah mengirim 5 komentar" in sixth.text
    assert await Comment.all().count() == 5


LETTER = (
    "Kami serikat pekerja menolak ketentuan ini karena pekerja bukan penerima upah di sektor perikanan "
    "belum mampu membayar iuran secara mandiri dan meminta bantuan iuran penuh dari APBD provinsi."
)


async def test_a_campaign_is_grouped_and_answered_as_one(client: httpx.AsyncClient) -> None:
    await setup_v2()
    for k, email in enumerate(("a@contoh.id", "b@contoh.id", "c@contoh.id")):
        tail = ["", " Terima kasih.", " Hormat kami."][k]
        assert (await comment(client, body=LETTER + tail, email=email, position="menolak")).status_code == 303
    assert (
        await comment(
            client, body="Pasal ini sudah baik, tetapi sanksinya perlu dipertegas.", email="d@contoh.id"
        )
    ).status_code == 303
    group = await CampaignGroup.get()
    assert group.size == 3
    data = (await client.get(f"{THREAD}.json")).json()
    assert [c["campaign_size"] for c in data["comments"]] == [3, 3, 3, None]
    await make_user("penyusun@banten.go.id", role="penyusun")
    await sign_in(client, "penyusun@banten.go.id")
    first = await Comment.get(email="a@contoh.id")
    queue = await client.get("/kelola/komentar")
    assert first.number in queue.text
    assert "Kemajuan per BAB" in queue.text
    assert re.search(
        r"<td>BAB II PROGRAM JAMINAN SOSIAL KETENAGAKERJAAN</td><td>0</td><td>4</td>", queue.text
    )
    form = await client.get(f"/kelola/komentar/{first.number}")
    assert "seluruh kampanye (3 penanda tangan)" in form.text
    refused = await client.post(
        f"/kelola/komentar/{first.number}", data={"csrf_token": csrf_of(form.text), "disposition": "ditolak"}
    )
    assert refused.status_code == 400
    answered = await client.post(
        f"/kelola/komentar/{first.number}",
        data={
            "csrf_token": csrf_of(form.text), "disposition": "diterima-sebagian", "group": "1",
            "reason": "Bantuan iuran diberikan bertahap sesuai kemampuan APBD.", "new_versi": "v3", "new_path": "pasal-7",
        },
    )  # fmt: skip
    assert answered.status_code == 303
    assert await Response.all().count() == 3
    assert await Comment.filter(answered_at__not_isnull=True).count() == 3
    assert await MailMessage.filter(subject__startswith="Jawaban atas komentar").count() == 3
    thread = (await client.get(f"{THREAD}.json")).json()
    assert thread["comments"][0]["responses"][0]["disposition"] == "diterima-sebagian"
    # The commenter asks for the link with number and email: it comes by mail.
    await client.post("/keluar", data={"csrf_token": csrf_of(form.text)})
    lookup_page = await client.get("/lacak")
    found = await client.post(
        "/lacak",
        data={"csrf_token": csrf_of(lookup_page.text), "number": first.number, "email": "A@contoh.id"},
    )
    assert found.status_code == 200
    assert "Bantuan iuran diberikan bertahap" not in found.text  # nothing shown to whoever asks
    link = await MailMessage.filter(subject=f"Tautan komentar {first.number}").first()
    assert link is not None
    assert link.to == "a@contoh.id"
    url = re.search(r"https?://[^/\s]+(/tanda-terima/\S+)", link.body)
    assert url, link.body
    opened = await client.get(url.group(1))
    assert opened.status_code == 200
    assert "Bantuan iuran diberikan bertahap" in opened.text
    wrong = await client.post(
        "/lacak",
        data={"csrf_token": csrf_of(lookup_page.text), "number": first.number, "email": "x@contoh.id"},
    )
    assert wrong.status_code == 200
    assert await MailMessage.filter(subject=f"Tautan komentar {first.number}").count() == 1


async def test_comments_follow_their_provision_into_the_next_version(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await setup_v2()
    assert (await comment(client)).status_code == 303
    on_deleted = f"{V2}/pasal-34/komentar"  # Pasal 34 of v2 is deleted in v3 (drafts/…/CHANGES.md)
    assert (await client.get(on_deleted)).status_code == 200
    assert (
        await comment(client, url=on_deleted, body="Ketentuan ini penting bagi ojek daring.")
    ).status_code == 303
    await import_text(sample("v3"))
    app.state.versions.clear()
    v3 = await Version.get(versi="v3")
    # Find where v2's pasal-6/ayat-1 went.
    first = await Comment.get(path=PATH)
    history = (await client.get(f"{V2}/{PATH}/riwayat.json")).json()
    new_path = next(e["path"] for e in history["history"] if e["versi"] == "v3")
    thread = (await client.get(f"/r/{SLUG}/v3/{new_path}/komentar.json")).json()
    assert [c["number"] for c in thread["comments"]] == [first.number]
    assert thread["comments"][0]["versi"] == "v2"
    html = (await client.get(f"/r/{SLUG}/v3/{new_path}/komentar")).text
    assert "Pada rumusan v2" in html
    whole = (await client.get(f"/r/{SLUG}/v3/komentar.json")).json()
    deleted_numbers = [c["number"] for c in whole["deleted_provisions"]]
    assert (await Comment.get(path="pasal-34")).number in deleted_numbers
    assert whole["deleted_provisions_total"] == 1
    assert v3.id


async def test_one_level_of_replies(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert (await comment(client)).status_code == 303
    parent = await Comment.get()
    reply = await comment(client, parent=parent.number, body="Saya sependapat.", email="b@contoh.id")
    assert reply.status_code == 303
    child = await Comment.get(email="b@contoh.id")
    nested = await comment(client, parent=child.number, body="Balasan atas balasan.", email="c@contoh.id")
    assert nested.status_code == 400
    data = (await client.get(f"{THREAD}.json")).json()
    assert data["total"] == 1
    assert data["comments"][0]["replies"][0]["number"] == child.number


async def test_an_administrator_redacts_personal_data_on_request(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert (await comment(client, name="Budi Santoso", show_name="1")).status_code == 303
    stored = await Comment.get()
    assert "Budi Santoso" in (await client.get(THREAD)).text
    await make_user("admin@banten.go.id", role="admin")
    await sign_in(client, "admin@banten.go.id")
    page = await client.get("/moderasi")
    done = await client.post(
        f"/admin/komentar/{stored.number}/hapus",
        data={"csrf_token": csrf_of(page.text), "reason": "Permintaan subjek data."},
    )
    assert done.status_code == 303
    after = await Comment.get(id=stored.id)
    assert (after.name, after.email, after.body) == ("", "", "")
    assert after.redacted_at is not None
    assert await AuditEvent.filter(action="comment.redact", target=f"comment:{stored.number}").exists()
    assert "Budi Santoso" not in (await client.get(THREAD)).text


def test_pure_helpers() -> None:
    assert tracking_prefix("Penyelenggaraan Jaminan Sosial Ketenagakerjaan") == "JSK"
    assert tracking_prefix("Pajak", "pajak-daerah") == "PD"
    assert sniff(b"%PDF-1.4 ...") == "application/pdf"
    assert sniff(docx_bytes()).endswith("document")  # type: ignore[union-attr]
    assert sniff(b"\x89PNG\r\n") is None
    assert signature("Setuju.") == []
    a, b = signature(LETTER), signature(LETTER + " Terima kasih.")
    assert sum(x == y for x, y in zip(a, b, strict=True)) / len(a) >= 0.7


async def test_concurrent_submissions_are_stored_once_each_with_unique_numbers(
    client: httpx.AsyncClient,
) -> None:
    """Group commit: everything acknowledged is stored; a key sent twice at once is one
    comment; the per-address limit holds inside one batch."""
    import asyncio

    await setup_v2()
    page = await client.get(THREAD)
    token = csrf_of(page.text)

    def form(k: int, key: str) -> dict[str, str]:
        return {
            "csrf_token": token, "submission_key": key, "position": "pertanyaan", "category": "lainnya",
            "body": f"Pertanyaan nomor {k} tentang iuran.", "email": f"orang{k}@contoh.id",
        }  # fmt: skip

    forms = [form(k, f"kunci-{k:02d}") for k in range(32)] + [form(99, "kunci-00")]
    responses = await asyncio.gather(*(client.post(THREAD, data=f) for f in forms))
    accepted = [r for r in responses if r.status_code == 303]
    refused = [r for r in responses if r.status_code == 400]
    assert len(accepted) == 31  # 30 from one address, plus the repeat of kunci-00
    assert all("Terlalu banyak komentar" in r.text for r in refused)
    numbers = {r.headers["location"].split("?")[0].rsplit("/", 1)[1] for r in accepted}
    assert len(numbers) == 30
    stored = await Comment.all()
    assert len(stored) == 30
    assert {c.number for c in stored} == numbers
    assert (await Comment.get(submission_key="kunci-00")).email == "orang0@contoh.id"


async def test_a_receipt_token_that_begins_with_l_opens_its_receipt(client: httpx.AsyncClient) -> None:
    """A receipt token is random (``secrets.token_urlsafe``): one in 64 begins with "l",
    the letter that marks a /lacak link. Such a token must still open its receipt (it was
    taken for a /lacak link and refused, 404, for 1 receipt in 64)."""
    import secrets

    import pytest

    tokens = iter(["lXq3" + "A" * 28])  # the receipt token (24 bytes); other tokens as usual
    real = secrets.token_urlsafe
    patch = pytest.MonkeyPatch()
    patch.setattr(
        secrets, "token_urlsafe", lambda n=None: (next(tokens, None) if n == 24 else None) or real(n)
    )
    try:
        await setup_v2()
        response = await comment(client)
    finally:
        patch.undo()
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.endswith("?k=lXq3" + "A" * 28)
    receipt = await client.get(location)
    assert receipt.status_code == 200
    stored = await Comment.get(email="warga@contoh.id")
    assert stored.number in receipt.text
    assert (await client.get(location[:-1] + "B")).status_code == 404  # a wrong token still fails
