"""Random realistic mutations of a parsed draft, with the ground truth of the alignment.

    mutation = mutate(parse(text), random.Random(seed), ops=3)
    mutation.document     # the new version: written with portal.document.write and parsed back
    mutation.pasal_pairs  # {(old path, new path)} every Pasal that survives, where it went
    mutation.unit_pairs   # the same for the ayat, huruf and angka of the Pasal

Every node of a deep copy of the old version is tagged with its old path before anything
changes; the structural mutations (``STRUCTURAL``) then move, cut, join, add and remove
nodes, a share of the texts gets word edits, everything is renumbered the way the format
requires (Pasal 1..N across the document, ayat (1).. in each Pasal, huruf a.. and
angka 1.. in each list, every path recomputed, the Penjelasan labels following their
units) and, as a drafter would, cross-references to renumbered Pasal and ayat are updated.
The ground truth is read off where each tagged node ended up: a split ayat gives two
pairs (old → both new ayat), a merge two pairs (both old → the new ayat); an inserted
node has no pair, nor a deleted one. Units of Menimbang and Mengingat are left alone and
are not part of the ground truth.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from benchmarks.generate import ITEMS, OBJECTS, TAILS, _pasal, _sentence
from portal.document import Document, Node, parse, write
from portal.document.units import label_text, match_marker

UNIT_KINDS = ("ayat", "huruf", "angka")
STRUCTURAL = (
    "insert_pasal",
    "delete_pasal",
    "move_pasal",
    "split_ayat",
    "merge_ayat",
    "insert_unit",
    "delete_unit",
)
HOMES = ("bab", "bagian", "paragraf")

# Words a drafter adds or swaps in when rewording a provision.
EDIT_WORDS = [
    "wajib",
    "dapat",
    "segera",
    "tertulis",
    "secara",
    "elektronik",
    "berkala",
    "terpadu",
    "Daerah",
    "Dinas",
    "Gubernur",
    "paling",
    "lambat",
    "sedikit",
    "layanan",
    "data",
    "Peserta",
    "Pekerja",
    "masyarakat",
    "pelaksanaan",
    "penyelenggaraan",
    "pemantauan",
    "evaluasi",
    "terkait",
    "tersebut",
    "lainnya",
    "dan/atau",
    "setiap",
    "kepada",
    "melalui",
]
SPLIT_OPENERS = [
    "",
    "",
    "Ketentuan tersebut dilaksanakan",
    "Hal tersebut dilakukan",
    "Pemerintah Daerah juga",
]
CLAUSE_WORDS = {"dan", "serta", "atau", "yang", "dengan", "sejak", "berdasarkan", "sesuai", "paling", "untuk"}
CLAUSE_WORDS |= {"melalui", "termasuk", "sebagaimana", "dalam"}
DEFINED_TERMS = [
    "Kader Jaminan Sosial",
    "Forum Konsultasi Publik",
    "Kanal Pengaduan",
    "Rencana Aksi Daerah",
    "Mitra Pengemudi",
    "Pekerja Migran Indonesia",
    "Penyandang Disabilitas",
]
_FRONT = (
    "---\nslug: baru\nversi: v1\nlabel: Baru\ntanggal: 2026-01-01\njenis: Peraturan Daerah Provinsi\n"
    "daerah: Provinsi Banten\ntentang: Baru\npembentuk: GUBERNUR BANTEN\n---\n\n"
)

# "Pasal 7 ayat (2)" (a reference to another Pasal) or a lone "ayat (2)" (this Pasal's,
# or the last cited Pasal's when it follows one in a list: "Pasal 7 ayat (1) dan ayat (2)").
_REF = re.compile(
    r"\bPasal\s+(?P<pasal>\d+[A-Z]?)(?:(?P<sep>\s+ayat\s+\()(?P<ayat>\d+[a-z]?)\))?"
    r"|\bayat\s+\((?P<rayat>\d+[a-z]?)\)"
)
_TAIL = re.compile(r"(?:\s+huruf\s+[a-z]\b)?(?:\s+angka\s+\d+[a-z]?\b)?")
_EXTERNAL = re.compile(
    r"^\s*,?\s*(?:Undang-Undang|UUD|Peraturan\s+(?!Daerah\s+ini)|Keputusan|Instruksi|Kitab|Konvensi)"
)
_JOINER = re.compile(r"^\s*(?:,\s*)?(?:(?:dan/atau|dan|atau|serta|sampai\s+dengan)\s+)?$")


@dataclass(frozen=True)
class Operation:
    """One structural mutation: its kind, a one-line account, and the Pasal and unit
    paths it touched (the whole Pasal it happened in), old and new."""

    kind: str
    detail: str
    old: frozenset[str]
    new: frozenset[str]


@dataclass
class Mutation:
    """The mutated version and the ground truth of its alignment with the original."""

    document: Document
    text: str
    pasal_pairs: set[tuple[str, str]]
    unit_pairs: set[tuple[str, str]]
    operations: list[Operation]
    word_edited: set[str] = field(default_factory=set)  # old paths whose text got word edits
    refs_updated: set[str] = field(default_factory=set)  # old paths whose references were renumbered

    @property
    def pairs(self) -> set[tuple[str, str]]:
        return self.pasal_pairs | self.unit_pairs


def is_pasal(path: str) -> bool:
    return path.startswith("pasal-") and "/" not in path


def is_unit(path: str) -> bool:
    """An ayat, huruf or angka of a Pasal (not of Menimbang or Mengingat, not a Penjelasan label)."""
    return path.startswith("pasal-") and "/" in path


def _index(nodes: list[Node], node: Node) -> int:
    """Position by identity (``list.index`` compares whole subtrees by value)."""
    return next(k for k, candidate in enumerate(nodes) if candidate is node)


def _remove(nodes: list[Node], node: Node) -> None:
    del nodes[_index(nodes, node)]


def _letter(number: int) -> str:
    return chr(96 + number) if number <= 26 else chr(96 + number - 26) * 2


@dataclass
class _Pending:
    kind: str
    pasal: Node | None  # the Pasal the mutation happened in (None: it was deleted)
    removed: set[str]  # old paths of nodes the mutation removed
    main_old: list[str]
    main_new: list[Node]


class _Mutator:
    def __init__(self, document: Document, rng: random.Random) -> None:
        self.doc = copy.deepcopy(document)
        self.rng = rng
        self.keep = list(self.doc.walk())  # keeps every tagged node alive: ids stay unique
        self.origin: dict[int, str] = {id(node): node.path for node in self.keep}
        self.derived: list[tuple[str, Node]] = []  # extra ground truth: splits and merges
        self.fresh: set[int] = set()  # ids of nodes written new (no old path)
        self.explains: dict[int, Node] = {}  # id of a Penjelasan label → the unit it explains
        self.touched: set[int] = set()  # ids of Pasal a structural mutation already changed
        self.pending: list[_Pending] = []
        self.word_edited: set[str] = set()
        self.refs_updated: set[str] = set()
        self.first = self.doc.pasal()[0]
        for pasal in self.doc.pasal():
            self.link_labels(pasal)

    # -- helpers ---------------------------------------------------------------------
    def link_labels(self, pasal: Node) -> None:
        units = {node.path: node for node in pasal.walk() if node.kind in UNIT_KINDS}
        for child in pasal.children:
            if child.kind != "penjelasan":
                continue
            for label in child.walk():
                unit = units.get(label.path.removeprefix("penjelasan/"))
                if label is not child and unit is not None:
                    self.explains[id(label)] = unit

    def homes(self) -> list[tuple[str, list[Node]]]:
        """Every list of children that holds Pasal, with the path of its BAB ('' for none)."""
        out: list[tuple[str, list[Node]]] = []

        def visit(children: list[Node], bab: str) -> None:
            if any(child.kind == "pasal" for child in children):
                out.append((bab, children))
            for child in children:
                if child.kind in HOMES:
                    visit(child.children, bab or child.path.split("/")[0])

        visit(self.doc.children, "")
        return out

    def home_map(self) -> dict[int, tuple[str, list[Node]]]:
        """id of a Pasal → its home (BAB path, list of children)."""
        return {id(child): home for home in self.homes() for child in home[1] if child.kind == "pasal"}

    def slot(self, children: list[Node]) -> int:
        """A random position among the Pasal of a home (never before the first Pasal)."""
        places = [k for k, child in enumerate(children) if child.kind == "pasal"]
        low, high = places[0], places[-1] + 1
        if any(child is self.first for child in children):
            low = next(k for k, child in enumerate(children) if child is self.first) + 1
        return self.rng.randint(low, high)

    def candidates(self) -> list[Node]:
        """Pasal that a structural mutation may pick: not Pasal 1, not touched before, old."""
        return [
            p
            for p in self.doc.pasal()
            if p is not self.first and id(p) not in self.touched and id(p) in self.origin
        ]

    def old_paths(self, node: Node) -> set[str]:
        return {
            self.origin[id(n)]
            for n in node.walk()
            if id(n) in self.origin and n.kind in ("pasal", *UNIT_KINDS)
        }

    @staticmethod
    def parents(root: Node) -> list[tuple[Node, Node]]:
        """(parent, unit) for every unit under ``root``."""
        out: list[tuple[Node, Node]] = []
        for node in root.walk():
            out += [(node, child) for child in node.children if child.kind in UNIT_KINDS]
        return out

    # -- structural mutations ---------------------------------------------------------
    def insert_pasal(self) -> bool:
        homes = self.homes()
        _, children = self.rng.choice(homes)
        position = self.slot(children)
        number = len(self.doc.pasal()) + 1
        blocks = ["##### Pasal 1", *_pasal(self.rng, number)[1:]]
        pasal = parse(_FRONT + "\n\n".join(blocks) + "\n").pasal()[0]
        self.link_labels(pasal)
        self.keep += list(pasal.walk())
        self.fresh |= {id(n) for n in pasal.walk()}
        children.insert(position, pasal)
        self.touched.add(id(pasal))
        self.pending.append(_Pending("insert_pasal", pasal, set(), [], [pasal]))
        return True

    def delete_pasal(self) -> bool:
        homes = self.home_map()
        choices = [p for p in self.candidates() if len(self._pasal_in(homes[id(p)][1])) >= 2]
        if not choices:
            return False
        pasal = self.rng.choice(choices)
        _remove(homes[id(pasal)][1], pasal)
        self.pending.append(_Pending("delete_pasal", None, self.old_paths(pasal), [pasal.path], []))
        return True

    @staticmethod
    def _pasal_in(children: list[Node]) -> list[Node]:
        return [child for child in children if child.kind == "pasal"]

    def move_pasal(self) -> bool:
        homes = self.home_map()
        choices = [p for p in self.candidates() if len(self._pasal_in(homes[id(p)][1])) >= 2]
        self.rng.shuffle(choices)
        for pasal in choices:
            bab, children = homes[id(pasal)]
            targets = [home for home in self.homes() if home[0] != bab]
            if not targets:
                continue
            _remove(children, pasal)
            _, target = self.rng.choice(targets)
            target.insert(self.slot(target), pasal)
            self.touched.add(id(pasal))
            self.pending.append(_Pending("move_pasal", pasal, set(), [pasal.path], [pasal]))
            return True
        return False

    def split_ayat(self) -> bool:
        choices = [
            (pasal, parent, unit)
            for pasal in self.candidates()
            for parent, unit in self.parents(pasal)
            if unit.kind == "ayat"
            and not unit.children
            and id(unit) in self.origin
            and len(unit.text.split()) >= 12
            and unit.text.endswith(".")
        ]
        if not choices:
            return False
        pasal, parent, unit = self.rng.choice(choices)
        words = unit.text.split()
        middle = range(int(len(words) * 0.3), int(len(words) * 0.7) + 1)
        # Cut where a drafter would: after a comma or before a conjunction or a clause.
        natural = [k for k in middle if words[k - 1].endswith(",") or words[k].lower() in CLAUSE_WORDS]
        cut = self.rng.choice(natural or list(middle))
        first = " ".join(words[:cut]).rstrip(",;:") + "."
        rest = words[cut:]
        if rest[0].lower() in ("dan", "serta", "atau"):
            rest = rest[1:]
        opener = self.rng.choice(SPLIT_OPENERS)
        second = f"{opener} {' '.join(rest)}" if opener else " ".join(rest)
        second = second[:1].upper() + second[1:]
        unit.text = first
        part = Node(kind="ayat", path="", number="0", marker="(0)", text=second)
        self.keep.append(part)
        parent.children.insert(_index(parent.children, unit) + 1, part)
        self.derived.append((self.origin[id(unit)], part))
        self.touched.add(id(pasal))
        self.pending.append(_Pending("split_ayat", pasal, set(), [unit.path], [unit, part]))
        return True

    def merge_ayat(self) -> bool:
        choices: list[tuple[Node, Node, Node, Node]] = []
        for pasal in self.candidates():
            for node in pasal.walk():
                for left, right in pairwise(node.children):
                    if (
                        left.kind == right.kind == "ayat"
                        and not left.children
                        and not right.children
                        and id(left) in self.origin
                        and id(right) in self.origin
                    ):
                        choices.append((pasal, node, left, right))
        if not choices:
            return False
        pasal, parent, left, right = self.rng.choice(choices)
        left.text = f"{left.text.rstrip('.;')}, dan {right.text}"
        _remove(parent.children, right)
        self.derived.append((self.origin[id(right)], left))
        self.touched.add(id(pasal))
        self.pending.append(
            _Pending("merge_ayat", pasal, {self.origin[id(right)]}, [left.path, right.path], [left])
        )
        return True

    def insert_unit(self) -> bool:
        choices = [
            (pasal, parent, unit)
            for pasal in self.candidates() + ([self.first] if id(self.first) not in self.touched else [])
            for parent, unit in self.parents(pasal)
        ]
        if not choices:
            return False
        pasal, parent, sibling = self.rng.choice(choices)
        places = [k for k, child in enumerate(parent.children) if child.kind == sibling.kind]
        position = self.rng.randint(places[0], places[-1] + 1)
        if sibling.kind == "ayat":
            text, marker = f"{_sentence(self.rng, len(self.doc.pasal()))}.", "(0)"
        elif pasal is self.first and parent is pasal:
            term = self.rng.choice(DEFINED_TERMS)
            text = f"{term} adalah {self.rng.choice(OBJECTS)} {self.rng.choice(TAILS)}."
            marker = "0" + (sibling.marker or ".")[-1]
        else:
            listed = {
                n.text.rstrip(".;: ").removesuffix("; dan").removesuffix("; atau") for n in parent.children
            }
            text = f"{self.rng.choice([item for item in ITEMS if item not in listed])};"
            marker = "0" + (sibling.marker or ".")[-1]
        unit = Node(kind=sibling.kind, path="", number="0", marker=marker, text=text)
        self.keep.append(unit)
        self.fresh.add(id(unit))
        parent.children.insert(position, unit)
        self.touched.add(id(pasal))
        self.pending.append(_Pending("insert_unit", pasal, set(), [], [unit]))
        return True

    def delete_unit(self) -> bool:
        choices = [
            (pasal, parent, unit)
            for pasal in self.candidates() + ([self.first] if id(self.first) not in self.touched else [])
            for parent, unit in self.parents(pasal)
            if id(unit) in self.origin and sum(1 for c in parent.children if c.kind == unit.kind) >= 2
        ]
        if not choices:
            return False
        pasal, parent, unit = self.rng.choice(choices)
        _remove(parent.children, unit)
        self.touched.add(id(pasal))
        self.pending.append(_Pending("delete_unit", pasal, self.old_paths(unit), [unit.path], []))
        return True

    # -- word edits -------------------------------------------------------------------
    def edit_words(self, share: float) -> None:
        for pasal in self.doc.pasal():
            for node in pasal.walk():
                if node.kind not in ("pasal", *UNIT_KINDS) or id(node) not in self.origin or not node.text:
                    continue
                if self.rng.random() >= share:
                    continue
                edited = self.reword(node.text)
                if edited != node.text and match_marker(edited) is None and edited[:1] not in "#:|":
                    node.text = edited
                    self.word_edited.add(self.origin[id(node)])

    def reword(self, text: str) -> str:
        words = text.split()
        # A few words: up to three in a long provision; a word added to a short item
        # ("JKM;" → "JKM dan JKK;"), since swapping its only word would make it another item.
        short = len(words) < 4
        for _ in range(self.rng.randint(1, max(1, min(3, len(words) // 6)))):
            op = "insert" if short else self.rng.choice(("replace", "insert", "delete"))
            index = self.rng.randrange(len(words))
            if op == "insert":
                low = 0 if short else 1
                words.insert(self.rng.randint(low, max(low, len(words) - 1)), self.rng.choice(EDIT_WORDS))
            elif op == "replace":
                word = words[index]
                stem = word.rstrip(".,;:")
                words[index] = self.rng.choice(EDIT_WORDS) + word[len(stem) :]
            elif len(words) > 3:
                word = words.pop(index)
                stem = word.rstrip(".,;:")
                if word != stem and index > 0:
                    words[index - 1] = words[index - 1].rstrip(".,;:") + word[len(stem) :]
        return " ".join(words)

    # -- renumbering --------------------------------------------------------------------
    def renumber(self) -> None:
        for count, pasal in enumerate(self.doc.pasal(), start=1):
            pasal.number = str(count)
            pasal.path = f"pasal-{count}"
            self.renumber_units(pasal)
            live = {id(n) for n in pasal.walk() if n.kind in UNIT_KINDS}
            for child in pasal.children:
                if child.kind == "penjelasan":
                    child.number = pasal.number
                    child.path = f"penjelasan/{pasal.path}"
                    self.relabel(child, live)

    def renumber_units(self, node: Node) -> None:
        counts = dict.fromkeys(UNIT_KINDS, 0)
        for child in node.children:
            if child.kind not in UNIT_KINDS:
                continue
            counts[child.kind] += 1
            value = counts[child.kind]
            if child.kind == "ayat":
                child.number = str(value)
                child.marker = f"({value})"
            else:
                child.number = _letter(value) if child.kind == "huruf" else str(value)
                child.marker = child.number + (child.marker or ".")[-1]
            child.path = f"{node.path}/{child.kind}-{child.number.lower()}"
            self.renumber_units(child)

    def relabel(self, parent: Node, live: set[int]) -> None:
        kept: list[Node] = []
        for label in parent.children:
            unit = self.explains.get(id(label))
            if unit is None or id(unit) not in live or unit.number is None:
                continue  # its unit is gone: so is its explanation
            label.number = unit.number
            label.marker = label_text(unit.kind, unit.number)
            label.path = f"{parent.path}/{unit.kind}-{unit.number.lower()}"
            self.relabel(label, live)
            kept.append(label)
        parent.children = kept

    # -- cross-references ----------------------------------------------------------------
    def update_references(self) -> None:
        """Renumber "Pasal 7 ayat (2)" and "ayat (2)" in old texts as a careful drafter would."""
        where = {self.origin[id(n)]: n for n in self.doc.walk() if id(n) in self.origin}
        for old, node in self.derived:
            where.setdefault(old, node)  # an ayat merged into the one before it
        for pasal in self.doc.pasal():
            own = self.origin.get(id(pasal))
            for node in pasal.walk():
                if node.kind not in ("pasal", *UNIT_KINDS) or id(node) in self.fresh or not node.text:
                    continue
                text = self.rewrite(node.text, own, where)
                if text != node.text:
                    node.text = text
                    if id(node) in self.origin:
                        self.refs_updated.add(self.origin[id(node)])

    @staticmethod
    def rewrite(text: str, own: str | None, where: dict[str, Node]) -> str:
        out: list[str] = []
        last = 0
        cited: str | None = None  # the old path of the Pasal cited just before
        for match in _REF.finditer(text):
            out.append(text[last : match.start()])
            last = match.end()
            tail = _TAIL.match(text, match.end())
            if _EXTERNAL.match(text[tail.end() if tail else match.end() :]):
                out.append(match.group(0))  # a Pasal of another law
                cited = None
                continue
            if match.group("pasal"):
                cited = f"pasal-{match.group('pasal').lower()}"
                target = where.get(cited)
                if target is None or target.kind != "pasal":
                    out.append(match.group(0))
                    continue
                written = f"Pasal {target.number}"
                if match.group("ayat"):
                    ayat = where.get(f"{cited}/ayat-{match.group('ayat')}")
                    number = ayat.number if ayat is not None and ayat.kind == "ayat" else match.group("ayat")
                    written += f"{match.group('sep')}{number})"
                out.append(written)
                continue
            joined = cited is not None and _JOINER.match(out[-1]) is not None
            base = cited if joined else own
            ayat = where.get(f"{base}/ayat-{match.group('rayat')}") if base else None
            if not joined:
                cited = None
            if ayat is None or ayat.kind != "ayat":
                out.append(match.group(0))
            else:
                out.append(f"ayat ({ayat.number})")
        out.append(text[last:])
        return "".join(out)

    # -- result -----------------------------------------------------------------------------
    def result(self) -> Mutation:
        pasal_pairs: set[tuple[str, str]] = set()
        unit_pairs: set[tuple[str, str]] = set()
        for node in self.doc.walk():
            old = self.origin.get(id(node))
            if old is None:
                continue
            if node.kind == "pasal":
                pasal_pairs.add((old, node.path))
            elif node.kind in UNIT_KINDS and is_unit(old):
                unit_pairs.add((old, node.path))
        for old, node in self.derived:
            unit_pairs.add((old, node.path))
        operations = []
        for p in self.pending:
            olds = set(p.removed)
            news: set[str] = set()
            if p.pasal is not None:
                olds |= self.old_paths(p.pasal)
                news = {n.path for n in p.pasal.walk() if n.kind in ("pasal", *UNIT_KINDS)}
            detail = f"{', '.join(p.main_old) or '—'} → {', '.join(n.path for n in p.main_new) or '—'}"
            operations.append(Operation(p.kind, detail, frozenset(olds), frozenset(news)))
        meta = dataclasses.replace(self.doc.meta, versi=f"{self.doc.meta.versi}-m")
        document = Document(meta=meta, children=self.doc.children)
        text = write(document)
        parsed = parse(text)
        if parsed != document:
            raise AssertionError("the mutated draft does not parse back to the same tree")
        return Mutation(
            parsed, text, pasal_pairs, unit_pairs, operations, self.word_edited, self.refs_updated
        )


def mutate(
    document: Document,
    rng: random.Random,
    ops: int,
    *,
    kinds: Sequence[str] = STRUCTURAL,
    plan: Sequence[str] = (),
    edit_share: float | None = None,
    update_refs: bool = True,
) -> Mutation:
    """``ops`` structural mutations of kinds drawn from ``kinds`` (the k-th of kind ``plan[k]``
    when given, if it can be applied), then word edits in a share of the Pasal texts and
    units (``edit_share``; drawn from 5–20 % when None), renumbering, and (``update_refs``)
    cross-references renumbered to follow. The input is not changed."""
    mutator = _Mutator(document, rng)
    for step in range(ops):
        order = list(kinds)
        rng.shuffle(order)
        if step < len(plan):
            order.insert(0, plan[step])
        for kind in order:
            if kind not in STRUCTURAL:
                raise ValueError(f"unknown mutation {kind!r}")
            if getattr(mutator, kind)():
                break
    mutator.edit_words(rng.uniform(0.05, 0.2) if edit_share is None else edit_share)
    mutator.renumber()
    if update_refs:
        mutator.update_references()
    return mutator.result()
