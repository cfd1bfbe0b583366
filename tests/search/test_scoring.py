"""The search without Whoosh's collector (scoring.py, facets.py) against the collector.

A small index of generated comments on one version, written as the indexer writes
(``indexer._write``), no database: every query must give the same total, facet
counts, ranking, scores and snippets both ways, and stay right when comments are
added, hidden and segments merged (the per-generation and per-segment caches).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import query as wq  # type: ignore[import-untyped]

from portal.search import indexer, postings
from portal.search.documents import Doc, comment_docs
from portal.search.index import SearchIndex
from portal.search.scoring import Found, Scorer
from portal.search.services import Outcome, SearchRequest, search

LATEST = ["jamsos/v2"]
WORDS = (
    "iuran", "nelayan", "pekerja", "bukan", "penerima", "upah", "jaminan", "sosial", "kecelakaan", "kerja",
    "kematian", "hari", "tua", "pemerintah", "daerah", "wajib", "membayar", "ojek", "daring", "sanksi",
    "administratif", "teguran", "tertulis", "denda", "peserta", "pendaftaran", "bertahap", "pengawas",
)  # fmt: skip
CATEGORIES = ("serikat-pekerja", "pengusaha", "akademisi")
POSITIONS = ("mendukung", "menolak", "pertanyaan")
QUERIES = [
    "nelayan",
    "iuran nelayan",
    "nelayan OR ojol",
    '"jaminan sosial"',
    '"pekerja bukan penerima upah"',
    "iuran kategori:pengusaha",
    "ojol",
    "pasal 12",
    "iuran NOT nelayan",
    "NOT iuran",
    "sanksi~",
    "pasal:3",
    "status:dijawab iuran",
    "iuran OR (nelayan AND ojol)",
    "kerja^3 iuran",
    "tidakada",
    "nelayan~2",  # fuzzy terms, each segment's words (scoring._fuzzy)
    "iuran~1 OR ojek~2",
    "iuran OR NOT nelayan",  # a Not alone inside an Or: every other document (scoring._every)
    "'iuran nelayan'",
]


def comment(k: int, rng: random.Random, versi: str = "v2", body: str = "") -> list[Doc]:
    text = body or " ".join(rng.choices(WORDS, k=rng.randint(5, 30)))
    if not body and rng.random() < 0.2:
        text = f"Terkait Pasal {rng.randint(1, 15)}, {text}"
    row = {
        "id": k, "number": f"JSK-2026-{k:06d}", "status": "terbit", "redacted_at": None, "parent_id": None,
        "body": text, "replacement": "", "path": f"pasal-{k % 15 + 1}", "category": rng.choice(CATEGORIES),
        "position": rng.choice(POSITIONS), "region": "Kota Serang",
        "answered_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC) if k % 3 == 0 else None,
        "created_at": dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "slug": "jamsos", "versi": versi,
    }  # fmt: skip
    answers = [{"id": k, "disposition": "diterima", "reason": "Iuran nelayan diatur bertahap.",
                "created_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC)}] if k % 3 == 0 else []  # fmt: skip
    return comment_docs(row, answers, f"BAB {'I' * (k % 3 + 1)}")


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    rng = random.Random(7)  # noqa: S311
    search_index = SearchIndex(tmp_path)
    search_index.ensure()
    docs: list[Doc] = []
    for k in range(1, 301):
        docs += comment(k, rng, versi="v1" if k % 10 == 0 else "v2")
    indexer._write(search_index, docs, [], 0.0)
    for k in range(301, 321):  # a second segment
        docs = comment(k, rng)
        indexer._write(search_index, docs, [f"c:{k}"], 0.0)
    return search_index


def plain(outcome: Outcome) -> dict[str, Any]:
    return {
        "total": outcome.total,
        "page": outcome.page,
        "pages": outcome.pages,
        "error": outcome.error,
        "suggestion": outcome.suggestion,
        "presence": outcome.presence,
        "facets": {k: [(f.value, f.count, f.chosen) for f in v] for k, v in outcome.facets.items()},
        "hits": [hit.to_json() for hit in outcome.hits],
    }


def both(index: SearchIndex, request: SearchRequest) -> dict[str, Any]:
    fast = plain(search(index, request, LATEST))
    assert fast == plain(search(index, request, LATEST, collector=True)), request
    return fast


@pytest.mark.parametrize("q", QUERIES)
def test_the_same_answers_as_whoosh_collector(index: SearchIndex, q: str) -> None:
    for request in (
        SearchRequest(q=q),
        SearchRequest(q=q, page=2),
        SearchRequest(q=q, page=99),
        SearchRequest(q=q, all_versions=True),
        SearchRequest(q=q, chosen={"kategori": "pengusaha"}),
    ):
        both(index, request)


def test_a_query_of_facets_only(index: SearchIndex) -> None:
    found = both(index, SearchRequest(chosen={"kategori": "akademisi", "posisi": "menolak"}))
    assert found["total"] > 0
    assert [v for v, _, _ in found["facets"]["kategori"]] == ["akademisi"]


def test_facet_counts_follow_added_and_hidden_comments(index: SearchIndex) -> None:
    before = both(index, SearchRequest(q="nelayan"))
    counts = dict((v, n) for v, n, _ in before["facets"]["kategori"])
    rng = random.Random(1)  # noqa: S311
    new = comment(1000, rng, body="Nelayan kecil perlu keringanan.")
    new[0]["kategori"] = "bpjs"  # a value no document had
    indexer._write(index, new, ["c:1000"], 0.0)
    after = both(index, SearchRequest(q="nelayan"))
    assert after["total"] == before["total"] + 1
    assert dict((v, n) for v, n, _ in after["facets"]["kategori"]) == counts | {"bpjs": 1}
    # hidden: its documents deleted, as the indexer does for a hidden comment
    indexer._write(index, [], ["c:1000", "c:3", "j:3"], 0.0)
    hidden = both(index, SearchRequest(q="nelayan"))
    assert "bpjs" not in {v for v, _, _ in hidden["facets"]["kategori"]}
    assert not any(h.get("number") in ("JSK-2026-001000", "JSK-2026-000003") for h in hidden["hits"])


def test_the_caches_are_not_carried_to_a_new_generation(index: SearchIndex) -> None:
    both(index, SearchRequest(q="iuran"))
    assert index.kept
    assert index.segments
    stale_kept = dict(index.kept)
    new = comment(2000, random.Random(2), body="Iuran nelayan pengusaha.")  # noqa: S311
    indexer._write(index, new, [], 0.0)
    found = both(index, SearchRequest(q="iuran"))
    assert any(
        h.get("number") == "JSK-2026-002000" for h in both(index, SearchRequest(q="pengusaha"))["hits"]
    )
    # the facet codes of the old generation would miss the new document
    for key, codes in stale_kept.items():
        if isinstance(key, tuple) and key[0] == "facets":
            assert all(len(index.kept[key][f].codes) > len(codes[f].codes) for f in codes)
    assert sum(n for _, n, _ in found["facets"]["jenis"]) == found["total"]


def test_segments_merged_away_leave_the_cache(index: SearchIndex) -> None:
    both(index, SearchRequest(q="iuran"))
    before = set(index.segments)
    assert len(before) >= 2
    writer = index.open_for_writing().writer()
    writer.commit(optimize=True)  # one segment instead of several
    found = both(index, SearchRequest(q="iuran"))
    assert found["total"] > 0
    assert len(index.segments) == 1
    assert not before & set(index.segments)


# -- the decoded postings (postings.py) and the phrase check ---------------------------
PHRASES = [
    ["jaminan", "sosial"],
    ["pekerja", "bukan", "penerima", "upah"],
    ["iuran", "nelayan"],
    ["nelayan", "iuran"],
    ["iuran", "iuran"],
    ["wajib", "membayar", "iuran"],
    ["sanksi", "administratif", "teguran", "tertulis", "denda"],
    ["hari", "tua", "hari"],
    ["kerja", "tidakada"],
]


def scorer_of(index: SearchIndex, searcher: Any) -> Scorer:
    return Scorer(searcher, index.segments, index.postings)


def assert_same(fast: Found, slow: Found) -> None:
    assert fast.ids.tolist() == slow.ids.tolist()
    assert fast.scores.tolist() == slow.scores.tolist()  # bit for bit
    assert {t: d.tolist() for t, d in fast.terms.items()} == {t: d.tolist() for t, d in slow.terms.items()}


@pytest.mark.parametrize("words", PHRASES)
def test_phrases_find_what_whoosh_span_matcher_finds(index: SearchIndex, words: list[str]) -> None:
    indexer._write(index, [], ["c:5", "j:6"], 0.0)  # some deleted documents too
    rng = random.Random(3)  # noqa: S311
    with index.searcher() as searcher:
        scorer = scorer_of(index, searcher)
        for boost in (1.0, 2.0):
            query = wq.Phrase("teks", words, boost=boost)
            fast = scorer.find(query)
            assert_same(fast, scorer._whoosh(query))
            some = np.array(sorted(rng.sample(range(searcher.doc_count_all()), 150)), dtype=np.int64)
            assert_same(scorer.find(query, some), scorer._whoosh(query, some))
    if words[:2] == ["jaminan", "sosial"]:
        assert len(fast.ids) > 0


def test_terms_score_bit_for_bit_as_whoosh(index: SearchIndex) -> None:
    with index.searcher() as searcher:
        scorer = scorer_of(index, searcher)
        for name, word in (("teks", "nelayan"), ("akar", "kerja"), ("kategori", "pengusaha"), ("teks", "x")):
            for boost in (1.0, 2.0):
                query = wq.Term(name, word, boost=boost)
                assert_same(scorer.find(query), scorer._whoosh(query))


def test_positions_decoded_as_whoosh_decodes_them(index: SearchIndex) -> None:
    with index.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            for word in (b"iuran", b"jaminan", b"nelayan"):
                if ("teks", word) not in reader:
                    continue
                decoded = postings.read(reader, "teks", word, positions=True)
                matcher = reader.postings("teks", word)
                docs = np.array(list(matcher.all_ids()), dtype=np.int64)
                keep = np.isin(decoded.ids, docs)  # reader.postings leaves deleted documents out
                matcher = reader.postings("teks", word)
                for row in np.flatnonzero(keep).tolist():
                    assert matcher.id() == decoded.ids[row]
                    _, positions = decoded.positions_of(np.array([row], dtype=np.int64))
                    assert positions.tolist() == matcher.value_as("positions")
                    matcher.next()


def test_decoded_postings_are_dropped_with_their_segments(index: SearchIndex) -> None:
    both(index, SearchRequest(q='iuran "jaminan sosial"'))
    cached = {key[0] for key in index.postings.entries}
    assert len(cached) >= 2
    reads = index.postings.reads
    both(index, SearchRequest(q='iuran "jaminan sosial"'))
    assert index.postings.reads == reads  # the same generation: nothing decoded again
    indexer._write(index, comment(3000, random.Random(4), body="Iuran jaminan sosial."), [], 0.0)  # noqa: S311
    found = both(index, SearchRequest(q='iuran "jaminan sosial"'))
    assert any(h.get("number") == "JSK-2026-003000" for h in found["hits"]) or found["total"] > 10
    now = {key[0] for key in index.postings.entries}
    assert now <= set(index.segments)  # none of a segment merged away by the write
    assert cached & set(index.segments) <= now  # a segment that is still there keeps its postings
    index.open_for_writing().writer().commit(optimize=True)
    again = both(index, SearchRequest(q='iuran "jaminan sosial"'))
    assert again["total"] == found["total"]
    assert {key[0] for key in index.postings.entries} == set(index.segments)
    assert not cached & set(index.segments)


def test_the_postings_cache_stays_within_its_bound(index: SearchIndex) -> None:
    small = SearchIndex(index.root.parent, postings_bytes=4000)
    found = both(small, SearchRequest(q="iuran nelayan OR pekerja sosial"))
    assert small.postings.size <= 4000
    assert small.postings.size == sum(p.nbytes for p in small.postings.entries.values())
    assert found == both(index, SearchRequest(q="iuran nelayan OR pekerja sosial"))
    nothing = SearchIndex(index.root.parent, postings_bytes=0)
    assert both(nothing, SearchRequest(q="iuran")) == both(index, SearchRequest(q="iuran"))
    assert not nothing.postings.entries


def test_unrounded_scores_and_ranking_match_the_collector(index: SearchIndex) -> None:
    """Sums of three or more parts may be added in another order than Whoosh's matcher
    tree: scores within 1e-12 (relative), the order exact wherever they differ more."""
    for q in QUERIES:
        for page in (1, 2):
            fast = search(index, SearchRequest(q=q, page=page), LATEST)
            slow = search(index, SearchRequest(q=q, page=page), LATEST, collector=True)
            assert fast.total == slow.total
            pairs = list(zip(fast.hits, slow.hits, strict=True))
            for a, b in pairs:
                assert a.score == pytest.approx(b.score, rel=1e-12)
            ranked = [(round(h.score, 9), h.slug, h.path, h.number) for h in fast.hits]
            assert ranked == [(round(h.score, 9), h.slug, h.path, h.number) for h in slow.hits]
