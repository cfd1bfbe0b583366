"""Word-level diffs of provision texts, with Indonesian legal tokens.

Tokens are citations ("Pasal 5 ayat (2) huruf b" is one token, so a renumbered
reference shows as one replaced citation), amounts ("Rp50.000.000,00"), numbers,
words (with "dan/atau" and "perundang-undangan" kept whole) and punctuation.
Each token carries the whitespace after it, so the pieces of a diff put back
together give exactly the old and the new text.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

Op = Literal["equal", "delete", "insert"]

_PATTERN = r"""
    (?:[Pp]asal\s+\d+[A-Z]?(?:\s+ayat\s+\(\d+[a-z]?\))?(?:\s+huruf\s+[a-z]\b)?(?:\s+angka\s+\d+[a-z]?\b)?)
  | (?:ayat\s+\(\d+[a-z]?\)(?:\s+huruf\s+[a-z]\b)?(?:\s+angka\s+\d+[a-z]?\b)?)
  | (?:huruf\s+[a-z]\b(?:\s+angka\s+\d+[a-z]?\b)?)
  | (?:angka\s+\d+[a-z]?\b)
  | Rp\d[\d.]*(?:,\d+)?
  | \d+(?:[.,]\d+)*
  | \w+(?:[-/]\w+)*
  | [^\w\s]
    """
_TOKEN = re.compile(_PATTERN, re.VERBOSE)
# The same tokens with the whitespace after each: what the diff compares. findall
# returns them as strings without building a match object per token.
_KEY = re.compile(f"(?:{_PATTERN})\\s*", re.VERBOSE)


class Token(NamedTuple):
    text: str
    space: str  # the whitespace that follows


def tokenize(text: str) -> list[Token]:
    """Every character of ``text`` lands in exactly one token (or the leading space)."""
    matches = list(_TOKEN.finditer(text))
    ends = [m.start() for m in matches[1:]] + ([len(text)] if matches else [])
    return [Token(m.group(0), text[m.end() : end]) for m, end in zip(matches, ends, strict=True)]


class Piece(NamedTuple):
    op: Op
    text: str

    def to_json(self) -> list[str]:
        return [self.op, self.text]


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``; deletions come before insertions."""
    lead_a = old[: len(old) - len(old.lstrip())]
    lead_b = new[: len(new) - len(new.lstrip())]
    raw: list[tuple[Op, str]] = []
    if lead_a == lead_b:
        raw.append(("equal", lead_a))
    else:
        raw += [("delete", lead_a), ("insert", lead_b)]
    keys_a, keys_b = _KEY.findall(old), _KEY.findall(new)
    # Most edits touch a few words: match the common head and tail directly and
    # leave only the middle to difflib.
    shorter = min(len(keys_a), len(keys_b))
    head = 0
    while head < shorter and keys_a[head] == keys_b[head]:
        head += 1
    tail = 0
    while tail < shorter - head and keys_a[-1 - tail] == keys_b[-1 - tail]:
        tail += 1
    raw.append(("equal", "".join(keys_a[:head])))
    middle_a, middle_b = keys_a[head : len(keys_a) - tail], keys_b[head : len(keys_b) - tail]
    if not middle_a or not middle_b or len(middle_a) == len(middle_b) == 1:  # words only added or
        # removed, or one replaced by another
        raw += [("delete", "".join(middle_a)), ("insert", "".join(middle_b))]
    else:
        matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                raw.append(("equal", "".join(middle_a[i1:i2])))
            else:
                raw += [("delete", "".join(middle_a[i1:i2])), ("insert", "".join(middle_b[j1:j2]))]
    raw.append(("equal", "".join(keys_a[len(keys_a) - tail :])))
    pieces: list[Piece] = []
    for op, text in raw:
        if not text:
            continue
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))
    return pieces


def old_text(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces if p.op != "insert")


def new_text(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces if p.op != "delete")
