"""Landscape tables (matriks perubahan, DIM, the consultation report) as DOCX and XLSX:
the grid says the cells' widths and fits the page; the sheet prints on F4, one page wide."""

from __future__ import annotations

from io import BytesIO

import httpx
import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from portal.exports.tables import XLSX_LINE_POINTS, XLSX_PAPER_FOLIO, table_docx, table_xlsx
from portal.versions import services
from tests.conftest import ROOT

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
BASE = "/r/jamsos-ketenagakerjaan"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_grid_has_the_cell_widths_and_fits_the_page() -> None:
    body = table_docx("H", "sub", ("No", "Teks"), (1.3, 40.0), [("1", "satu"), ("2", "dua")])
    document = DocxDocument(BytesIO(body))
    table = document.tables[0]
    grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.iter(f"{W}gridCol")]
    section = document.sections[0]
    room = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    for row in table.rows:
        assert [c.width.twips for c in row.cells] == grid
    assert abs(sum(grid) - room) <= 5  # 41.3 cm asked, scaled down to the 29 cm between margins
    assert grid[0] < grid[1] / 20  # "No" stays narrow
    assert 'w:type="fixed"' in table._tbl.tblPr.xml
    assert 'w:lang w:val="id-ID"' in document.styles.element.xml
    assert "PAGE" in section.footer._element.xml


def test_the_sheet_prints_on_f4_landscape_one_page_wide_with_growing_rows() -> None:
    long = "kata " * 60  # 300 characters in a 50-character column: about six lines
    body = table_xlsx("DIM", "H", "sub", ("No", "Teks"), (6, 50), [("1", "pendek"), ("2", long)])
    sheet = load_workbook(BytesIO(body)).worksheets[0]
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == XLSX_PAPER_FOLIO == 14  # Folio, 8.5 × 13 in: F4 within 1 mm
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.row_dimensions[5].height == XLSX_LINE_POINTS
    assert 5 * XLSX_LINE_POINTS <= sheet.row_dimensions[6].height <= 7 * XLSX_LINE_POINTS
    assert sheet.cell(row=6, column=2).alignment.wrap_text


@pytest.mark.db
async def test_the_matriks_downloads_fit_the_page(client: httpx.AsyncClient) -> None:
    for name in ("v1", "v2"):
        await services.import_text((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))
    docx = await client.get(f"{BASE}/banding/v1..v2/matriks.docx")
    document = DocxDocument(BytesIO(docx.content))
    table = document.tables[0]
    grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.iter(f"{W}gridCol")]
    assert [c.width.twips for c in table.rows[1].cells] == grid
    assert len(set(grid)) > 1  # not the equal widths python-docx writes by default
    xlsx = await client.get(f"{BASE}/banding/v1..v2/matriks.xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    assert int(sheet.page_setup.paperSize) == XLSX_PAPER_FOLIO
    assert max(sheet.row_dimensions[r].height or 0 for r in range(5, sheet.max_row + 1)) > XLSX_LINE_POINTS
