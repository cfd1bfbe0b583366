"""One part of a draft in its own form: a Pasal (with its Penjelasan), the Menimbang,
the Mengingat, the Penjelasan Umum or a Lampiran (pure, no I/O).

``find`` cuts the part's text out of the source, ``splice`` puts an edited text
back; every line outside the part stays as the drafter wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.drafting.blocks import Block, join_lines, scan, split_lines, trim

EDITABLE = ("menimbang", "mengingat", "pasal", "penjelasan_umum", "lampiran")
_OPEN = re.compile(r"^\s*:::\s*penjelasan\s*$", re.IGNORECASE)
_CLOSE = re.compile(r"^\s*:::\s*$")


@dataclass(frozen=True)
class Part:
    """The text of one editable part, as its form shows it.

    ``body`` is what follows the heading (for a Pasal, up to its Penjelasan);
    ``penjelasan`` is the inside of a Pasal's ``::: penjelasan`` container ("" when
    it has none); ``tail`` keeps any line after the container, so nothing is lost.
    ``offset`` is the 1-based file line of the body's first line."""

    block: Block
    body: str
    penjelasan: str
    tail: tuple[str, ...]
    offset: int

    @property
    def path(self) -> str:
        return self.block.path

    @property
    def kind(self) -> str:
        return self.block.kind

    @property
    def label(self) -> str:
        return self.block.label


def editable(source: str) -> list[Block]:
    """The parts of a text that have a form of their own, in file order."""
    return [block for block in scan(split_lines(source)) if block.kind in EDITABLE]


def find(source: str, path: str) -> Part | None:
    """The part at ``path`` ('pasal-5', 'menimbang', 'penjelasan-umum', 'lampiran-i');
    'penjelasan/pasal-5' is Pasal 5's form, which holds its Penjelasan."""
    path = path.removeprefix("penjelasan/")
    lines = split_lines(source)
    for block in scan(lines):
        if block.path == path and block.kind in EDITABLE:
            return _cut(lines, block)
    return None


def _cut(lines: list[str], block: Block) -> Part:
    own = lines[block.start + 1 : block.end]
    first = next((i for i, line in enumerate(own) if line.strip()), len(own))
    offset = block.start + 2 + first
    if block.kind != "pasal":
        return Part(block, "\n".join(trim(own)), "", (), offset)
    opened = next((i for i, line in enumerate(own) if _OPEN.match(line)), None)
    if opened is None:
        return Part(block, "\n".join(trim(own)), "", (), offset)
    closed = next((i for i in range(opened + 1, len(own)) if _CLOSE.match(own[i])), len(own))
    inside = own[opened + 1 : closed]
    tail = tuple(trim(own[closed + 1 :]))
    return Part(block, "\n".join(trim(own[:opened])), "\n".join(trim(inside)), tail, offset)


FREE = ("penjelasan_umum", "lampiran")


def _text_lines(text: str, free: bool = False) -> list[str]:
    """A field's lines without the blank ones at either end; trailing spaces go too,
    except in free text, where two of them are a Markdown line break."""
    lines = split_lines(text)
    if not free:
        return trim(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


@dataclass(frozen=True)
class Fields:
    """Where a part's fields land in the spliced text: the 1-based file line of each
    field's first kept line, and how many blank lines were dropped before it."""

    body_line: int
    body_skipped: int
    body_count: int
    penjelasan_line: int
    penjelasan_skipped: int
    penjelasan_count: int

    def locate(self, line: int) -> tuple[str, int] | None:
        """('isi' | 'penjelasan', line in that field) for a file line, or None. The
        '::: penjelasan' line the form writes counts as the Penjelasan's first line (a
        problem on the heading, which the form keeps, stays a line of the file)."""
        if 0 <= line - self.body_line < self.body_count:
            return "isi", line - self.body_line + 1 + self.body_skipped
        if 0 <= line - self.penjelasan_line < self.penjelasan_count:
            return "penjelasan", line - self.penjelasan_line + 1 + self.penjelasan_skipped
        if self.penjelasan_count and line == self.penjelasan_line - 1:
            return "penjelasan", 1 + self.penjelasan_skipped
        return None


def _skipped(text: str) -> int:
    lines = split_lines(text)
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))


def fields(part: Part, body: str, penjelasan: str = "") -> Fields:
    """Where ``splice`` puts the two fields (for problems reported by file line)."""
    body_count = len(_text_lines(body, part.kind in FREE))
    explained = len(_text_lines(penjelasan)) if part.kind == "pasal" else 0
    body_line = part.block.start + 3  # heading, then a blank line
    penjelasan_line = body_line + body_count + (2 if body_count else 1)  # blank, '::: penjelasan'
    return Fields(body_line, _skipped(body), body_count, penjelasan_line, _skipped(penjelasan), explained)


def splice(source: str, part: Part, body: str, penjelasan: str = "") -> str:
    """The whole source with the part's text replaced; a Pasal's container is written
    when ``penjelasan`` has text and dropped when it is empty ("Cukup jelas.")."""
    lines = split_lines(source)
    block = part.block
    own: list[str] = []
    body_lines = _text_lines(body, part.kind in FREE)
    if body_lines:
        own += ["", *body_lines]
    explained = _text_lines(penjelasan) if block.kind == "pasal" else []
    if explained:
        own += ["", "::: penjelasan", *explained, ":::"]
    if part.tail:
        own += ["", *part.tail]
    after = lines[block.end :]
    if after:
        own.append("")  # one blank line before the next heading
    return join_lines([*lines[: block.start + 1], *own, *after])
