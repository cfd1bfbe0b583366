"""What one query may cost (issue #14): the bounds of the query language, the time
budget, and searches in parallel. A small generated index (as in ``test_scoring``), no
database."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq  # type: ignore[import-untyped]

from portal.search import budget, indexer, postings
from portal.search.documents import Doc
from portal.search.index import SearchIndex, schema
from portal.search.scoring import Scorer
from portal.search.services import SEARCHABLE, Outcome, SearchRequest, _parser, bounded, search
from tests.search.test_scoring import LATEST, WORDS, comment, plain


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    rng = random.Random(11)  # noqa: S311
    search_index = SearchIndex(tmp_path)
    search_index.ensure()
    docs: list[Doc] = []
    for k in range(1, 201):
        docs += comment(k, rng)
    docs += comment(500, rng, body="Belayan dan nelayan kecil, nelayan tradisional.")
    indexer._write(search_index, docs, [], 0.0)
    indexer._write(search_index, comment(501, rng, body="Nelayam salah ketik."), [], 0.0)  # a second segment
    yield search_index
    search_index.close()


def ask(index: SearchIndex, q: str, timeout: float | None = budget.DEFAULT_SECONDS) -> Outcome:
    return search(index, SearchRequest(q=q), LATEST, timeout=timeout)


def nodes(query: Any) -> Iterator[Any]:
    yield query
    for child in query.children():
        yield from nodes(child)


def parsed(q: str) -> Any:
    return bounded(_parser(schema()), q)


# -- fuzzy terms --------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["word~9", "nelayan~3", "iuran nelayan~5", "kategori:pengusaha~4"])
def test_fuzzy_terms_of_more_than_two_edits_are_refused_at_once(index: SearchIndex, q: str) -> None:
    start = time.perf_counter()
    outcome = ask(index, q)
    assert outcome.error == "fuzzy_distance"
    assert outcome.error_params == {"limit": 2}
    assert not outcome.hits
    assert time.perf_counter() - start < 0.5


def test_fuzzy_terms_keep_their_first_two_letters(index: SearchIndex) -> None:
    for q in ("nelayan~2", "nelayan~2/1", "nelayan~/0", "nelayan~"):
        fuzzy = [n for n in nodes(parsed(q)) if type(n) is wq.FuzzyTerm]
        assert fuzzy
        assert all(n.prefixlength >= budget.FUZZY_PREFIX and n.maxdist <= 2 for n in fuzzy)
    assert [n.prefixlength for n in nodes(parsed("nelayan~2/4")) if type(n) is wq.FuzzyTerm] == [4, 4]
    # "belayan" is one edit from "nelayan", but in its first letter: not found
    found = {h.number for h in ask(index, "teks:nelayan~1").hits}
    assert "JSK-2026-000501" in found  # nelayam: one edit, after the prefix
    assert ask(index, "teks:belayan").total == 1
    assert ask(index, "teks:belayan~1").total == 1  # only itself: "nelayan" differs in the prefix
    assert ask(index, "teks:belayan~1/1").total == 1  # a shorter prefix asked for: still 2 letters
    assert ask(index, "n~").error == "fuzzy_short"


def test_fuzzy_terms_are_scored_as_whoosh_scores_them(index: SearchIndex) -> None:
    """The numpy path gives Whoosh's documents and scores (each segment's own words)."""
    for q in (
        "nelayan~2",
        "iuran~1 OR sanksi~2",
        "nelayan~2 kategori:pengusaha",
        "penerima~2 OR upah~1",
        "teks:nelayan~1",
    ):
        fast = plain(ask(index, q))
        slow = plain(search(index, SearchRequest(q=q), LATEST, collector=True))
        assert fast == slow, q
        assert fast["total"] > 0


# -- ranges, wildcards, fields, operators ----------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "teks:[a TO z]",
        "{a TO z}",
        "[nelayan TO pekerja]",
        "pasal:[1 TO 9]",
        "akar:{a TO }",
        "iuran OR [a TO b]",
    ],
)
def test_ranges_are_refused(index: SearchIndex, q: str) -> None:
    outcome = ask(index, q)
    assert outcome.error == "range"
    assert not outcome.hits


def test_comparisons_wildcards_and_other_fields_stay_plain_words() -> None:
    for q in ("teks:>a", "pasal:<5", "a*", "nel*yan", "*:*", "teks:*", "id:c:1", "judul:x", "tanggal:2026",
              "dokumen:jamsos/v1", "a ANDMAYBE b", "a REQUIRE b"):  # fmt: skip
        query = parsed(q)
        kinds = {type(n) for n in nodes(query)} - {wq.And, wq.Or}
        assert kinds <= {wq.Term, type(wq.NullQuery)}, (q, query)
        assert all(n.fieldname in SEARCHABLE for n in nodes(query) if type(n) is wq.Term), (q, query)


def test_boosts_and_phrase_distances_are_bounded(index: SearchIndex) -> None:
    assert ask(index, "iuran^3 nelayan").error is None
    assert ask(index, "iuran^1000").error == "boost"
    assert ask(index, "iuran^" + "9" * 400).error == "boost"  # inf
    assert ask(index, '"iuran nelayan"').error is None
    assert ask(index, '"iuran nelayan"~5').error == "phrase_slop"


# -- length and number of terms -----------------------------------------------------------


def test_at_most_32_terms(index: SearchIndex) -> None:
    words = [f"{WORDS[i % len(WORDS)]}{i}" for i in range(40)]  # all different
    assert ask(index, " ".join(words[:32])).error is None
    assert ask(index, " OR ".join(words[:32])).error is None
    too_many = ask(index, " ".join(words[:33]))
    assert (too_many.error, too_many.error_params) == ("too_many_terms", {"limit": 32, "count": 33})
    assert ask(index, '"' + " ".join(words[:33]) + '"').error == "too_many_terms"  # a phrase's words count
    assert ask(index, "'" + " ".join(words[:33]) + "'").error == "too_many_terms"
    assert ask(index, " ".join(words[:30]) + " kategori:a status:b pasal:3").error == "too_many_terms"
    # synonyms are added to what was typed, not counted: "ojol" is one word
    assert ask(index, " ".join([*words[:31], "ojol"])).error is None


def test_at_most_512_characters(index: SearchIndex) -> None:
    at_limit = "nelayan " * 63 + "iuran"  # 509 characters
    assert len(at_limit) <= budget.MAX_CHARS
    assert ask(index, at_limit.ljust(512, "x")).error is None
    over = ask(index, "nelayan " + "x" * 505)
    assert len("nelayan " + "x" * 505) == 513
    assert (over.error, over.error_params) == ("too_long", {"limit": 512, "count": 513})
    assert not over.hits


# -- the time budget ----------------------------------------------------------------------


@pytest.fixture
def slow_decoding(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every decoding of postings takes 50 ms more (a much larger index), and is noted."""
    real = postings.read
    calls: list[float] = []

    def read(*args: Any, **kwargs: Any) -> Any:
        calls.append(time.monotonic())
        if threading.current_thread().name != "fast":
            time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(postings, "read", read)
    return calls


