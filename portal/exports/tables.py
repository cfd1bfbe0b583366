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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Pt
from docx.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int
LANGUAGE = "id-ID"
# Excel's paper sizes have no F4 (215 x 330 mm). Folio (code 14, 8.5 x 13 in = 215.9 x
# 330.2 mm) is the same sheet within a millimetre, so the spreadsheet prints on F4.
XLSX_PAPER_FOLIO = 14
XLSX_LINE_POINTS = 15.0  # height of one wrapped line of 11 pt text in a spreadsheet row


def set_language(document: DocxFile, language: str = LANGUAGE) -> None:
    """The document's language (spelling, hyphenation) in the style defaults, the Normal
    style and the settings, where Word and LibreOffice read it."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    holders = [document.styles["Normal"].element.get_or_add_rPr()]
    if defaults is not None:
        holders += [r for r in defaults.iter(qn("w:rPr"))]
    for rpr in holders:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), language)
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(qn("w:val"), language)


def add_page_numbers(section: Section) -> None:
    """The page number centred in the footer: a PAGE field, filled in by the word processor."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)


def text_width(section: Section) -> Length:
    """The width between the margins."""
    width = section.page_width or Cm(21)
    return Length(width - (section.left_margin or 0) - (section.right_margin or 0))


def fit_widths(widths: Sequence[float | int], available: Length) -> list[Length]:
    """Column widths in proportion to ``widths``, scaled down to fit ``available``."""
    wanted = [Cm(w) for w in widths]
    total = sum(wanted)
    scale = min(1.0, available / total) if total else 1.0
    return [Length(int(w * scale)) for w in wanted]


def set_widths(table: Table, widths: Sequence[Length]) -> None:
    """A fixed layout whose grid (``tblGrid``, what LibreOffice reads), cells (what Word
    reads) and total width all say the same widths."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    properties = table._tbl.tblPr
    total = properties.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        properties.append(total)
    total.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    total.set(qn("w:type"), "dxa")


def repeat_header(table: Table) -> None:
    """The first row is repeated at the top of every page."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


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
    set_language(document)
    add_page_numbers(section)
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
    widths = fit_widths(widths_cm, text_width(document.sections[-1]))
    header = table.rows[0]
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header(table)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            lines = str(value).splitlines() or [""]
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    set_widths(table, widths)


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
    sheet.row_dimensions[header_row].height = row_height(headers, widths)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.alignment = wrap
            cell.border = border
        sheet.row_dimensions[header_row + offset].height = row_height(row, widths)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    print_setup(sheet, header_row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_height(row: Sequence[Cell], widths: Sequence[float]) -> float:
    """Points for a row whose cells wrap: the tallest cell's lines, estimated from its text
    length and its column's width in characters (spreadsheets do not grow rows for wrapped
    text a program wrote, so without a height every row stays one line high)."""
    lines = 1
    for value, width in zip(row, widths, strict=False):
        per_line = max(1, int(width * 1.1))  # a column width counts digits; text is narrower
        needed = sum(max(1, -(-len(line) // per_line)) for line in str(value).splitlines() or [""])
        lines = max(lines, needed)
    return min(409.0, lines * XLSX_LINE_POINTS)  # 409 pt: the tallest row Excel allows


def print_setup(sheet: Worksheet, header_row: int) -> None:
    """F4 landscape, as wide as one page and as many pages long as needed, the header row
    repeated on every page."""
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = XLSX_PAPER_FOLIO
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
