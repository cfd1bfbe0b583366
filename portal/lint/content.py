"""Checks of what the provisions say (B4, K1, K2, K3, L1, E1)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.document import Document, Node
from portal.document.numbering import whole_number
from portal.lint.findings import Hit, hit
from portal.lint.rincian import is_definitions
from portal.lint.terbilang import decimal_words, normalise_words, read_number, terbilang
from portal.versions.refs import masked


def _body_nodes(document: Document) -> Iterator[Node]:
    """Every Pasal and unit (and the Penjelasan attached to a Pasal), and the Menimbang;
    not the Mengingat (citations of laws) nor the free text."""
    for node in document.walk():
        if node.path.startswith("mengingat"):
            continue
        if node.kind in ("pasal", "ayat", "huruf", "angka", "penjelasan") and node.text:
            yield node


# -- B4: numbers in digits and words ------------------------------------------------------------

_AMOUNT = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_WRITTEN = re.compile(rf"(?P<rp>Rp\s?)?(?P<num>{_AMOUNT})(?P<pct>\s?%)?(?:\s*\((?P<words>[^()]*)\))?")
# Words before a number that make it a citation or a label, not a quantity.
_CITING = re.compile(
    r"(?:\b(?:Pasal|ayat|angka|huruf|Nomor|nomor|No\.|Tahun|tahun|BAB|Bagian|Paragraf|Lampiran|"
    r"PP|UU|Perda|Pergub|Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
    r"November|Desember)\s*\(?|[\w/.-])$"
)
_MONTHS = re.compile(
    r"^\s+(?:Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember)\b"
)


def _expected_words(number: str, rupiah: bool, percent: bool) -> set[str]:
    value = read_number(number)
    if value is None:
        return set()
    integer, fraction = value
    whole = rupiah or not fraction.strip("0")  # "Rp50.000,00" and "2,0" read as whole numbers
    readings = {terbilang(integer)} if whole else decimal_words(integer, fraction)
    suffix = " rupiah" if rupiah else " persen" if percent else ""
    return {normalise_words(r + suffix) for r in readings}


def check_numbers(document: Document) -> list[Hit]:
    hits: list[Hit] = []
    for node in _body_nodes(document):
        text = masked(node.text)
        for match in _WRITTEN.finditer(text):
            before = text[: match.start()]
            rupiah = bool(match.group("rp"))
            if not rupiah and (_CITING.search(before) or _MONTHS.match(text[match.end() :])):
                continue
            shown = match.group(0).split("(")[0].strip()
            words = match.group("words")
            expected = _expected_words(match.group("num"), rupiah, bool(match.group("pct")))
            if not expected:
                continue
            if words is None:
                hits.append(
                    hit(
                        node,
                        f"bilangan '{shown}' harus diikuti penulisannya dengan huruf dalam kurung, "
                        f"misalnya '{shown} ({sorted(expected)[0]})'",
                        f"the number '{shown}' must be followed by its words in parentheses, "
                        f"for example '{shown} ({sorted(expected)[0]})'",
                    )
                )
            elif normalise_words(words) not in expected:
                hits.append(
                    hit(
                        node,
                        f"'{shown}' ditulis dengan huruf '{words}'; seharusnya '{sorted(expected)[0]}'",
                        f"'{shown}' is written in words as '{words}'; it should be '{sorted(expected)[0]}'",
                    )
                )
    return hits


# -- K1: Ketentuan Umum -----------------------------------------------------------------------------

_TERM = re.compile(r"^(.+?)\s+(?:yang\s+selanjutnya\s+(?:disingkat|disebut)\s+(.+?)\s+)?adalah\b")


def check_definitions(document: Document) -> list[Hit]:
    pasals = document.pasal()
    if not pasals or pasals[0].number != "1":
        return []
    pasal = pasals[0]
    opening = f"Dalam {document.meta.short_name} ini yang dimaksud dengan:"
    hits: list[Hit] = []
    if not is_definitions(pasal):
        return hits
    if " ".join(pasal.text.split()) != opening:
        hits.append(
            hit(pasal, f"Pasal 1 harus dibuka dengan '{opening}'", f"Pasal 1 must open with '{opening}'")
        )
    terms: list[str] = []
    for definition in pasal.children:
        if definition.kind != "angka":
            continue
        text = definition.text.strip()
        if not text[:1].isupper():
            hits.append(
                hit(
                    definition,
                    f"definisi {definition.label} harus diawali huruf kapital",
                    f"definition {definition.label} must start with a capital letter",
                )
            )
        has_units = any(child.kind in ("huruf", "angka") for child in definition.children)
        if not has_units and not text.endswith("."):
            hits.append(
                hit(
                    definition,
                    f"definisi {definition.label} harus diakhiri tanda titik",
                    f"definition {definition.label} must end with '.'",
                )
            )
        match = _TERM.match(text)
        if match:
            terms += [t for t in match.groups() if t and len(t.split()) >= 2 and t[:1].isupper()]
    hits += _term_case(document, pasal, terms)
    return hits


def _term_case(document: Document, definitions: Node, terms: list[str]) -> list[Hit]:
    """A multi-word defined term used later with other capitals ('Pekerja rentan'): a warning.
    All lower case ('bantuan iuran') is left alone: it is usually the ordinary sense of the words."""
    patterns = [(term, re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)) for term in terms]
    hits: list[Hit] = []
    for pasal in document.pasal():
        if pasal is definitions:
            continue
        for node in pasal.walk():
            if node.kind == "penjelasan" or not node.text:
                continue
            for term, pattern in patterns:
                for match in pattern.finditer(node.text):
                    used = match.group(0)
                    # All lower case is usually the ordinary sense of the words; mixed capitals are a slip.
                    if used != term and used != used.lower():
                        hits.append(
                            hit(
                                node,
                                f"istilah '{term}' yang didefinisikan dalam Pasal 1 ditulis '{match.group(0)}'",
                                f"the term '{term}' defined in Pasal 1 is written '{match.group(0)}'",
                                uncertain=True,
                            )
                        )
                        break
    return hits


# -- K2: criminal sanctions -----------------------------------------------------------------------------

_KURUNGAN = re.compile(
    r"kurungan\s+paling\s+lama\s+(\d+)\s*(?:\([^)]*\)\s*)?(hari|bulan|tahun)", re.IGNORECASE
)
_DENDA = re.compile(r"denda\s+paling\s+banyak\s+Rp\s?(\d{1,3}(?:\.\d{3})+|\d+)", re.IGNORECASE)
_DAYS = {"hari": 1, "bulan": 30, "tahun": 365}
MAX_KURUNGAN_DAYS = 6 * 30
MAX_DENDA = 50_000_000


def check_sanctions(document: Document) -> list[Hit]:
    hits: list[Hit] = []
    for node in _body_nodes(document):
        if node.kind == "penjelasan" or "pidana" not in node.text.lower():
            continue
        for match in _KURUNGAN.finditer(node.text):
            days = whole_number(match.group(1)) * _DAYS[match.group(2).lower()]
            if days > MAX_KURUNGAN_DAYS:
                hits.append(
                    hit(
                        node,
                        f"pidana kurungan dalam Peraturan Daerah paling lama 6 (enam) bulan, bukan "
                        f"{match.group(1)} {match.group(2)}",
                        f"kurungan in a Perda is at most 6 months, not {match.group(1)} {match.group(2)}",
                    )
                )
        for match in _DENDA.finditer(node.text):
            amount = whole_number(match.group(1).replace(".", ""))
            if amount > MAX_DENDA:
                hits.append(
                    hit(
                        node,
                        f"pidana denda dalam Peraturan Daerah paling banyak Rp50.000.000,00, bukan Rp{match.group(1)}",
                        f"a criminal fine in a Perda is at most Rp50.000.000,00, not Rp{match.group(1)}",
                    )
                )
        if re.search(r"\bpidana\s+penjara\b", node.text, re.IGNORECASE):
            hits.append(
                hit(
                    node,
                    "Peraturan Daerah hanya dapat mengancam pidana kurungan atau denda, kecuali undang-undang menentukan lain",
                    "a Perda may only threaten kurungan or a fine, unless a statute provides otherwise",
                    uncertain=True,
                )
            )
    return hits


# -- K3: Ketentuan Penutup ------------------------------------------------------------------------------

_IN_FORCE = "mulai berlaku pada tanggal diundangkan"


def check_closing(document: Document) -> list[Hit]:
    hits: list[Hit] = []
    babs = [node for node in document.children if node.kind == "bab"]
    if babs and " ".join((babs[-1].heading or "").split()).upper() != "KETENTUAN PENUTUP":
        last = babs[-1]
        hits.append(
            hit(
                last,
                f"BAB terakhir harus KETENTUAN PENUTUP, bukan '{last.heading or ''}'",
                f"the last BAB must be KETENTUAN PENUTUP, not '{last.heading or ''}'",
            )
        )
    pasals = document.pasal()
    if pasals:
        last_pasal = pasals[-1]
        text = " ".join(n.text for n in last_pasal.walk() if n.kind != "penjelasan")
        if _IN_FORCE not in " ".join(text.split()):
            hits.append(
                hit(
                    last_pasal,
                    f"Pasal terakhir harus menyatakan bahwa Peraturan Daerah ini '{_IN_FORCE}'",
                    f"the last Pasal must say that the regulation '{_IN_FORCE}' (comes into force when promulgated)",
                )
            )
    return hits


# -- L1: wording --------------------------------------------------------------------------------------------

_WORDING: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bselambat-lambatnya\b", re.I), "gunakan 'paling lama'", "use 'paling lama'"),
    (re.compile(r"\bsecepat-cepatnya\b", re.I), "gunakan 'paling cepat'", "use 'paling cepat'"),
    (
        re.compile(r"\bsekurang-kurangnya\b", re.I),
        "gunakan 'paling sedikit' atau 'paling singkat'",
        "use 'paling sedikit' or 'paling singkat'",
    ),
    (re.compile(r"\bsebanyak-banyaknya\b", re.I), "gunakan 'paling banyak'", "use 'paling banyak'"),
    (re.compile(r"\bsetinggi-tingginya\b", re.I), "gunakan 'paling tinggi'", "use 'paling tinggi'"),
    (re.compile(r"\bserendah-rendahnya\b", re.I), "gunakan 'paling rendah'", "use 'paling rendah'"),
    (re.compile(r"\bselama-lamanya\b", re.I), "gunakan 'paling lama'", "use 'paling lama'"),
    (
        re.compile(r"\bhendaknya\b", re.I),
        "rumuskan sebagai norma: 'wajib', 'harus', 'dapat', atau 'dilarang'",
        "state a norm: 'wajib', 'harus', 'dapat' or 'dilarang'",
    ),
    (
        re.compile(r"\bdll\.", re.I),
        "sebutkan rinciannya atau gunakan 'dan lain-lain' dengan hati-hati",
        "list the items instead of 'dll.'",
    ),
    (re.compile(r"\bbarang\s?siapa\b", re.I), "gunakan 'setiap orang'", "use 'setiap orang'"),
]


def check_wording(document: Document) -> list[Hit]:
    hits: list[Hit] = []
    for node in document.walk():
        if node.kind == "lampiran" or not node.text:
            continue
        for pattern, advice_id, advice_en in _WORDING:
            for match in pattern.finditer(node.text):
                word = match.group(0)
                hits.append(hit(node, f"hindari '{word}': {advice_id}", f"avoid '{word}': {advice_en}"))
    return hits


# -- E1: Penjelasan ------------------------------------------------------------------------------------------

_EXPLAINED = re.compile(r"\byang dimaksud dengan\s+(?![\"“”])(\S+(?:\s+\S+)?)", re.IGNORECASE)


def _label_kind(node: Node) -> str:
    return node.segment.split("-", 1)[0]


def _explained_target(node: Node) -> str:
    return node.path.removeprefix("penjelasan/")


def check_penjelasan(document: Document) -> list[Hit]:
    index = document.index()
    hits: list[Hit] = []
    for container in document.walk():
        if container.kind != "penjelasan" or container.marker is not None:
            continue
        for node in container.walk():
            if node is not container and _explained_target(node) not in index:
                hits.append(
                    hit(
                        node,
                        f"{node.label} menjelaskan ketentuan yang tidak ada",
                        f"{node.label} explains a provision that does not exist",
                    )
                )
            hits += _missing_labels(node, index)
            if node.marker is not None and not node.text and not node.children:
                hits.append(
                    hit(
                        node,
                        f"{node.label} kosong; tulis 'Cukup jelas.'",
                        f"{node.label} is empty; write 'Cukup jelas.'",
                    )
                )
            for match in _EXPLAINED.finditer(node.text):
                hits.append(
                    hit(
                        node,
                        f"istilah yang dijelaskan harus diapit tanda petik: 'Yang dimaksud dengan \"…\"' ({match.group(1)})",
                        f"an explained term must be in quotation marks: 'Yang dimaksud dengan \"…\"' ({match.group(1)})",
                    )
                )
    return hits


def _missing_labels(node: Node, index: dict[str, Node]) -> list[Hit]:
    """A unit explained per ayat (or per huruf, per angka) lists every one of them."""
    target = index.get(_explained_target(node))
    if target is None or not node.children:
        return []
    listed = {child.segment for child in node.children}
    kinds = {_label_kind(child) for child in node.children}
    missing = [
        unit
        for unit in target.children
        if unit.kind in kinds and unit.kind != "penjelasan" and unit.segment not in listed
    ]
    if not missing:
        return []
    names = ", ".join(unit.label for unit in missing)
    return [
        hit(
            node,
            f"penjelasan {node.label.removeprefix('Penjelasan ')} harus memuat setiap rincian; tidak ada: {names}",
            f"the penjelasan of {node.label.removeprefix('Penjelasan ')} must list every unit; missing: {names}",
        )
    ]
