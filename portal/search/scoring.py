"""Every matching document and its score, without Whoosh's per-document collector.

Whoosh finds the top hits by stepping a tree of matchers one document at a time, in
Python, and scores each one through four or five method calls; counting facets adds
five column look-ups per hit. On 100,000 comments a one-word query matches 14,000
documents and that walk is most of a search. Here a term's postings are read a block
(up to 128 documents) at a time and scored with the same BM25F formula in one list
comprehension, and the tree is combined with dictionaries:

* ``Term`` (fast path): the score of each document as Whoosh's ``BM25FScorer`` gives it
  (the same expression, on the same float32 weights and byte-coded field lengths, so
  the same float), times the term's boost; ID fields score their weight.
* ``Or``: the documents of any part, their scores added; ``And``: the documents of
  every part, scores added; a ``Not`` part of an ``And`` removes its documents and adds
  1.0, as Whoosh's ``InverseMatcher`` does; ``AndNot``: the first part without the
  documents of the second. A boost on any of them multiplies the sum.
* Anything else (phrases, fuzzy terms, ``Every``, a ``Not`` alone …) is left to
  Whoosh's own matcher for that part of the query, stepped document by document as
  its collector would, so its scores are Whoosh's.

Deleted documents are left out as Whoosh leaves them out. Which query terms matched
which documents is kept too (``terms=True`` in Whoosh): the snippets highlight those.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from whoosh import query as wq  # type: ignore[import-untyped]
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield  # type: ignore[import-untyped]
from whoosh.matching.wrappers import FilterMatcher  # type: ignore[import-untyped]
from whoosh.scoring import BM25FScorer, WeightScorer  # type: ignore[import-untyped]
from whoosh.util.numeric import byte_to_length  # type: ignore[import-untyped]

Term = tuple[str, bytes]  # (field, text as indexed), as Whoosh names a term
Scores = dict[int, float]  # document number (of the whole index) → score


@dataclass
class Found:
    """The documents a query (or a part of it) matches, and which terms matched where."""

    scores: Scores = field(default_factory=dict)
    terms: dict[Term, Iterable[int]] = field(default_factory=dict)


@dataclass
class Segment:
    """What is worth keeping of one segment while it exists (segments never change;
    deletions are read afresh): the byte-coded field length of each document, and the
    bitmask of each facet value (``facets.py``)."""

    lengths: dict[str, list[int]] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def field_lengths(self, reader: Any, fieldname: str) -> list[int]:
        if fieldname not in self.lengths:
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self.lengths[fieldname] = list(column) if column is not None else [0] * reader.doc_count_all()
        return self.lengths[fieldname]


def segment_id(reader: Any) -> str:
    """A segment's name, unique in its index ("" for the reader of an empty index)."""
    segment = getattr(reader, "_segment", None)
    return str(segment.segment_id()) if segment is not None else ""


