"""Answering a search: the query language, filters, facets, snippets, suggestions.

A query is words (every word must match, in its written form or its stem), "phrases",
AND / OR / NOT, and field filters (``pasal:12``, ``kategori:serikat-pekerja``,
``versi:v2``, ``jenis:ayat``, ``status:dijawab``). Abbreviations and synonyms of the
field (ojol, BPJamsostek, Raperda …) are expanded. A query that is only a citation
("Pasal 12 ayat (3)", "psl 12 (3)") goes straight to that provision. Unless every
version is asked for, provisions and comments of the latest version of each
regulation are searched.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from markupsafe import Markup
from whoosh import qparser, sorting  # type: ignore[import-untyped]
from whoosh import query as wq
from whoosh.highlight import HtmlFormatter, SentenceFragmenter  # type: ignore[import-untyped]
from whoosh.searching import Results  # type: ignore[import-untyped]

from portal.search.analysis import parse_citation, words
from portal.search.facets import facet_codes
from portal.search.index import FACETS, SearchIndex
from portal.search.scoring import Scorer
from portal.search.synonyms import expand

PAGE_SIZE = 10
FIELD_FILTERS = ("pasal", "kategori", "posisi", "versi", "jenis", "bab", "status", "wilayah", "nomor", "tipe")
SNIPPET_CHARS = 240


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
    error: str | None = None


def _parser(schema: Any) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(["teks", "akar"], schema, fieldboosts={"teks": 2.0, "akar": 1.0})
    parser.remove_plugin_class(qparser.WildcardPlugin)  # "a*" stays a word: no term explosion
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


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
    index: SearchIndex, request: SearchRequest, latest: list[str], *, collector: bool = False
) -> Outcome:
    """``latest``: the "<slug>/<versi>" of the newest version of each regulation.

    ``collector``: find, count and rank through Whoosh's own collector (every hit
    scored, five facet look-ups per hit) instead of ``scoring.py`` and ``facets.py``:
    the way it was done before, kept to measure against and to test that both agree."""
    outcome = Outcome(page=max(1, request.page))
    text = request.q.strip()
    if not text and not request.chosen:
        return outcome
    outcome.citation = parse_citation(text) if text else None
    with index.searcher() as searcher:
        parser = _parser(searcher.schema)
        try:
            query = _expand(parser.parse(text), parser) if text else wq.Every()
        except Exception:  # whoosh raises plain exceptions on some malformed input
            outcome.error = "query_invalid"
            return outcome
        restrict: Any = None
        if not request.all_versions and latest:
            # The documents of the latest versions, as a boolean array over the index: built
            # once per index generation (as a query it was a set of every matching
            # document built again on each search).
            key = ("latest", tuple(sorted(latest)))
            if key not in index.kept:
                found = Scorer(searcher, index.segments, index.postings).find(
                    wq.Or([wq.Term("dokumen", d) for d in latest])
                )  # from the cached postings: a commit decodes only its new segment's
                mask = np.zeros(searcher.doc_count_all(), dtype=np.bool_)
                mask[found.ids] = True
                index.kept[key] = mask
            restrict = index.kept[key]
            if collector:  # Whoosh's filter takes a set (kept too: the baseline stays fair)
                if (key, set) not in index.kept:
                    index.kept[(key, set)] = set(np.flatnonzero(restrict).tolist())
                restrict = index.kept[(key, set)]
        chosen = [
            wq.Term(name, value)
            for name, value in request.chosen.items()
            if name in FACETS or name in FIELD_FILTERS
        ]
        try:
            if collector:
                results, counts = _collected(searcher, query, chosen, restrict, outcome)
            else:
                results, counts = _found(index, searcher, query, chosen, restrict, outcome)
        except wq.QueryError:
            outcome.error = "query_invalid"
            return outcome
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
            outcome.hits.append(_hit(hit, formatter))
        if outcome.total == 0 and text:
            outcome.suggestion = _suggest(searcher, text)
        if request.all_versions and text:
            outcome.presence = [(f.value, f.count) for f in outcome.facets.get("versi", [])]
    return outcome


def _paged(outcome: Outcome, total: int) -> None:
    outcome.total = total
    outcome.pages = max(1, -(-total // PAGE_SIZE))
    outcome.page = min(outcome.page, outcome.pages)


def _found(
    index: SearchIndex, searcher: Any, query: Any, chosen: list[Any], restrict: Any, outcome: Outcome
) -> tuple[Any, dict[str, dict[str, int]]]:
    """Every hit and its score (``scoring.py``), the page's hits ranked as Whoosh ranks
    them (score, then document number), facet counts by ``np.bincount`` (``facets.py``)."""
    scorer = Scorer(searcher, index.segments, index.postings)
    found = scorer.find(query)
    ids, scores = found.ids, found.scores
    if restrict is not None:
        keep = restrict[ids]
        ids, scores = ids[keep], scores[keep]
    if chosen and len(ids):
        keep = np.isin(ids, scorer.find(wq.And(chosen), ids).ids, assume_unique=True)
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
        if (name, word) in scorer.partial and not np.isin(docs, ids, assume_unique=True).any():
            docs = scorer.find(wq.Term(name, searcher.schema[name].from_bytes(word)), ids).ids
        if len(docs):
            results.termdocs[(name, word)] = docs
    page = ids[top]
    present = {term: np.isin(page, docs, assume_unique=True) for term, docs in results.termdocs.items()}
    results.docterms = {
        int(docnum): [term for term, here in present.items() if here[i]] for i, docnum in enumerate(page)
    }
    key = ("facets", FACETS)
    if key not in index.kept:
        index.kept[key] = facet_codes(scorer, FACETS)
    codes = index.kept[key]
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
    body = stored.get("teks", "")
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


def _suggest(searcher: Any, text: str) -> str | None:
    """'maksud Anda: …?': each unknown word replaced by the closest word in the index."""
    corrector = searcher.corrector("teks")
    changed = False
    out: list[str] = []
    reader = searcher.reader()
    for word in text.split():
        plain = words(word)
        if len(plain) != 1 or reader.frequency("teks", plain[0]) > 0 or not plain[0].isalpha():
            out.append(word)
            continue
        found = corrector.suggest(plain[0], limit=1, maxdist=2)
        if found:
            out.append(found[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
