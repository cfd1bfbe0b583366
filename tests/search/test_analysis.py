"""Tests for the Indonesian analyzers, synonyms and citation parsing of the search index."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage
from whoosh.highlight import UppercaseFormatter
from whoosh.qparser import QueryParser

from portal.search.analysis import (
    CITATION,
    STOP_WORDS,
    parse_citation,
    stem,
    stem_analyzer,
    surface_analyzer,
    words,
)
from portal.search.synonyms import SYNONYMS, expand, parse_synonyms

NORMATIVE = [
    "tidak",
    "wajib",
    "dapat",
    "harus",
    "dilarang",
    "paling",
    "kecuali",
    "dan/atau",
    "atau",
    "dan",
    "belum",
    "sedikit",
    "lama",
    "banyak",
    "setiap",
    "pada",
    "dalam",
]


def surface(text: str) -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar) for t in surface_analyzer()(text, positions=True, chars=True)
    ]


def stems(text: str) -> list[str]:
    return [t.text for t in stem_analyzer()(text)]


# --- tokenizer -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pasal 5a", ["pasal", "5a"]),
        ("Pasal 12A", ["pasal", "12a"]),
        ("ayat (2)", ["ayat", "2"]),
        ("ayat (1a)", ["ayat", "1a"]),
        ("denda Rp50.000.000,00", ["denda", "rp50.000.000,00"]),
        ("paling banyak Rp 1.000", ["paling", "banyak", "rp1.000"]),
        ("Rp. 1.000", ["rp1.000"]),
        ("1.000 orang", ["1.000", "orang"]),
        ("30 hari", ["30", "hari"]),
        ("2,5 kali", ["2,5", "kali"]),
        ("65% upah", ["65", "upah"]),
        ("dan/atau", ["dan/atau"]),
        ("PU/PPU dan SP/SB", ["pu/ppu", "dan", "sp/sb"]),
        ("Kabupaten/Kota", ["kabupaten/kota"]),
        ("peraturan perundang-undangan", ["peraturan", "perundang-undangan"]),
        ("undang-undang", ["undang-undang"]),
        ("ojek-daring", ["ojek-daring"]),
        ("Jum'at", ["jum'at"]),
        ("Pasal 5.", ["pasal", "5"]),
        ("huruf a, b, dan c;", ["huruf", "a", "b", "dan", "c"]),
        ("kafé Ärzte", ["kafé", "ärzte"]),
    ],
)
def test_tokens_kept_whole(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_ayat_marker_offsets_point_inside_parentheses() -> None:
    text = "Pasal 3 ayat (1a) dan ayat (2)"
    tokens = surface(text)
    assert tokens[3] == ("1a", 3, 14, 16)
    assert text[14:16] == "1a"
    assert tokens[-1][0] == "2"
    assert text[tokens[-1][2] : tokens[-1][3]] == "2"


def test_offsets_cover_original_text() -> None:
    text = "Setiap PEMBERI Kerja wajib membayar Rp. 50.000 dan/atau 65%."
    for token_text, _pos, start, end in surface(text):
        original = text[start:end]
        if token_text.startswith("rp"):
            assert original == "Rp. 50.000"
        else:
            assert original.lower() == token_text


def test_start_pos_and_start_char_shift_tokens() -> None:
    # The analyzer reuses one Token object, so read each token while iterating.
    tokens = surface_analyzer()("ayat (2)", positions=True, chars=True, start_pos=10, start_char=100)
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in tokens] == [
        ("ayat", 10, 100, 104),
        ("2", 11, 106, 107),
    ]


def test_tokenize_false_yields_whole_value() -> None:
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in surface_analyzer()("Pasal 5", tokenize=False, positions=True, chars=True)
    ]
    assert tokens == [("pasal 5", 0, 0, 7)]


def test_lowercase() -> None:
    assert words("PEMBERI Kerja BPJS") == ["pemberi", "kerja", "bpjs"]


def test_normative_words_kept() -> None:
    assert words(" ".join(NORMATIVE)) == NORMATIVE
    assert not STOP_WORDS.intersection(NORMATIVE)


def test_stop_words_dropped() -> None:
    assert words("pekerja yang terdaftar di BPJS dan itu adalah kewajiban oleh pemberi kerja tersebut") == [
        "pekerja",
        "terdaftar",
        "bpjs",
        "dan",
        "kewajiban",
        "pemberi",
        "kerja",
    ]


def test_positions_consecutive_after_stop_words() -> None:
    assert [pos for _text, pos, _s, _e in surface("jaminan yang sosial itu bagi pekerja")] == [0, 1, 2]


def test_stopped_tokens_kept_when_not_removing_stops() -> None:
    # Whoosh's highlighter analyses with removestops=False; stop words must come through unstemmed.
    tokens = [(t.text, t.stopped) for t in stem_analyzer()("yang bekerja", removestops=False)]
    assert tokens == [("yang", True), ("kerja", False)]


# --- stemming --------------------------------------------------------------------------------------------


def test_stem_beside_surface() -> None:
    assert words("pekerja pekerjaan bekerja") == ["pekerja", "pekerjaan", "bekerja"]
    assert stems("pekerja pekerjaan bekerja") == ["kerja", "kerja", "kerja"]


def test_hyphenated_words_stemmed_whole() -> None:
    assert words("undang-undang") == ["undang-undang"]
    assert stems("Undang-Undang perundang-undangan") == ["undang", "undang"]
    assert stems("ojek-daring") == ["ojek-daring"]


@pytest.mark.parametrize(
    "token", ["5a", "12a", "1.000", "2,5", "30", "rp50.000.000,00", "dan/atau", "kabupaten/kota", "pu/ppu"]
)
def test_numbers_citations_and_compounds_not_stemmed(token: str) -> None:
    assert stem(token) == token
    assert stems(token) == [token]


def test_non_ascii_words_not_stemmed() -> None:
    # Sastrawi's normaliser would delete the "é" ("kafé" -> "kaf").
    assert stem("kafé") == "kafé"


def test_stem_is_cached() -> None:
    stem("pembayaran")
    hits = stem.cache_info().hits
    assert stem("pembayaran") == "bayar"
    assert stem.cache_info().hits == hits + 1


def test_stem_analyzer_is_morph_and_surface_is_not() -> None:
    assert stem_analyzer().has_morph()
    assert not surface_analyzer().has_morph()


def test_analyzers_are_singletons() -> None:
    assert surface_analyzer() is surface_analyzer()
    assert stem_analyzer() is stem_analyzer()


# --- whoosh integration ----------------------------------------------------------------------------------

DOCS = [
    ("1", "Setiap pemberi kerja wajib mendaftarkan pekerjaan dan pekerjanya dalam program jaminan sosial."),
    ("2", "Pasal 5a ayat (1a): denda paling banyak Rp50.000.000,00 dan/atau sanksi administratif."),
    ("3", "Jaminan yang diberikan bersifat sosial bagi nelayan."),
]


@pytest.fixture
def index() -> Iterator[Any]:
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        body=fields.TEXT(analyzer=surface_analyzer(), stored=True, phrase=True),
        body_stem=fields.TEXT(analyzer=stem_analyzer(), phrase=True),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for doc_id, text in DOCS:
            writer.add_document(id=doc_id, body=text, body_stem=text)
    yield ix
    ix.close()


def search_ids(ix: Any, q: Any) -> set[str]:
    with ix.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(q, limit=None)}


def test_schema_pickles() -> None:
    # Whoosh pickles the schema (with its analyzers) into the index's table of contents.
    restored = pickle.loads(pickle.dumps(stem_analyzer()))  # noqa: S301  (our own bytes)
    assert [t.text for t in restored("Para pekerja (1a)")] == ["kerja", "1a"]


def test_phrase_query(index: Any) -> None:
    parser = QueryParser("body", index.schema)
    assert search_ids(index, parser.parse('"jaminan sosial"')) == {"1"}
    assert search_ids(index, query.Phrase("body", ["jaminan", "sosial"])) == {"1"}
    assert search_ids(index, parser.parse('"dan/atau sanksi"')) == {"2"}
    # Stop words vanish on both sides, so a phrase spanning one still lines up.
    assert search_ids(index, parser.parse('"jaminan yang diberikan"')) == {"3"}


def test_citation_and_amount_terms(index: Any) -> None:
    parser = QueryParser("body", index.schema)
    assert search_ids(index, parser.parse("1a")) == {"2"}
    assert search_ids(index, parser.parse('"pasal 5a"')) == {"2"}
    assert search_ids(index, parser.parse("Rp50.000.000,00")) == {"2"}


def test_stem_query_finds_other_forms(index: Any) -> None:
    assert stem("bekerja") == stem("pekerjaan") == "kerja"
    parser = QueryParser("body_stem", index.schema)
    assert search_ids(index, parser.parse("bekerja")) == {"1"}
    assert search_ids(index, QueryParser("body", index.schema).parse("bekerja")) == set()


def test_highlights(index: Any) -> None:
    with index.searcher() as searcher:
        results = searcher.search(QueryParser("body", index.schema).parse("1a denda"))
        results.formatter = UppercaseFormatter()
        assert len(results) == 1
        snippet = results[0].highlights("body")
    assert "(1A)" in snippet
    assert "DENDA" in snippet


def test_highlights_with_stem_analyzer() -> None:
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(analyzer=stem_analyzer(), stored=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        writer.add_document(id="1", body="Pemberi kerja yang mempekerjakan pekerja asing.")
    with ix.searcher() as searcher:
        results = searcher.search(QueryParser("body", ix.schema).parse("bekerja"))
        results.formatter = UppercaseFormatter()
        snippet = results[0].highlights("body")
    ix.close()
    assert "KERJA" in snippet
    assert "PEKERJA" in snippet


# --- synonyms --------------------------------------------------------------------------------------------


def test_expand_ojol() -> None:
    assert expand("ojol") == ("ojol", "ojek daring", "ojek online")
    assert set(expand("ojek online")) == {"ojol", "ojek daring", "ojek online"}


def test_expand_bpjamsostek() -> None:
    assert "bpjs ketenagakerjaan" in expand("bpjamsostek")
    assert "bpjamsostek" in expand("bpjs ketenagakerjaan")


def test_expand_raperda() -> None:
    assert set(expand("raperda")) == {"raperda", "ranperda", "rancangan peraturan daerah"}
    assert expand("raperda")[0] == "raperda"


def test_expand_one_way() -> None:
    assert expand("dtks") == ("dtks", "dtsen")
    assert "dtks" not in expand("dtsen")


def test_expand_unknown_and_normalised() -> None:
    assert expand("nelayan") == ("nelayan",)
    assert expand("  Ojek   Daring ") == ("ojek daring", "ojol", "ojek online")


def test_every_synonym_line_parses() -> None:
    text = resources.files("portal.search").joinpath("synonyms.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.split("#", 1)[0].strip()]
    assert len(lines) >= 35
    for line in lines:
        parsed = parse_synonyms(line)
        assert len(parsed) >= 2, line
        for form, expansion in parsed.items():
            assert form == form.lower() == " ".join(form.split())
            assert expansion[0] == form
            assert len(set(expansion)) == len(expansion)
    assert parse_synonyms(text) == SYNONYMS


def test_synonym_groups_symmetric() -> None:
    for form, expansion in SYNONYMS.items():
        if form in {"dtks", "dtsen"}:
            continue
        for other in expansion:
            assert form in SYNONYMS[other]


def test_synonym_merge_and_chained_arrows() -> None:
    parsed = parse_synonyms("a = b\nb = c  # merged\n\nc -> d\nd -> e = f\n")
    assert set(parsed["a"]) == {"a", "b", "c", "d", "e", "f"}
    assert set(parsed["d"]) == {"d", "e", "f"}
    assert parsed["e"] == ("e", "f")


@pytest.mark.parametrize("line", ["a", "a = ", "a -> ", "a -> b -> c", " = b"])
def test_malformed_synonym_lines_rejected(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_synonyms(line)


# --- citations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("Pasal 12 ayat (3)", "pasal-12/ayat-3"),
        ("Pasal 12 ayat (3) huruf b angka 2", "pasal-12/ayat-3/huruf-b/angka-2"),
        ("pasal 5A", "pasal-5a"),
        ("psl 12 (3)", "pasal-12/ayat-3"),
        ("ps. 12 ayat 3", "pasal-12/ayat-3"),
        ("pasal 12 (3) b", "pasal-12/ayat-3/huruf-b"),
        ("  PASAL 12  ", "pasal-12"),
        ("Pasal 12 huruf c", "pasal-12/huruf-c"),
        ("Pasal 7 ayat (1a)", "pasal-7/ayat-1a"),
        ("Pasal 7 angka 4", "pasal-7/angka-4"),
        ("Pasal 12 ayat (3) huruf (b).", "pasal-12/ayat-3/huruf-b"),
    ],
)
def test_parse_citation(text: str, path: str) -> None:
    assert parse_citation(text) == path


@pytest.mark.parametrize(
    "text",
    [
        "sanksi pasal 12 pemberi kerja",
        "iuran nelayan",
        "pasal",
        "pasal 12 b",
        "ayat (3)",
        "pasal 12 ayat",
        "Pasal 5 dan Pasal 6",
        "",
    ],
)
def test_parse_citation_rejects(text: str) -> None:
    assert parse_citation(text) is None
    assert CITATION.fullmatch(text) is None
