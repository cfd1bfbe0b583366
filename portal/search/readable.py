"""Search results in words people read (pure): facet and kind names instead of field
values (``penjelasan_umum`` → "Penjelasan Umum"), and snippet text without Markdown
syntax (``**``, table pipes, ``#`` headings, ``:::`` fences, links, escapes).

The index keeps the text as written (the snippets are highlighted on ``plain(text)``:
Whoosh analyses the text it is given again, so no reindex is needed)."""

from __future__ import annotations

import re

from portal.accounts.labels import CATEGORY_NAMES
from portal.consultation.services import POSITION_NAMES
from portal.i18n import N_, Translator

FACET_NAMES = {
    "versi": N_("Version"),
    "bab": N_("Chapter (BAB)"),
    "jenis": N_("Kind"),
    "kategori": N_("Stakeholder category"),
    "posisi": N_("Position"),
}
# Units of a draft keep their Indonesian names in every language (as citations do);
# comments and answers are translated.
UNIT_NAMES = {
    "menimbang": "Menimbang",
    "mengingat": "Mengingat",
    "bab": "BAB",
    "bagian": "Bagian",
    "paragraf": "Paragraf",
    "pasal": "Pasal",
    "ayat": "Ayat",
    "huruf": "Huruf",
    "angka": "Angka",
    "penjelasan": "Penjelasan",
    "penjelasan_umum": "Penjelasan Umum",
    "lampiran": "Lampiran",
}
ENTRY_NAMES = {"komentar": N_("Comment"), "jawaban": N_("Answer")}


def kind_label(t: Translator, kind: str) -> str:
    """A provision's kind (or komentar / jawaban) as a reader names it."""
    if kind in UNIT_NAMES:
        return UNIT_NAMES[kind]
    if kind in ENTRY_NAMES:
        return t.gettext(ENTRY_NAMES[kind])
    return _words(kind)


def facet_label(t: Translator, facet: str, value: str) -> str:
    """A facet value as a reader names it (``value`` itself stays the machine key)."""
    if facet == "jenis":
        return kind_label(t, value)
    if facet == "kategori" and value in CATEGORY_NAMES:
        return t.gettext(CATEGORY_NAMES[value])
    if facet == "posisi" and value in POSITION_NAMES:
        text = t.gettext(POSITION_NAMES[value])
        return text[:1].upper() + text[1:]
    if facet in ("versi", "bab"):
        return value  # "v2", "BAB III": already what a reader reads
    return _words(value)


def _words(value: str) -> str:
    """An unknown key ("usul_baru", "usul-baru") as words: "Usul baru"."""
    text = re.sub(r"[_-]+", " ", value).strip()
    return text[:1].upper() + text[1:]


_FENCE = re.compile(r"^\s*:{3,}.*$", re.MULTILINE)  # "::: penjelasan", "::::", ":::"
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
_TABLE_EDGE = re.compile(r"^[ \t]*\|[ \t]*|[ \t]*(?<!\\)\|[ \t]*$", re.MULTILINE)
_TABLE_CELL = re.compile(r"[ \t]*(?<!\\)\|[ \t]*")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"
)
_LEFT_MARKS = re.compile(r"\*\*+|__+|`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|:>~])")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{2,}")


def plain(text: str) -> str:
    """Markdown as the words a reader sees: fences, heading marks, table rules and
    emphasis marks removed, table cells separated by " · ", links as their text."""
    text = _FENCE.sub("", text)
    text = _HEADING.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_EDGE.sub("", text)
    text = _TABLE_CELL.sub(" · ", text)
    text = _LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _LEFT_MARKS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()
