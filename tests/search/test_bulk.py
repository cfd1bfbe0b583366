"""``bulk.BulkWriter`` (``portal reindex``) builds the index Whoosh's own writer builds.

The same documents through both writers: every term of every field with the same postings
(documents, weights, values with the positions, block statistics), the same stored
fields, field lengths and sortable columns; the search answers the same. The fast
tokenizer gives what the analyzer chain gives, positions included.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index  # type: ignore[import-untyped]

from portal.search import bulk
from portal.search.analysis import stem, stem_analyzer, surface_analyzer
from portal.search.documents import Doc
from portal.search.index import SearchIndex
from portal.search.services import SearchRequest, search

from .test_scoring import LATEST, QUERIES, comment

TEXTS = [
    "Yang dimaksud dengan iuran adalah Rp50.000,00 per bulan.",
    "Denda Rp. 1.000.000 atau rp 2,5 juta; RP.300 dan Rp\u00a0400 (lihat Pasal 5A ayat (1a)).",
    "adalah yang di ke dari: kata pertama setelah kata henti, 65% dari 2,5 dan 1.000",
    "Peraturan perundang-undangan dan/atau PU/PPU, Kabupaten/Kota; Jum'at, kafé, ÉTÉ, İstanbul",
    "undang-undang undang-undang undang-undang pekerja pekerja bukan penerima upah pekerja",
    "rp-ku Rp x Rp.y 30.000 3.5.7 a-b-c -- // _under_score_ 12A 5a",
    "",
    "yang yang",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_words_are_the_analyzers_words_and_positions(text: str) -> None:
    first, words = bulk.surface_words(text)
    surface = [(t.text, t.pos) for t in surface_analyzer()(text, positions=True, mode="index")]
    assert [(w, first + i) for i, w in enumerate(words)] == surface
    stems = [(t.text, t.pos) for t in stem_analyzer()(text, positions=True, mode="index")]
    assert [(stem(w), first + i) for i, w in enumerate(words)] == stems


# The characters and pieces the two tokenizers treat specially, and ordinary words.
_PIECES = st.sampled_from([
    "Rp", "rp", "RP", ".", ",", " ", "\u00a0", "\t", "\n", "-", "/", "'", "(", ")", "%", "_", ":",
    "50.000", "1.000.000,00", "2,5", "5A", "1a", "yang", "dan", "di", "ke", "dari", "adalah",
    "iuran", "pekerja", "undang-undang", "dan/atau", "Kabupaten/Kota", "kafé", "ÉTÉ", "İstanbul", "Jum'at",
])  # fmt: skip
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=30).map("".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
)


@given(_TEXTS)
@settings(max_examples=300, deadline=None)
def test_fast_words_equal_the_analyzers_words_on_any_text(text: str) -> None:
    """The bulk writer's tokenizer (``bulk.surface_words``) and the analyzers of the schema
    (``LegalTokenizer`` with the stop filter, and the stemmer) must give the same words at
    the same positions, or the two indexes of one corpus would differ (#17)."""
    first, words = bulk.surface_words(text)
    surface = [(t.text, t.pos) for t in surface_analyzer()(text, positions=True, mode="index")]
    assert [(w, first + i) for i, w in enumerate(words)] == surface
    stems = [(t.text, t.pos) for t in stem_analyzer()(text, positions=True, mode="index")]
    assert [(stem(w), first + i) for i, w in enumerate(words)] == stems


def corpus() -> list[Doc]:
    rng = random.Random(11)  # noqa: S311
    docs: list[Doc] = []
    for k in range(1, 201):
        docs += comment(k, rng, versi="v1" if k % 10 == 0 else "v2")
    for k, text in enumerate(TEXTS, 201):
        docs += comment(k, rng, body=text or "kosong")
    docs.append(
        {"id": "p:1:pasal-1", "tipe": "ketentuan", "dokumen": "jamsos/v2", "regulasi": "jamsos", "versi": "v2",
         "path": "pasal-1", "judul": "Pasal 1", "jenis": "pasal", "bab": "BAB I", "pasal": "1",
         "teks": TEXTS[0], "akar": TEXTS[0], "tanggal": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)}
    )  # fmt: skip
    return docs


