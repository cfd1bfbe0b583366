"""The official document of a version as DOCX: the layout a Biro Hukum hands the DPRD.

F4 (or A4) portrait, Bookman Old Style (or a configured font) 12 pt: the title block
and the Pembukaan formulas, Menimbang and Mengingat with their letters and numbers
hanging, BAB/Bagian/Paragraf and Pasal centred, ayat/huruf/angka indented by level,
the Penutup with its signature blocks, then the Penjelasan as its own part (general,
then Pasal by Pasal, "Cukup jelas." where nothing is written) and the Lampiran, whose
Markdown tables become real tables. The document's language is ``id-ID`` and the footer
carries the page number.
"""

from __future__ import annotations

import io
import re

from docx import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Length, Pt
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from portal.document import Document, Node
from portal.document.parser import DISABLED_RULES
from portal.exports.tables import (
    add_page_numbers,
    fit_widths,
    repeat_header,
    set_language,
    set_widths,
    text_width,
)

PAPERS = {"f4": (Cm(21.5), Cm(33.0)), "a4": (Cm(21.0), Cm(29.7))}
FONT = "Bookman Old Style"
UNITS = ("ayat", "huruf", "angka")
STEP = 1.0  # cm of indentation per level of rincian: the hanging marker's room, "(10)" fits
# Free text (Lampiran) read with the parser's block rules, tables on, raw HTML off.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable(DISABLED_RULES).enable("table")


def _step(levels: float) -> Length:
    return Cm(STEP * levels)


_INLINE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def _plain(text: str) -> str:
    """Inline Markdown emphasis is set as plain words in the official layout."""
    return _INLINE.sub(r"\2", text)


class _Writer:
    def __init__(self, paper: str, font: str) -> None:
        self.docx = Docx()
        section = self.docx.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAPERS[paper]
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
        section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
        style = self.docx.styles["Normal"]
        style.font.name = font
        style.font.size = Pt(12)
        style.element.rPr.rFonts.set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", font
        )
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.line_spacing = 1.15
        set_language(self.docx)
        add_page_numbers(section)

    def para(
        self, text: str = "", *, center: bool = False, bold: bool = False, left: Length | None = None,
        hanging: Length | None = None, justify: bool = False,
    ) -> Paragraph:  # fmt: skip
        paragraph = self.docx.add_paragraph()
        run = paragraph.add_run(_plain(text))
        run.bold = bold
        fmt = paragraph.paragraph_format
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif justify:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if left is not None:
            fmt.left_indent = left
        if hanging is not None:
            fmt.first_line_indent = -hanging
        return paragraph

    def marked(self, marker: str, text: str, level: int) -> None:
        """A unit: its marker hanging at its level, its words justified after a tab."""
        left = _step(level + 1)
        paragraph = self.para(f"{marker}\t{text}", left=left, hanging=_step(1), justify=True)
        paragraph.paragraph_format.tab_stops.add_tab_stop(left)

    def page_break(self) -> None:
        self.docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.docx.save(out)
        return out.getvalue()


def _consideration(writer: _Writer, node: Node) -> None:
    """Menimbang / Mengingat: the word, a colon, then each item with its letter or number."""
    label = "Menimbang" if node.kind == "menimbang" else "Mengingat"
    table = writer.docx.add_table(rows=0, cols=4)
    available = text_width(writer.docx.sections[0])
    # The number column holds "10." and "11." on one line; the words take the rest.
    fixed = fit_widths((3.0, 0.5, 1.1), available)
    widths = [*fixed, Length(available - sum(fixed))]
    for k, item in enumerate(node.children):
        cells = table.add_row().cells
        cells[0].text = label if k == 0 else ""
        cells[1].text = ":" if k == 0 else ""
        cells[2].text = item.marker or ""
        cells[3].text = _plain(item.text)
        cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    set_widths(table, widths)  # the grid (LibreOffice) and the cells (Word) agree
    writer.para()


