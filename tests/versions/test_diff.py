from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.versions.diff import changed_share, new_text, old_text, tokenize, word_diff

WORDS = st.sampled_from(
    ["Pasal 5 ayat (2)", "huruf b", "Rp50.000.000,00", "30", "(tiga", "puluh)", "hari", "dan/atau", ";", ",",
     "wajib", "Pemberi", "Kerja", "perundang-undangan", "  ", "\n", ".", "ayat (1)", "Pekerja"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=30).map(" ".join), st.lists(WORDS, max_size=30).map(" ".join))
def test_pieces_give_back_both_texts_exactly(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert old_text(pieces) == old
    assert new_text(pieces) == new
    assert all(p.text for p in pieces)


def test_citations_amounts_and_compounds_are_single_tokens() -> None:
    text = "sebagaimana dimaksud dalam Pasal 12 ayat (1) huruf a dikenai denda Rp50.000.000,00 dan/atau sanksi perundang-undangan."
    assert [t.text for t in tokenize(text)] == [
        "sebagaimana", "dimaksud", "dalam", "Pasal 12 ayat (1) huruf a", "dikenai", "denda", "Rp50.000.000,00",
        "dan/atau", "sanksi", "perundang-undangan", ".",
    ]  # fmt: skip


def test_a_renumbered_reference_is_one_replaced_citation() -> None:
    pieces = word_diff(
        "sebagaimana dimaksud dalam Pasal 12 ayat (1) dilakukan paling lama 30 (tiga puluh) hari.",
        "sebagaimana dimaksud dalam Pasal 13 ayat (1) dilakukan paling lama 14 (empat belas) hari.",
    )
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "sebagaimana dimaksud dalam "),
        ("delete", "Pasal 12 ayat (1) "),
        ("insert", "Pasal 13 ayat (1) "),
        ("equal", "dilakukan paling lama "),
        ("delete", "30 "),
        ("insert", "14 "),
        ("equal", "("),
        ("delete", "tiga puluh"),
        ("insert", "empat belas"),
        ("equal", ") hari."),
    ]


def test_equal_texts_have_no_changes() -> None:
    pieces = word_diff("Cukup jelas.", "Cukup jelas.")
    assert [(p.op, p.text) for p in pieces] == [("equal", "Cukup jelas.")]
    assert changed_share(pieces) == 0.0
    assert changed_share(word_diff("satu dua", "tiga empat")) == 1.0
