"""Answering a search: the query language, filters, facets, snippets, suggestions.

A query is words (every word must match, in its written form or its stem), "phrases",
AND / OR / NOT, and field filters (``pasal:12``, ``kategori:serikat-pekerja``,
``versi:v2``, ``jenis:ayat``, ``status:dijawab``). Abbreviations and synonyms of the
field (ojol, BPJamsostek, Raperda …) are expanded. A query that is only a citation
("Pasal 12 ayat (3)", "psl 12 (3)") goes straight to that provision. Unless every
version is asked for, the provisions of the versions open for comment (each
regulation's latest when none is open) and every comment and answer of the
regulations are searched (``Scope``).

Every query is bounded here, whoever asks (``budget.py``): its length, its number of
terms, fuzzy terms (``word~``, ``word~2``: at most 2 edits, the first 2 letters kept),
no ranges, no wildcards, only the fields above and the words' own fields, exact phrases
and moderate boosts; a query outside them is refused (``Outcome.error`` names the bound)
before any work. An accepted query has a time budget (``timeout`` seconds): past it,
the search stops where it is and the outcome says ``too_broad``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from markupsafe import Markup
from whoosh import qparser, sorting  # type: ignore[import-untyped]
from whoosh import query as wq
from whoosh.fields import Schema  # type: ignore[import-untyped]
from whoosh.highlight import HtmlFormatter, SentenceFragmenter  # type: ignore[import-untyped]
from whoosh.searching import Results  # type: ignore[import-untyped]

from portal.search import budget
from portal.search.analysis import parse_citation, words
from portal.search.budget import Deadline, Refused, TooBroad
from portal.search.facets import facet_codes
from portal.search.index import FACETS, SearchIndex
from portal.search.readable import plain
from portal.search.scoring import Scorer, members
from portal.search.synonyms import expand

PAGE_SIZE = 10
FIELD_FILTERS = ("pasal", "kategori", "posisi", "versi", "jenis", "bab", "status", "wilayah", "nomor", "tipe")
SEARCHABLE = ("teks", "akar", *FIELD_FILTERS)  # what ``name:`` may name; any other name is a word
RANGES = (wq.TermRange, wq.NumericRange, wq.DateRange)
SNIPPET_CHARS = 240
SUGGESTED = 4  # unknown words a "maksud Anda" suggestion looks up (each one a walk of the word list)


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    all_versions: bool = False
    chosen: dict[str, str] = field(default_factory=dict)  # facet → value picked by the reader


@dataclass
class Hit:
    tipe: str  # ketentuan, komentar, jawaban
    slug: str
    versi: str
    path: str
    kind: str
    number: str
    title: str
    snippet: Markup
    score: float

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.tipe, "slug": self.slug, "versi": self.versi, "path": self.path}
        if self.tipe == "ketentuan":
            out["kind"] = self.kind
        else:
            out["number"] = self.number
        out |= {"title": self.title, "snippet": str(self.snippet), "score": round(self.score, 4)}
        return out


@dataclass
class Facet:
    value: str
    count: int
    chosen: bool


@dataclass
class Outcome:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    suggestion: str | None = None
    citation: str | None = None  # the path of a query that is only a citation
    presence: list[tuple[str, int]] = field(
        default_factory=list
    )  # (versi, provisions matching), all versions
    error: str | None = None  # query_invalid, too_broad, or the bound a query broke (``budget.Refused``)
    error_params: dict[str, object] = field(default_factory=dict)  # its figures (limit, count …)


@dataclass(frozen=True)
class Scope:
    """What is searched unless every version is asked for: the documents (provisions,
    comments, answers) of these versions ("<slug>/<versi>"), and the comments and answers
    of these regulations (slugs) on any version."""

    documents: tuple[str, ...]
    comments_of: tuple[str, ...]

    def query(self) -> Any:
        parts: list[Any] = [wq.Term("dokumen", d) for d in self.documents]
        if self.comments_of:
            parts.append(
                wq.And(
                    [
                        wq.Or([wq.Term("tipe", "komentar"), wq.Term("tipe", "jawaban")]),
                        wq.Or([wq.Term("regulasi", slug) for slug in self.comments_of]),
                    ]
                )
            )
        return wq.Or(parts)


def _parser(schema: Any) -> qparser.QueryParser:
    """Whoosh's multifield parser over the fields a reader may search (``SEARCHABLE``:
    ``id:``, ``dokumen:``, ``judul:`` … are plain words, like any name not in the
    schema), with the plugins that stay bounded: words, "phrases", 'quoted words',
    ``name:value``, (groups), AND / OR / NOT / ANDNOT, ``^boost``, ``word~N/P`` (checked
    by ``bounded``) and ranges (only so that ``bounded`` can refuse them by name). Out:
    wildcards and prefixes (``a*``: a word), ``*:*`` (every document), ANDMAYBE and
    REQUIRE (words)."""
    fields = Schema(**{name: schema[name] for name in SEARCHABLE if name in schema})
    parser = qparser.MultifieldParser(["teks", "akar"], fields, fieldboosts={"teks": 2.0, "akar": 1.0})
    parser.remove_plugin_class(qparser.WildcardPlugin)  # "a*" stays a word: no term explosion
    parser.remove_plugin_class(qparser.EveryPlugin)
    parser.replace_plugin(qparser.OperatorsPlugin(AndMaybe=None, Require=None))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def bounded(parser: qparser.QueryParser, text: str) -> Any:
    """The parsed query, or ``budget.Refused`` naming the bound it breaks. Fuzzy terms
    get their prefix (``prefixlength``) raised to ``FUZZY_PREFIX`` letters."""
    if len(text) > budget.MAX_CHARS:
        raise Refused("too_long", limit=budget.MAX_CHARS, count=len(text))
    query = parser.parse(text)
    counts = {"teks": 0, "akar": 0, "other": 0}
    pending = [query]
    while pending:
        node = pending.pop()
        pending.extend(node.children())
        boost = getattr(node, "boost", 1.0)
        if not math.isfinite(boost) or boost > budget.MAX_BOOST:
            raise Refused("boost", limit=int(budget.MAX_BOOST))
        kind = type(node)
        if isinstance(node, RANGES):
            raise Refused("range")
        if kind is wq.FuzzyTerm:
            if node.maxdist > budget.MAX_FUZZY_DISTANCE:
                raise Refused("fuzzy_distance", limit=budget.MAX_FUZZY_DISTANCE)
            if len(node.text) < budget.FUZZY_PREFIX:
                raise Refused("fuzzy_short", limit=budget.FUZZY_PREFIX)
            node.prefixlength = max(node.prefixlength, budget.FUZZY_PREFIX)
        elif kind is wq.Phrase and node.slop != 1:
            raise Refused("phrase_slop")
        elif kind not in (wq.Term, wq.FuzzyTerm, wq.Phrase, wq.And, wq.Or, wq.Not, wq.AndNot) and not (
            node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__)
        ):
            raise Refused("unsupported")
        if kind in (wq.Term, wq.FuzzyTerm, wq.Phrase):
            size = len(node.words) if kind is wq.Phrase else 1
            counts[node.fieldname if node.fieldname in ("teks", "akar") else "other"] += size
    # Each word typed is searched as written (teks) and as its stem (akar): count it once.
    terms = counts["other"] + max(counts["teks"], counts["akar"])
    if terms > budget.MAX_TERMS:
        raise Refused("too_many_terms", limit=budget.MAX_TERMS, count=terms)
    return query


def _expand(query: Any, parser: qparser.QueryParser) -> Any:
    """Each word with synonyms or an abbreviation becomes 'this or that'."""

    def visit(node: Any) -> Any:
        if isinstance(node, wq.Phrase) and node.fieldname == "akar":
            return wq.NullQuery  # a "quoted phrase" means these very words, in this order
        if isinstance(node, wq.Term) and node.fieldname == "teks":
            forms = [f for f in expand(str(node.text)) if f != node.text]
            if forms:
                alternatives = [node]
                for form in forms:
                    parts = form.split()
                    if len(parts) == 1:
                        alternatives.append(wq.Term("teks", parts[0], boost=node.boost))
                    else:
                        alternatives.append(wq.Phrase("teks", parts, boost=node.boost))
                return wq.Or(alternatives)
        return node

    return query.accept(visit)


def search(
    index: SearchIndex,
    request: SearchRequest,
    latest: list[str],
    *,
    comments_of: tuple[str, ...] = (),
    collector: bool = False,
    timeout: float | None = budget.DEFAULT_SECONDS,
    nice: bool = False,
) -> Outcome:
    """``latest``: the "<slug>/<versi>" of the versions searched unless every version is
    asked for (the page passes those open for comment, or each regulation's newest);
    ``comments_of``: the regulations whose every comment and answer, on any version, is
    searched as well (``views.DefaultScope``).

    ``timeout``: seconds the search may take (``None``: no limit); past them it stops
    and the outcome's error is ``too_broad``. A query outside the bounds is refused
    at once (its error names the bound). ``nice``: pause briefly every few
    milliseconds, so that quick searches in other threads are not slowed (a broad
    query, ``budget.Deadline``).

    ``collector``: find, count and rank through Whoosh's own collector (every hit
    scored, five facet look-ups per hit) instead of ``scoring.py`` and ``facets.py``:
    the way it was done before, kept to measure against and to test that both agree."""
    outcome = Outcome(page=max(1, request.page))
    deadline = Deadline(timeout, nice)
    text = request.q.strip()
    if not text and not request.chosen:
        return outcome
    if len(text) > budget.MAX_CHARS:  # before anything else reads it
        outcome.error, outcome.error_params = "too_long", {"limit": budget.MAX_CHARS, "count": len(text)}
        return outcome
    outcome.citation = parse_citation(text) if text else None
    try:
        with index.searcher() as searcher:
            scope = Scope(tuple(sorted(latest)), tuple(sorted(comments_of)))
            _search(index, searcher, request, text, scope, collector, deadline, outcome)
    except Refused as refused:
        outcome.error, outcome.error_params = refused.code, refused.params
    except TooBroad as stopped:
        outcome.error, outcome.error_params = "too_broad", {"seconds": stopped.seconds}
    if outcome.error not in (None, "query_invalid"):
        outcome.hits, outcome.total, outcome.facets, outcome.suggestion = [], 0, {}, None
        outcome.presence, outcome.page, outcome.pages, outcome.citation = [], 1, 1, None
    return outcome


def _search(
    index: SearchIndex,
    searcher: Any,
    request: SearchRequest,
    text: str,
    scope: Scope,
    collector: bool,
    deadline: Deadline,
    outcome: Outcome,
) -> None:
    parser = _parser(searcher.schema)
    try:
        query = _expand(bounded(parser, text), parser) if text else wq.Every()
    except Refused:
        raise
    except Exception:  # whoosh raises plain exceptions on some malformed input
        outcome.error = "query_invalid"
        return
    kept = index.kept_for(searcher)
    restrict: Any = None
    if not request.all_versions and (scope.documents or scope.comments_of):
        # The documents of the default scope, as a boolean array over the index: built
        # once per index generation (as a query it was a set of every matching
        # document built again on each search).
        key = ("latest", scope.documents, scope.comments_of)
        if key not in kept:
            found = Scorer(searcher, index.segments, index.postings).find(
                scope.query()
            )  # from the cached postings: a commit decodes only its new segment's
            mask = np.zeros(searcher.doc_count_all(), dtype=np.bool_)
            mask[found.ids] = True
            kept[key] = mask
        restrict = kept[key]
        if collector:  # Whoosh's filter takes a set (kept too: the baseline stays fair)
            if (key, set) not in kept:
                kept[(key, set)] = set(np.flatnonzero(restrict).tolist())
            restrict = kept[(key, set)]
    chosen = [
        wq.Term(name, value)
        for name, value in request.chosen.items()
        if name in FACETS or name in FIELD_FILTERS
    ]
    try:
        if collector:
            results, counts = _collected(searcher, query, chosen, restrict, outcome)
        else:
            results, counts = _found(index, kept, searcher, query, chosen, restrict, outcome, deadline)
    except wq.QueryError:
        outcome.error = "query_invalid"
        return
    for name in FACETS:
        outcome.facets[name] = sorted(
            (
                Facet(str(value), int(n), request.chosen.get(name) == str(value))
                for value, n in counts[name].items()
                if value not in (None, "", b"")
            ),
            key=lambda f: (-f.count, f.value),
        )
    formatter = HtmlFormatter(tagname="mark", between=" … ")  # escapes the text around
    for hit in results:
        deadline.check()
        outcome.hits.append(_hit(hit, formatter))
    if outcome.total == 0 and text:
        outcome.suggestion = _suggest(searcher, text, deadline)
    if request.all_versions and text:
        outcome.presence = [(f.value, f.count) for f in outcome.facets.get("versi", [])]


def _paged(outcome: Outcome, total: int) -> None:
    outcome.total = total
    outcome.pages = max(1, -(-total // PAGE_SIZE))
    outcome.page = min(outcome.page, outcome.pages)


def _found(
    index: SearchIndex,
    kept: dict[object, Any],
    searcher: Any,
    query: Any,
    chosen: list[Any],
    restrict: Any,
    outcome: Outcome,
    deadline: Deadline,
) -> tuple[Any, dict[str, dict[str, int]]]:
    """Every hit and its score (``scoring.py``), the page's hits ranked as Whoosh ranks
    them (score, then document number), facet counts by ``np.bincount`` (``facets.py``)."""
    scorer = Scorer(searcher, index.segments, index.postings, deadline)
    found = scorer.find(query)
    ids, scores = found.ids, found.scores
    if restrict is not None:
        keep = restrict[ids]
        ids, scores = ids[keep], scores[keep]
    if chosen and len(ids):
        keep = members(scorer.find(wq.And(chosen), ids).ids, ids)
        ids, scores = ids[keep], scores[keep]
    _paged(outcome, len(ids))
    first = (outcome.page - 1) * PAGE_SIZE
    top = _top(ids, scores, first + PAGE_SIZE)[first:]
    results = Results(searcher, query, [(float(scores[i]), int(ids[i])) for i in top])
    # What terms=True records: which query terms matched which hits (for the snippets).
    # A term of an AND's later part was only looked for where the earlier parts matched:
    # whether it occurs in a hit elsewhere is looked up among the hits.
    results.termdocs = {}
    for (name, word), docs in found.terms.items():
        if (name, word) in scorer.partial and not members(ids, docs).any():
            docs = scorer.find(wq.Term(name, searcher.schema[name].from_bytes(word)), ids).ids
        if len(docs):
            results.termdocs[(name, word)] = docs
    page = ids[top]
    present = {term: members(docs, page) for term, docs in results.termdocs.items()}
    results.docterms = {
        int(docnum): [term for term, here in present.items() if here[i]] for i, docnum in enumerate(page)
    }
    deadline.check()
    key = ("facets", FACETS)
    if key not in kept:
        kept[key] = facet_codes(scorer, FACETS)
    codes = kept[key]
    return results, {name: codes[name].count(ids) for name in FACETS}


def _top(ids: Any, scores: Any, k: int) -> Any:
    """The indices of the ``k`` best by score, then document number (Whoosh's order)."""
    if k < len(scores):
        bar = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th best score
        candidates = np.flatnonzero(scores >= bar)  # ties at the bar included
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((ids[candidates], -scores[candidates]))
    return candidates[order[:k]]


def _collected(
    searcher: Any, query: Any, chosen: list[Any], restrict: Any, outcome: Outcome
) -> tuple[Any, dict[str, dict[str, int]]]:
    """Through Whoosh's collector: every hit scored, facets counted per hit."""
    if chosen:
        picked = set(searcher.docs_for_query(wq.And(chosen)))
        restrict = picked if restrict is None else picked & restrict
    facets = sorting.Facets()
    for name in FACETS:
        facets.add_field(name, maptype=sorting.Count)
    results = searcher.search_page(
        query, outcome.page, pagelen=PAGE_SIZE, filter=restrict, groupedby=facets, terms=True
    )
    _paged(outcome, len(results))
    return results, {name: results.results.groups(name) for name in FACETS}


def _hit(hit: Any, formatter: Any) -> Hit:
    stored = hit.fields()
    body = plain(stored.get("teks", ""))  # the words a reader sees, without Markdown
    snippet = ""
    hit.results.fragmenter = SentenceFragmenter(maxchars=SNIPPET_CHARS * 2)
    hit.results.formatter = formatter
    for name in ("teks", "akar"):
        snippet = hit.highlights(name, text=body, top=2) if body else ""
        if snippet:
            break
    if not snippet:
        cut = body[:SNIPPET_CHARS]
        snippet = html.escape(cut + ("…" if len(body) > SNIPPET_CHARS else ""))
    return Hit(
        tipe=stored.get("tipe", ""),
        slug=stored.get("regulasi", ""),
        versi=stored.get("versi", ""),
        path=stored.get("path", ""),
        kind=stored.get("jenis", ""),
        number=stored.get("nomor", ""),
        title=stored.get("judul", ""),
        snippet=Markup(snippet),  # noqa: S704 - built from escaped text and <mark> tags only
        score=float(hit.score or 0.0),
    )


def _suggest(searcher: Any, text: str, deadline: Deadline) -> str | None:
    """'maksud Anda: …?': each unknown word (the first ``SUGGESTED`` of them) replaced
    by the closest word in the index."""
    corrector = searcher.corrector("teks")
    changed = False
    out: list[str] = []
    reader = searcher.reader()
    looked = 0
    for word in text.split():
        deadline.check()
        plain = words(word)
        if (
            len(plain) != 1
            or looked >= SUGGESTED
            or reader.frequency("teks", plain[0]) > 0
            or not plain[0].isalpha()
        ):
            out.append(word)
            continue
        looked += 1
        found = corrector.suggest(plain[0], limit=1, maxdist=2)
        if found:
            out.append(found[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
