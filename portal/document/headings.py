"""Headings: recognised by their first word, then checked against their exact form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.document.numbering import from_roman, ordinal_value, slug_segment

# Ranks give the order of the parts of a file.
RANK = {"menimbang": 1, "mengingat": 2, "body": 3, "penjelasan_umum": 4, "lampiran": 5}

_SEP = r"\s+[—–-]\s+"
# Pasal and Paragraf numbers have at most nine digits: a longer one is a malformed heading.
_BAB_RE = re.compile(rf"^BAB\s+([IVXLCDM]+[A-Z]?)(?:{_SEP}(.+))?$", re.IGNORECASE)
_BAGIAN_RE = re.compile(rf"^Bagian\s+(.+?)(?:{_SEP}(.+))?$", re.IGNORECASE)
_PARAGRAF_RE = re.compile(rf"^Paragraf\s+(\d{{1,9}}[A-Z]?)(?:{_SEP}(.+))?$", re.IGNORECASE)
_PASAL_RE = re.compile(r"^Pasal\s+(\d{1,9}[A-Z]?)$", re.IGNORECASE)
_LAMPIRAN_RE = re.compile(rf"^Lampiran(?:\s+([IVXLCDM]+))?(?:{_SEP}(.+))?$", re.IGNORECASE)
_PLAIN = {
    "menimbang": re.compile(r"^Menimbang:?$", re.IGNORECASE),
    "mengingat": re.compile(r"^Mengingat:?$", re.IGNORECASE),
    "penjelasan_umum": re.compile(r"^Penjelasan\s+Umum$", re.IGNORECASE),
}

EXAMPLES = {
    "bab": "BAB II — KEPESERTAAN",
    "bagian": "Bagian Kesatu — Umum",
    "paragraf": "Paragraf 1 — Nelayan Kecil",
    "pasal": "Pasal 5 / Pasal 5A",
    "menimbang": "Menimbang",
    "mengingat": "Mengingat",
    "penjelasan_umum": "Penjelasan Umum",
    "lampiran": "Lampiran I — Judul Lampiran",
}

_FIRST_WORD = {
    "menimbang": "menimbang",
    "mengingat": "mengingat",
    "bab": "bab",
    "bagian": "bagian",
    "paragraf": "paragraf",
    "pasal": "pasal",
    "penjelasan": "penjelasan_umum",
    "lampiran": "lampiran",
}


@dataclass(frozen=True)
class Heading:
    """A recognised heading: its node kind, number as written, title and path segment."""

    kind: str
    number: str | None
    title: str | None
    segment: str

    @property
    def rank(self) -> int:
        return RANK.get(self.kind, RANK["body"])


def heading_keyword(text: str) -> str | None:
    """The node kind a heading's first word announces, or None."""
    words = text.split()
    return _FIRST_WORD.get(words[0].lower().rstrip(":")) if words else None


def _split_roman(numeral: str) -> tuple[str, str] | None:
    """'IXA' → ('IX', 'A'); None when no valid numeral is found."""
    numeral = numeral.upper()
    if from_roman(numeral):
        return numeral, ""
    if len(numeral) > 1 and from_roman(numeral[:-1]):
        return numeral[:-1], numeral[-1]
    return None


def recognise(text: str) -> Heading | None:
    """Parse a heading of a known kind; None when its form is wrong."""
    text = " ".join(text.split())
    kind = heading_keyword(text)
    if kind in _PLAIN:
        if _PLAIN[kind].match(text):
            return Heading(kind, None, None, kind.replace("_", "-"))
        return None
    if kind == "bab":
        match = _BAB_RE.match(text)
        split = _split_roman(match.group(1)) if match else None
        if not match or split is None:
            return None
        number = "".join(split)
        return Heading("bab", number, match.group(2), "bab-" + number.lower())
    if kind == "bagian":
        match = _BAGIAN_RE.match(text)
        if not match or ordinal_value(match.group(1)) is None:
            return None
        word = match.group(1).title()
        return Heading("bagian", word, match.group(2), "bagian-" + slug_segment(word))
    if kind == "paragraf":
        match = _PARAGRAF_RE.match(text)
        if not match:
            return None
        number = match.group(1).upper()
        return Heading("paragraf", number, match.group(2), "paragraf-" + number.lower())
    if kind == "pasal":
        match = _PASAL_RE.match(text)
        if not match:
            return None
        number = match.group(1).upper()
        return Heading("pasal", number, None, "pasal-" + number.lower())
    if kind == "lampiran":
        match = _LAMPIRAN_RE.match(text)
        if not match:
            return None
        numeral = match.group(1).upper() if match.group(1) else None
        if numeral is not None and not from_roman(numeral):
            return None
        segment = f"lampiran-{numeral.lower()}" if numeral else "lampiran"
        return Heading("lampiran", numeral, match.group(2), segment)
    return None
