"""The result of an alignment: mappings from old paths to new paths, with their kind."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from portal.document import Document, Node

Kind = Literal["same", "renumbered", "edited", "moved", "split", "merged", "deleted", "inserted"]
KINDS: tuple[Kind, ...] = ("same", "renumbered", "edited", "moved", "split", "merged", "deleted", "inserted")


class Mapping(NamedTuple):
    """One line of the alignment: ``old`` → ``new`` (either may be None).

    A named tuple, not a dataclass: an alignment of two 500-Pasal drafts builds some
    6,000 of them, and a tuple is made several times faster."""

    old: str | None
    new: str | None
    kind: Kind
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "kind": self.kind, "score": round(self.score, 3)}


@dataclass
class Alignment:
    """The mappings, in new-document order; not to be changed once built (indexes are kept)."""

    mappings: list[Mapping] = field(default_factory=list)
    # The node of each path of the two documents aligned, as the alignment found them
    # (compare() reuses them rather than walking both documents again).
    nodes: tuple[Document, dict[str, Node], Document, dict[str, Node]] | None = field(
        default=None, repr=False, compare=False
    )

    def indexes(self, old: Document, new: Document) -> tuple[dict[str, Node], dict[str, Node]]:
        """Path → node in ``old`` and in ``new``: kept from aligning these very documents."""
        if self.nodes is not None and self.nodes[0] is old and self.nodes[2] is new:
            return self.nodes[1], self.nodes[3]
        return old.index(), new.index()

    @cached_property
    def _forward(self) -> dict[str, list[Mapping]]:
        out: dict[str, list[Mapping]] = defaultdict(list)
        for m in self.mappings:
            if m.old is not None:
                out[m.old].append(m)
        return dict(out)

    @cached_property
    def _backward(self) -> dict[str, list[Mapping]]:
        out: dict[str, list[Mapping]] = defaultdict(list)
        for m in self.mappings:
            if m.new is not None:
                out[m.new].append(m)
        return dict(out)

    def forward(self) -> dict[str, list[Mapping]]:
        """Old path → its mappings."""
        return self._forward

    def backward(self) -> dict[str, list[Mapping]]:
        """New path → its mappings."""
        return self._backward

    def new_path(self, old: str) -> str | None:
        """Where an old provision went (the best part of a split)."""
        targets = [m for m in self.forward().get(old, []) if m.new is not None]
        return max(targets, key=lambda m: m.score).new if targets else None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(KINDS, 0)
        for m in self.mappings:
            out[m.kind] += 1
        return out

    def to_json(self) -> list[dict[str, Any]]:
        return [m.to_json() for m in self.mappings]
