"""Rewrite the references of a text after its draft was renumbered (pure, no I/O).

"sebagaimana dimaksud dalam Pasal 8 ayat (2)" becomes "… Pasal 10 ayat (2)" when
Pasal 8 became Pasal 10, and "BAB III" follows its BAB. A reference to a deleted Pasal
or BAB is marked "[dihapus: Pasal 8 ayat (2)]" (its old number would otherwise name
another provision), and a range that no longer names the same Pasal is reported: both
for the drafter to check. Citations of other laws stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from portal.document.numbering import number_key
from portal.versions.refs import PASAL_CITATION, deleted_marker, external, masked

_BAB_CITATION = re.compile(r"\bBAB\s+(?P<bab>[IVXLCDM]+[A-Z]?)\b")
_RANGE = re.compile(r"\bPasal\s+(?P<first>\d+[A-Z]?)\s+sampai\s+dengan\s+Pasal\s+(?P<last>\d+[A-Z]?)\b")


ChangeKind = Literal["inserted", "moved", "deleted", "renumbered", "reference", "gone", "range"]


@dataclass(frozen=True)
class Change:
    """One thing the operation changes: a provision inserted, moved, deleted or numbered
    anew; a reference rewritten (``where`` holds it, ``line`` is in the new text); a
    reference to a deleted Pasal, or a range that no longer holds, to check by hand."""

    kind: ChangeKind
    before: str = ""
    after: str = ""
    where: str = ""
    line: int = 0


def rewrite(
    body: str,
    where: str,
    pasal_map: Mapping[str, str | None],
    bab_map: Mapping[str, str | None],
    old_order: list[str],
) -> tuple[str, list[tuple[int, Change]]]:
    """The body with its references following ``pasal_map`` and ``bab_map`` (old number →
    new, None when deleted), and each change with its 0-based line in the body.
    ``old_order`` lists the Pasal numbers as they stood, for the check of ranges."""
    changes: list[tuple[int, Change]] = []

    def follow(match: re.Match[str], mapping: Mapping[str, str | None], group: str) -> str:
        written = match.group(0)
        if external(body[match.end() :]):
            return written
        old = match.group(group).upper()
        if old not in mapping:
            return written  # pointed at nothing before: R1 reports it
        new = mapping[old]
        line = body.count("\n", 0, match.start())
        if new == old:
            return written
        start, end = match.span(group)
        if new is None:
            # Left as it was, the number would name whatever takes it after the renumbering:
            # mark it, so that it reads as broken and the linter (R1) reports it until fixed.
            marked = deleted_marker(written)
            changes.append((line, Change("gone", written, marked, where)))
            return marked
        rewritten = written[: start - match.start()] + new + written[end - match.start() :]
        changes.append((line, Change("reference", written, rewritten, where)))
        return rewritten

    for match in _RANGE.finditer(body):
        if not external(body[match.end() :]) and _range_broken(match, pasal_map, old_order):
            changes.append((body.count("\n", 0, match.start()), Change("range", match.group(0), "", where)))
    body = _substitute(PASAL_CITATION, body, lambda m: follow(m, pasal_map, "pasal"))
    body = _substitute(_BAB_CITATION, body, lambda m: follow(m, bab_map, "bab"))
    return body, changes


def _substitute(pattern: re.Pattern[str], text: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``pattern.sub`` that leaves deleted-reference markers alone (matched on the masked
    text, which has the same positions)."""
    out, last = [], 0
    for match in pattern.finditer(masked(text)):
        out += [text[last : match.start()], replace(match)]
        last = match.end()
    return "".join(out) + text[last:]


def _range_broken(match: re.Match[str], pasal_map: Mapping[str, str | None], old_order: list[str]) -> bool:
    """'Pasal 4 sampai dengan Pasal 9' no longer names the same Pasal once renumbered?"""
    first, last = match.group("first").upper(), match.group("last").upper()
    if first not in old_order or last not in old_order:
        return False
    covered = old_order[old_order.index(first) : old_order.index(last) + 1]
    if not covered:
        return False
    after = [pasal_map.get(number.upper()) for number in covered]
    numbers = [number_key(n)[0] for n in after if n is not None]
    return len(numbers) != len(after) or numbers != list(range(numbers[0], numbers[0] + len(numbers)))
