"""A URL with a value longer than its column can hold finds nothing (404), never a 500:
Tortoise checks a filter's value against the column's length."""

from __future__ import annotations

import httpx
import pytest

from tests.accounts.helpers import csrf_of
from tests.consultation.test_comments import setup_v2

pytestmark = pytest.mark.db

LONG = "x" * 300
SLUG = "jamsos-ketenagakerjaan"


@pytest.mark.parametrize(
    "url",
    [
        f"/r/{LONG}",
        f"/r/{LONG}/v2",
        f"/r/{LONG}/v2/akuntabilitas.json",
        f"/r/{SLUG}/{LONG}/akuntabilitas.json",
        f"/r/{SLUG}/{LONG}/laporan.json",
        f"/r/{SLUG}/{LONG}.json",
        f"/r/{SLUG}/v2/{LONG}",
        f"/r/{SLUG}/v2/{LONG}/komentar",
        f"/r/{SLUG}/v2/{LONG}/riwayat.json",
        f"/lacak/{LONG}",
    ],
)
async def test_a_value_no_column_holds_is_not_found(client: httpx.AsyncClient, url: str) -> None:
    await setup_v2()
    response = await client.get(url)
    assert response.status_code == 404, (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [f"/r/{LONG}/v2/pasal-6/ayat-1/komentar", f"/r/{SLUG}/{LONG}/pasal-6/ayat-1/komentar"],
)
async def test_a_comment_to_a_version_no_column_holds_is_not_found(
    client: httpx.AsyncClient, url: str
) -> None:
    await setup_v2()
    page = await client.get(f"/r/{SLUG}/v2/pasal-6/ayat-1/komentar")
    response = await client.post(url, data={"csrf_token": csrf_of(page.text), "body": "Isi komentar."})
    assert response.status_code == 404
