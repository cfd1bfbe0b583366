"""A drafter's corrections of an alignment ("pins"), applied where the aligner pairs
Pasal and units. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.document import Node
from portal.versions.pairing import Pair, similarity

Pin = tuple[str | None, str | None]  # (old path, new path); None on one side: deleted or inserted


@dataclass(frozen=True)
class Pins:
    old: dict[str, str | None]  # old path → new path (None: deleted)
    new: dict[str, str | None]  # new path → old path (None: inserted)

    @classmethod
    def of(cls, pins: Sequence[Pin]) -> Pins:
        return cls({o: n for o, n in pins if o is not None}, {n: o for o, n in pins if n is not None})

    def __bool__(self) -> bool:
        return bool(self.old or self.new)

    def apply(
        self,
        pairs: list[Pair],
        old_nodes: list[Node],
        new_nodes: list[Node],
        old_texts: list[str],
        new_texts: list[str],
    ) -> list[Pair]:
        """The automatic pairs, overruled by the corrections that concern these nodes."""
        if not self:
            return pairs
        old_at = {n.path: i for i, n in enumerate(old_nodes)}
        new_at = {n.path: j for j, n in enumerate(new_nodes)}
        kept = [
            p
            for p in pairs
            if old_nodes[p.old].path not in self.old and new_nodes[p.new].path not in self.new
        ]
        for o, n in self.old.items():
            if n is not None and o in old_at and n in new_at:
                i, j = old_at[o], new_at[n]
                kept.append(Pair(i, j, similarity(old_texts[i], new_texts[j])))
        return sorted(kept, key=lambda p: p.old)

    def give_way(
        self,
        old_nodes: list[Node],
        new_nodes: list[Node],
        splits: dict[int, list[int]],
        merges: dict[int, list[int]],
    ) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """Splits and merges that touch a corrected node give way to the correction."""
        if not self:
            return splits, merges

        def free(olds: list[int], news: list[int]) -> bool:
            return not any(old_nodes[i].path in self.old for i in olds) and not any(
                new_nodes[j].path in self.new for j in news
            )

        return (
            {i: parts for i, parts in splits.items() if free([i], parts)},
            {j: parts for j, parts in merges.items() if free(parts, [j])},
        )

    def inside(self, old: Node, new: Node) -> bool:
        """Whether a correction concerns a unit under these two nodes."""
        old_prefix, new_prefix = old.path + "/", new.path + "/"
        return any(p.startswith(old_prefix) for p in self.old) or any(
            p.startswith(new_prefix) for p in self.new
        )
