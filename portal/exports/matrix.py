"""The matriks perubahan as DOCX (landscape table) and XLSX, for Word, LibreOffice and Excel."""

from __future__ import annotations

from portal.exports.tables import table_docx, table_xlsx
from portal.i18n import N_, Translator
from portal.versions.compare import Comparison, MatrixRow

HEADERS = (N_("No"), N_("Previous wording"), N_("New wording"), N_("Note"))


def _headers(lang: str) -> tuple[str, ...]:
    t = Translator(lang)
    return tuple(t.gettext(header) for header in HEADERS)


def _title(comparison: Comparison, lang: str) -> tuple[str, str]:
    old, new = comparison.old.meta, comparison.new.meta
    heading = Translator(lang).gettext("TABLE OF CHANGES")
    sub = f"{new.title}\n{old.label} ({old.versi}) → {new.label} ({new.versi})"
    return heading, sub


def _cell_text(label: str | None, text: str) -> str:
    return f"{label}\n{text}" if label else text


def _rows(rows: list[MatrixRow]) -> list[tuple[int, str, str, str]]:
    return [
        (
            row.number,
            _cell_text(row.old_label, row.old_text),
            _cell_text(row.new_label, row.new_text),
            row.note,
        )
        for row in rows
    ]


def matrix_docx(comparison: Comparison, rows: list[MatrixRow], lang: str = "id") -> bytes:
    heading, sub = _title(comparison, lang)
    headers = _headers(lang)
    return table_docx(
        heading, sub, headers, (1.3, 11.8, 11.8, 4.1), [(str(n), a, b, c) for n, a, b, c in _rows(rows)]
    )


def matrix_xlsx(comparison: Comparison, rows: list[MatrixRow], lang: str = "id") -> bytes:
    heading, sub = _title(comparison, lang)
    headers = _headers(lang)
    return table_xlsx(
        Translator(lang).gettext("Changes (sheet)"), heading, sub, headers, (6, 70, 70, 28), _rows(rows)
    )
