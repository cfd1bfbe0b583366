"""Unit markers and Penjelasan labels, and the stack rule that nests them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.document.nodes import Node, NodeKind


@dataclass(frozen=True)
class Marker:
    """A recognised unit marker at the start of a line."""

    style: str  # one of "(n)", "a.", "n.", "a)", "n)"
    kind: NodeKind
    number: str
    text: str

    @property
    def literal(self) -> str:
        return marker_literal(self.style, self.number)

    @property
    def segment(self) -> str:
        return f"{self.kind}-{self.number.lower()}"


_LETTER = r"([a-z])\2?"
# Numbers have at most nine digits (what the portal keeps of a number): a longer one
# opening a line is text, not a marker.
_MARKER_RES: list[tuple[str, NodeKind, re.Pattern[str]]] = [
    ("(n)", "ayat", re.compile(r"^\((\d{1,9}[a-z]?)\)[ \t]+(.*)$")),
    ("a.", "huruf", re.compile(rf"^({_LETTER})\.[ \t]+(.*)$")),
    ("n.", "angka", re.compile(r"^(\d{1,9}[a-z]?)\.[ \t]+(.*)$")),
    ("a)", "huruf", re.compile(rf"^({_LETTER})\)[ \t]+(.*)$")),
    ("n)", "angka", re.compile(r"^(\d{1,9}[a-z]?)\)[ \t]+(.*)$")),
]

_LABEL_RES: list[tuple[NodeKind, re.Pattern[str]]] = [
    # The keyword in any case ("ayat (1)" is still a label); numbers as markers write them.
    ("ayat", re.compile(r"^(?i:ayat)\s+\((\d{1,9}[a-z]?)\)$")),
    ("huruf", re.compile(r"^(?i:huruf)\s+(([a-z])\2?)$")),
    ("angka", re.compile(r"^(?i:angka)\s+(\d{1,9}[a-z]?)$")),
]


def marker_literal(style: str, number: str) -> str:
    if style == "(n)":
        return f"({number})"
    return number + style[-1]


def match_marker(line: str) -> Marker | None:
    """The marker that opens ``line`` (already stripped of indentation), if any."""
    for style, kind, pattern in _MARKER_RES:
        match = pattern.match(line)
        if match:
            return Marker(style, kind, match.group(1), match.group(match.lastindex or 1).strip())
    return None


def match_label(line: str) -> tuple[NodeKind, str] | None:
    """A Penjelasan label line: ('ayat', '2') for 'Ayat (2)'."""
    for kind, pattern in _LABEL_RES:
        match = pattern.match(line)
        if match:
            return kind, match.group(1)
    return None


def label_text(kind: str, number: str) -> str:
    if kind == "ayat":
        return f"Ayat ({number})"
    return f"{kind.capitalize()} {number}"


class UnitStack:
    """Open units under one container: a marker kind already open closes everything
    deeper and becomes a sibling; a kind not yet open becomes a child."""

    def __init__(self, container: Node) -> None:
        self.container = container
        self._stack: list[tuple[str, Node]] = []

    @property
    def current(self) -> Node:
        return self._stack[-1][1] if self._stack else self.container

    def push(self, key: str, node: Node, segment: str) -> Node:
        for depth, (open_key, _) in enumerate(self._stack):
            if open_key == key:
                del self._stack[depth:]
                break
        parent = self.current
        node.path = f"{parent.path}/{segment}"
        parent.children.append(node)
        self._stack.append((key, node))
        return node
