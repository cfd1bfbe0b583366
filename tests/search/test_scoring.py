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

import pytest

from portal.search import indexer
from portal.search.documents import Doc, comment_docs
from portal.search.index import SearchIndex
from portal.search.service import Outcome, SearchRequest, search

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
    # the facet bitmasks of the old generation would miss the new document
    for key, masks in stale_kept.items():
        if isinstance(key, tuple) and key[0] == "facets":
            assert index.kept[key] != masks
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
