"""Cross-references inside a draft: find them, resolve them to paths, and flag
the ones a renumbering left behind ("stale") or that point at nothing ("dangling").

Pure functions. A reference is "Pasal 7 ayat (2) huruf b", a relative "ayat (1)"
or "huruf a" (resolved from where it stands), or one end of "Pasal 7 sampai
dengan Pasal 15". Citations of other laws ("Pasal 15 Undang-Undang Nomor 24
Tahun 2011") and the Mengingat are not references into this draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from portal.document import Document, Node
from portal.versions.align import Alignment

_UNIT = r"(?:\s+ayat\s+\((?P<ayat>\d+[a-z]?)\))?(?:\s+huruf\s+(?P<huruf>[a-z])\b)?(?:\s+angka\s+(?P<angka>\d+[a-z]?)\b)?"
_REF = re.compile(
    rf"""
    (?P<prep>\b(?:dalam|pada|dengan|oleh|di)\s+)?
    (?:
        Pasal\s+(?P<pasal>\d+[A-Z]?){_UNIT}
      | ayat\s+\((?P<rayat>\d+[a-z]?)\)(?:\s+huruf\s+(?P<rhuruf>[a-z])\b)?(?:\s+angka\s+(?P<rangka>\d+[a-z]?)\b)?
      | huruf\s+(?P<lhuruf>[a-z])\b(?:\s+angka\s+(?P<langka>\d+[a-z]?)\b)?
      | angka\s+(?P<lone_angka>\d+[a-z]?)\b
    )
    """,
    re.VERBOSE,
)
# What follows a citation of another law.
_EXTERNAL = re.compile(
    r"^\s*,?\s*(?:Undang-Undang|UUD\b|UU\b|Peraturan\s+(?!Daerah\s+ini)|PP\b|Perpres\b|Permen\w*|"
    r"Perda\b(?!\s+ini)|Pergub\b|Perkada\b|Keputusan|Instruksi|Kitab|KUH\w*|Konvensi)"
)
# One more citation in a list or range: ", huruf c", " dan Pasal 15 ayat (2)", " sampai dengan Pasal 9".
_NEXT_CITATION = re.compile(
    r"^\s*(?:,\s*)?(?:(?:dan/atau|dan|atau|serta|sampai\s+dengan)\s+)?"
    r"(?:Pasal\s+\d+[A-Z]?|ayat\s+\(\d+[a-z]?\)|huruf\s+[a-z]\b|angka\s+\d+[a-z]?\b)"
    r"(?:\s+(?:ayat\s+\(\d+[a-z]?\)|huruf\s+[a-z]\b|angka\s+\d+[a-z]?\b))*"
)

# A citation of a Pasal of this draft or of another law (tell them apart with ``external``).
PASAL_CITATION = re.compile(rf"\bPasal\s+(?P<pasal>\d+[A-Z]?)\b{_UNIT}")


def external(after: str) -> bool:
    """Whether a citation, with the list or range it opens, names another law: the text
    right after it ('Pasal 12 dan Pasal 15 Undang-Undang Nomor 23 …', '… huruf b dan
    huruf c UU Nomor 24 …', '… sampai dengan Pasal 9 PP Nomor 86 …')."""
    rest = after
    while (step := _NEXT_CITATION.match(rest)) is not None and step.end() > 0:
        rest = rest[step.end() :]
    return _EXTERNAL.match(rest) is not None


DELETED = re.compile(r"\[dihapus: [^\]\n]{1,80}\]")


def deleted_marker(citation: str) -> str:
    """What stands in place of a reference to a deleted Pasal or BAB:
    '[dihapus: Pasal 7 ayat (2)]'. ``DELETED`` finds it, lint rule R1 reports it, and
    ``masked`` hides it from every other reading of references and numbers."""
    return f"[dihapus: {citation}]"


def masked(text: str) -> str:
    """``text`` with each deleted-reference marker blanked out (same length, so that
    positions stay): its old citation is neither a reference nor a number any more."""
    return DELETED.sub(lambda match: " " * len(match.group(0)), text) if "[dihapus: " in text else text


Problem = Literal["stale", "dangling"]


@dataclass(frozen=True)
class Reference:
    source: str  # path of the unit the reference stands in
    text: str  # as written, e.g. "Pasal 7 ayat (2) huruf b"
    target: str  # the path it resolves to (may not exist)
    relative: bool  # "ayat (1)", "huruf a": read from where it stands
    preposition: str | None  # "dalam" or "pada" (R1 checks the choice)
    start: int
    end: int


@dataclass(frozen=True)
class ReferenceProblem:
    path: str
    text: str
    problem: Problem
    suggestion: str | None
    target: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "text": self.text, "problem": self.problem, "suggestion": self.suggestion}


