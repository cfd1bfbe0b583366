"""The official layout as DOCX: title block, formulas, body, Penutup, Penjelasan, Lampiran."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import httpx
import pytest

from portal.cli import main
from portal.document import parse
from portal.exports.official import official_docx
from portal.versions.services import import_text
from tests.conftest import ROOT

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"


def read(body: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(body))


def test_the_docx_follows_the_official_layout() -> None:
    document = parse((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    opened = read(official_docx(document, ibukota="Serang"))
    texts = [p.text for p in opened.paragraphs]
    assert texts[: len(document.meta.title_lines)] == document.meta.title_lines
    for formula in ("DENGAN RAHMAT TUHAN YANG MAHA ESA", "Dengan Persetujuan Bersama", "MEMUTUSKAN:"):
        assert formula in texts
    assert "Ditetapkan di Serang" in texts
    section = opened.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.5, 33.0)  # F4
    assert opened.styles["Normal"].font.name == "Bookman Old Style"
    # Menimbang and Mengingat: one row per item, the letter or number in its own column.
    menimbang = next(n for n in document.children if n.kind == "menimbang")
    table = opened.tables[0]
    assert len(table.rows) == len(menimbang.children)
    assert table.rows[0].cells[0].text == "Menimbang"
    assert table.rows[1].cells[2].text == menimbang.children[1].marker
    # Every Pasal is set, and the Penjelasan follows as its own part, Pasal by Pasal.
    pasal = [n.label for n in document.walk() if n.kind == "pasal"]
    assert [t for t in texts if t in pasal][: len(pasal)] == pasal
    start = texts.index("II.\tPASAL DEMI PASAL")
    assert texts.index("PENJELASAN") < start
    assert "Cukup jelas." in texts[start:]
    # Units hang at their level: an ayat under a Pasal is indented less than its huruf.
    ayat = next(p for p in opened.paragraphs if p.text.startswith("(1)\t"))
    huruf = next(p for p in opened.paragraphs if p.text.startswith("a.\t"))
    assert ayat.paragraph_format.left_indent < huruf.paragraph_format.left_indent


def test_a4_and_another_font_on_request() -> None:
    document = parse((ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8"))
    opened = read(official_docx(document, paper="a4", font="Times New Roman"))
    assert round(opened.sections[0].page_height.cm, 1) == 29.7
    assert opened.styles["Normal"].font.name == "Times New Roman"
    assert round(opened.sections[0].left_margin.cm, 1) == 3.0


@pytest.mark.db
async def test_a_version_downloads_as_docx(client: httpx.AsyncClient) -> None:
    await import_text((DRAFTS / "v1.md").read_text(encoding="utf-8"))
    page = await client.get("/r/jamsos-ketenagakerjaan/v1")
    assert 'href="/r/jamsos-ketenagakerjaan/v1.docx"' in page.text
    response = await client.get("/r/jamsos-ketenagakerjaan/v1.docx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "Ditetapkan di Serang" in [p.text for p in read(response.content).paragraphs]
    a4 = await client.get("/r/jamsos-ketenagakerjaan/v1.docx", params={"kertas": "a4"})
    assert round(read(a4.content).sections[0].page_height.cm, 1) == 29.7


def test_portal_export_docx_needs_a_file(tmp_path: Path) -> None:
    target = tmp_path / "v3.docx"
    out = io.StringIO()
    assert main(["export", str(DRAFTS / "v3.md"), "--format", "docx", "-o", str(target)], out=out) == 0
    assert read(target.read_bytes()).paragraphs[0].text == "RANCANGAN"
    assert (
        main(["export", str(DRAFTS / "v3.md"), "--format", "docx", "--paper", "a4"], out=io.StringIO()) == 2
    )


CONTOH = ROOT / "tests" / "data" / "contoh.md"


def test_portal_export_pdf(tmp_path: Path) -> None:
    target = tmp_path / "contoh.pdf"
    assert main(["export", str(CONTOH), "--format", "pdf", "-o", str(target)], out=io.StringIO()) == 0
    assert target.read_bytes().startswith(b"%PDF-")
    assert main(["export", str(CONTOH), "--format", "pdf"], out=io.StringIO()) == 2
