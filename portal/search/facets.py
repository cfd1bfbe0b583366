"""Facet counts by ``np.bincount`` over one array per facet: document → value ordinal.

A facet field (``kategori``, ``posisi`` …) is an ID field: a document has at most one
value. Each segment's values and, for each of its documents, the ordinal of its value
(-1: none) are read once from the postings of every value (segments never change);
once per index generation they are joined into one array over the whole index with
the values renumbered to a common list. Counting a facet over the hits of a search is
then ``np.bincount(codes[hits])``: one pass in C, where Whoosh's ``sorting.Count``
looked up five columns for every hit. The counts are the same: the values that occur
in at least one hit, except empty ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from portal.search.postings import read
from portal.search.scoring import Ids, Scorer


@dataclass
class FacetCodes:
    """One facet over the whole index: ``values[codes[d]]`` is document d's value."""

    values: list[str]
    codes: NDArray[np.int32]  # -1: no value

    def count(self, hits: Ids) -> dict[str, int]:
        """value → how many of ``hits`` have it (values of no hit, and the empty one, left out)."""
        if not len(hits) or not self.values:
            return {}
        codes = self.codes[hits]
        counts = np.bincount(codes[codes >= 0], minlength=len(self.values))
        return {self.values[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist() if self.values[i]}


def _segment_codes(reader: Any, name: str) -> tuple[list[str], NDArray[np.int32]]:
    """This segment's values and each document's ordinal (deleted ones too: hits never are)."""
    size = reader.doc_count_all()
    codes = np.full(size, -1, dtype=np.int32)
    values: list[str] = []
    if name not in reader.schema or not size:
        return values, codes
    field = reader.schema[name]
    for text in reader.lexicon(name):
        codes[read(reader, name, text, positions=False).ids] = len(values)
        values.append(str(field.from_bytes(text)))
    return values, codes


def facet_codes(scorer: Scorer, names: Iterable[str]) -> dict[str, FacetCodes]:
    """Every facet's values and codes over the whole index (the segments' joined)."""
    out: dict[str, FacetCodes] = {}
    for name in names:
        ordinal: dict[str, int] = {}
        parts: list[NDArray[np.int32]] = []
        for leaf in scorer.leaves:
            if name not in leaf.segment.facets:
                leaf.segment.facets[name] = _segment_codes(leaf.searcher.reader(), name)
            values, codes = leaf.segment.facets[name]
            renumber = np.array([ordinal.setdefault(v, len(ordinal)) for v in values] + [-1], dtype=np.int32)
            parts.append(renumber[codes])  # -1 picks the last entry: still -1
        joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        out[name] = FacetCodes(list(ordinal), joined)
    return out