def build(search_index: SearchIndex, docs: list[Doc], writer: str, limitmb: int = bulk.LIMIT_MB) -> Any:
    folder = search_index.create_dir()
    ix = whoosh_index.open_dir(str(folder))
    w = bulk.BulkWriter(ix, limitmb=limitmb) if writer == "bulk" else ix.writer()
    for doc in docs:
        w.add_document(**doc)
    w.commit(merge=False)
    return whoosh_index.open_dir(str(folder))


def postings(reader: Any, field: str, text: bytes, blocks: bool) -> list[tuple[Any, ...]]:
    matcher = reader.postings(field, text)
    out = []
    while matcher.is_active():
        row: tuple[Any, ...] = (matcher.id(), matcher.weight(), matcher.value())
        if blocks:
            row += (matcher.block_min_length(), matcher.block_max_length(), matcher.block_max_weight())
        out.append(row)
        matcher.next()
    return out


def assert_same_index(fast: Any, slow: Any, blocks: bool = True) -> None:
    a, b = fast.reader(), slow.reader()
    assert a.doc_count_all() == b.doc_count_all()
    assert list(a.all_stored_fields()) == list(b.all_stored_fields())
    schema = slow.schema
    for field in schema.names():
        if schema[field].indexed:
            terms = list(b.lexicon(field))
            assert list(a.lexicon(field)) == terms, field
            for text in terms:
                assert postings(a, field, text, blocks) == postings(b, field, text, blocks), (field, text)
        if schema[field].scorable:
            assert a.field_length(field) == b.field_length(field)
            lengths = [b.doc_field_length(n, field) for n in range(b.doc_count_all())]
            assert [a.doc_field_length(n, field) for n in range(a.doc_count_all())] == lengths
        if schema[field].column_type:
            assert list(a.column_reader(field)) == list(b.column_reader(field)), field


def test_the_same_index_as_whoosh_writes(tmp_path: Path) -> None:
    search_index = SearchIndex(tmp_path)
    docs = corpus()
    fast, slow = build(search_index, docs, "bulk"), build(search_index, docs, "whoosh")
    assert len(fast.reader().leaf_readers()) == 1
    assert_same_index(fast, slow)


def test_a_full_segment_starts_another(tmp_path: Path) -> None:
    """``limitmb`` reached: several segments, the same postings (documents numbered across
    them in the order added), the same answers to every query."""
    search_index = SearchIndex(tmp_path)
    docs = corpus()
    slow = build(search_index, docs, "whoosh")
    fast = build(search_index, docs, "bulk", limitmb=1)
    assert len(fast.reader().leaf_readers()) > 1
    assert_same_index(fast, slow, blocks=False)

    answers = []
    for ix in (fast, slow):
        search_index.publish(Path(ix.storage.folder))
        answers.append([search(search_index, SearchRequest(q=q), LATEST) for q in QUERIES])
    for mine, theirs in zip(*answers, strict=True):
        assert (mine.total, mine.facets) == (theirs.total, theirs.facets)
        assert [(h.to_json(), round(h.score, 9)) for h in mine.hits] == [
            (h.to_json(), round(h.score, 9)) for h in theirs.hits
        ]


def test_only_for_a_new_index(tmp_path: Path) -> None:
    search_index = SearchIndex(tmp_path)
    ix = build(search_index, corpus()[:5], "whoosh")
    with pytest.raises(ValueError, match="new index"):
        bulk.BulkWriter(ix)


def test_boosts_and_stored_values_take_the_general_path(tmp_path: Path) -> None:
    """A document with a boost or a ``_stored_`` value is not one ``add_document`` takes
    directly (``_add_any``): the same index all the same, mixed with the direct ones."""
    search_index = SearchIndex(tmp_path)
    docs = corpus()[:60]
    for k, doc in enumerate(docs):
        if k % 3 == 0:
            docs[k] = {**doc, "_boost": 2.0}
        elif k % 5 == 0:
            docs[k] = {**doc, "_stored_teks": "disimpan", "_akar_boost": 0.5}
    fast, slow = build(search_index, docs, "bulk"), build(search_index, docs, "whoosh")
    assert_same_index(fast, slow)


def test_term_blocks_spanning_many_documents(tmp_path: Path) -> None:
    """Terms in more documents than a block holds (128): several blocks per term, the last
    one full or not, through ``blocks.write_term``."""
    search_index = SearchIndex(tmp_path)
    docs = corpus()
    docs = docs[:256] + docs[:256]  # ``id`` twice: still two documents each
    fast, slow = build(search_index, docs, "bulk"), build(search_index, docs, "whoosh")
    assert_same_index(fast, slow)
