"""The official document of a version as DOCX: the layout a Biro Hukum hands the DPRD.

F4 (or A4) portrait, Bookman Old Style (or a configured font) 12 pt: the title block
and the Pembukaan formulas, Menimbang and Mengingat with their letters and numbers
hanging, BAB/Bagian/Paragraf and Pasal centred, ayat/huruf/angka indented by level,
the Penutup with its signature blocks, then the Penjelasan as its own part (general,
then Pasal by Pasal, "Cukup jelas." where nothing is written) and the Lampiran.
"""

from __future__ import annotations

import io
import re

from docx import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Length, Pt
from docx.text.paragraph import Paragraph

from portal.document import Document, Node

PAPERS = {"f4": (Cm(21.5), Cm(33.0)), "a4": (Cm(21.0), Cm(29.7))}
FONT = "Bookman Old Style"
UNITS = ("ayat", "huruf", "angka")
STEP = 0.75  # cm of indentation per level of rincian


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
    table.autofit = False
    widths = (Cm(3.0), Cm(0.5), Cm(0.8), Cm(12.2))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: LibreOffice reads it, Word the cells
    for k, item in enumerate(node.children):
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        cells[0].text = label if k == 0 else ""
        cells[1].text = ":" if k == 0 else ""
        cells[2].text = item.marker or ""
        cells[3].text = _plain(item.text)
        cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    writer.para()


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
            for block in (node.text or "").split("\n\n"):
                writer.para(block)
    return writer.bytes()