def _inline(paragraph: Paragraph, token: Token | None) -> None:
    """An inline token's words as runs: bold and italic kept, everything else plain."""
    bold = italic = False
    for child in (token.children or []) if token is not None else []:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            italic = child.type == "em_open"
        elif child.type in ("text", "code_inline", "softbreak", "hardbreak") and (
            child.content or "break" in child.type
        ):
            run = paragraph.add_run(child.content if child.type in ("text", "code_inline") else " ")
            run.bold, run.italic = bold or None, italic or None


def _content(token: Token | None) -> str:
    return token.content if token is not None else ""


def _table(writer: _Writer, tokens: list[Token]) -> None:
    """A Markdown table as a table with a grid, its header row repeated, its columns in
    proportion to their longest words and together as wide as the text."""
    rows: list[list[Token | None]] = []
    header_rows = 0
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token)
        elif token.type == "thead_close":
            header_rows = len(rows)
    if not rows:
        return
    columns = max(len(r) for r in rows)
    rows = [r + [None] * (columns - len(r)) for r in rows]
    lengths = [max(len(_content(r[c])) for r in rows) for c in range(columns)]
    # A column's share grows with its longest cell, with a floor so "No." stays on a line.
    shares = [min(max(n, 7), 40) + 2 for n in lengths]
    table = writer.docx.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, found in zip(row.cells, cells, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            _inline(paragraph, found)
            if row._index < header_rows:
                for run in paragraph.runs:
                    run.bold = True
    if header_rows:
        repeat_header(table)
    available = text_width(writer.docx.sections[0])
    set_widths(table, [Length(int(available * share / sum(shares))) for share in shares])
    writer.para()


def _free_text(writer: _Writer, text: str) -> None:
    """Free Markdown (a Lampiran): paragraphs, headings, lists and real tables."""
    tokens = _MD.parse(text)
    k = 0
    markers: list[int | None] = []
    while k < len(tokens):
        token = tokens[k]
        if token.type == "table_open":
            end = next(j for j in range(k, len(tokens)) if tokens[j].type == "table_close")
            _table(writer, tokens[k:end])
            k = end
        elif token.type == "bullet_list_open":
            markers.append(None)
        elif token.type == "ordered_list_open":
            markers.append(int(token.attrGet("start") or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            markers.pop()
        elif token.type == "list_item_open":
            number = markers[-1]
            marker = "•" if number is None else f"{number}."
            if number is not None:
                markers[-1] = number + 1
            level = len(markers) - 1
            left = _step(level + 1)
            paragraph = writer.docx.add_paragraph()
            paragraph.paragraph_format.left_indent = left
            paragraph.paragraph_format.first_line_indent = -_step(1)
            paragraph.paragraph_format.tab_stops.add_tab_stop(left)
            paragraph.add_run(f"{marker}\t")
            inline = tokens[k + 2] if k + 2 < len(tokens) and tokens[k + 2].type == "inline" else None
            _inline(paragraph, inline)
            close = next(
                j for j in range(k, len(tokens)) if tokens[j].type in ("paragraph_close", "list_item_close")
            )
            k = close
        elif token.type in ("paragraph_open", "heading_open"):
            paragraph = writer.docx.add_paragraph()
            if token.type == "paragraph_open":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _inline(paragraph, tokens[k + 1])
            if token.type == "heading_open":
                for run in paragraph.runs:
                    run.bold = True
            k += 2
        elif token.type in ("fence", "code_block"):
            for line in token.content.splitlines():
                writer.para(line)
        k += 1


def _units(writer: _Writer, node: Node, level: int) -> None:
    for child in node.children:
        if child.kind in UNITS:
            writer.marked(child.marker or "", child.text, level)
            _units(writer, child, level + 1)


def _structure(writer: _Writer, node: Node) -> None:
    if node.kind in ("bab", "bagian", "paragraf"):
        writer.para(node.label, center=True, bold=node.kind == "bab")
        if node.heading:
            writer.para(node.heading, center=True, bold=node.kind == "bab")
        for child in node.children:
            _structure(writer, child)
    elif node.kind == "pasal":
        writer.para(node.label, center=True)
        if node.text:
            writer.para(node.text, justify=True)
        _units(writer, node, 0)


def _explanation(writer: _Writer, document: Document) -> None:
    meta = document.meta
    writer.page_break()
    for line in ("PENJELASAN", "ATAS", *meta.title_lines):
        writer.para(line, center=True, bold=True)
    writer.para()
    writer.para("I.\tUMUM", bold=True)
    general = [n for n in document.children if n.kind == "penjelasan_umum"]
    for node in general:
        for block in (node.text or "").split("\n\n"):
            writer.para(block, justify=True, left=_step(1))
    writer.para("II.\tPASAL DEMI PASAL", bold=True)
    for pasal in (n for n in document.walk() if n.kind == "pasal"):
        writer.para(pasal.label, left=_step(1))
        explained = next((c for c in pasal.children if c.kind == "penjelasan"), None)
        if explained is None or (not explained.text and not explained.children):
            writer.para("Cukup jelas.", left=_step(2))
            continue
        if explained.text:
            writer.para(explained.text, justify=True, left=_step(2))
        for label in explained.walk():
            if label is explained:
                continue
            depth = label.path.count("/") - 1
            writer.para(label.marker or "", left=_step(depth + 1))
            writer.para(label.text or "Cukup jelas.", justify=True, left=_step(depth + 2))
    for line in ("TAMBAHAN LEMBARAN DAERAH", f"{meta.daerah.upper()} NOMOR …"):
        writer.para(line)


def official_docx(document: Document, *, ibukota: str = "…", paper: str = "f4", font: str = FONT) -> bytes:
    """The version in the official layout (``paper``: "f4" or "a4")."""
    meta = document.meta
    writer = _Writer(paper, font)
    for line in meta.title_lines:
        writer.para(line, center=True, bold=True)
    writer.para()
    writer.para("DENGAN RAHMAT TUHAN YANG MAHA ESA", center=True, bold=True)
    writer.para(f"{meta.pembentuk},", center=True, bold=True)
    for node in document.children:
        if node.kind in ("menimbang", "mengingat"):
            _consideration(writer, node)
    writer.para("Dengan Persetujuan Bersama", center=True)
    writer.para(f"DEWAN PERWAKILAN RAKYAT DAERAH {meta.daerah.upper()}", center=True, bold=True)
    writer.para("dan", center=True)
    writer.para(meta.pembentuk, center=True, bold=True)
    writer.para("MEMUTUSKAN:", center=True, bold=True)
    writer.para(
        f"Menetapkan\t:\t{meta.short_name.upper()} TENTANG {meta.tentang.upper()}.",
        left=Cm(3.5),
        hanging=Cm(3.5),
    )
    for node in document.children:
        _structure(writer, node)
    writer.para(
        f"Agar setiap orang mengetahuinya, memerintahkan pengundangan {meta.short_name} ini dengan "
        f"penempatannya dalam Lembaran Daerah {meta.daerah}.",
        justify=True,
    )
    for lines in (
        (f"Ditetapkan di {ibukota}", "pada tanggal …", f"{meta.pembentuk},", "", "", "…"),
        (
            f"Diundangkan di {ibukota}",
            "pada tanggal …",
            f"SEKRETARIS DAERAH {meta.daerah.upper()},",
            "",
            "",
            "…",
        ),
    ):
        for line in lines:
            writer.para(line, left=Cm(8.5)).paragraph_format.space_after = Pt(0)
        writer.para()
    writer.para(f"LEMBARAN DAERAH {meta.daerah.upper()} TAHUN … NOMOR …", bold=True)
    _explanation(writer, document)
    for node in document.children:
        if node.kind == "lampiran":
            writer.page_break()
            writer.para("LAMPIRAN", bold=True)
            writer.para(f"{meta.short_name.upper()} TENTANG {meta.tentang.upper()}")
            if node.heading:
                writer.para(node.heading, center=True, bold=True)
            _free_text(writer, node.text or "")
    return writer.bytes()