BROAD = " OR ".join(WORDS[:24])


def test_a_query_past_its_budget_stops_where_it_is(tmp_path: Path, slow_decoding: list[float]) -> None:
    uncached = SearchIndex(tmp_path, postings_bytes=0)  # every search decodes its postings again
    indexer._write(uncached, [d for k in range(1, 60) for d in comment(k, random.Random(k))], [], 0.0)  # noqa: S311
    ask(uncached, "nelayan", timeout=None)  # the latest-version scope and facets, built once
    slow_decoding.clear()
    start = time.perf_counter()
    outcome = ask(uncached, BROAD, timeout=0.3)
    took = time.perf_counter() - start
    assert outcome.error == "too_broad"
    assert outcome.error_params == {"seconds": 0.3}
    assert not outcome.hits
    assert outcome.total == 0
    assert took < 0.6  # stopped at the first check past 0.3 s (each step here takes 50 ms)
    stopped_after = len(slow_decoding)
    assert stopped_after < 24 * 2  # not every term of both fields was decoded
    unbounded_start = time.perf_counter()
    assert ask(uncached, BROAD, timeout=None).error is None  # the same query with no budget: answered
    assert time.perf_counter() - unbounded_start > 1.0
    uncached.close()


def test_the_budget_covers_the_suggestions(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """No hit: the "maksud Anda" corrector runs for each word, checking the deadline."""
    from whoosh.spelling import ReaderCorrector  # type: ignore[import-untyped]

    real = ReaderCorrector.suggest

    def slow(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ReaderCorrector, "suggest", slow)
    unknown = " ".join(f"{w}qx" for w in WORDS[:30])
    start = time.perf_counter()
    assert ask(index, unknown, timeout=0.2).error == "too_broad"
    assert time.perf_counter() - start < 0.5
    assert ask(index, "nelayaan", timeout=2.0).suggestion == "nelayan"


def test_a_deadline_stops_whoosh_matchers_stepped_by_the_scorer(index: SearchIndex) -> None:
    with index.searcher() as searcher:
        query = wq.Or([wq.Term("teks", "nelayan"), wq.Term("teks", "iuran")])
        stepped = Scorer(searcher, index.segments, index.postings, budget.Deadline(0.0))
        with pytest.raises(budget.TooBroad):
            stepped._whoosh(query)
        assert len(Scorer(searcher, index.segments, index.postings)._whoosh(query).ids) > 0


# -- in parallel ------------------------------------------------------------------------------


def test_searches_run_in_parallel(tmp_path: Path, slow_decoding: list[float]) -> None:
    """A slow search (every decoding 50 ms) does not hold up a quick one in another thread."""
    uncached = SearchIndex(tmp_path, postings_bytes=0)
    indexer._write(uncached, [d for k in range(1, 60) for d in comment(k, random.Random(k))], [], 0.0)  # noqa: S311
    done: dict[str, float] = {}

    def slow() -> None:
        ask(uncached, BROAD, timeout=None)  # about 2.5 s
        done["slow"] = time.monotonic()

    def fast() -> None:
        ask(uncached, "nelayan", timeout=None)
        done["fast"] = time.monotonic()

    warm = threading.Thread(target=fast, name="fast")
    warm.start()
    warm.join(10)
    slow_thread = threading.Thread(target=slow, name="slow")
    slow_thread.start()
    while not slow_decoding:  # the slow one is inside its search
        time.sleep(0.01)
    started = time.monotonic()
    fast_thread = threading.Thread(target=fast, name="fast")
    fast_thread.start()
    fast_thread.join(10)
    slow_thread.join(30)
    assert done["fast"] < done["slow"]  # it overtook the slow one
    assert done["fast"] - started < 0.5
    uncached.close()


QUERIES = ["nelayan", "iuran nelayan", '"jaminan sosial"', "nelayan OR ojol", "iuran NOT nelayan", "sanksi~",
           "NOT iuran", "kerja^3 iuran", "pasal:3", "nelayaan"]  # fmt: skip


def test_results_are_the_same_under_concurrency(tmp_path: Path) -> None:
    """Eight threads searching at once, while the postings cache keeps evicting, answer
    exactly what one thread answers alone."""
    small = SearchIndex(tmp_path, postings_bytes=20_000)
    rng = random.Random(5)  # noqa: S311
    indexer._write(small, [d for k in range(1, 301) for d in comment(k, rng)], [], 0.0)
    indexer._write(small, [d for k in range(301, 341) for d in comment(k, rng)], [], 0.0)
    alone = {q: plain(ask(small, q, timeout=None)) for q in QUERIES}
    for q in QUERIES:
        page2 = SearchRequest(q=q, page=2, chosen={"kategori": "pengusaha"})
        alone[q + "#2"] = plain(search(small, page2, LATEST, timeout=None))
    failures: list[str] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        barrier.wait()
        order = QUERIES[n:] + QUERIES[:n]
        for _ in range(3):
            for q in order:
                if plain(ask(small, q, timeout=None)) != alone[q]:
                    failures.append(q)
                page2 = SearchRequest(q=q, page=2, chosen={"kategori": "pengusaha"})
                if plain(search(small, page2, LATEST, timeout=None)) != alone[q + "#2"]:
                    failures.append(q + "#2")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures
    assert small.postings.size <= 20_000
    assert small.postings.size == sum(p.nbytes for p in small.postings.entries.values())
    small.close()


def test_each_thread_has_its_own_searcher_on_the_latest_generation(index: SearchIndex) -> None:
    seen: dict[str, Any] = {}

    def look(name: str) -> None:
        with index.searcher() as searcher:
            seen[name] = searcher

    for name in ("a", "b"):
        thread = threading.Thread(target=look, args=(name,))
        thread.start()
        thread.join(10)
    assert seen["a"] is not seen["b"]
    with index.searcher() as mine:
        before = ask(index, "nelayan").total
        indexer._write(index, comment(901, random.Random(9), body="Nelayan lagi."), [], 0.0)  # noqa: S311
        with index.searcher() as nested:  # inside the same thread: the same searcher, never closed under it
            assert nested is mine
    assert ask(index, "nelayan").total == before + 1  # reopened once the outer one is done
