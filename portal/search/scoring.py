"""Every matching document and its score, without Whoosh's per-document collector.

Whoosh finds the top hits by stepping a tree of matchers one document at a time, in
Python, and scores each one through four or five method calls; counting facets adds
five column look-ups per hit. On 100,000 comments a one-word query matches 14,000
documents and that walk is most of a search. Here a term's postings come decoded from
``postings.PostingCache`` (arrays, read once per segment) and everything is numpy:

* ``Term``: the score of each document as Whoosh's ``BM25FScorer`` gives it (the same
  expression in the same order on the same float64 values, so the same float), times
  the term's boost; ID fields score their weight.
* ``Or``: the union of its parts' documents, their scores added (the parts taken from
  the largest to the smallest); ``And``: its parts looked for only among the documents
  of the rarest one, intersected, scores added; a ``Not`` part of an ``And`` removes its
  documents and adds 1.0, as Whoosh's ``InverseMatcher`` does; ``AndNot``: the first
  part without the documents of the second. A boost on any of them multiplies the sum.
* ``Phrase`` (slop 1): the documents holding every word, then positions read from the
  cached postings: the words must stand at p, p + 1, … (``postings.phrase_rows``); the
  score is Whoosh's, the words' BM25F scores added as its binary ``IntersectionMatcher``
  tree adds them.
* ``FuzzyTerm``: in each segment, the words of that segment within its edit distance
  (Whoosh's ``terms_within``), then as Whoosh's ``MultiTerm.matcher``: one word alone
  is that term (without the fuzzy term's boost, as Whoosh), several are their ``Or``
  with the boost.
* ``Every``: every live document, scoring its boost (Whoosh's ``ListMatcher``); a
  ``Not`` alone: every live document but the child's, scoring 1.0 (``InverseMatcher``).
* Anything else (a phrase with slop …) is left to Whoosh's own matcher for that part
  of the query, stepped document by document as its collector would, so its scores
  are Whoosh's.

Every part checks the query's ``budget.Deadline`` (so do the decoding of postings and
the stepping of a Whoosh matcher, every few hundred documents): a query past its time
budget stops with ``budget.TooBroad`` wherever it is.

Deleted documents are left out as Whoosh leaves them out. Which query terms matched
which documents is kept too (``terms=True`` in Whoosh): the snippets highlight those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query as wq  # type: ignore[import-untyped]
from whoosh.codec.base import Automata  # type: ignore[import-untyped]
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield  # type: ignore[import-untyped]
from whoosh.formats import Positions  # type: ignore[import-untyped]
from whoosh.reading import SegmentReader  # type: ignore[import-untyped]
from whoosh.scoring import BM25FScorer, WeightScorer  # type: ignore[import-untyped]
from whoosh.util.numeric import byte_to_length  # type: ignore[import-untyped]

from portal.search.budget import UNBOUNDED, Deadline
from portal.search.postings import PostingCache, TermPostings, phrase_rows

Term = tuple[str, bytes]  # (field, text as indexed), as Whoosh names a term
Ids = NDArray[np.int64]  # document numbers (of the whole index), sorted, each once
Floats = NDArray[np.float64]

# A field's length as Whoosh decodes its length byte (0: no length, scores 0.0).
LENGTHS = np.array([float(byte_to_length(b)) if b else 0.0 for b in range(256)], dtype=np.float64)


def no_ids() -> Ids:
    return np.zeros(0, dtype=np.int64)


@dataclass
class Found:
    """The documents a query (or a part of it) matches, their scores, and which terms
    matched which documents."""

    ids: Ids = field(default_factory=no_ids)
    scores: Floats = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    terms: dict[Term, Ids] = field(default_factory=dict)


@dataclass
class Segment:
    """What is worth keeping of one segment while it exists (segments never change;
    deletions are read afresh): the length byte of each document by field, and the
    facet values (``facets.py``). Decoded postings are in ``postings.PostingCache``."""

    lengths: dict[str, NDArray[np.uint8]] = field(default_factory=dict)
    facets: dict[str, tuple[list[str], NDArray[np.int32]]] = field(default_factory=dict)

    def field_lengths(self, reader: Any, fieldname: str) -> NDArray[np.uint8]:
        if fieldname not in self.lengths:
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            size = reader.doc_count_all()
            self.lengths[fieldname] = (
                np.fromiter(column, dtype=np.uint8, count=size)
                if column is not None
                else np.zeros(size, dtype=np.uint8)
            )
        return self.lengths[fieldname]


@dataclass
class Leaf:
    """One segment of the searcher: its searcher, where its numbers start, its data."""

    searcher: Any
    offset: int
    size: int
    key: str
    segment: Segment
    deleted: NDArray[np.bool_] | None  # by document of the segment, None without deletions


def segment_id(reader: Any) -> str:
    """A segment's name, unique in its index ("" for the reader of an empty index)."""
    segment = getattr(reader, "_segment", None)
    return str(segment.segment_id()) if segment is not None else ""


