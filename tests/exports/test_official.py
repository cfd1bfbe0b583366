"""The official layout as DOCX: title block, formulas, body, Penutup, Penjelasan, Lampiran."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def grid_widths(table: docx.table.Table) -> list[int]:
    return [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.iter(f"{W}gridCol")]


def cell_widths(row: docx.table._Row) -> list[int]:
    return [int(c.width.twips) for c in row.cells]


def test_the_lampiran_tables_are_real_tables_that_fit_the_page() -> None:
    document = parse((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    opened = read(official_docx(document, ibukota="Serang"))
    texts = [p.text for p in opened.paragraphs]
    assert not any(t.startswith("|") for t in texts)  # no Markdown pipe text left
    criteria = next(t for t in opened.tables if t.rows[0].cells[0].text == "No.")
    assert [c.text for c in criteria.rows[0].cells] == [
        "No.", "Kelompok Pekerja Rentan", "Kriteria Khusus", "Perangkat Daerah Pengusul",
    ]  # fmt: skip
    assert criteria.rows[2].cells[1].text == "Pengemudi Transportasi Berbasis Aplikasi"
    assert len(criteria.rows) == 9
    assert criteria.style.name == "Table Grid"
    assert criteria.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None  # repeated header
    section = opened.sections[0]
    room = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    for table in opened.tables:  # Menimbang, Mengingat and the Lampiran tables alike
        assert grid_widths(table) == cell_widths(table.rows[0])
        assert abs(sum(grid_widths(table)) - room) <= 5  # twips rounded from EMU
    # "Bold" paragraphs of the Lampiran stay bold, without their asterisks.
    heading = next(p for p in opened.paragraphs if p.text.startswith("A. Kelompok"))
    assert heading.runs[0].bold


def test_numbers_from_10_have_room_and_the_document_is_indonesian_with_page_numbers() -> None:
    document = parse((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    body = official_docx(document, ibukota="Serang", paper="a4")
    opened = read(body)
    mengingat = opened.tables[1]
    assert mengingat.rows[9].cells[2].text == "10."
    assert mengingat.rows[0].cells[2].width.cm >= 1.1
    ten = next(p for p in opened.paragraphs if p.text.startswith("10.\t"))
    assert -ten.paragraph_format.first_line_indent.cm >= 1.0  # "(10)" and "10." hang whole
    assert b'w:val="en-US"' not in body  # nowhere: not in the styles, not in the settings
    styles = opened.styles.element.xml
    assert 'w:lang w:val="id-ID"' in styles
    assert 'w:themeFontLang w:val="id-ID"' in opened.settings.element.xml
    footer = opened.sections[0].footer._element.xml
    assert "PAGE" in footer
    assert 'w:fldCharType="begin"' in footer


def test_libreoffice_sets_the_docx_on_its_pages(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer-nogui")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed: apt-get install -y poppler-utils")
    document = parse((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    source = tmp_path / "v2.docx"
    source.write_bytes(official_docx(document, ibukota="Serang"))
    profile = (tmp_path / "profile").as_uri()  # its own profile: no clash with another soffice
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = (tmp_path / "v2.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 30 < pages < 80
    text = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "v2.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    # "10." stays on the line of its words, the tables are tables, the pages are numbered.
    assert re.search(r"^\s*10\.\s+Peraturan Pemerintah Nomor 86 Tahun 2013", text, re.M)
    assert "| No. |" not in text
    assert "|---|" not in text
    assert re.search(r"^No\.\s+Kelompok Pekerja Rentan\s+Kriteria\s+Perangkat Daerah$", text, re.M)  # one row
    last = text.rstrip("\f").split("\f")[-1]
    assert last.strip().splitlines()[-1].strip() == str(pages)
