"""Huge and odd numbers in URLs and forms: 400 or 404 everywhere, never 500 (#14)."""

from __future__ import annotations

import httpx
import pytest

from portal.versions.services import import_text
from portal.web.params import MAX_ID, page_number, row_id
from tests.accounts.helpers import csrf_of, make_user, sign_in
from tests.consultation.test_comments import sample

pytestmark = pytest.mark.db

HUGE = "9" * 20  # past a 64-bit integer
ODD = ("0", "-1", "1e9", "²", "١", "0x10", HUGE, str(MAX_ID + 1), "9" * 5000)


def test_row_ids_and_pages_are_bounded() -> None:
    assert row_id("12") == 12
    assert row_id(str(MAX_ID)) == MAX_ID
    for raw in (*ODD, "", None):
        assert row_id(raw) is None, raw
    assert page_number("3") == 3
    assert page_number(HUGE) == 100_000
    assert [page_number(raw) for raw in ("", None, "²", "-2", "0")] == [1, 1, 1, 1, 1]


async def test_staff_routes_answer_odd_numbers_without_a_server_error(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    await make_user("admin@banten.go.id", role="admin")
    await sign_in(client, "admin@banten.go.id")
    account = await client.get("/akun")
    token = csrf_of(account.text)
    for raw in ODD:
        for url in (
            f"/admin/pengguna/{raw}",
            f"/admin/pengguna?halaman={raw}",
            f"/kelola/draf/{raw}",
            f"/kelola/draf/{raw}/sunting",
            f"/kelola/draf/{raw}/kerangka",
            f"/kelola/draf/{raw}/banding?dari={raw}&ke={raw}",
            f"/admin/audit?halaman={raw}",
            f"/r/jamsos-ketenagakerjaan/v2/pasal-6/komentar?halaman={raw}",
            f"/cari?q=iuran&halaman={raw}",
        ):
            response = await client.get(url)
            assert response.status_code in (200, 400, 404), (url, response.status_code)
        for url, field in (
            ("/akun/token", "token"),
            ("/akun/sesi", "session"),
        ):
            data = {"csrf_token": token, "action": "revoke", field: raw}
            response = await client.post(url, data=data)
            assert response.status_code in (303, 400, 404), (url, raw, response.status_code)
        admin = await client.get("/admin/pengguna/1")
        response = await client.post(
            "/admin/pengguna/1",
            data={"csrf_token": csrf_of(admin.text), "action": "approve", "request": raw},
        )
        assert response.status_code in (200, 303, 400, 404), (raw, response.status_code)