def _seg(kind: str, number: str) -> str:
    return f"{kind}-{number.lower()}"


# Between two references of one list or range: "Pasal 18 huruf a sampai dengan huruf h",
# "ayat (2) dan ayat (3)", "huruf a, huruf b, dan huruf c".
_JOINER = re.compile(r"^\s*(?:,\s*)?(?:(?:dan/atau|dan|atau|serta|sampai\s+dengan)\s+)?$")


def _continue(previous: str, kind: str, number: str) -> str:
    """'huruf h' after 'pasal-18/huruf-a' is pasal-18/huruf-h: replace the last
    segment of that kind, or hang the unit under the previous target."""
    segments = previous.split("/")
    for depth in range(len(segments) - 1, -1, -1):
        if segments[depth].startswith(kind + "-"):
            return "/".join([*segments[:depth], _seg(kind, number)])
    return f"{previous}/{_seg(kind, number)}"


def _scan(node: Node, pasal: Node | None, parent: Node | None) -> Iterator[Reference]:
    text = masked(node.text)
    previous: Reference | None = None
    for match in _REF.finditer(text):
        if external(text[match.end() :]):
            previous = None
            continue
        groups = match.groupdict()
        prep = (groups["prep"] or "").strip() or None
        start = match.start() + len(groups["prep"] or "")
        citation = text[start : match.end()]
        joined = previous is not None and _JOINER.match(text[previous.end : start]) is not None
        if joined:
            prep = None  # "sampai dengan huruf h": the "dengan" belongs to the range
        found: Reference | None = None
        if groups["pasal"]:
            parts = [_seg("pasal", groups["pasal"])]
            parts += [_seg(k, groups[k]) for k in ("ayat", "huruf", "angka") if groups[k]]
            found = Reference(node.path, citation, "/".join(parts), False, prep, start, match.end())
        elif joined and previous is not None:
            kind, number, rest = _relative_parts(groups)
            target = _continue(previous.target, kind, number) + rest
            found = Reference(node.path, citation, target, previous.relative, prep, start, match.end())
        elif groups["rayat"]:
            if pasal is not None:
                parts = [pasal.path, _seg("ayat", groups["rayat"])]
                parts += [_seg(k, groups["r" + k]) for k in ("huruf", "angka") if groups["r" + k]]
                found = Reference(node.path, citation, "/".join(parts), True, prep, start, match.end())
        elif pasal is not None or node.path.startswith("menimbang"):
            kind, number, rest = _relative_parts(groups)
            target = _relative_target(node, parent, pasal, kind, number) + rest
            found = Reference(node.path, citation, target, True, prep, start, match.end())
        previous = found
        if found is not None:
            yield found


def _relative_parts(groups: dict[str, str | None]) -> tuple[str, str, str]:
    """The first unit of a relative citation, and the path tail below it."""
    if groups["rayat"]:
        rest = "".join(f"/{_seg(k, groups['r' + k] or '')}" for k in ("huruf", "angka") if groups["r" + k])
        return "ayat", groups["rayat"], rest
    if groups["lhuruf"]:
        rest = f"/{_seg('angka', groups['langka'])}" if groups["langka"] else ""
        return "huruf", groups["lhuruf"], rest
    return "angka", groups["lone_angka"] or "", ""


