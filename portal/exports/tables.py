"""Landscape tables as DOCX (F4, Bookman Old Style, repeated header row) and XLSX
(wrapped cells, frozen header, print titles): the shape of every matrix the DPRD
reads — matriks perubahan, DIM, response matrix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from docx import Document as DocxDocument
from docx.document import Document as DocxFile
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

Cell = str | int


def new_document(font: str = "Bookman Old Style", size: int = 10) -> DocxFile:
    """An empty F4 (21.5 × 33 cm) landscape document, the paper of Indonesian government."""
    document = DocxDocument()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(33), Cm(21.5)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    style = document.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(size)
    return document


def add_heading(document: DocxFile, heading: str, sub: str = "") -> None:
    title = document.add_paragraph()
    run = title.add_run(heading)
    run.bold = True
    run.font.size = Pt(12)
    for line in sub.splitlines():
        document.add_paragraph(line)


def add_table(
    document: DocxFile, headers: Sequence[str], widths_cm: Sequence[float], rows: Iterable[Sequence[Cell]]
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(w) for w in widths_cm]
    header = table.rows[0]
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
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
        for cell, value, width in zip(cells, row, widths, strict=True):
            cell.width = width
            lines = str(value).splitlines() or [""]
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def to_bytes(document: DocxFile) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def table_docx(
    heading: str, sub: str, headers: Sequence[str], widths_cm: Sequence[float], rows: Iterable[Sequence[Cell]]
) -> bytes:
    document = new_document()
    add_heading(document, heading, sub)
    add_table(document, headers, widths_cm, rows)
    return to_bytes(document)


def table_xlsx(
    sheet_title: str,
    heading: str,
    sub: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[Cell]],
) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = sheet_title[:31]
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = sub.replace("\n", " — ")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    header_row = 4
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7EE")
        cell.border = border
        cell.alignment = wrap
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.alignment = wrap
            cell.border = border
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
