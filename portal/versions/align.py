"""Alignment of two versions: which provision of the old is which of the new.

Pure and deterministic. Top-down: the structure (BAB, Bagian, Paragraf), then
the Pasal by their whole text, then the units inside each aligned Pasal (or
group of Pasal, for a split or a merge), then Menimbang and Mengingat items,
Penjelasan (following their Pasal and units) and the free sections. Every node
of both versions appears in the result: mapped, split, merged, deleted or
inserted. Two old provisions never map to one new one except as a merge.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.document import Document, Node
from portal.versions.mapping import KINDS, Alignment, Kind, Mapping
from portal.versions.pairing import (
    THRESHOLD,
    Pair,
    longest_increasing,
    masked,
    pair_texts,
    similarity,
    splits_and_merges,
)
from portal.versions.pins import Pin, Pins
from portal.versions.walk import (
    STRUCTURE,
    UNIT_KINDS,
    norm,
    ordered,
    subtree_text,
    survey,
    units_of,
)

__all__ = ["KINDS", "UNIT_KINDS", "Alignment", "Kind", "Mapping", "Pin", "align", "subtree_text"]

MOVE_THRESHOLD = 0.65  # a Pasal paired far from its place must be clearly the same one
LONE_UNIT = 0.35  # a unit rewritten in place, alone between two unchanged ones


class _Aligner:
    def __init__(self, old: Document, new: Document, pins: Sequence[Pin] = ()) -> None:
        self.old, self.new = old, new
        self.pins = Pins.of(pins)
        self.followed: set[str] = set()  # Penjelasan already mapped with an alike Pasal
        old_survey, new_survey = survey(old), survey(new)
        self.old_nodes, self.new_nodes = old_survey.nodes, new_survey.nodes
        self.old_index, self.new_index = old_survey.by_path, new_survey.by_path
        self.old_kinds, self.new_kinds = old_survey.kinds, new_survey.kinds
        self.old_parent, self.new_parent = old_survey.homes, new_survey.homes
        # Texts are joined once, when first needed (most units never are: their Pasal
        # is followed node by node); every Pasal's is, for pairing them.
        self._texts = old_survey.texts | new_survey.texts
        self._full: dict[int, str] = {}
        self.undecided: set[tuple[str, str]] = set()  # Pasal pairs whose kind waits for their units
        self.result: dict[tuple[str | None, str | None], Mapping] = {}

    def add(self, old: Node | None, new: Node | None, kind: Kind, score: float) -> None:
        key = (old.path if old else None, new.path if new else None)
        self.result[key] = Mapping(key[0], key[1], kind, score)

    def text(self, node: Node) -> str:
        """subtree_text: the node's own text with its units'."""
        found = self._texts.get(id(node))
        if found is None:
            parts = [p for unit in units_of(node) for p in (unit.heading, unit.text) if p]
            found = self._texts[id(node)] = " ".join([p for p in (node.heading, node.text) if p] + parts)
        return found

    def full(self, node: Node) -> str:
        """Every word under the node, its Penjelasan labels included."""
        if node.kind in UNIT_KINDS:
            return self.text(node)  # units hold only units
        found = self._full.get(id(node))
        if found is None:  # the heading and text of every node under it, in order
            parts = [p for d in node.descendants() for p in (d.heading, d.text) if p]
            found = self._full[id(node)] = " ".join(parts)
        return found

    def head_text(self, node: Node, limit: int = 400) -> str:
        """A BAB/Bagian/Paragraf: its title and the start of its Pasal, to align by."""
        parts = [node.heading or ""]
        size = 0
        stack = list(reversed(node.children))
        while stack and size < limit:
            child = stack.pop()
            if child.kind == "pasal":
                text = self.text(child)
                parts.append(text)
                size += len(text)
            elif child.kind in STRUCTURE:
                stack.extend(reversed(child.children))
        return " ".join(parts)[: limit + len(node.heading or "") + 1]

    # -- kinds ------------------------------------------------------------------
    def plain_kind(self, old: Node, new: Node, *, own_only: bool) -> Kind:
        if own_only:
            equal = (old.text == new.text or norm(old.text) == norm(new.text)) and (old.heading or "") == (
                new.heading or ""
            )
        else:
            equal = self.full(old) == self.full(new)
        if equal:
            return "same" if old.path == new.path else "renumbered"
        return "edited"

    # -- levels -----------------------------------------------------------------
    def structure(self) -> dict[str, str]:
        """Align BAB, Bagian and Paragraf by title; returns old path → new path."""
        mapped: dict[str, str] = {}
        for kind in STRUCTURE:
            old_nodes = self.old_kinds.get(kind, [])
            new_nodes = self.new_kinds.get(kind, [])
            pairs = pair_texts(
                [self.head_text(n) for n in old_nodes], [self.head_text(n) for n in new_nodes], threshold=0.3
            )
            self._emit(old_nodes, new_nodes, pairs, own_only=True)
            for p in pairs:
                mapped[old_nodes[p.old].path] = new_nodes[p.new].path
        return mapped

    def pasal(self, containers: dict[str, str]) -> list[tuple[list[Node], list[Node]]]:
        """Align the Pasal; returns the groups whose units are aligned next."""
        old_nodes = self.old_kinds.get("pasal", [])
        new_nodes = self.new_kinds.get("pasal", [])
        old_texts = [self.text(n) for n in old_nodes]
        new_texts = [self.text(n) for n in new_nodes]
        pairs = pair_texts(old_texts, new_texts, move_threshold=MOVE_THRESHOLD)
        pairs = self.pins.apply(pairs, old_nodes, new_nodes, old_texts, new_texts)
        in_order = {id(pairs[k]) for k in longest_increasing(pairs)}
        groups: list[tuple[list[Node], list[Node]]] = []
        splits, merges = self.pins.give_way(
            old_nodes, new_nodes, *splits_and_merges(old_texts, new_texts, pairs)
        )
        paired_old = {p.old for p in pairs}
        paired_new = {p.new for p in pairs}
        for p in pairs:
            o, n = old_nodes[p.old], new_nodes[p.new]
            if p.old in splits or p.new in merges:
                continue
            old_home = self.old_parent.get(o.path)
            new_home = self.new_parent.get(n.path)
            if (old_home is not None and containers.get(old_home) != new_home) or id(p) not in in_order:
                self.add(o, n, "moved", p.score)
            else:  # same, renumbered or edited: known once the units are walked (see run)
                self.add(o, n, "edited", p.score)
                self.undecided.add((o.path, n.path))
            groups.append(([o], [n]))
        for i, parts in splits.items():
            for j in parts:
                self.add(old_nodes[i], new_nodes[j], "split", similarity(old_texts[i], new_texts[j]))
            groups.append(([old_nodes[i]], [new_nodes[j] for j in parts]))
        for j, parts in merges.items():
            for i in parts:
                self.add(old_nodes[i], new_nodes[j], "merged", similarity(old_texts[i], new_texts[j]))
            groups.append(([old_nodes[i] for i in parts], [new_nodes[j]]))
        taken_old = paired_old | set(splits) | {i for parts in merges.values() for i in parts}
        taken_new = paired_new | set(merges) | {j for parts in splits.values() for j in parts}
        for i, node in enumerate(old_nodes):
            if i not in taken_old:
                self.add(node, None, "deleted", 0.0)
                groups.append(([node], []))
        for j, node in enumerate(new_nodes):
            if j not in taken_new:
                self.add(None, node, "inserted", 0.0)
                groups.append(([], [node]))
        return groups

    def units(self, old_roots: list[Node], new_roots: list[Node]) -> dict[str, str]:
        """Align the units under a group of old and new containers."""
        old_nodes = [u for root in old_roots for u in units_of(root)]
        new_nodes = [u for root in new_roots for u in units_of(root)]
        if not old_nodes and not new_nodes:
            return {}
        old_texts = [self.text(n) for n in old_nodes]
        new_texts = [self.text(n) for n in new_nodes]
        pairs = pair_texts(old_texts, new_texts, lone_threshold=LONE_UNIT)
        pairs = self.pins.apply(pairs, old_nodes, new_nodes, old_texts, new_texts)
        splits, merges = self.pins.give_way(
            old_nodes, new_nodes, *splits_and_merges(old_texts, new_texts, pairs)
        )
        return self._emit(old_nodes, new_nodes, pairs, own_only=True, splits=splits, merges=merges)

    def _emit(
        self,
        old_nodes: list[Node],
        new_nodes: list[Node],
        pairs: list[Pair],
        *,
        own_only: bool,
        splits: dict[int, list[int]] | None = None,
        merges: dict[int, list[int]] | None = None,
    ) -> dict[str, str]:
        splits, merges = splits or {}, merges or {}
        mapped: dict[str, str] = {}
        taken_old: set[int] = set(splits) | {i for parts in merges.values() for i in parts}
        taken_new: set[int] = set(merges) | {j for parts in splits.values() for j in parts}
        for p in pairs:
            if p.old in taken_old or p.new in taken_new:
                continue
            o, n = old_nodes[p.old], new_nodes[p.new]
            self.add(o, n, self.plain_kind(o, n, own_only=own_only), p.score)
            mapped[o.path] = n.path
            taken_old.add(p.old)
            taken_new.add(p.new)
        for i, parts in splits.items():
            best = max(parts, key=lambda j: similarity(self.text(old_nodes[i]), self.text(new_nodes[j])))
            for j in parts:
                score = similarity(self.text(old_nodes[i]), self.text(new_nodes[j]))
                self.add(old_nodes[i], new_nodes[j], "split", score)
            mapped[old_nodes[i].path] = new_nodes[best].path
        for j, parts in merges.items():
            for i in parts:
                score = similarity(self.text(old_nodes[i]), self.text(new_nodes[j]))
                self.add(old_nodes[i], new_nodes[j], "merged", score)
                mapped[old_nodes[i].path] = new_nodes[j].path
        for i, node in enumerate(old_nodes):
            if i not in taken_old:
                self.add(node, None, "deleted", 0.0)
        for j, node in enumerate(new_nodes):
            if j not in taken_new:
                self.add(None, node, "inserted", 0.0)
        return mapped

    def konsiderans(self) -> None:
        for kind in ("menimbang", "mengingat"):
            old = [n for n in self.old.children if n.kind == kind]
            new = [n for n in self.new.children if n.kind == kind]
            if old and new:
                self.add(old[0], new[0], self.plain_kind(old[0], new[0], own_only=False), 1.0)
                self.units(old, new)
            elif old:
                self._gone(old[0])
            elif new:
                self._came(new[0])

    def penjelasan(self, unit_map: dict[str, str]) -> None:
        """A Penjelasan follows its Pasal; its labels follow the units they explain."""
        old_pj = {
            n.path: n
            for n in self.old_kinds.get("penjelasan", [])
            if n.marker is None and n.path not in self.followed
        }
        taken = {m.new for m in self.result.values() if m.new is not None and m.new.startswith("penjelasan/")}
        new_pj = {
            n.path: n
            for n in self.new_kinds.get("penjelasan", [])
            if n.marker is None and n.path not in taken
        }
        rest, used = self._follow(list(old_pj.values()), new_pj, unit_map, own_only=False)
        for node in rest:
            self._gone(node)
        for path, node in new_pj.items():
            if path not in used:
                self._came(node)

    def _follow(
        self, old_nodes: list[Node], new_by_path: dict[str, Node], unit_map: dict[str, str], *, own_only: bool
    ) -> tuple[list[Node], set[str]]:
        """Pair each Penjelasan node with the one explaining the new place of its target;
        returns the old nodes left without a partner, and the new paths taken."""
        used: set[str] = set()
        rest: list[Node] = []
        for node in old_nodes:
            target = unit_map.get(node.path.removeprefix("penjelasan/"))
            partner = new_by_path.get(f"penjelasan/{target}") if target else None
            if partner is None or partner.path in used:
                rest.append(node)
                continue
            used.add(partner.path)
            score = (
                similarity(self.full(node), self.full(partner))
                if not own_only
                else similarity(node.text, partner.text)
            )
            self.add(node, partner, self.plain_kind(node, partner, own_only=own_only), score)
            if not own_only:
                self._labels(node, partner, unit_map)
        return rest, used

    def _labels(self, old: Node, new: Node, unit_map: dict[str, str]) -> None:
        new_labels = [n for n in new.walk() if n is not new]
        rest_old, used = self._follow(
            [n for n in old.walk() if n is not old], {n.path: n for n in new_labels}, unit_map, own_only=True
        )
        rest_new = [n for n in new_labels if n.path not in used]
        pairs = pair_texts([n.text for n in rest_old], [n.text for n in rest_new], threshold=0.6)
        self._emit(rest_old, rest_new, pairs, own_only=True)

    def free(self) -> None:
        for kind in ("penjelasan_umum", "lampiran"):
            old = [n for n in self.old.children if n.kind == kind]
            new = [n for n in self.new.children if n.kind == kind]
            pairs = pair_texts(
                [f"{n.number} {n.heading} {n.text[:500]}" for n in old],
                [f"{n.number} {n.heading} {n.text[:500]}" for n in new],
                threshold=0.2,
            )
            self._emit(old, new, pairs, own_only=True)

    def _gone(self, node: Node) -> None:
        for n in node.walk():
            self.add(n, None, "deleted", 0.0)

    def _came(self, node: Node) -> None:
        for n in node.walk():
            self.add(None, n, "inserted", 0.0)

    # -- all ----------------------------------------------------------------------
    def alike(self, old: Node, new: Node, unit_map: dict[str, str]) -> bool:
        """Map, node by node, two Pasal of the same shape whose units can only be paired
        in place (their Penjelasan too); False, with nothing mapped, when the units
        must be aligned one by one.

        Most Pasal between two versions are like this: unchanged, citing renumbered
        provisions, or with words edited in a unit or a Penjelasan. A unit whose words
        changed must still be like its counterpart (the pairing's threshold), and two
        such units side by side (perhaps one deleted, another inserted) are left to
        the full alignment."""
        pairs: list[tuple[Node, Node]] = []
        stack = [(old, new)]
        same = True
        while stack:
            o, n = stack.pop()
            if o.kind != n.kind or (o.marker is None) is not (n.marker is None):
                return False
            if o.children:
                if len(o.children) != len(n.children):
                    return False
                stack += zip(reversed(o.children), reversed(n.children), strict=True)
            elif n.children:
                return False
            if same and (o.text != n.text or o.heading != n.heading):
                same = False
            pairs.append((o, n))
        del pairs[0]  # the Pasal themselves
        found: list[Mapping] = []
        if same:
            for o, n in pairs:
                found.append(Mapping(o.path, n.path, "same" if o.path == n.path else "renumbered", 1.0))
        else:
            texts = self._unit_texts(pairs)
            changed_before = False  # the previous unit's words changed
            for o, n in pairs:
                kind: Kind
                if o.kind in UNIT_KINDS:
                    if not o.children and o.text == n.text and o.heading == n.heading:
                        # an unchanged unit with nothing under it
                        kind = "same" if o.path == n.path else "renumbered"
                        found.append(Mapping(o.path, n.path, kind, 1.0))
                        changed_before = False
                        continue
                    text_o, text_n = texts[id(o)], texts[id(n)]
                    if text_o == text_n:
                        score, changed = 1.0, False
                    else:
                        score = similarity(text_o, text_n)
                        changed = o.text != n.text and masked(o.text) != masked(n.text)
                        if changed and (changed_before or score < THRESHOLD):
                            return False
                    changed_before = changed
                    own_only = True
                elif o.marker is not None:  # a label inside a Penjelasan
                    score = similarity(o.text, n.text)
                    own_only = True
                else:
                    score = similarity(self.full(o), self.full(n))
                    own_only = False
                if o.text == n.text and o.heading == n.heading and (own_only or score == 1.0):
                    kind = "same" if o.path == n.path else "renumbered"
                else:
                    kind = self.plain_kind(o, n, own_only=own_only)
                found.append(Mapping(o.path, n.path, kind, score))
        self.decide(old, new, same)
        result, followed = self.result, self.followed
        for (o, n), mapping in zip(pairs, found, strict=True):
            result[(o.path, n.path)] = mapping
            if o.kind in UNIT_KINDS:
                unit_map[o.path] = n.path
            elif o.marker is None:  # a Pasal's Penjelasan (its labels follow with it)
                followed.add(o.path)
        return True

    @staticmethod
    def _unit_texts(pairs: list[tuple[Node, Node]]) -> dict[int, str]:
        """subtree_text of the units with something under them, both sides, keyed by
        ``id``: joined from the leaves up (pairs are in document order)."""
        out: dict[int, str] = {}
        for o, n in reversed(pairs):
            if o.kind in UNIT_KINDS:
                for node in (o, n):
                    if node.children:  # the units of a unit are units
                        parts = [node.heading, node.text, *(out[id(c)] for c in node.children)]
                    else:
                        parts = [node.heading, node.text]
                    out[id(node)] = " ".join([p for p in parts if p])
        return out

    def decide(self, old: Node, new: Node, same: bool | None) -> None:
        """The kind of a Pasal pair left undecided by pasal()."""
        if (old.path, new.path) not in self.undecided:
            return
        if same is None:
            same = self.full(old) == self.full(new)
        kind: Kind = ("same" if old.path == new.path else "renumbered") if same else "edited"
        if kind != "edited":
            self.add(old, new, kind, self.result[(old.path, new.path)].score)

    def run(self) -> Alignment:
        containers = self.structure()
        groups = self.pasal(containers)
        unit_map: dict[str, str] = {}
        for m in self.result.values():
            if m.old and m.new and self.old_index[m.old].kind == "pasal":
                unit_map.setdefault(m.old, m.new)
        for old_roots, new_roots in groups:
            if old_roots and not new_roots:
                for root in old_roots:
                    for unit in units_of(root):
                        self.add(unit, None, "deleted", 0.0)
            elif new_roots and not old_roots:
                for root in new_roots:
                    for unit in units_of(root):
                        self.add(None, unit, "inserted", 0.0)
            elif (
                len(old_roots) == len(new_roots) == 1
                and not self.pins.inside(old_roots[0], new_roots[0])
                and self.alike(old_roots[0], new_roots[0], unit_map)
            ):
                pass
            else:
                if len(old_roots) == len(new_roots) == 1:
                    self.decide(old_roots[0], new_roots[0], None)
                unit_map.update(self.units(old_roots, new_roots))
        self.konsiderans()
        self.penjelasan(unit_map)
        self.free()
        return Alignment(
            ordered(self.old_nodes, self.new_nodes, list(self.result.values())),
            (self.old, self.old_index, self.new, self.new_index),
        )


def align(old: Document, new: Document, pins: Sequence[Pin] = ()) -> Alignment:
    """Map every provision of ``old`` to ``new``.

    ``pins`` are a drafter's corrections, ``(old path, new path)``: they win over the
    automatic pairing of Pasal and of units (``(old, None)`` deletes, ``(None, new)``
    inserts). A unit correction applies where its two Pasal are aligned together.
    """
    return _Aligner(old, new, pins).run()
