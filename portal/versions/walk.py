"""Walking the trees being aligned: one survey of each document, units, texts, order."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

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


def units_of(node: Node) -> list[Node]:
    """The ayat, huruf and angka under a node, in document order."""
    out: list[Node] = []
    stack = [c for c in reversed(node.children) if c.kind in UNIT_KINDS]
    while stack:
        unit = stack.pop()
        out.append(unit)
        if unit.children:
            stack.extend(c for c in reversed(unit.children) if c.kind in UNIT_KINDS)
    return out


class Survey(NamedTuple):
    """What the alignment needs to know of one document, gathered in one walk."""

    nodes: list[Node]  # every node, in document order
    by_path: dict[str, Node]  # path → node
    kinds: dict[str, list[Node]]  # kind → nodes, in document order
    homes: dict[str, str]  # Pasal path → the path of its BAB, Bagian or Paragraf
    texts: dict[int, str]  # id(Pasal) → subtree_text (its words and its units')


def survey(document: Document) -> Survey:
    nodes: list[Node] = []
    index: dict[str, Node] = {}
    kinds: dict[str, list[Node]] = defaultdict(list)
    homes: dict[str, str] = {}
    texts: dict[int, str] = {}
    pasal: Node | None = None  # the Pasal whose units are being read, and their words
    words: list[str] = []
    stack: list[tuple[Node, str | None]] = [(node, None) for node in reversed(document.children)]
    while stack:
        node, home = stack.pop()
        nodes.append(node)
        index[node.path] = node
        kind = node.kind
        kinds[kind].append(node)
        if kind in UNIT_KINDS:
            if pasal is not None:
                if node.heading:
                    words.append(node.heading)
                if node.text:
                    words.append(node.text)
        elif kind == "pasal":
            if pasal is not None:
                texts[id(pasal)] = " ".join(words)
            pasal, words = node, [w for w in (node.heading, node.text) if w]
            if home is not None:
                homes[node.path] = home
        elif kind != "penjelasan" and pasal is not None:  # the Pasal is over
            texts[id(pasal)] = " ".join(words)
            pasal = None
        if node.children:
            inner = node.path if kind in STRUCTURE else home
            stack += [(child, inner) for child in reversed(node.children)]
    if pasal is not None:
        texts[id(pasal)] = " ".join(words)
    return Survey(nodes, index, kinds, homes, texts)


def ordered(old: list[Node], new: list[Node], mappings: list[Mapping]) -> list[Mapping]:
    """New document order; deleted old provisions right after their old predecessor.

    Mappings to one new provision (a merge) follow the old order. A deleted provision
    goes after the new place of the last old provision before it that has one."""
    to_new: dict[str, list[Mapping]] = {}
    gone: dict[str, Mapping] = {}
    last_new: dict[str, str] = {}  # old path → the (latest) new path it maps to
    split: set[str] = set()  # old paths mapped to more than one new path
    for m in mappings:
        if m.new is None:
            gone[m.old] = m  # type: ignore[index]
            continue
        here = to_new.get(m.new)
        if here is None:
            to_new[m.new] = [m]
        else:
            here.append(m)
        if m.old is not None:
            if m.old in last_new:
                split.add(m.old)
            last_new[m.old] = m.new
    if split:
        new_pos = {node.path: k for k, node in enumerate(new)}
        for m in mappings:
            if m.old in split and m.new is not None and new_pos[m.new] > new_pos[last_new[m.old]]:
                last_new[m.old] = m.new
    # Each deleted provision hangs after the new place of the last anchored old one.
    after: dict[str | None, list[Mapping]] = {}  # new path (None: the start) → deleted
    if gone:
        anchor: str | None = None
        for node in old:
            anchor = last_new.get(node.path, anchor)
            found = gone.get(node.path)
            if found is not None:
                after.setdefault(anchor, []).append(found)
    out: list[Mapping] = after.get(None, [])
    old_pos: dict[str, int] = {}
    for node in new:
        here = to_new.get(node.path)
        if here is not None:
            if len(here) > 1:
                if not old_pos:
                    old_pos = {n.path: k for k, n in enumerate(old)}
                here.sort(key=lambda m: old_pos.get(m.old, -1) if m.old is not None else -1)
            out += here
        if after:
            hanging = after.get(node.path)
            if hanging:
                out += hanging
    return out
