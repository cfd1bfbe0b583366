"""Pairing two ordered lists of texts: equal texts first, then similar ones.

The one matching routine behind every level of the alignment. It is pure and
deterministic: exact matches become anchors; items between two anchors are
compared only with each other (edits are local), then whatever is left is
compared across the whole list (moves). Similarity is rapidfuzz's normalised
Indel ratio; position only breaks ties. Each item is paired at most once.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from math import ceil
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

THRESHOLD = 0.5  # below this similarity two texts are different provisions
POSITION_WEIGHT = 0.05  # how much a difference in relative position costs, as a tie-breaker
IN_PLACE = 0.9  # items this like the one in their place are taken as edited there


class Pair(NamedTuple):
    old: int
    new: int
    score: float


_DIGITS = str.maketrans("", "", "0123456789")


def masked(text: str) -> str:
    """The text without its digits: equal for two provisions that differ only in the
    numbers they cite (most Pasal after a renumbering) or state."""
    return text.translate(_DIGITS)


def similarity(a: str, b: str) -> float:
    """0..1; 1 when equal."""
    if a == b:
        return 1.0
    return float(fuzz.ratio(a, b)) / 100.0


def _relative(index: int, count: int) -> float:
    return index / (count - 1) if count > 1 else 0.0


def longest_increasing(pairs: Sequence[Pair]) -> set[int]:
    """Indexes into ``pairs`` (sorted by old) of a longest run whose ``new`` increases."""
    tails: list[int] = []  # tails[k] = index of the pair ending an increasing run of length k+1
    tail_values: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, pair in enumerate(pairs):
        k = bisect_left(tail_values, pair.new)
        if k > 0:
            previous[index] = tails[k - 1]
        if k == len(tails):
            tails.append(index)
            tail_values.append(pair.new)
        else:
            tails[k] = index
            tail_values[k] = pair.new
    chain: set[int] = set()
    cursor = tails[-1] if tails else -1
    while cursor != -1:
        chain.add(cursor)
        cursor = previous[cursor]
    return chain


def _greedy(
    old: Sequence[str],
    new: Sequence[str],
    old_ids: Sequence[int],
    new_ids: Sequence[int],
    threshold: float,
) -> list[Pair]:
    if len(old_ids) == len(new_ids) == 1:  # the common case: one provision edited in place
        i, j = old_ids[0], new_ids[0]
        raw = float(fuzz.ratio(old[i], new[j], score_cutoff=threshold * 100)) / 100.0
        return [Pair(i, j, raw)] if raw >= threshold and raw > 0 else []
    if len(old_ids) == len(new_ids):  # as many old as new: were they edited in place?
        in_place = [
            Pair(i, j, float(fuzz.ratio(old[i], new[j], score_cutoff=IN_PLACE * 100)) / 100.0)
            for i, j in zip(old_ids, new_ids, strict=True)
        ]
        if all(p.score >= IN_PLACE for p in in_place):
            return in_place
    candidates: list[tuple[float, float, int, int]] = []
    for i in old_ids:
        for j in new_ids:
            raw = float(fuzz.ratio(old[i], new[j], score_cutoff=threshold * 100)) / 100.0
            if raw >= threshold and raw > 0:
                shift = abs(_relative(i, len(old)) - _relative(j, len(new)))
                candidates.append((raw - POSITION_WEIGHT * shift, raw, i, j))
    candidates.sort(key=lambda c: (-c[0], c[2], c[3]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[Pair] = []
    for _, raw, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append(Pair(i, j, raw))
    return pairs


def _equal_but_numbers(
    old: Sequence[str], new: Sequence[str], exact: list[Pair], threshold: float
) -> list[Pair]:
    taken_old = {p.old for p in exact}
    taken_new = {p.new for p in exact}
    if len(taken_old) == len(old) or len(taken_new) == len(new):
        return []
    by_mask: dict[str, list[int]] = defaultdict(list)
    for j, text in enumerate(new):
        if j not in taken_new:
            by_mask[masked(text)].append(j)
    found: list[Pair] = []
    if not by_mask:
        return found
    for i, text in enumerate(old):
        if i in taken_old:
            continue
        slots = by_mask.get(masked(text))
        if slots:
            score = similarity(text, new[slots[0]])
            if score >= threshold:
                found.append(Pair(i, slots.pop(0), score))
    return found


def pair_texts(
    old: Sequence[str],
    new: Sequence[str],
    threshold: float = THRESHOLD,
    lone_threshold: float | None = None,
    move_threshold: float | None = None,
) -> list[Pair]:
    """Pair items of ``old`` with items of ``new``; sorted by old index.

    ``lone_threshold`` (lower) applies where, between two anchors, exactly one old and
    one new item are left unpaired: a provision rewritten in place. ``move_threshold``
    (higher) applies to the last stage, which pairs across the whole list.
    """
    # 1. Equal texts, in order of appearance (duplicates pair first with first).
    by_text: dict[str, list[int]] = defaultdict(list)
    for j, text in enumerate(new):
        by_text[text].append(j)
    exact: list[Pair] = []
    for i, text in enumerate(old):
        slots = by_text.get(text)
        if slots:
            exact.append(Pair(i, slots.pop(0), 1.0))
    # 1b. Texts equal but for their numbers (a renumbered reference, a changed amount):
    #     paired the same way, scored by their real similarity.
    if len(exact) < min(len(old), len(new)):
        exact += _equal_but_numbers(old, new, exact, threshold)
        exact.sort()
    if len(exact) == len(old) or len(exact) == len(new):
        return exact  # one side is all paired: nothing is left to compare
    # 2. The exact pairs that keep their order are anchors; between two anchors,
    #    the remaining items are compared with each other only.
    anchors = [exact[k] for k in sorted(longest_increasing(exact))]
    paired_old = {p.old for p in exact}
    paired_new = {p.new for p in exact}
    pairs = list(exact)
    bounds = [Pair(-1, -1, 1.0), *anchors, Pair(len(old), len(new), 1.0)]
    for left, right in pairwise(bounds):
        gap_old = [i for i in range(left.old + 1, right.old) if i not in paired_old]
        gap_new = [j for j in range(left.new + 1, right.new) if j not in paired_new]
        if gap_old and gap_new:
            found_pairs = _greedy(old, new, gap_old, gap_new, threshold)
            left_old = [i for i in gap_old if i not in {p.old for p in found_pairs}]
            left_new = [j for j in gap_new if j not in {p.new for p in found_pairs}]
            if lone_threshold is not None and len(left_old) == len(left_new) == 1:
                found_pairs += _greedy(old, new, left_old, left_new, lone_threshold)
            for found in found_pairs:
                pairs.append(found)
                paired_old.add(found.old)
                paired_new.add(found.new)
    # 3. What is left may have moved anywhere.
    rest_old = [i for i in range(len(old)) if i not in paired_old]
    rest_new = [j for j in range(len(new)) if j not in paired_new]
    if rest_old and rest_new:
        pairs.extend(_greedy(old, new, rest_old, rest_new, max(threshold, move_threshold or 0.0)))
    return sorted(pairs, key=lambda p: p.old)


def _inside(part: str, whole: str) -> bool:
    """``part`` is like some stretch of ``whole`` (partial ratio ≥ 80).

    The partial ratio of long texts is slow (milliseconds); it is computed only
    where the longest common subsequence allows it: a stretch of ``whole`` matching
    ``part`` at 80 % shares at least 80 % of ``part``'s characters with it, in order."""
    if LCSseq.similarity(part, whole, score_cutoff=ceil(0.8 * len(part))) == 0:
        return False
    return fuzz.partial_ratio(part, whole, score_cutoff=80) >= 80


