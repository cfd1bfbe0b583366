"""Walking the trees being aligned: texts, units, nodes by kind, homes of Pasal, order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from portal.document import Document, Node
from portal.versions.mapping import Mapping

UNIT_KINDS = ("ayat", "huruf", "angka")
STRUCTURE = ("bab", "bagian", "paragraf")


def norm(text: str) -> str:
    return " ".join(text.split())


def subtree_text(node: Node) -> str:
    """A node's own text with that of its units (not its Penjelasan)."""
    parts = [node.heading or "", node.text]
    parts += [subtree_text(c) for c in node.children if c.kind in UNIT_KINDS]
    return norm(" ".join(p for p in parts if p))


def units_of(node: Node) -> Iterator[Node]:
    for child in node.children:
        if child.kind in UNIT_KINDS:
            yield child
            yield from units_of(child)


def by_kind(nodes: list[Node]) -> dict[str, list[Node]]:
    out: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        out[node.kind].append(node)
    return out


def parents(document: Document) -> dict[str, str]:
    """Pasal path → the path of its BAB, Bagian or Paragraf."""
    out: dict[str, str] = {}

    def visit(node: Node, home: str | None) -> None:
        if node.kind == "pasal" and home is not None:
            out[node.path] = home
        for child in node.children:
            visit(child, node.path if node.kind in STRUCTURE else home)

    for node in document.children:
        visit(node, None)
    return out


def ordered(old: list[Node], new: list[Node], mappings: list[Mapping]) -> list[Mapping]:
    """New document order; deleted old provisions right after their old predecessor."""
    new_pos = {node.path: k for k, node in enumerate(new)}
    old_paths = [node.path for node in old]
    old_pos = {path: k for k, path in enumerate(old_paths)}
    anchor: dict[str, float] = {}
    for m in mappings:
        if m.old is not None and m.new is not None:
            anchor[m.old] = max(anchor.get(m.old, -1.0), float(new_pos[m.new]))
    last = -1.0
    placed: dict[str, float] = {}
    for path in old_paths:
        if path in anchor:
            last = anchor[path]
        placed[path] = last + 0.5

    def key(m: Mapping) -> tuple[float, int]:
        if m.new is not None:
            return (float(new_pos[m.new]), old_pos.get(m.old or "", -1))
        return (placed[m.old or ""], old_pos[m.old or ""])

    return sorted(mappings, key=key)