class Scorer:
    """Scores queries on one searcher; ``segments`` (segment id → ``Segment``) and
    ``postings`` are kept by the caller across searches."""

    def __init__(
        self,
        searcher: Any,
        segments: dict[str, Segment],
        postings: PostingCache,
        deadline: Deadline = UNBOUNDED,
    ) -> None:
        self.searcher = searcher
        self.postings = postings
        self.deadline = deadline
        self.leaves: list[Leaf] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            key = segment_id(reader)
            size = reader.doc_count_all()
            deleted = None
            if reader.has_deletions():
                deleted = np.zeros(size, dtype=np.bool_)
                deleted[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = True
            self.leaves.append(Leaf(sub, offset, size, key, segments.setdefault(key, Segment()), deleted))
        self.context = searcher.context(needs_current=True)
        self.size = searcher.doc_count_all()
        self.partial: set[Term] = set()  # terms looked for only among some documents

    def find(self, query: Any, within: Ids | None = None) -> Found:
        """The documents ``query`` matches (only those ``within``, when given: an
        ``And`` looks for its other parts only among the documents of its rarest)."""
        self.deadline.check()
        if isinstance(query, wq.Term):
            return self._term(query, within)
        if query is wq.NullQuery or isinstance(query, wq.NullQuery.__class__):
            return Found()
        if type(query) is wq.FuzzyTerm:
            return self._fuzzy(query, within)
        if type(query) is wq.Every and query.fieldname is None:
            return self._every(within, query.boost, None)
        if type(query) is wq.Not:
            return self._every(within, 1.0, query.query)
        if type(query) is wq.Or and not query.scale and not query.minmatch:
            return _boosted(_or([self.find(q, within) for q in query.subqueries], self.size), query.boost)
        if type(query) is wq.And:
            return _boosted(self._and(query.subqueries, within), query.boost)
        if type(query) is wq.AndNot:
            kept = self.find(query.a, within)
            if not len(kept.ids):
                return kept
            keep = ~members(self.find(query.b, kept.ids).ids, kept.ids)
            return Found(kept.ids[keep], kept.scores[keep], kept.terms)
        if type(query) is wq.Phrase and query.slop == 1 and len(query.words) > 1:
            schema = self.searcher.schema
            if query.fieldname in schema and type(schema[query.fieldname].format) is Positions:
                return self._phrase(query, schema[query.fieldname], within)
        return self._whoosh(query, within)

    # -- the parts ----------------------------------------------------------------------
    def _rows(self, postings: TermPostings, leaf: Leaf, wanted: Ids | None) -> Ids:
        """Which postings count: not of a deleted document, and among ``wanted``."""
        ids = postings.ids
        if wanted is None:
            rows = np.arange(len(ids), dtype=np.int64)
        else:
            at = np.minimum(np.searchsorted(ids, wanted), max(len(ids) - 1, 0))
            rows = at[ids[at] == wanted] if len(ids) else no_ids()
        if leaf.deleted is not None:
            rows = rows[~leaf.deleted[ids[rows]]]
        return rows

    def _scores(self, leaf: Leaf, name: str, text: bytes, postings: TermPostings, rows: Ids) -> Floats | None:
        """Whoosh's score of the term in the documents at ``rows`` (boost 1), or None for a
        scorer other than BM25F or a weight."""
        scorer = self.context.weighting.scorer(leaf.searcher, name, text)
        weights = postings.weights[rows] if postings.weights is not None else np.ones(len(rows))
        if type(scorer) is WeightScorer:
            return weights
        if type(scorer) is not BM25FScorer:
            return None
        bytes_ = leaf.segment.field_lengths(leaf.searcher.reader(), name)[postings.ids[rows]]
        length = LENGTHS[bytes_]
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        # whoosh.scoring.bm25, the same operations in the same order
        score = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / avgfl)))
        score[bytes_ == 0] = 0.0
        return np.asarray(score, dtype=np.float64)

    def _term(self, query: Any, within: Ids | None, leaves: list[Leaf] | None = None) -> Found:
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
        ids: list[Ids] = []
        scores: list[Floats] = []
        for leaf in self.leaves if leaves is None else leaves:
            reader = leaf.searcher.reader()
            if (name, text) not in reader:
                continue
            wanted = self._local(within, leaf)
            if wanted is not None and not len(wanted):
                continue
            postings = self.postings.get(leaf.key, reader, name, text, deadline=self.deadline)
            rows = self._rows(postings, leaf, wanted)
            score = self._scores(leaf, name, text, postings, rows)
            if score is None:  # another weighting: Whoosh's matcher, document by document
                part = self._stepped(
                    leaf, leaf.searcher.postings(name, text), wanted, query.boost, None, self.deadline
                )
                ids.append(part.ids)
                scores.append(part.scores)
                continue
            ids.append(postings.ids[rows] + leaf.offset)
            scores.append(score * query.boost if query.boost != 1.0 else score)
        found = _joined(ids, scores)
        if len(found.ids):
            found.terms[(name, text)] = found.ids
        return found

    def _phrase(self, query: Any, fieldobj: Any, within: Ids | None) -> Found:
        name = query.fieldname
        try:
            texts = [fieldobj.to_bytes(w) for w in query.words]
        except (ValueError, TypeError):
            return Found()
        ids: list[Ids] = []
        scores: list[Floats] = []
        for leaf in self.leaves:
            reader = leaf.searcher.reader()
            if any((name, t) not in reader for t in texts):
                continue  # as Phrase.matcher: a word missing from the segment, no match
            wanted = self._local(within, leaf)
            if wanted is not None and not len(wanted):
                continue
            terms = {
                t: self.postings.get(leaf.key, reader, name, t, positions=True, deadline=self.deadline)
                for t in set(texts)
            }
            rarest = min(terms.values(), key=lambda p: len(p.ids))
            docs = rarest.ids[self._rows(rarest, leaf, wanted)]
            for postings in terms.values():
                if postings is not rarest and len(docs):
                    docs = docs[members(postings.ids, docs)]
            if not len(docs):
                continue
            self.deadline.check()
            docs = docs[phrase_rows([terms[t] for t in texts], docs)]
            if not len(docs):
                continue
            parts: list[Floats] = []
            for t in texts:
                rows = np.searchsorted(terms[t].ids, docs)
                score = self._scores(leaf, name, t, terms[t], rows)
                if score is None:
                    return self._whoosh(query, within)
                parts.append(score)
            total = _tree_sum(parts)
            ids.append(docs + leaf.offset)
            scores.append(total * query.boost if query.boost != 1.0 else total)
        found = _joined(ids, scores)
        for t in texts:
            if len(found.ids):
                found.terms[(name, t)] = found.ids
        return found

    def _fuzzy(self, query: Any, within: Ids | None) -> Found:
        """As ``MultiTerm.matcher`` in each segment: the segment's words within the edit
        distance, one alone as its plain term, several as their ``Or`` with the boost."""
        name = query.fieldname
        if name not in self.searcher.schema:
            return Found()
        ids: list[Ids] = []
        scores: list[Floats] = []
        terms: dict[Term, Ids] = {}
        dfa: Any = None  # the Levenshtein automaton, built once for every segment
        for leaf in self.leaves:
            wanted = self._local(within, leaf)
            if wanted is not None and not len(wanted):
                continue
            reader = leaf.searcher.reader()
            if type(reader) is SegmentReader:  # what its terms_within does, with the automaton kept
                if dfa is None:
                    dfa = Automata.levenshtein_dfa(query.text, query.maxdist, query.prefixlength)
                spelling = self.searcher.schema[name].spelling_fieldname(name)
                found_words = Automata.find_matches(dfa, reader.cursor(spelling))
            else:
                found_words = query._btexts(reader)
            words: list[str] = []
            for word in found_words:
                if not len(words) % 64:
                    self.deadline.check()
                if word:
                    words.append(word)
            if not words:
                continue
            parts = [self._term(wq.Term(name, word), within, [leaf]) for word in words]
            found = parts[0] if len(parts) == 1 else _boosted(_or(parts, self.size), query.boost)
            ids.append(found.ids)
            scores.append(found.scores)
            _merge_terms(terms, found.terms)
        found = _joined(ids, scores)
        found.terms = terms
        return found

    def _every(self, within: Ids | None, score: float, without: Any) -> Found:
        """Every live document (of ``within``), but those of ``without``, scoring ``score``."""
        ids: list[Ids] = []
        for leaf in self.leaves:
            wanted = self._local(within, leaf)
            local = np.arange(leaf.size, dtype=np.int64) if wanted is None else wanted
            if leaf.deleted is not None:
                local = local[~leaf.deleted[local]]
            ids.append(local + leaf.offset)
        every = np.concatenate(ids) if ids else no_ids()
        if without is not None and len(every):
            keep = np.ones(self.size, dtype=np.bool_)
            keep[self.find(without, every).ids] = False
            every = every[keep[every]]
        return Found(every, np.full(len(every), score, dtype=np.float64))

    def _and(self, subqueries: list[Any], within: Ids | None) -> Found:
        positive = [q for q in subqueries if not isinstance(q, wq.Not)]
        negative = [q.query for q in subqueries if isinstance(q, wq.Not)]
        if not positive:
            return self._whoosh(wq.And(subqueries), within)
        reader = self.searcher.reader()
        positive.sort(key=lambda q: q.estimate_size(reader))  # the rarest first
        parts: list[Found] = []
        common = within
        for q in positive:
            self.deadline.check()
            part = self.find(q, common)
            if not len(part.ids):
                return Found()
            parts.append(part)
            common = part.ids if common is None else np.intersect1d(common, part.ids, assume_unique=True)
        if common is None:
            return Found()
        for q in negative:
            if len(common):
                common = common[~members(self.find(q, common).ids, common)]
        total = np.zeros(len(common), dtype=np.float64)
        for part in parts:
            total += part.scores[np.searchsorted(part.ids, common)]
        for _ in negative:
            total += 1.0  # InverseMatcher's score
        terms: dict[Term, Ids] = {}
        for part in parts:
            _merge_terms(terms, part.terms)
        return Found(common, total, terms)

    def _whoosh(self, query: Any, within: Ids | None = None) -> Found:
        """Whoosh's own matcher for this part, stepped as its collector steps it."""
        ids: list[Ids] = []
        scores: list[Floats] = []
        terms: dict[Term, list[int]] = {}
        for leaf in self.leaves:
            wanted = self._local(within, leaf)
            if wanted is None or len(wanted):
                self.deadline.check()
                matcher = query.matcher(leaf.searcher, self.context)
                part = self._stepped(leaf, matcher, wanted, 1.0, terms, self.deadline)
                ids.append(part.ids)
                scores.append(part.scores)
        found = _joined(ids, scores)
        found.terms = {t: np.unique(np.array(d, dtype=np.int64)) for t, d in terms.items()}
        return found

    @staticmethod
    def _stepped(
        leaf: Leaf,
        matcher: Any,
        wanted: Ids | None,
        boost: float,
        terms: dict[Term, list[int]] | None = None,
        deadline: Deadline = UNBOUNDED,
    ) -> Found:
        leaves = list(matcher.term_matchers()) if matcher.is_active() and terms is not None else []
        ids: list[int] = []
        scores: list[float] = []

        def record(d: int) -> None:
            ids.append(d + leaf.offset)
            scores.append(matcher.score() * boost if boost != 1.0 else matcher.score())
            for sub in leaves:
                if terms is not None and sub.is_active() and sub.id() == d:
                    terms.setdefault(sub.term(), []).append(d + leaf.offset)

        if wanted is None:
            while matcher.is_active():
                if not len(ids) % 256:
                    deadline.check()
                record(matcher.id())
                matcher.next()
        else:
            for step, target in enumerate(wanted.tolist()):  # only these documents: skip to each in turn
                if not step % 256:
                    deadline.check()
                if not matcher.is_active():
                    break
                if matcher.id() < target:
                    matcher.skip_to(target)
                    if not matcher.is_active():
                        break
                if matcher.id() == target:
                    record(target)
        return Found(np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64))

    def _local(self, within: Ids | None, leaf: Leaf) -> Ids | None:
        """The documents of ``within`` in this segment, as its own numbers."""
        if within is None:
            return None
        if not leaf.offset and leaf.size == self.size:
            return within
        lo, hi = np.searchsorted(within, [leaf.offset, leaf.offset + leaf.size])
        return within[lo:hi] - leaf.offset


