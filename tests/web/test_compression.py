"""Published pages kept compressed (brotli, gzip), static files cached as immutable (#15)."""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]
import httpx
import pytest

from portal.versions.services import import_text
from portal.web.templating import static_url
from tests.consultation.test_comments import sample

pytestmark = pytest.mark.db
V2 = "/r/jamsos-ketenagakerjaan/v2"


class Sent:
    """A response as sent, its body not decoded (httpx decodes what it reads)."""

    def __init__(self, response: httpx.Response, content: bytes) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = content


async def raw(client: httpx.AsyncClient, url: str, **headers: str) -> Sent:
    request = client.build_request("GET", url, headers=headers)
    response = await client.send(request, stream=True)
    content = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return Sent(response, content)


async def test_a_version_page_is_sent_in_the_encoding_the_client_accepts(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    plain = await raw(client, V2, **{"accept-encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    html = plain.content
    assert b"Pasal 1" in html
    br = await raw(client, V2, **{"accept-encoding": "gzip, deflate, br"})
    assert br.headers["content-encoding"] == "br"
    assert brotli.decompress(br.content) == html
    assert len(br.content) < len(html) / 4
    gz = await raw(client, V2, **{"accept-encoding": "gzip;q=1, br;q=0"})
    assert gz.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gz.content) == html
    tags = {plain.headers["etag"], br.headers["etag"], gz.headers["etag"]}
    assert len(tags) == 3  # each representation its own validator
    assert "Accept-Encoding" in br.headers["vary"]
    again = await raw(client, V2, **{"accept-encoding": "br", "if-none-match": br.headers["etag"]})
    assert again.status_code == 304
    other = await raw(client, V2, **{"accept-encoding": "gzip", "if-none-match": br.headers["etag"]})
    assert other.status_code == 200
    assert other.headers["content-encoding"] == "gzip"
    json_twin = await raw(client, V2 + ".json", **{"accept-encoding": "br"})
    assert json_twin.headers["content-encoding"] == "br"
    assert brotli.decompress(json_twin.content).startswith(b"{")


async def test_static_files_with_their_hash_are_immutable(client: httpx.AsyncClient) -> None:
    versioned = await client.get(static_url("portal.css"))
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = await client.get("/static/portal.css?v=0000000000")
    assert "immutable" not in stale.headers["cache-control"]
    bare = await client.get("/static/portal.css")
    assert bare.headers["cache-control"] == "public, max-age=0, must-revalidate"
