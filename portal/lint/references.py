"""Checks of cross-references (R1, R2), on top of portal.versions.refs."""

from __future__ import annotations

import re

from portal.document import Document, Node
from portal.document.numbering import number_key
from portal.lint.findings import Hit, hit
from portal.versions.refs import DELETED, Reference, dangling, find_references

_DIMAKSUD = re.compile(r"\bdimaksud\s+(?:dalam|pada)\s+$")


def _pasal_of(path: str) -> str:
    """'penjelasan/pasal-5/ayat-2' and 'pasal-5/ayat-2' both → 'pasal-5'."""
    for segment in path.split("/"):
        if segment.startswith("pasal-"):
            return segment
    return ""


def _text_before(node: Node, ref: Reference) -> str:
    return node.text[: ref.start]


def check_reference_form(document: Document) -> list[Hit]:
    index = document.index()
    hits: list[Hit] = []
    for ref in find_references(document):
        node = index.get(ref.source)
        if node is None or ref.preposition not in ("dalam", "pada"):
            continue
        if not _DIMAKSUD.search(_text_before(node, ref)):
            continue
        same_pasal = _pasal_of(ref.target) == _pasal_of(ref.source) and _pasal_of(ref.source) != ""
        in_menimbang = ref.source.startswith("menimbang")
        if not ref.relative and same_pasal and ref.target != _pasal_of(ref.source):
            hits.append(
                hit(
                    node,
                    f"'{ref.text}' menunjuk Pasal ini sendiri; tulis 'sebagaimana dimaksud pada' diikuti ayat atau huruf saja",
                    f"'{ref.text}' points into this very Pasal; write 'sebagaimana dimaksud pada' with the ayat or huruf only",
                )
            )
            continue
        want = "dalam" if (not ref.relative or in_menimbang) else "pada"
        if ref.preposition != want:
            hits.append(
                hit(
                    node,
                    f"tulis 'sebagaimana dimaksud {want} {ref.text}', bukan '… {ref.preposition} {ref.text}'",
                    f"write 'sebagaimana dimaksud {want} {ref.text}', not '… {ref.preposition} {ref.text}'",
                )
            )
    for node in document.walk():
        if node.kind == "mengingat" or not node.text:
            continue
        for match in DELETED.finditer(node.text):
            hits.append(
                hit(
                    node,
                    f"rujukan ke ketentuan yang telah dihapus ({match.group(0)}): tulis ulang atau hapus rujukan ini",
                    f"a reference to a deleted provision ({match.group(0)}): rewrite or remove it",
                )
            )
    for problem in dangling(document):
        node = index.get(problem.path)
        hits.append(
            hit(
                node,
                f"rujukan '{problem.text}' menunjuk ketentuan yang tidak ada",
                f"the reference '{problem.text}' points at a provision that does not exist",
            )
        )
    return hits


_UNIT_WORDS = r"(?:Pasal|ayat|huruf|angka)"
# "Pasal 7 - 15", "Pasal 7 s.d. Pasal 15", "Pasal 7 s/d 15", "Pasal 7 sampai Pasal 15"
_BAD_RANGE = re.compile(
    rf"\b{_UNIT_WORDS}\s+\(?\w+\)?\s*(?:[-–—]\s*|s\.\s?d\.?\s+|s/d\s+|sampai\s+(?!dengan\b))(?:{_UNIT_WORDS}\s+)?\(?\w+\)?"
)
# "huruf a, b, dan c", "ayat (1) dan (2)", "Pasal 5 dan 6": the unit word left out
_BARE_LIST = re.compile(
    r"\b(?:huruf\s+[a-z]|ayat\s+\(\d+[a-z]?\)|angka\s+\d+[a-z]?|Pasal\s+\d+[A-Z]?)"
    r"(?:\s*,\s*(?:dan/atau\s+|dan\s+|atau\s+)?|\s+(?:dan/atau|dan|atau)\s+)"
    r"(?:[a-z]|\(\d+[a-z]?\)|\d+[A-Za-z]?)(?![\w(])"
)


def check_ranges(document: Document) -> list[Hit]:
    hits: list[Hit] = []
    order = {pasal.path: number_key(pasal.number or "") for pasal in document.pasal()}
    for node in document.walk():
        if node.kind in ("mengingat", "penjelasan_umum", "lampiran") or not node.text:
            continue
        if node.path.startswith("mengingat/"):
            continue
        for match in _BAD_RANGE.finditer(node.text):
            hits.append(
                hit(
                    node,
                    f"tulis rentang dengan 'sampai dengan' dan sebut unitnya: '{match.group(0)}'",
                    f"write a range with 'sampai dengan' and name the unit at both ends: '{match.group(0)}'",
                )
            )
        for match in _BARE_LIST.finditer(node.text):
            hits.append(
                hit(
                    node,
                    f"sebut unitnya pada setiap unsur daftar (misalnya 'huruf a, huruf b, dan huruf c'): '{match.group(0)}'",
                    f"name the unit for every item of a list (e.g. 'huruf a, huruf b, dan huruf c'): '{match.group(0)}'",
                )
            )
    index = document.index()
    for ref in find_references(document):
        source, target = _pasal_of(ref.source), _pasal_of(ref.target)
        if source in order and target in order and order[target] > order[source]:
            hits.append(
                hit(
                    index.get(ref.source),
                    f"'{ref.text}' merujuk ke Pasal yang berada di belakang; periksa urutan pengaturan",
                    f"'{ref.text}' refers forward to a later Pasal; check the order of the provisions",
                )
            )
    return hits
