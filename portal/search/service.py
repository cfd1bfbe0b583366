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

from markupsafe import Markup
from whoosh import qparser, sorting  # type: ignore[import-untyped]
from whoosh import query as wq
from whoosh.highlight import HtmlFormatter, SentenceFragmenter  # type: ignore[import-untyped]

from portal.search.analysis import expand, parse_citation, words
from portal.search.index import FACETS, SearchIndex

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


def search(index: SearchIndex, request: SearchRequest, latest: list[str]) -> Outcome:
    """``latest``: the "<slug>/<versi>" of the newest version of each regulation."""
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
            # The documents of the latest versions: built once per index generation (as a
            # query it was a set of every matching document built again on each search).
            key = ("latest", tuple(sorted(latest)))
            if key not in index.kept:
                index.kept[key] = set(searcher.docs_for_query(wq.Or([wq.Term("dokumen", d) for d in latest])))
            restrict = index.kept[key]
        chosen = [
            wq.Term(name, value)
            for name, value in request.chosen.items()
            if name in FACETS or name in FIELD_FILTERS
        ]
        if chosen:
            picked = set(searcher.docs_for_query(wq.And(chosen)))
            restrict = picked if restrict is None else picked & restrict
        facets = sorting.Facets()
        for name in FACETS:
            facets.add_field(name, maptype=sorting.Count)
        try:
            results = searcher.search_page(
                query, outcome.page, pagelen=PAGE_SIZE, filter=restrict, groupedby=facets, terms=True
            )
        except wq.QueryError:
            outcome.error = "query_invalid"
            return outcome
        outcome.total = len(results)
        outcome.pages = max(1, -(-outcome.total // PAGE_SIZE))
        outcome.page = min(outcome.page, outcome.pages)
        for name in FACETS:
            counts = results.results.groups(name)
            outcome.facets[name] = sorted(
                (
                    Facet(str(value), int(count), request.chosen.get(name) == str(value))
                    for value, count in counts.items()
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
