"""Checks of the title, the Pembukaan and the numbering (J1, P2, P3, B1, B2)."""

from __future__ import annotations

import re
from collections.abc import Callable

from portal.document import Document, Node
from portal.document.numbering import from_roman, number_key, ordinal_value, ordinal_word, to_roman
from portal.lint.findings import Hit, hit

# -- numbering sequences ------------------------------------------------------------

Key = tuple[int, str]


def _next_suffix(suffix: str) -> str:
    return chr(ord(suffix[-1]) + 1) if suffix else "a"


def sequence_breaks(keys: list[Key]) -> list[tuple[int, Key]]:
    """Positions whose number does not follow the one before, with the expected number.

    A plain number follows its predecessor's base by one; an inserted number
    (``5A``) follows its own base (``5``) or the inserted number before it (``5A`` → ``5B``).
    """
    breaks: list[tuple[int, Key]] = []
    previous: Key | None = None
    for position, (value, suffix) in enumerate(keys):
        suffix = suffix.lower()
        if previous is None:
            expected: Key = (1, "")
            ok = (value, suffix) == expected
        elif suffix:
            expected = (previous[0], _next_suffix(previous[1]))
            ok = (value, suffix) == expected
        else:
            expected = (previous[0] + 1, "")
            ok = value == expected[0]
        if not ok:
            breaks.append((position, expected))
        previous = (value, suffix)
    return breaks


def letter_key(letter: str) -> Key:
    """'a' → 1 … 'z' → 26; a doubled letter 'aa' → 27, 'bb' → 28."""
    letter = letter.lower()
    value = ord(letter[0]) - ord("a") + 1
    return (value + 26 * (len(letter) - 1), "")


def show_letter(key: Key) -> str:
    value = key[0]
    rounds, index = divmod(value - 1, 26)
    return chr(ord("a") + index) * (rounds + 1)


def _roman_key(number: str) -> Key:
    base, suffix = number, ""
    if from_roman(number) is None and len(number) > 1:
        base, suffix = number[:-1], number[-1]
    return (from_roman(base) or 0, suffix)


def check_sequence(
    nodes: list[Node],
    key: Callable[[str], Key],
    show: Callable[[Key], str],
    what_id: str,
    what_en: str,
    *,
    uncertain: bool = False,
) -> list[Hit]:
    keys = [key(node.number or "") for node in nodes]
    hits = []
    for position, expected in sequence_breaks(keys):
        node = nodes[position]
        want = show(expected)
        hits.append(
            hit(
                node,
                f"penomoran {what_id} tidak berurutan: {node.number} seharusnya {want}",
                f"{what_en} numbering is out of sequence: {node.number} should be {want}",
                uncertain=uncertain,
            )
        )
    return hits


def show_number(key: Key) -> str:
    return f"{key[0]}{key[1].upper()}"


def _show_roman(key: Key) -> str:
    return to_roman(key[0]) + key[1].upper() if key[0] > 0 else "I"


def _show_ordinal(key: Key) -> str:
    return ordinal_word(key[0]) if 0 < key[0] < 100 else "Kesatu"


# -- J1: the title ------------------------------------------------------------------

_ACRONYM = re.compile(r"^[A-Z]{2,}$")
_FINAL_PUNCTUATION = ".,;:!?"


def check_title(document: Document) -> list[Hit]:
    meta = document.meta
    title = meta.title
    hits: list[Hit] = []
    if title != title.upper():
        hits.append(hit(None, "judul harus ditulis dengan huruf kapital", "the title must be in capitals"))
    if meta.tentang.rstrip()[-1:] in _FINAL_PUNCTUATION or title.rstrip()[-1:] in _FINAL_PUNCTUATION:
        hits.append(
            hit(
                None,
                "judul tidak boleh diakhiri tanda baca (periksa kunci 'tentang')",
                "the title must not end with punctuation (check the 'tentang' key)",
            )
        )
    words = [w.strip("(),.;:") for w in meta.tentang.split()]
    if any(not _ACRONYM.match(w) for w in words if w):
        acronyms = [w for w in words if _ACRONYM.match(w)]
        if acronyms:
            hits.append(
                hit(
                    None,
                    f"judul tidak boleh memuat singkatan atau akronim: {', '.join(acronyms)}",
                    f"the title must not contain abbreviations or acronyms: {', '.join(acronyms)}",
                )
            )
    if meta.is_draft and not title.startswith("RANCANGAN "):
        hits.append(
            hit(None, "judul rancangan harus diawali 'RANCANGAN'", "a draft's title must start 'RANCANGAN'")
        )
    return hits


# -- P2: Menimbang ------------------------------------------------------------------


def _top(document: Document, kind: str) -> Node | None:
    return next((node for node in document.children if node.kind == kind), None)