SPLIT_GAIN = 0.08  # how much better "old ≈ new1 + new2" must score than "old ≈ new1"


def splits_and_merges(
    old: list[str], new: list[str], pairs: list[Pair]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """An unpaired new text beside the partner of an old text it came out of is a split;
    an unpaired old text beside one that went into a new text is a merge."""
    by_old = {p.old: p.new for p in pairs}
    by_new = {p.new: p.old for p in pairs}
    splits: dict[int, list[int]] = {}
    merges: dict[int, list[int]] = {}
    for j in range(len(new)):
        if j in by_new:
            continue
        for neighbour in (j - 1, j + 1):
            source = by_new.get(neighbour)
            if source is None or source in splits:
                continue
            i = source
            if len(new[j]) >= len(old[i]) or not _inside(new[j], old[i]):
                continue
            parts = sorted((neighbour, j))
            joined = " ".join(new[k] for k in parts)
            if similarity(old[i], joined) >= similarity(old[i], new[neighbour]) + SPLIT_GAIN:
                splits[i] = parts
                break
    for i in range(len(old)):
        if i in by_old:
            continue
        for neighbour in (i - 1, i + 1):
            target = by_old.get(neighbour)
            if target is None or target in merges or neighbour in splits:
                continue
            j = target
            if len(old[i]) >= len(new[j]) or not _inside(old[i], new[j]):
                continue
            parts = sorted((neighbour, i))
            joined = " ".join(old[k] for k in parts)
            if similarity(joined, new[j]) >= similarity(old[neighbour], new[j]) + SPLIT_GAIN:
                merges[j] = parts
                break
    return splits, merges
