"""A draft's outline as a flat list of items (pure, no I/O): each structural block of
the source (see ``blocks``) with its parent, and the names a drafter gives them
('Pasal 7', 'Bagian Kedua (BAB II)'). ``outline`` moves these items around."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.drafting.blocks import Block, scan
from portal.drafting.rewrite import Change

CONTAINERS = ("bab", "bagian", "paragraf")


@dataclass
class Item:
    """One structural block: its own lines (heading first), its number, its path in the
    text before an operation, its parent's index, and whether the operation adds it."""

    kind: str
    lines: list[str]
    number: str | None
    path: str = ""  # in the text before the operation ("" for a new item)
    title: str | None = None
    parent: int | None = None
    fresh: bool = False
    body_changes: list[tuple[int, Change]] = field(default_factory=list)  # (body line, change)


def read_items(lines: list[str]) -> tuple[list[str], list[Item]]:
    """The lines before the first heading (the front matter), and the items in order."""
    blocks = scan(lines)
    head = lines[: blocks[0].start] if blocks else lines
    items: list[Item] = []
    open_: dict[str, int | None] = {"bab": None, "bagian": None, "paragraf": None}
    for block in blocks:
        item = Item(block.kind, lines[block.start : block.end], block.number, block.path, block.title)
        index = len(items)
        if block.kind == "bab":
            open_ = {"bab": index, "bagian": None, "paragraf": None}
        elif block.kind == "bagian":
            item.parent = open_["bab"]
            open_["bagian"], open_["paragraf"] = index, None
        elif block.kind == "paragraf":
            item.parent = open_["bagian"]
            open_["paragraf"] = index
        elif block.kind == "pasal":
            item.parent = open_["paragraf"] if open_["paragraf"] is not None else open_["bagian"]
            item.parent = item.parent if item.parent is not None else open_["bab"]
        else:
            open_ = {"bab": None, "bagian": None, "paragraf": None}
        items.append(item)
    return head, items


def subtree_end(items: list[Item], index: int) -> int:
    """One past the last item that ``items[index]`` holds."""
    end = index + 1
    while end < len(items) and within(items, end, index):
        end += 1
    return end


def within(items: list[Item], index: int, ancestor: int) -> bool:
    parent = items[index].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = items[parent].parent
    return False


def holds(items: list[Item], container: int, kind: str) -> bool:
    return any(item.parent == container and item.kind == kind for item in items)


def item_label(item: Item) -> str:
    return Block(item.kind, item.number, None, item.path, 0, 0, "").label


def container_label(items: list[Item], index: int) -> str:
    item = items[index]
    label = item_label(item)
    parent = item.parent
    while parent is not None:
        label = f"{label}, {item_label(items[parent])}"
        parent = items[parent].parent
    return label


def segment_label(kind: str, segment: str) -> str:
    number = segment.split("-", 1)[1] if "-" in segment else None
    if number is not None:
        number = number.upper() if kind in ("bab", "pasal") else number.replace("-", " ").title()
    return Block(kind, number, None, segment, 0, 0, "").label


def label_of(kind: str, path: str) -> str:
    """How a drafter names a node of the text before the operation: 'Pasal 7', 'BAB II',
    'Bagian Kedua (BAB II)', 'Paragraf 1 (Bagian Kedua, BAB II)'."""
    segments = path.split("/")
    names = [segment_label(segment.split("-", 1)[0], segment) for segment in segments]
    names[-1] = segment_label(kind, segments[-1])
    if len(names) == 1:
        return names[0]
    return f"{names[-1]} ({', '.join(reversed(names[:-1]))})"


def labels_after(items: list[Item]) -> dict[int, str]:
    """The same names for the items as they stand after the operation (by ``id``)."""
    out: dict[int, str] = {}
    bab = bagian = ""
    for item in items:
        label = item_label(item)
        if item.kind == "bab":
            bab, bagian = label, ""
        elif item.kind == "bagian":
            bagian = label
            label = f"{label} ({bab})" if bab else label
        elif item.kind == "paragraf":
            label = f"{label} ({', '.join(x for x in (bagian, bab) if x)})"
        elif item.kind in ("penjelasan_umum", "lampiran"):
            bab = bagian = ""
        out[id(item)] = label
    return out