class Scorer:
    """Scores queries on one searcher; ``segments`` is the cache of segment data
    (segment id → ``Segment``), kept by the caller across searches."""

    def __init__(self, searcher: Any, segments: dict[str, Segment]) -> None:
        self.searcher = searcher
        self.leaves: list[tuple[Any, int, Segment]] = []
        for sub, offset in searcher.leaf_searchers():
            key = segment_id(sub.reader())
            self.leaves.append((sub, offset, segments.setdefault(key, Segment())))
        self.context = searcher.context(needs_current=True)
        self.size = searcher.doc_count_all()
        self.partial: set[Term] = set()  # terms looked for only among some documents

    def find(self, query: Any, within: set[int] | None = None) -> Found:
        """The documents ``query`` matches (only those ``within``, when given: an
        ``And`` looks for its other parts only among the documents of its rarest)."""
        if isinstance(query, wq.Term):
            return self._term(query, within)
        if query is wq.NullQuery or isinstance(query, wq.NullQuery.__class__):
            return Found()
        if type(query) is wq.Or and not query.scale and not query.minmatch:
            return self._boosted(self._or([self.find(q, within) for q in query.subqueries]), query.boost)
        if type(query) is wq.And:
            return self._boosted(self._and(query.subqueries, within), query.boost)
        if type(query) is wq.AndNot:
            kept = self.find(query.a, within)
            if not kept.scores:
                return kept
            dropped = self.find(query.b, set(kept.scores)).scores
            return Found({d: s for d, s in kept.scores.items() if d not in dropped}, kept.terms)
        return self._whoosh(query, within)

    # -- the parts ----------------------------------------------------------------------
    def _term(self, query: Any, within: set[int] | None) -> Found:
        schema = self.searcher.schema
        name = query.fieldname
        if name not in schema:
            return Found()
        try:
            text = schema[name].to_bytes(query.text)
        except ValueError:
            return Found()
        if within is not None:
            self.partial.add((name, text))
        scores: Scores = {}
        boost = query.boost
        weighting = self.context.weighting
        for sub, offset, segment in self.leaves:
            reader = sub.reader()
            if (name, text) not in reader:
                continue
            wanted = _local(within, offset, reader.doc_count_all(), self.size)
            if wanted is not None and not wanted:
                continue
            scorer = weighting.scorer(sub, name, text)
            matcher = reader.postings(name, text, scorer=scorer)
            deleted: frozenset[int] = frozenset()
            if isinstance(matcher, FilterMatcher) and matcher._exclude:
                deleted = frozenset(matcher._ids)
                matcher = matcher.child
            if type(matcher) is not W3LeafMatcher or type(scorer) not in (BM25FScorer, WeightScorer):
                self._step(sub.postings(name, text), offset, scores, {}, boost, wanted)
                continue
            tables: dict[float, list[float]] = {}  # weight (how often) → score by length byte
            lengths = segment.field_lengths(reader, name) if type(scorer) is BM25FScorer else []
            for ids, weights in blocks(matcher, sorted(wanted) if wanted is not None else None):
                if wanted is not None or deleted:
                    keep = [
                        i for i, d in enumerate(ids) if d not in deleted and (wanted is None or d in wanted)
                    ]
                    ids = [ids[i] for i in keep]
                    weights = [weights[i] for i in keep] if weights is not None else None
                if type(scorer) is WeightScorer:
                    part = [w * boost if boost != 1.0 else w for w in (weights or [1.0] * len(ids))]
                elif weights is None:
                    table = tables.get(1.0) or tables.setdefault(1.0, _table(scorer, 1.0, boost))
                    part = [table[lengths[d]] for d in ids]
                else:
                    for w in set(weights) - tables.keys():
                        tables[w] = _table(scorer, w, boost)
                    part = [tables[w][lengths[d]] for d, w in zip(ids, weights, strict=True)]
                if offset:
                    scores.update(zip([d + offset for d in ids], part, strict=True))
                else:
                    scores.update(zip(ids, part, strict=True))
        return Found(scores, {(name, text): scores.keys()} if scores else {})

    def _or(self, parts: list[Found]) -> Found:
        parts = [p for p in parts if p.scores]
        if not parts:
            return Found()
        parts.sort(key=lambda p: -len(p.scores))
        scores = dict(parts[0].scores)
        terms = dict(parts[0].terms)
        for part in parts[1:]:
            get = scores.get
            for d, s in part.scores.items():
                have = get(d)
                scores[d] = s if have is None else have + s
            _merge_terms(terms, part.terms)
        return Found(scores, terms)

    def _and(self, subqueries: list[Any], within: set[int] | None) -> Found:
        positive = [q for q in subqueries if not isinstance(q, wq.Not)]
        negative = [q.query for q in subqueries if isinstance(q, wq.Not)]
        if not positive:
            return self._whoosh(wq.And(subqueries), within)
        reader = self.searcher.reader()
        positive.sort(key=lambda q: q.estimate_size(reader))  # the rarest first
        parts: list[Found] = []
        common = within
        for q in positive:
            part = self.find(q, common)
            if not part.scores:
                return Found()
            parts.append(part)
            common = set(part.scores) if common is None else common.intersection(part.scores)
        if common is None:
            return Found()
        for q in negative:
            if common:
                common.difference_update(self.find(q, common).scores)
        scores: Scores = {}
        for d in common:
            total = 0.0
            for part in parts:
                total += part.scores[d]
            for _ in negative:
                total += 1.0  # InverseMatcher's score
            scores[d] = total
        terms: dict[Term, Iterable[int]] = {}
        for part in parts:
            _merge_terms(terms, part.terms)
        return Found(scores, terms)

    def _boosted(self, found: Found, boost: float) -> Found:
        if boost != 1.0:
            found.scores = {d: s * boost for d, s in found.scores.items()}
        return found

    def _whoosh(self, query: Any, within: set[int] | None = None) -> Found:
        """Whoosh's own matcher for this part, stepped as its collector steps it."""
        scores: Scores = {}
        terms: dict[Term, list[int]] = {}
        for sub, offset, _ in self.leaves:
            wanted = _local(within, offset, sub.reader().doc_count_all(), self.size)
            if wanted is None or wanted:
                self._step(query.matcher(sub, self.context), offset, scores, terms, 1.0, wanted)
        return Found(scores, dict(terms.items()))

    @staticmethod
    def _step(
        matcher: Any,
        offset: int,
        scores: Scores,
        terms: dict[Term, list[int]],
        boost: float,
        wanted: set[int] | None = None,
    ) -> None:
        leaves = list(matcher.term_matchers()) if matcher.is_active() else []

        def record(d: int) -> None:
            scores[d + offset] = matcher.score() * boost if boost != 1.0 else matcher.score()
            for leaf in leaves:
                if leaf.is_active() and leaf.id() == d:
                    terms.setdefault(leaf.term(), []).append(d + offset)

        if wanted is None:
            while matcher.is_active():
                record(matcher.id())
                matcher.next()
            return
        for target in sorted(wanted):  # only these documents: skip to each in turn
            if not matcher.is_active():
                break
            if matcher.id() < target:
                matcher.skip_to(target)
                if not matcher.is_active():
                    break
            if matcher.id() == target:
                record(target)


