from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.versions.diff import new_text, old_text, tokenize, word_diff

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
    assert [p.op for p in word_diff("satu dua", "tiga empat")] == ["delete", "insert"]


def reference_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The plain comparison word_diff must equal, from tokenize(): the common head and
    tail of the two token lists, then difflib over every token between them."""
    from difflib import SequenceMatcher

    lead_a, lead_b = old[: len(old) - len(old.lstrip())], new[: len(new) - len(new.lstrip())]
    a = [t.text + t.space for t in tokenize(old)]
    b = [t.text + t.space for t in tokenize(new)]
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    raw = [("equal", lead_a)] if lead_a == lead_b else [("delete", lead_a), ("insert", lead_b)]
    raw.append(("equal", "".join(a[:head])))
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(middle_a[i1:i2])))
        else:
            raw += [("delete", "".join(middle_a[i1:i2])), ("insert", "".join(middle_b[j1:j2]))]
    raw.append(("equal", "".join(a[len(a) - tail :])))
    merged: list[tuple[str, str]] = []
    for op, text in raw:
        if text and merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=30).map(" ".join), st.data())
def test_the_shortcuts_give_the_same_pieces_as_comparing_every_token(old: str, data: st.DataObject) -> None:
    """word_diff splits tokens with one regular expression and skips difflib where one
    word replaces another: the pieces must be those of the plain comparison."""
    words = old.split(" ")
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.integers(0, len(words)))
        action = data.draw(st.sampled_from(["insert", "replace", "delete"]))
        if action == "insert" or not words[where:]:
            words.insert(where, data.draw(WORDS))
        elif action == "replace":
            words[where] = data.draw(WORDS)
        else:
            del words[where]
    new = " ".join(words)
    assert [(p.op, p.text) for p in word_diff(old, new)] == reference_diff(old, new)


def test_folding_keeps_three_lines_around_each_change_and_counts_the_rest() -> None:
    from markupsafe import Markup

    from portal.versions.redline import folded

    old = "".join(f"baris {i} tetap\n" for i in range(100))
    new = old.replace("baris 50 tetap", "baris 50 berubah").replace("baris 52 tetap", "baris 52 diubah")
    runs = folded(word_diff(old, new))
    assert [run for run in runs if isinstance(run, int)] == [47, 43]  # lines 0-46 and 57-99
    (marked,) = [run for run in runs if isinstance(run, Markup)]
    assert marked.startswith("baris 47 tetap\n")
    assert marked.endswith("baris 56 tetap\n")
    assert "baris 50 <del>tetap\n</del><ins>berubah\n</ins>baris 51 tetap\n" in marked
    assert folded(word_diff("a b", "a c")) == [Markup("a <del>b</del><ins>c</ins>")]  # short: nothing folded
