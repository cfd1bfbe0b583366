"""Errors that tell the truth: the database going away during a POST, and a full disk."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from portal.config import Settings
from portal.consultation.models import Comment
from tests.accounts.helpers import csrf_of, make_user
from tests.consultation.test_comments import THREAD, comment, hidden, setup_v2
from tests.ops.helpers import database_gone, writes_refused

BODY = "Iuran nelayan sebaiknya dibantu APBD; teks ini harus kembali utuh setelah gangguan."
PROPOSAL = "Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya tanpa kecuali."


async def test_a_comment_posted_while_the_database_is_gone_comes_back_as_its_form(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    await setup_v2()
    page = await client.get(THREAD)  # the version is in the cache; the form has its token
    data = {
        "csrf_token": csrf_of(page.text),
        "submission_key": hidden(page.text, "submission_key"),
        "position": "usul-perubahan",
        "body": BODY,
        "replacement": PROPOSAL,
        "category": "pekerja-informal",
        "organisation": "Serikat Nelayan Banten",
        "region": "Kota Serang",
        "name": "Siti Aminah",
        "email": "siti@contoh.id",
        "show_name": "1",
    }
    pdf = {"attachment": ("kertas.pdf", b"%PDF-1.4\n" + b"0" * 5000, "application/pdf")}
    async with writes_refused(database_url, tmp_path):
        response = await client.post(THREAD, data=data, files=pdf)
    assert response.status_code == 503, response.text[:500]
    assert response.headers["retry-after"] == "30"
    html = response.text
    assert "Basis data sedang tidak tersedia, coba lagi" in html
    assert "Tidak ada yang Anda ketik yang hilang" not in html
    assert "Nothing you typed" not in html
    assert f">{BODY}</textarea>" in html
    assert f">{PROPOSAL}</textarea>" in html
    assert re.search(r'value="usul-perubahan"[^>]* checked', html)
    assert '<option value="pekerja-informal" selected>' in html
    assert '<option value="Kota Serang" selected>' in html
    assert 'value="Serikat Nelayan Banten"' in html
    assert 'value="Siti Aminah"' in html
    assert 'value="siti@contoh.id"' in html
    assert 'name="show_name" value="1" checked' in html
    assert f'name="submission_key" value="{data["submission_key"]}"' in html  # a resend is the same comment
    assert 'aria-labelledby="daftar"' not in html  # no comment list pretending there are none
    assert not list((tmp_path / "data" / "lampiran").iterdir())  # the stored file was removed
    # Once the database is back, the same form goes through.
    again = await client.post(THREAD, data={**data, "csrf_token": csrf_of(html)})
    assert again.status_code == 303, again.text[:500]
    assert await Comment.filter(body=BODY).count() == 1


async def test_any_other_post_shows_its_text_fields_back_but_no_password_or_token(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    await make_user("warga@contoh.id")
    page = await client.get("/masuk")
    token = csrf_of(page.text)
    async with database_gone(database_url, tmp_path):
        response = await client.post(
            "/masuk", data={"email": "warga@contoh.id", "password": "rahasia-sekali-123", "csrf_token": token}
        )
    assert response.status_code == 503, response.text[:500]
    assert response.headers["retry-after"] == "30"
    assert "Basis data sedang tidak tersedia, coba lagi" in response.text
    assert "Yang Anda kirim" in response.text
    assert re.search(r"<textarea[^>]*readonly[^>]*>warga@contoh.id</textarea>", response.text)
    assert "rahasia-sekali-123" not in response.text
    assert token not in response.text
    assert "Nothing you typed was lost" not in response.text
    assert "Tidak ada yang Anda ketik yang hilang" not in response.text


async def test_the_json_twin_gets_a_json_503(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    await setup_v2()
    async with database_gone(database_url, tmp_path):
        response = await client.get(f"{THREAD}.json")
    assert response.status_code == 503
    assert response.json()["error"]["title"] == "Basis data sedang tidak tersedia, coba lagi"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB tmpfs (we run as root in this sandbox), unmounted afterwards."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if mount is None or umount is None:
        pytest.skip("no mount command here")
    mounted = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run([umount, str(folder)], check=True)


async def test_a_full_disk_refuses_the_attachment_next_to_its_field(
    client: httpx.AsyncClient, app: Starlette, settings: Settings, tiny_disk: Path
) -> None:
    await setup_v2()
    app.state.settings = dataclasses.replace(settings, data_dir=tiny_disk)
    pdf = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)  # twice the room there is
    response = await comment(client, body=BODY, files={"attachment": ("kertas.pdf", pdf, "application/pdf")})
    assert response.status_code == 507, response.text[:500]
    assert re.search(
        r'<input id="attachment" name="attachment"[^>]*><p class="field-error" id="attachment-error">'
        r"Portal sedang tidak punya ruang untuk menyimpan berkas ini",
        response.text,
    )
    assert f">{BODY}</textarea>" in response.text
    assert 'value="warga@contoh.id"' in response.text
    assert not list((tiny_disk / "lampiran").iterdir())  # the partial file is gone: the room is back
    assert not await Comment.filter(body=BODY).exists()
