"""Search results in words people read: facet and kind names, snippets without Markdown."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette

from portal.i18n import Translator
from portal.search.indexer import catch_up
from portal.search.readable import facet_label, kind_label, plain
from tests.consultation.test_comments import THREAD, comment, setup_v2

MARKDOWN = re.compile(r"\*\*|\||^#|:::|__", re.MULTILINE)


def test_plain_removes_markdown_syntax_and_keeps_the_words() -> None:
    source = (
        "## Lampiran I — Kriteria\n"
        "**A. Kelompok Pekerja Rentan**\n\n"
        "| No. | Kelompok | Dasar |\n"
        "|---|:---:|---|\n"
        "| 1 | Nelayan *kecil* dan __petambak__ | [Pasal 20](/r/x/v2/pasal-20) |\n"
        "::: penjelasan\n"
        "Cukup jelas; lihat penjelasan_umum dan angka 1\\. saja.\n"
        ":::\n"
        "::::"
    )
    assert plain(source) == (
        "Lampiran I — Kriteria\n"
        "A. Kelompok Pekerja Rentan\n"
        "No. · Kelompok · Dasar\n"
        "1 · Nelayan kecil dan petambak · Pasal 20\n"
        "Cukup jelas; lihat penjelasan_umum dan angka 1. saja."
    )
    assert plain("Iuran sebesar 2 * 3 persen.") == "Iuran sebesar 2 * 3 persen."


def test_facet_values_and_kinds_are_named_in_the_readers_language() -> None:
    id_, en = Translator("id"), Translator("en")
    assert kind_label(id_, "penjelasan_umum") == "Penjelasan Umum"
    assert kind_label(en, "penjelasan_umum") == "Penjelasan Umum"
    assert kind_label(id_, "komentar") == "Komentar"
    assert kind_label(en, "jawaban") == "Answer"
    assert facet_label(id_, "jenis", "ayat") == "Ayat"
    assert facet_label(id_, "kategori", "serikat-pekerja") == "Serikat pekerja/serikat buruh"
    assert facet_label(id_, "posisi", "usul-perubahan") == "Usul perubahan"
    assert facet_label(en, "kategori", "serikat-pekerja") == "Trade union"
    assert facet_label(en, "posisi", "usul-perubahan") == "Proposes a change"
    assert facet_label(id_, "versi", "v2") == "v2"
    assert facet_label(id_, "bab", "BAB III") == "BAB III"


@pytest.mark.db
async def test_facets_and_snippets_read_as_words(client: httpx.AsyncClient, app: Starlette) -> None:
    await setup_v2()
    response = await comment(
        client, THREAD, body="Nelayan **kecil** perlu dibantu.", category="serikat-pekerja"
    )
    assert response.status_code == 303, response.text
    await catch_up(app.state.search)
    # The Lampiran's table and bold line, and the Penjelasan Umum.
    data = (await client.get("/cari.json", params={"q": "petambak garam kecil"})).json()
    lampiran = [r for r in data["results"] if r.get("kind") == "lampiran"]
    assert lampiran
    assert not MARKDOWN.search(lampiran[0]["snippet"]), lampiran[0]["snippet"]
    assert lampiran[0]["kind_label"] == "Lampiran"
    data = (await client.get("/cari.json", params={"q": "bermartabat"})).json()
    hit = next(r for r in data["results"] if r["kind"] == "penjelasan_umum")
    assert hit["kind_label"] == "Penjelasan Umum"
    kinds = {f["value"]: f["label"] for f in data["facets"]["jenis"]}
    assert kinds["penjelasan_umum"] == "Penjelasan Umum"  # machine key kept, label added
    assert data["facet_names"]["jenis"] == "Jenis"
    found = (await client.get("/cari.json", params={"q": "nelayan dibantu"})).json()
    mine = next(r for r in found["results"] if r["type"] == "komentar")
    assert "**" not in mine["snippet"]
    labels = {f["value"]: f["label"] for f in found["facets"]["kategori"]}
    assert labels["serikat-pekerja"] == "Serikat pekerja/serikat buruh"
    assert {f["value"]: f["label"] for f in found["facets"]["jenis"]}["komentar"] == "Komentar"

    page = await client.get("/cari", params={"q": "bermartabat"})
    shown = re.sub(r'href="[^"]*"', "", page.text)  # links keep the machine keys
    assert "penjelasan_umum" not in shown
    assert ">Penjelasan Umum</a>" in page.text
    assert "· Penjelasan Umum</span>" in page.text
    html = (await client.get("/cari", params={"q": "petambak garam kecil"})).text
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', html, re.DOTALL)
    assert snippets
    assert not any(MARKDOWN.search(s) for s in snippets), snippets