def _merge_terms(into: dict[Term, Iterable[int]], more: dict[Term, Iterable[int]]) -> None:
    for term, docs in more.items():
        into[term] = set(into[term]) | set(docs) if term in into else docs


def _local(within: set[int] | None, offset: int, size: int, whole: int) -> set[int] | None:
    """The documents of ``within`` in the segment at ``offset``, as its own numbers."""
    if within is None or (not offset and size == whole):
        return within
    return {d - offset for d in within if offset <= d < offset + size}


def _table(scorer: Any, weight: float, boost: float) -> list[float]:
    """The score of a term found ``weight`` times in a document, by the field's length
    byte (Whoosh keeps a field's length in one byte: 256 possible lengths)."""
    return [_bm25(scorer, weight, lb, boost) if lb else 0.0 for lb in range(256)]


def _bm25(scorer: Any, weight: float, length_byte: int, boost: float) -> float:
    """``BM25FScorer.score`` for a posting: ``bm25()`` as Whoosh writes it (the same
    operations in the same order, so the same float), then the boost."""
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    length = byte_to_length(length_byte)
    score = float(idf * ((weight * (k1 + 1)) / (weight + k1 * ((1 - b) + b * length / avgfl))))
    return score * boost if boost != 1.0 else score


def blocks(matcher: Any, wanted: list[int] | None = None) -> Iterable[tuple[list[int], Any]]:
    """(document numbers, weights or None for all 1.0) of each block of a term's
    postings; with ``wanted`` (sorted), only the blocks that may hold one of them (a
    block's last document number is known before its postings are read)."""
    last = -1
    while matcher.is_active():
        if wanted is not None:
            at = bisect_right(wanted, last)
            if at == len(wanted):
                return
            last = matcher._maxid
            if wanted[at] > last:
                matcher._next_block()
                continue
        matcher._read_data()
        data = matcher._data
        ids = list(data[0]) if matcher._byteids else list(accumulate(data[0]))
        weights = data[1]
        if isinstance(weights, float):
            weights = [weights] * len(ids)
        yield ids, (list(weights) if weights is not None else None)
        matcher._next_block()
