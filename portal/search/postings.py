"""A term's postings in one segment, decoded once into arrays and kept (bounded, LRU).

Whoosh keeps a term's postings as blocks of up to 128 documents, each block a pickled,
zlib-compressed tuple of delta-coded document numbers, weights and values (positions).
Reading them is most of what a query costs once scoring is vectorized: on 100,000
comments the word "nelayan" has 14,000 postings in each text field, over a hundred
blocks to decompress and unpickle on every search. A segment never changes (a commit
adds one, a merge replaces several), so what was decoded stays right as long as the
segment exists: the document numbers (within the segment, deleted ones included:
deletions are applied per search), the weights, and for phrases the positions.

The cache is bounded by the memory of its arrays (the setting ``PORTAL_SEARCH_POSTINGS_MB``,
default 64 MB), least recently used first out; a term larger than the whole budget is
decoded for the search and not kept. Entries of segments merged away are dropped when
the searcher is reopened (``SearchIndex.searcher``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pickle import loads
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import W3LeafMatcher  # type: ignore[import-untyped]

from portal.search.budget import UNBOUNDED, Deadline

DEFAULT_MB = 64
Key = tuple[str, str, bytes]  # (segment id, field, text as indexed)


@dataclass
class TermPostings:
    """One term in one segment: ``ids`` (sorted, within the segment), ``weights``
    (float64, None when all are 1.0), and for phrases ``starts``/``positions``: the
    positions of document ``ids[i]`` are ``positions[starts[i]:starts[i + 1]]``."""

    ids: NDArray[np.int64]
    weights: NDArray[np.float64] | None
    starts: NDArray[np.int64] | None = None
    positions: NDArray[np.int64] | None = None

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.weights, self.starts, self.positions)
        return sum(a.nbytes for a in arrays if a is not None) + 200

    def positions_of(self, rows: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(row, position) of every position of the documents at ``rows``."""
        if self.starts is None or self.positions is None:
            raise ValueError("postings read without their positions")
        begin = self.starts[rows]
        counts = self.starts[rows + 1] - begin
        total = int(counts.sum())
        owner = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
        shift = np.repeat(begin - (np.cumsum(counts) - counts), counts)
        return owner, self.positions[np.arange(total, dtype=np.int64) + shift]


def read(
    reader: Any, field: str, text: bytes, positions: bool, deadline: Deadline = UNBOUNDED
) -> TermPostings:
    """Decode a term's postings in one segment (every document, deleted ones too),
    checking ``deadline`` as the blocks are read."""
    fieldobj = reader.schema[field]
    matcher = reader._terms.matcher(field, text, fieldobj.format)
    deltas: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    plain = True  # every weight 1.0
    if type(matcher) is W3LeafMatcher and not matcher._byteids:
        previous = 0
        blocks = 0
        while matcher.is_active():
            blocks += 1
            if not blocks % 16:
                deadline.check()
            matcher._read_data()
            block_ids, block_weights, block_values = matcher._data
            first = len(deltas)
            deltas.extend(block_ids)
            deltas[first] -= previous  # the first id of a block is absolute: make it a delta too
            previous = matcher._maxid
            n = len(block_ids)
            if block_weights is None:
                weights.extend([1.0] * n)
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * n)
                plain = plain and block_weights == 1.0
            else:
                weights.extend(block_weights)
                plain = False
            if positions:
                values.extend(block_values)
            matcher._next_block()
        ids = np.cumsum(np.array(deltas, dtype=np.int64))
    else:  # postings inlined in the term info (a term of one document), or another codec
        found: list[int] = []
        while matcher.is_active():
            if not len(found) % 1024:
                deadline.check()
            found.append(matcher.id())
            weights.append(matcher.weight())
            if positions:
                values.append(matcher.value())
            matcher.next()
        ids = np.array(found, dtype=np.int64)
        plain = all(w == 1.0 for w in weights)
    out = TermPostings(ids, None if plain else np.array(weights, dtype=np.float64))
    if positions:
        out.starts, out.positions = _positions(values, deadline)
    return out


def _positions(
    values: Iterable[bytes], deadline: Deadline = UNBOUNDED
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Whoosh's ``Positions`` values (a 4-byte count, then a pickled list of deltas)
    decoded as ``formats.Positions.decode_positions`` does, into one flat array."""
    codes: list[int] = []
    counts: list[int] = []
    for value in values:
        if not len(counts) % 2048:
            deadline.check()
        if not value.endswith(b"."):
            value += b"."
        deltas = loads(value[4:])  # noqa: S301 - Whoosh's own posting format, written by this index's writer
        codes.extend(deltas)
        counts.append(len(deltas))
    flat = np.cumsum(np.array(codes, dtype=np.int64))
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.array(counts, dtype=np.int64), out=starts[1:])
    # the deltas start afresh in each document: take away the running sum before it
    before = np.concatenate(([0], flat))[starts[:-1]]
    flat -= np.repeat(before, counts)
    return starts, flat


class PostingCache:
    """Decoded postings by (segment, field, text), at most ``limit`` bytes, LRU.

    Shared by the threads that search: a lock guards the entries and their size, and
    is never held while decoding (two threads missing the same term both decode it;
    the second to finish keeps its copy)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = DEFAULT_MB * 1024 * 1024 if limit is None else max(0, limit)
        self.size = 0
        self.entries: OrderedDict[Key, TermPostings] = OrderedDict()
        self.reads = 0  # decodings (misses), for tests and the benchmark
        self._lock = threading.Lock()

    def get(
        self,
        segment: str,
        reader: Any,
        field: str,
        text: bytes,
        positions: bool = False,
        deadline: Deadline = UNBOUNDED,
    ) -> TermPostings:
        key = (segment, field, text)
        with self._lock:
            found = self.entries.get(key)
            if found is not None and (found.positions is not None or not positions):
                self.entries.move_to_end(key)
                return found
            self.reads += 1
        fresh = read(reader, field, text, positions, deadline)  # outside the lock
        if fresh.nbytes <= self.limit:
            with self._lock:
                if key in self.entries:
                    self._drop(key)
                self.entries[key] = fresh
                self.size += fresh.nbytes
                while self.size > self.limit:
                    self._drop(next(iter(self.entries)))
        return fresh

    def _drop(self, key: Key) -> None:
        self.size -= self.entries.pop(key).nbytes

    def retain(self, segments: set[str]) -> None:
        """Forget the postings of segments not in ``segments`` (merged away)."""
        with self._lock:
            for key in [k for k in self.entries if k[0] not in segments]:
                self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()
            self.size = 0


STRIDE = 1 << 32  # (row, position) packed in one int64: positions stay far below 2**32


def phrase_rows(terms: list[TermPostings], docs: NDArray[np.int64]) -> NDArray[np.int64]:
    """The indices into ``docs`` (documents holding every term) of those where the terms
    stand one after the other, in order: some position p of the first, p + 1 of the
    second … (what Whoosh's ``SpanNear2`` with slop 1, ordered, finds)."""
    starts: NDArray[np.int64] | None = None
    for i, term in enumerate(terms):
        owner, positions = term.positions_of(np.searchsorted(term.ids, docs))
        keep = positions >= i
        keys = owner[keep] * STRIDE + (positions[keep] - i)  # where the phrase would start
        starts = np.unique(keys) if starts is None else np.intersect1d(starts, keys)
        if not len(starts):
            break
    if starts is None:
        return np.zeros(0, dtype=np.int64)
    return np.unique(starts // STRIDE)
