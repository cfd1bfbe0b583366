from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.document import parse
from portal.versions import services
from tests.conftest import ROOT, QueryCounter

CONTOH = (ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8")


def big_draft(pasal: int) -> str:
    """A valid draft with ``pasal`` Pasal in BABs of ten, each with ayat and Penjelasan."""
    head, _, _ = CONTOH.partition("## BAB I")
    parts = [head.replace("slug: contoh", "slug: besar")]
    for number in range(1, pasal + 1):
        if number % 10 == 1:
            parts.append(f"## BAB {_roman(number // 10 + 1)} — BAGIAN KE-{number // 10 + 1}\n\n")
        parts.append(
            f"##### Pasal {number}\n\n(1) Setiap Pemberi Kerja wajib mendaftarkan Pekerja.\n\n"
            "(2) Pendaftaran sebagaimana dimaksud pada ayat (1) dilakukan paling lama 30 (tiga puluh) hari.\n\n"
            "::: penjelasan\nAyat (1)\nCukup jelas.\n:::\n\n"
        )
    return "".join(parts)


def _roman(value: int) -> str:
    from portal.document.numbering import to_roman

    return to_roman(value)


@pytest.fixture
async def contoh(db: object) -> None:
    await services.import_text(CONTOH)


async def test_index_lists_regulations_and_versions(client: httpx.AsyncClient, contoh: None) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "RANCANGAN PERATURAN DAERAH PROVINSI BANTEN" in response.text
    assert 'href="/r/contoh/v1"' in response.text
    assert "15 Januari 2026" in response.text
    assert response.headers["link"] == '</.json>; rel="alternate"; type="application/json"'
    data = (await client.get("/.json")).json()
    assert (await client.get("/index.json")).json() == data
    assert data["regulations"][0]["slug"] == "contoh"
    assert data["regulations"][0]["versions"][0]["url"] == "/r/contoh/v1"


async def test_regulation_page_and_twin(client: httpx.AsyncClient, contoh: None) -> None:
    response = await client.get("/r/contoh")
    assert response.status_code == 200
    assert "Draf Awal" in response.text
    title = response.text.split("<title>")[1].split("</title>")[0]
    assert (
        title
        == "RANCANGAN PERATURAN DAERAH PROVINSI BANTEN NOMOR … TAHUN … TENTANG CONTOH PENGATURAN · Raperda Portal"
    )
    data = (await client.get("/r/contoh.json")).json()
    assert data["tentang"] == "Contoh Pengaturan"
    assert [v["versi"] for v in data["versions"]] == ["v1"]


async def test_version_page_reads_like_the_document(client: httpx.AsyncClient, contoh: None) -> None:
    response = await client.get("/r/contoh/v1")
    assert response.status_code == 200
    html = response.text
    for expected in (
        "DENGAN RAHMAT TUHAN YANG MAHA ESA",
        "GUBERNUR BANTEN,",
        "MEMUTUSKAN:",
        "DEWAN PERWAKILAN RAKYAT DAERAH PROVINSI BANTEN",
        "PERATURAN DAERAH TENTANG CONTOH PENGATURAN.",
        'id="pasal-2/ayat-2"',
        'href="/r/contoh/v1/pasal-2/ayat-2"',
        '<details class="penjelasan"',
        "Cukup jelas.",
        "Ditetapkan di Serang",
    ):
        assert expected in html, expected
    version = await services.find_version("contoh", "v1")
    assert version is not None
    assert version.checksum in html
    assert response.headers["link"] == '</r/contoh/v1.json>; rel="alternate"; type="application/json"'


async def test_version_json_twin_has_the_parse_shape(client: httpx.AsyncClient, contoh: None) -> None:
    data = (await client.get("/r/contoh/v1.json")).json()
    document = parse(CONTOH)
    assert data["meta"]["slug"] == "contoh"
    assert data["version"]["checksum"]
    node = data["children"][3]
    assert {"kind", "path", "number", "heading", "text", "line", "children"} <= set(node)

    def paths(nodes: list[dict[str, object]]) -> list[str]:
        out: list[str] = []
        for item in nodes:
            out.append(str(item["path"]))
            out.extend(paths(item["children"]))  # type: ignore[arg-type]
        return out

    assert paths(data["children"]) == document.paths()


async def test_provision_page_in_context(client: httpx.AsyncClient, contoh: None) -> None:
    response = await client.get("/r/contoh/v1/pasal-2/ayat-2")
    assert response.status_code == 200
    assert "Pasal 2 ayat (2)" in response.text
    assert re.search(r'class="unit unit-ayat target" id="pasal-2/ayat-2"', response.text)
    data = (await client.get("/r/contoh/v1/pasal-2/ayat-2.json")).json()
    assert data["citation"] == "Pasal 2 ayat (2)"
    assert data["node"]["path"] == "pasal-2/ayat-2"
    assert [c["path"] for c in data["breadcrumb"]] == ["bab-ii", "pasal-2"]


@pytest.mark.parametrize(
    "path",
    [
        "menimbang/huruf-b",
        "mengingat",
        "bab-ii",
        "pasal-1/angka-2/huruf-a",
        "penjelasan/pasal-2/ayat-1",
        "penjelasan-umum",
    ],
)
async def test_every_path_has_a_page(client: httpx.AsyncClient, contoh: None, path: str) -> None:
    assert (await client.get(f"/r/contoh/v1/{path}")).status_code == 200
    assert (await client.get(f"/r/contoh/v1/{path}.json")).status_code == 200


async def test_etag_and_304(client: httpx.AsyncClient, contoh: None) -> None:
    first = await client.get("/r/contoh/v1")
    etag = first.headers["etag"]
    again = await client.get("/r/contoh/v1", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    english = await client.get("/r/contoh/v1?lang=en", headers={"if-none-match": etag})
    assert english.status_code == 200  # another language is another representation
    json_first = await client.get("/r/contoh/v1.json")
    assert (
        await client.get("/r/contoh/v1.json", headers={"if-none-match": json_first.headers["etag"]})
    ).status_code == 304


@pytest.mark.parametrize("url", ["/r/tidak-ada", "/r/contoh/v9", "/r/contoh/v1/pasal-99", "/tidak/ada"])
async def test_not_found_pages_in_both_languages(client: httpx.AsyncClient, contoh: None, url: str) -> None:
    response = await client.get(url)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    english = await client.get(url + "?lang=en")
    assert "Page not found" in english.text


async def test_not_found_json(client: httpx.AsyncClient, contoh: None) -> None:
    response = await client.get("/r/contoh/v1/pasal-99.json")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


async def test_language_switch_sets_cookie_and_returns(client: httpx.AsyncClient, contoh: None) -> None:
    response = await client.get("/bahasa/en?next=/r/contoh/v1")
    assert response.status_code == 303
    assert response.headers["location"] == "/r/contoh/v1"
    assert "lang=en" in response.headers["set-cookie"]
    page = await client.get("/r/contoh/v1")
    assert '<html lang="en">' in page.text
    assert "Elucidation of Pasal 2" in page.text
    assert (await client.get("/bahasa/id?next=https://evil.example")).headers["location"] == "/"


async def test_security_headers(client: httpx.AsyncClient, contoh: None) -> None:
    headers = (await client.get("/r/contoh/v1")).headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_reading_a_version_costs_bounded_queries(
    client: httpx.AsyncClient, db: object, queries: QueryCounter
) -> None:
    await services.import_text(CONTOH)
    await services.import_text(big_draft(120))
    costs = []
    for url in ("/r/contoh/v1", "/r/besar/v1", "/r/besar/v1/pasal-77/ayat-2", "/r/besar/v1.json"):
        queries.reset()
        response = await client.get(url)
        assert response.status_code == 200
        costs.append(len(queries.queries))
    # the version, its provisions, the other versions and the comment counts: the same for 2 and 120 Pasal
    assert costs[0] == costs[1] <= 4, costs
    assert costs[2] == costs[3] == 0, costs  # a published version is read once, then served from memory
    queries.reset()
    await client.get("/")
    assert len(queries.queries) <= 2


async def test_markdown_in_text_is_rendered_without_raw_html(client: httpx.AsyncClient, db: object) -> None:
    text = CONTOH.replace(
        "(1) Setiap Pemberi Kerja wajib", "(1) Setiap <script>alert(1)</script> *Pemberi Kerja* wajib"
    )
    await services.import_text(text)
    html = (await client.get("/r/contoh/v1")).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<em>Pemberi Kerja</em>" in html


async def test_server_error_page_in_both_languages(app: Starlette, db: object) -> None:
    async def boom(request: Request) -> Response:
        raise RuntimeError("gagal di dalam")

    app.router.routes.append(Route("/boom", boom))
    app.router.routes.append(Route("/boom.json", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        response = await client.get("/boom")
        assert response.status_code == 500
        assert "Terjadi kesalahan" in response.text
        assert "gagal di dalam" not in response.text  # no traceback leaks to readers
        english = await client.get("/boom?lang=en")
        assert "Something went wrong" in english.text
        assert (await client.get("/boom.json")).json()["error"]["status"] == 500


async def test_oversized_bodies_get_413_before_being_read(client: httpx.AsyncClient, db: object) -> None:
    big = b"x" * (1024 * 1024 + 1)
    response = await client.post(
        "/masuk", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413

    async def stream():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"y" * 100_000

    streamed = await client.post(
        "/masuk", content=stream(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413


async def test_malformed_form_input_never_gives_500(client: httpx.AsyncClient, db: object) -> None:
    for body, kind in (
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"--x\r\nnot a part", "multipart/form-data; boundary=x"),
        (b"%%%=&&=", "application/x-www-form-urlencoded"),
    ):
        response = await client.post("/daftar", content=body, headers={"content-type": kind})
        assert response.status_code in (400, 403), (body, response.status_code)
