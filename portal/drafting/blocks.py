"""A draft's source cut into blocks at its structural headings (pure, no I/O).

Editing one part or moving a Pasal works on the drafter's own lines, so that
everything else in the file stays exactly as written. A block runs from a
recognised heading (Menimbang, Mengingat, BAB, Bagian, Paragraf, Pasal,
Penjelasan Umum, Lampiran) up to the next one; a heading of no known kind
(an ordinary Markdown heading inside the Penjelasan Umum) belongs to the block
it stands in, as it does for the parser. The scan needs no valid text: a draft
with problems can still be cut and edited part by part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.document.headings import Heading, recognise

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FRONT_END = ("---", "...")


@dataclass(frozen=True, slots=True)
class Block:
    """One structural heading and the lines it owns (``start`` is the heading line's
    0-based index, ``end`` one past the block's last line)."""

    kind: str
    number: str | None
    title: str | None
    path: str
    start: int
    end: int
    hashes: str

    @property
    def label(self) -> str:
        from portal.document.nodes import node_label

        return node_label(self.kind, self.number, self.path)


def split_lines(source: str) -> list[str]:
    """The lines of a text, with any line ending (the last newline ends the last line)."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n").split("\n") if text else []


def join_lines(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def front_matter_end(lines: list[str]) -> int:
    """Index of the first line after the front matter (0 when there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in _FRONT_END:
            return index + 1
    return len(lines)


def heading_of(line: str) -> tuple[str, Heading] | None:
    """The level marks and the recognised heading of a line, or None."""
    match = _ATX.match(line)
    if match is None:
        return None
    found = recognise(match.group(2))
    return (match.group(1), found) if found is not None else None


def scan(lines: list[str]) -> list[Block]:
    """Every structural block, in file order, with the path the parser gives its node."""
    heads: list[tuple[int, str, Heading, str]] = []
    bab = bagian = ""
    for index in range(front_matter_end(lines), len(lines)):
        if not lines[index].lstrip(" ").startswith("#"):
            continue
        found = heading_of(lines[index])
        if found is None:
            continue
        hashes, heading = found
        path = heading.segment
        if heading.kind == "bab":
            bab, bagian = path, ""
        elif heading.kind == "bagian":
            path = f"{bab}/{path}" if bab else path
            bagian = path
        elif heading.kind == "paragraf":
            path = f"{bagian}/{path}" if bagian else path
        elif heading.kind in ("penjelasan_umum", "lampiran"):
            bab = bagian = ""
        heads.append((index, hashes, heading, path))
    blocks = []
    for position, (index, hashes, heading, path) in enumerate(heads):
        end = heads[position + 1][0] if position + 1 < len(heads) else len(lines)
        blocks.append(Block(heading.kind, heading.number, heading.title, path, index, end, hashes))
    return blocks


_CONTAINER_LINE = re.compile(r"^\s*:::")


def stray_line(text: str) -> int | None:
    """The 1-based line of the first heading of a structural kind or ``:::`` line in a
    part's text (which would cut the part in two), or None."""
    for number, line in enumerate(split_lines(text), 1):
        if _CONTAINER_LINE.match(line) or (line.lstrip(" ").startswith("#") and heading_of(line)):
            return number
    return None


def trim(lines: list[str]) -> list[str]:
    """Lines without the blank ones at either end, each without trailing spaces."""
    out = [line.rstrip() for line in lines]
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return out
