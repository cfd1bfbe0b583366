"""Published pages kept compressed (brotli, gzip), static files cached as immutable (#15)."""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]
import httpx
import pytest

from portal.versions.services import import_text
from portal.web.templating import STATIC_DIR, static_url
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


# -- the compression middleware (#16): everything else that is HTML or JSON -------------


async def test_a_version_page_with_gzip_decodes_to_the_html_sent_plain(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    gz = await raw(client, V2, **{"accept-encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in gz.headers["vary"]
    plain = await raw(client, V2, **{"accept-encoding": "identity"})  # httpx offers gzip unless told
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(gz.content) == plain.content
    assert b"Pasal 1" in plain.content


async def test_pages_without_a_kept_body_are_gzipped_by_the_middleware(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    await import_text(sample("v2"))
    page = "/r/jamsos-ketenagakerjaan"  # no ETag, no kept body: the middleware's
    gz = await raw(client, page, **{"accept-encoding": "gzip, deflate"})
    assert gz.status_code == 200
    assert gz.headers["content-encoding"] == "gzip"
    assert gz.headers["content-type"].startswith("text/html")
    assert int(gz.headers["content-length"]) == len(gz.content)
    assert "Accept-Encoding" in gz.headers["vary"]
    assert "Cookie" in gz.headers["vary"]  # the page's own Vary is kept
    assert gz.headers["content-security-policy"].startswith("default-src 'self'")
    assert gz.headers["x-content-type-options"] == "nosniff"
    plain = await raw(client, page, **{"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["vary"]
    assert gzip.decompress(gz.content) == plain.content
    refused = await raw(client, page, **{"accept-encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    twin = await raw(client, page + ".json", **{"accept-encoding": "gzip"})
    assert twin.headers["content-encoding"] == "gzip"
    assert gzip.decompress(twin.content).startswith(b"{")


async def test_small_responses_and_downloads_are_sent_as_they_are(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    small = await raw(client, "/healthz", **{"accept-encoding": "gzip"})
    assert small.status_code == 200
    assert "content-encoding" not in small.headers
    assert small.content == b'{"status":"ok"}'
    docx = await raw(client, "/r/jamsos-ketenagakerjaan/v1.docx", **{"accept-encoding": "gzip"})
    assert docx.status_code == 200
    assert "content-encoding" not in docx.headers
    assert int(docx.headers["content-length"]) == len(docx.content)
    assert docx.content.startswith(b"PK")  # a zip, as made
    css = await raw(client, static_url("portal.css"), **{"accept-encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip"  # a file, streamed in chunks
    assert gzip.decompress(css.content) == (STATIC_DIR / "portal.css").read_bytes()


async def test_a_streamed_json_export_is_gzipped_chunk_by_chunk(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    url = "/r/jamsos-ketenagakerjaan/v1/komentar/ekspor.json"
    plain = await raw(client, url, **{"accept-encoding": "identity"})
    assert plain.status_code == 200
    gz = await raw(client, url, **{"accept-encoding": "gzip"})
    assert gz.status_code == 200
    assert gz.headers["content-disposition"] == plain.headers["content-disposition"]
    assert "content-encoding" not in plain.headers
    assert gz.headers["content-encoding"] == "gzip"  # streamed: compressed as it goes, any size
    assert "content-length" not in gz.headers
    assert gzip.decompress(gz.content) == plain.content
    assert plain.content.startswith(b'{"versi":"v1"')


async def test_a_gzipped_body_keeps_its_etag_as_a_weak_one(client: httpx.AsyncClient) -> None:
    await import_text(sample("v1"))
    url = "/r/jamsos-ketenagakerjaan/v1.md"  # the source, with a strong ETag, kept by no store
    plain = await raw(client, url, **{"accept-encoding": "identity"})
    tag = plain.headers["etag"]
    assert not tag.startswith("W/")
    gz = await raw(client, url, **{"accept-encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    assert gz.headers["etag"] == f"W/{tag}"  # other bytes than the plain representation's
    assert gzip.decompress(gz.content) == plain.content
    again = await raw(client, url, **{"accept-encoding": "gzip", "if-none-match": gz.headers["etag"]})
    assert again.status_code == 304