def _joined(ids: Sequence[Ids], scores: Sequence[Floats]) -> Found:
    """The parts of the segments, in order (their numbers do not overlap)."""
    if not ids:
        return Found()
    if len(ids) == 1:
        return Found(ids[0], scores[0])
    return Found(np.concatenate(ids), np.concatenate(scores))


def members(haystack: Ids, needles: Ids) -> NDArray[np.bool_]:
    """Which of ``needles`` are in ``haystack`` (both sorted, each number once): what
    ``np.isin`` answers, by binary search instead of sorting both again."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=np.bool_)
    at = np.minimum(np.searchsorted(haystack, needles), len(haystack) - 1)
    return np.asarray(haystack[at] == needles)


def _or(parts: list[Found], size: int) -> Found:
    """The union of ``parts``, scores added from the largest part to the smallest.
    ``size``: documents in the index; when the parts together hold a good share of
    them, the scores are added into one array over the whole index (the same additions
    in the same order, without sorting every part's documents together)."""
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        return Found()
    parts.sort(key=lambda p: -len(p.ids))  # stable: as the dictionary version added them
    if len(parts) == 1:
        return parts[0]
    terms: dict[Term, Ids] = {}
    if sum(len(p.ids) for p in parts) * 8 >= size:
        dense = np.zeros(size, dtype=np.float64)
        seen = np.zeros(size, dtype=np.bool_)
        for part in parts:
            dense[part.ids] += part.scores  # each part's documents once: no repeated index
            seen[part.ids] = True
            _merge_terms(terms, part.terms)
        ids = np.flatnonzero(seen).astype(np.int64)
        return Found(ids, dense[ids], terms)
    ids = np.unique(np.concatenate([p.ids for p in parts]))
    scores = np.zeros(len(ids), dtype=np.float64)
    for part in parts:
        scores[np.searchsorted(ids, part.ids)] += part.scores
        _merge_terms(terms, part.terms)
    return Found(ids, scores, terms)


def _boosted(found: Found, boost: float) -> Found:
    if boost != 1.0:
        found.scores = found.scores * boost
    return found


def _tree_sum(parts: list[Floats]) -> Floats:
    """Added as ``make_binary_tree(IntersectionMatcher, …)`` adds its matchers' scores."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


def _merge_terms(into: dict[Term, Ids], more: dict[Term, Ids]) -> None:
    for term, docs in more.items():
        if term not in into or not len(docs):
            into.setdefault(term, docs)
        elif not len(into[term]) or into[term][-1] < docs[0]:  # a later segment's: simply after
            into[term] = np.concatenate((into[term], docs))
        else:
            into[term] = np.union1d(into[term], docs)
