"""Word-level diffs of provision texts, with Indonesian legal tokens.

Tokens are citations ("Pasal 5 ayat (2) huruf b" is one token, so a renumbered
reference shows as one replaced citation), amounts ("Rp50.000.000,00"), numbers,
words (with "dan/atau" and "perundang-undangan" kept whole) and punctuation.
Each token carries the whitespace after it, so the pieces of a diff put back
together give exactly the old and the new text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

Op = Literal["equal", "delete", "insert"]

_TOKEN = re.compile(
    r"""
    (?:[Pp]asal\s+\d+[A-Z]?(?:\s+ayat\s+\(\d+[a-z]?\))?(?:\s+huruf\s+[a-z]\b)?(?:\s+angka\s+\d+[a-z]?\b)?)
  | (?:ayat\s+\(\d+[a-z]?\)(?:\s+huruf\s+[a-z]\b)?(?:\s+angka\s+\d+[a-z]?\b)?)
  | (?:huruf\s+[a-z]\b(?:\s+angka\s+\d+[a-z]?\b)?)
  | (?:angka\s+\d+[a-z]?\b)
  | Rp\d[\d.]*(?:,\d+)?
  | \d+(?:[.,]\d+)*
  | \w+(?:[-/]\w+)*
  | [^\w\s]
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    text: str
    space: str  # the whitespace that follows


def tokenize(text: str) -> list[Token]:
    """Every character of ``text`` lands in exactly one token (or the leading space)."""
    matches = list(_TOKEN.finditer(text))
    ends = [m.start() for m in matches[1:]] + ([len(text)] if matches else [])
    return [Token(m.group(0), text[m.end() : end]) for m, end in zip(matches, ends, strict=True)]


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str

    def to_json(self) -> list[str]:
        return [self.op, self.text]


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``; deletions come before insertions."""
    a, b = tokenize(old), tokenize(new)
    lead_a = old[: len(old) - len(old.lstrip())]
    lead_b = new[: len(new) - len(new.lstrip())]
    pieces: list[Piece] = []

    def add(op: Op, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))

    if lead_a == lead_b:
        add("equal", lead_a)
    else:
        add("delete", lead_a)
        add("insert", lead_b)
    keys_a, keys_b = [t.text + t.space for t in a], [t.text + t.space for t in b]
    # Most edits touch a few words: match the common head and tail directly and
    # leave only the middle to difflib.
    head = 0
    while head < min(len(keys_a), len(keys_b)) and keys_a[head] == keys_b[head]:
        head += 1
    tail = 0
    while tail < min(len(keys_a), len(keys_b)) - head and keys_a[-1 - tail] == keys_b[-1 - tail]:
        tail += 1
    add("equal", "".join(keys_a[:head]))
    middle_a, middle_b = keys_a[head : len(keys_a) - tail], keys_b[head : len(keys_b) - tail]
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if tag == "equal":
            add("equal", "".join(keys_a[i1:i2]))
            continue
        add("delete", "".join(keys_a[i1:i2]))
        add("insert", "".join(keys_b[j1:j2]))
    add("equal", "".join(keys_a[len(keys_a) - tail :]))
    return pieces


def old_text(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces if p.op != "insert")


def new_text(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces if p.op != "delete")


def changed_share(pieces: list[Piece]) -> float:
    """The share of words touched by the diff (0 when equal)."""
    total = changed = 0
    for piece in pieces:
        words = len(piece.text.split())
        total += words
        if piece.op != "equal":
            changed += words
    return changed / total if total else 0.0
