"""The matriks perubahan as DOCX (landscape table) and XLSX, for Word, LibreOffice and Excel."""

from __future__ import annotations

from io import BytesIO

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from portal.versions.compare import Comparison, MatrixRow

HEADERS = {
    "id": ("No", "Rumusan Semula", "Rumusan Baru", "Keterangan"),
    "en": ("No", "Previous wording", "New wording", "Note"),
}


def _title(comparison: Comparison, lang: str) -> tuple[str, str]:
    old, new = comparison.old.meta, comparison.new.meta
    heading = "MATRIKS PERUBAHAN" if lang != "en" else "TABLE OF CHANGES"
    sub = f"{new.title}\n{old.label} ({old.versi}) → {new.label} ({new.versi})"
    return heading, sub


def _cell_text(label: str | None, text: str) -> str:
    return f"{label}\n{text}" if label else text


def matrix_docx(comparison: Comparison, rows: list[MatrixRow], lang: str = "id") -> bytes:
    document = DocxDocument()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    # F4 (21.5 × 33 cm) landscape, the paper of Indonesian government documents.
    section.page_width, section.page_height = Cm(33), Cm(21.5)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    style = document.styles["Normal"]
    style.font.name = "Bookman Old Style"
    style.font.size = Pt(10)
    heading, sub = _title(comparison, lang)
    title = document.add_paragraph()
    run = title.add_run(heading)
    run.bold = True
    run.font.size = Pt(12)
    for line in sub.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(1.3), Cm(11.8), Cm(11.8), Cm(4.1))
    header = table.rows[0]
    for cell, text, width in zip(header.cells, HEADERS.get(lang, HEADERS["id"]), widths, strict=True):
        cell.width = width
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # Repeat the header row on every page.
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        values = (
            str(row.number),
            _cell_text(row.old_label, row.old_text),
            _cell_text(row.new_label, row.new_text),
            row.note,
        )
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            lines = value.splitlines() or [""]
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def matrix_xlsx(comparison: Comparison, rows: list[MatrixRow], lang: str = "id") -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Matriks" if lang != "en" else "Changes"
    heading, sub = _title(comparison, lang)
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = sub.replace("\n", " — ")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    header_row = 4
    for column, text in enumerate(HEADERS.get(lang, HEADERS["id"]), start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7EE")
        cell.border = border
        cell.alignment = wrap
    for offset, row in enumerate(rows, start=1):
        values = (
            row.number,
            _cell_text(row.old_label, row.old_text),
            _cell_text(row.new_label, row.new_text),
            row.note,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.alignment = wrap
            cell.border = border
    for letter, width in zip("ABCD", (6, 70, 70, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