def _squash(text: str) -> str:
    return " ".join(text.split())


_HURUF_CITED = re.compile(r"\bhuruf\s+([a-z]{1,2})\b")


def check_menimbang(document: Document) -> list[Hit]:
    menimbang = _top(document, "menimbang")
    if menimbang is None or not menimbang.children:
        return [hit(None, "bagian Menimbang tidak ada", "the Menimbang is missing")]
    items = menimbang.children
    hits: list[Hit] = []
    for item in items:
        text = _squash(item.text)
        if not text.startswith("bahwa "):
            hits.append(
                hit(
                    item,
                    f"Menimbang {item.label} harus diawali kata 'bahwa'",
                    f"Menimbang {item.label} must start with 'bahwa'",
                )
            )
        if not text.endswith(";"):
            hits.append(
                hit(
                    item,
                    f"Menimbang {item.label} harus diakhiri tanda titik koma",
                    f"Menimbang {item.label} must end with ';'",
                )
            )
    last = items[-1]
    earlier = [item.number for item in items[:-1] if item.number]
    cited = _HURUF_CITED.findall(last.text)
    missing = [letter for letter in earlier if letter not in cited]
    if missing:
        letters = ", ".join(f"huruf {letter}" for letter in missing)
        hits.append(
            hit(
                last,
                f"pertimbangan terakhir harus merujuk semua huruf sebelumnya; belum dirujuk: {letters}",
                f"the last consideration must cite every earlier letter; not cited: {letters}",
            )
        )
    closing = f"perlu menetapkan {document.meta.short_name} tentang {_squash(document.meta.tentang)};"
    if not _squash(last.text).lower().endswith(closing.lower()):
        hits.append(
            hit(
                last,
                f"pertimbangan terakhir harus diakhiri '… {closing}'",
                f"the last consideration must end '… {closing}'",
            )
        )
    return hits


# -- P3: Mengingat ------------------------------------------------------------------

_UUD_18_6 = re.compile(r"Pasal\s+18\s+ayat\s+\(6\)\s+Undang-Undang\s+Dasar", re.IGNORECASE)


def check_mengingat(document: Document) -> list[Hit]:
    mengingat = _top(document, "mengingat")
    if mengingat is None or not mengingat.children:
        return [hit(None, "bagian Mengingat tidak ada", "the Mengingat is missing")]
    items = mengingat.children
    hits = [
        hit(
            item,
            f"Mengingat {item.label} harus diakhiri tanda titik koma",
            f"Mengingat {item.label} must end with ';'",
        )
        for item in items
        if not item.text.rstrip().endswith(";")
    ]
    if not _UUD_18_6.search(items[0].text):
        hits.append(
            hit(
                items[0],
                "dasar hukum pertama harus Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945",
                "the first legal basis must be Pasal 18 ayat (6) of the 1945 Constitution (UUD 1945)",
            )
        )
    return hits


# -- B1: BAB, Bagian, Paragraf ------------------------------------------------------------


def check_divisions(document: Document) -> list[Hit]:
    babs = [node for node in document.children if node.kind == "bab"]
    hits = check_sequence(babs, _roman_key, _show_roman, "BAB", "BAB")
    for bab in babs:
        if not bab.heading:
            hits.append(hit(bab, f"{bab.label} tidak mempunyai judul", f"{bab.label} has no title"))
        elif bab.heading != bab.heading.upper():
            hits.append(
                hit(
                    bab,
                    f"judul {bab.label} harus ditulis dengan huruf kapital",
                    f"the title of {bab.label} must be in capitals",
                )
            )
        bagians = [child for child in bab.children if child.kind == "bagian"]
        hits += check_sequence(
            bagians,
            lambda n: (ordinal_value(n) or 0, ""),
            _show_ordinal,
            f"Bagian dalam {bab.label}",
            f"Bagian in {bab.label}",
        )
        for bagian in bagians:
            paragrafs = [child for child in bagian.children if child.kind == "paragraf"]
            hits += check_sequence(
                paragrafs,
                number_key,
                show_number,
                f"Paragraf dalam {bab.label} {bagian.label}",
                f"Paragraf in {bab.label} {bagian.label}",
            )
    return hits


# -- B2: Pasal and ayat -----------------------------------------------------------------


def check_pasal_numbers(document: Document) -> list[Hit]:
    pasals = document.pasal()
    hits = check_sequence(pasals, number_key, show_number, "Pasal", "Pasal")
    for pasal in pasals:
        ayats = [child for child in pasal.children if child.kind == "ayat"]
        hits += check_sequence(
            ayats,
            number_key,
            lambda key: f"({show_number(key).lower()})",
            f"ayat dalam {pasal.label}",
            f"ayat in {pasal.label}",
        )
    return hits
