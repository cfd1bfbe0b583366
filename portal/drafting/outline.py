"""Insert, move and delete Pasal, Bagian and BAB in a draft's source (pure, no I/O).

An operation works on the drafter's own lines (see ``blocks``): the blocks are
cut, moved or added, then BAB, Bagian, Paragraf and Pasal are numbered again in
order (a Raperda numbers its Pasal 1, 2, 3 … before enactment), and every
reference into the draft ("sebagaimana dimaksud dalam Pasal 8 ayat (2)",
"BAB III") follows the provision it pointed at. Citations of other laws
("Pasal 18 ayat (6) Undang-Undang Dasar …") and the Mengingat are left alone.
The result lists every change, for the drafter to confirm before it is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from portal.document import DraftError, Problem, parse
from portal.document.numbering import ordinal_word, to_roman
from portal.drafting.blocks import join_lines, split_lines, stray_line, trim
from portal.drafting.rewrite import Change, rewrite
from portal.drafting.tree import (
    CONTAINERS,
    Item,
    container_label,
    holds,
    item_label,
    label_of,
    labels_after,
    read_items,
    subtree_end,
)

Kind = Literal["pasal", "bagian", "bab"]
Action = Literal["sisip", "pindah", "hapus"]
KINDS: tuple[Kind, ...] = ("pasal", "bagian", "bab")
_NUMBERED_KINDS = ("bab", "bagian", "paragraf", "pasal")
_LEVEL = {"bab": "##", "bagian": "###", "paragraf": "####", "pasal": "#####"}
_WORD = {"bab": "BAB", "bagian": "Bagian", "paragraf": "Paragraf", "pasal": "Pasal"}
_NUMBERED = re.compile(
    r"^(?P<head>\s*#+\s+(?:BAB|Bagian|Paragraf|Pasal)\s+)(?P<number>.+?)(?P<rest>\s+[—–-]\s+.*)?\s*$",
    re.IGNORECASE,
)


class OutlineError(Exception):
    """An operation the outline refuses: ``code`` names why (see drafting.services.MESSAGES);
    ``problems`` are the parse problems of a text that would not parse."""

    def __init__(self, code: str, problems: list[Problem] | None = None) -> None:
        self.code = code
        self.problems = problems or []
        super().__init__(code)


@dataclass(frozen=True)
class Operation:
    """What the drafter asked: ``position`` is 'setelah:<path>' (after that node and what
    it holds) or 'awal:<path>' (first inside that BAB, Bagian or Paragraf; 'awal:' is the
    start of the body)."""

    action: Action
    kind: Kind
    target: str = ""
    position: str = ""
    title: str = ""
    text: str = ""
    penjelasan: str = ""


@dataclass
class Outcome:
    source: str
    changes: list[Change]
    note: str  # the revision note, in Indonesian like every record


@dataclass(frozen=True)
class Destination:
    """One place a node can go: ``mode`` is 'after', 'start' (of ``label``) or 'top'."""

    value: str
    mode: Literal["after", "start", "top"]
    label: str


def _accepts(items: list[Item], container: int, kind: Kind) -> bool:
    """Whether a node of ``kind`` may stand first inside ``items[container]``."""
    holder = items[container]
    if kind == "pasal":
        return holder.kind in CONTAINERS and not any(
            holds(items, container, k) for k in ("bagian", "paragraf")
        )
    if kind == "bagian":
        return holder.kind == "bab" and not holds(items, container, "pasal")
    return False


def destinations(source: str, kind: Kind, target: str = "") -> list[Destination]:
    """Every valid place for a ``kind`` (moved from ``target`` when given, leaving out
    where it already is), in file order."""
    _, items = read_items(split_lines(source))
    moving = next((i for i, item in enumerate(items) if item.path == target), None)
    span = (moving, subtree_end(items, moving)) if moving is not None else None
    candidates: list[Destination] = []
    if kind == "bab" or (kind == "pasal" and not any(item.kind == "bab" for item in items)):
        candidates.append(Destination("awal:", "top", ""))
    for index, item in enumerate(items):
        if span is not None and span[0] <= index < span[1]:
            continue
        if item.kind == kind:
            label = container_label(items, index) if kind == "bagian" else item_label(item)
            candidates.append(Destination(f"setelah:{item.path}", "after", label))
        if kind != "bab" and item.kind in CONTAINERS and _accepts(items, index, kind):
            title = f" — {item.title}" if item.title else ""
            candidates.append(
                Destination(f"awal:{item.path}", "start", container_label(items, index) + title)
            )
    out = []
    for place in candidates:
        if span is not None:
            at = _position(items, Operation("pindah", kind, target, place.value), span)
            if at in span:
                continue  # where it already is
        out.append(place)
    return out


# -- the operation --------------------------------------------------------------------------


def apply(source: str, operation: Operation) -> Outcome:
    """The new source and every change, or OutlineError. The source must parse."""
    try:
        parse(source)
    except DraftError as error:
        raise OutlineError("outline_invalid", error.problems) from error
    head, items = read_items(split_lines(source))
    old_order = [item.number or "" for item in items if item.kind == "pasal"]
    changes: list[Change] = []
    moved: list[Item]
    if operation.action == "sisip":
        moved = [_new_item(items, operation)]
        at = _position(items, operation, None)
        items = [*items[:at], *moved, *items[at:]]
        note = f"{_WORD[operation.kind]} baru disisipkan"
    else:
        index = _target(items, operation)
        end = subtree_end(items, index)
        moved = items[index:end]
        note_label = label_of(items[index].kind, items[index].path)
        if operation.action == "hapus":
            items = [*items[:index], *items[end:]]
            changes += [
                Change("deleted", label_of(item.kind, item.path))
                for item in moved
                if item.kind in _NUMBERED_KINDS
            ]
            note = f"{note_label} dihapus"
        else:
            at = _position(items, operation, (index, end))
            if at in (index, end):
                raise OutlineError("outline_same")
            rest = [*items[:index], *items[end:]]
            at = at if at < index else at - (end - index)
            items = [*rest[:at], *moved, *rest[at:]]
            note = f"{note_label} dipindahkan"
    pasal_map, bab_map = _renumber(items)
    labels = labels_after(items)
    for item in moved if operation.action != "hapus" else []:
        if item.fresh:
            changes.append(Change("inserted", after=labels[id(item)]))
            note = f"{labels[id(item)]} disisipkan"
        elif operation.action == "pindah" and item.path == operation.target:
            before = label_of(item.kind, item.path)
            changes.append(Change("moved", before, labels[id(item)]))
            note = f"{before} dipindahkan menjadi {labels[id(item)]}"
    if operation.action == "hapus":
        for item in moved:
            if item.kind == "pasal" and item.number:
                pasal_map[item.number.upper()] = None
            elif item.kind == "bab" and item.number:
                bab_map[item.number.upper()] = None
    for item in items:
        if not item.fresh and item.kind in _NUMBERED_KINDS and item.path != operation.target:
            before = label_of(item.kind, item.path)
            if before != labels[id(item)]:
                changes.append(Change("renumbered", before, labels[id(item)]))
    for item in items:
        _rewrite_references(item, pasal_map, bab_map, old_order)
    new_source = _assemble(head, items, changes)
    try:
        parse(new_source)
    except DraftError as error:
        raise OutlineError("outline_breaks", error.problems) from error
    return Outcome(new_source, changes, note)


def _target(items: list[Item], operation: Operation) -> int:
    for index, item in enumerate(items):
        if item.path == operation.target and item.kind == operation.kind:
            return index
    raise OutlineError("path_unknown")


def _position(items: list[Item], operation: Operation, moving: tuple[int, int] | None) -> int:
    """The index at which the new or moved items go (in ``items`` as they stand)."""
    mode, _, path = operation.position.partition(":")
    kind = operation.kind
    inside = range(*moving) if moving else range(0)
    if mode == "awal" and not path:
        if kind == "pasal" and any(item.kind == "bab" for item in items):
            raise OutlineError("position_invalid")
        body = [i for i, item in enumerate(items) if item.kind in ("bab", "pasal") and i not in inside]
        if body:
            return body[0]
        after = [i for i, item in enumerate(items) if item.kind in ("menimbang", "mengingat")]
        return after[-1] + 1 if after else 0
    anchor = next((i for i, item in enumerate(items) if item.path == path), None)
    if anchor is None or anchor in inside:
        raise OutlineError("position_invalid")
    if mode == "setelah" and items[anchor].kind == kind:
        return subtree_end(items, anchor)
    if mode == "awal" and _accepts(items, anchor, kind):
        return anchor + 1
    raise OutlineError("position_invalid")


def _hashes(items: list[Item], kind: str) -> str:
    for item in items:
        if item.kind == kind:
            return item.lines[0].lstrip().split(" ", 1)[0]
    return _LEVEL[kind]


def _new_item(items: list[Item], operation: Operation) -> Item:
    kind = operation.kind
    hashes = _hashes(items, kind)
    if kind == "pasal":
        if stray_line(operation.text) or stray_line(operation.penjelasan):
            raise OutlineError("heading_in_part")
        body = trim(split_lines(operation.text))
        if not body:
            raise OutlineError("pasal_empty")
        lines = [f"{hashes} Pasal 1", "", *body]
        explained = trim(split_lines(operation.penjelasan))
        if explained:
            lines += ["", "::: penjelasan", *explained, ":::"]
        return Item("pasal", lines, "1", fresh=True)
    title = " ".join(operation.title.split())
    if not title:
        raise OutlineError("title_empty")
    if kind == "bab":
        return Item("bab", [f"{hashes} BAB I — {title.upper()}"], "I", fresh=True)
    return Item("bagian", [f"{hashes} Bagian Kesatu — {title}"], "Kesatu", fresh=True)


MAX_BAGIAN = 99


def _renumber(items: list[Item]) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Number every BAB, Bagian, Paragraf and Pasal in order; old number → new (upper case)."""
    pasal_map: dict[str, str | None] = {}
    bab_map: dict[str, str | None] = {}
    counts = {"bab": 0, "bagian": 0, "paragraf": 0, "pasal": 0}
    for item in items:
        if item.kind not in counts:
            if item.kind in ("penjelasan_umum", "lampiran"):
                counts.update(bagian=0, paragraf=0)
            continue
        counts[item.kind] += 1
        if item.kind == "bab":
            counts.update(bagian=0, paragraf=0)
            number = to_roman(counts["bab"])
        elif item.kind == "bagian":
            counts["paragraf"] = 0
            if counts["bagian"] > MAX_BAGIAN:  # the ordinals a heading can spell end here
                raise OutlineError("bagian_too_many")
            number = ordinal_word(counts["bagian"])
        else:
            number = str(counts[item.kind])
        if not item.fresh and item.number is not None:
            if item.kind == "pasal":
                pasal_map[item.number.upper()] = number
            elif item.kind == "bab":
                bab_map[item.number.upper()] = number
        if number != item.number:
            match = _NUMBERED.match(item.lines[0])
            if match is not None:
                item.lines[0] = f"{match['head']}{number}{match['rest'] or ''}"
            item.number = number
    return pasal_map, bab_map


def _rewrite_references(
    item: Item, pasal_map: Mapping[str, str | None], bab_map: Mapping[str, str | None], old_order: list[str]
) -> None:
    """Rewrite the references in one item's body (everything after its heading)."""
    if item.kind == "mengingat" or len(item.lines) < 2:
        return
    body, item.body_changes = rewrite(
        "\n".join(item.lines[1:]), item_label(item), pasal_map, bab_map, old_order
    )
    item.lines[1:] = body.split("\n")


def _assemble(head: list[str], items: list[Item], changes: list[Change]) -> str:
    lines = list(head)
    for position, item in enumerate(items):
        start = len(lines)  # 0-based index of the heading: its body line k is file line start + 2 + k
        lines += item.lines
        if position + 1 < len(items) and lines[-1].strip():
            lines.append("")
        for line, change in item.body_changes:
            changes.append(Change(change.kind, change.before, change.after, change.where, start + 2 + line))
    while lines and not lines[-1].strip():
        lines.pop()
    return join_lines(lines)