def _relative_target(node: Node, parent: Node | None, pasal: Node | None, kind: str, number: str) -> str:
    """'huruf a' means a sibling, else a child of this unit, else one directly under the Pasal."""
    segment = _seg(kind, number)
    candidates = []
    if parent is not None:
        candidates.append(f"{parent.path}/{segment}")
    candidates.append(f"{node.path}/{segment}")
    if pasal is not None:
        candidates.append(f"{pasal.path}/{segment}")
    for candidate in candidates:
        if any(candidate == c.path for c in _family(parent, node, pasal)):
            return candidate
    return candidates[0]


def _family(parent: Node | None, node: Node, pasal: Node | None) -> Iterator[Node]:
    for holder in (parent, node, pasal):
        if holder is not None:
            yield from holder.children


def find_references(document: Document) -> list[Reference]:
    """Every reference into the draft itself, in document order."""
    index = document.index()
    found: list[Reference] = []

    def visit(node: Node, pasal: Node | None, parent: Node | None) -> None:
        if node.kind == "mengingat":
            return
        if node.kind == "pasal":
            pasal = node
        if node.kind == "penjelasan" and node.marker is None:
            pasal = index.get(node.path.removeprefix("penjelasan/"), pasal)
        if node.text and node.kind not in ("penjelasan_umum", "lampiran", "bab", "bagian", "paragraf"):
            found.extend(_scan(node, pasal, parent))
        for child in node.children:
            visit(child, pasal, node)

    for top in document.children:
        visit(top, None, None)
    return found


def cite(path: str, document: Document, *, within: str | None = None) -> str:
    """'Pasal 13 ayat (1) huruf a' for a path; 'ayat (3)' when ``within`` its Pasal."""
    index = document.index()
    segments = path.split("/")
    words: list[str] = []
    for depth in range(1, len(segments) + 1):
        node = index.get("/".join(segments[:depth]))
        kind, _, number = segments[depth - 1].partition("-")
        label = node.label if node is not None else f"{kind} {number}"
        if kind == "pasal" and within == segments[0]:
            continue
        words.append(label)
    return " ".join(words)


def dangling(document: Document) -> list[ReferenceProblem]:
    """References whose target does not exist in the same version."""
    index = document.index()
    return [
        ReferenceProblem(ref.source, ref.text, "dangling", None, ref.target)
        for ref in find_references(document)
        if ref.target not in index
    ]


def check_references(old: Document, new: Document, alignment: Alignment) -> list[ReferenceProblem]:
    """Dangling references of ``new``, and those it kept from ``old`` whose target moved."""
    new_index = new.index()
    old_index = old.index()
    old_refs: dict[str, list[Reference]] = {}
    for ref in find_references(old):
        old_refs.setdefault(ref.source, []).append(ref)
    backward = alignment.backward()
    problems: list[ReferenceProblem] = []
    new_refs = find_references(new)
    cited: dict[str, set[str]] = {}
    for ref in new_refs:
        cited.setdefault(ref.source, set()).add(ref.target)
    for ref in new_refs:
        sources = [m.old for m in backward.get(ref.source, []) if m.old is not None]
        before = [r for s in sources for r in old_refs.get(s, []) if r.text == ref.text]
        went = alignment.new_path(before[0].target) if before else None
        kept = bool(before) and before[0].target in old_index and went != ref.target
        if kept and went is not None and went in cited.get(ref.source, set()):
            kept = False  # the list was rewritten and also cites the successor: deliberate
        if kept:
            # Kept from the old version while its target moved (or went): now it means another.
            pasal = ref.source.split("/")[0] if ref.relative else None
            suggestion = cite(went, new, within=pasal) if went is not None else None
            problems.append(ReferenceProblem(ref.source, ref.text, "stale", suggestion, ref.target))
        elif ref.target not in new_index:
            problems.append(ReferenceProblem(ref.source, ref.text, "dangling", None, ref.target))
    return problems
