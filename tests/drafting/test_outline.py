"""Parts and outline operations on a draft's source (pure functions, no database)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path

import pytest

from portal.document import Document, parse
from portal.drafting import outline, parts
from portal.drafting.blocks import scan, split_lines
from portal.drafting.outline import Operation, OutlineError
from portal.lint import lint
from portal.versions.refs import find_references

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [*sorted((ROOT / "drafts").rglob("v*.md")), ROOT / "tests" / "data" / "contoh.md"]
V3 = (ROOT / "drafts" / "jamsos-ketenagakerjaan" / "v3.md").read_text(encoding="utf-8")
STRUCTURAL = ("menimbang", "mengingat", "bab", "bagian", "paragraf", "pasal", "penjelasan_umum", "lampiran")

SMALL = """---
slug: kecil
versi: v1
label: Draf Awal
tanggal: 2026-01-15
jenis: Peraturan Daerah Provinsi
daerah: Provinsi Banten
tentang: Contoh Kecil
pembentuk: GUBERNUR BANTEN
---

## Menimbang

a. bahwa sesuai dengan Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945, Daerah berwenang mengatur;

b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Peraturan Daerah;

## Mengingat

1. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;

## BAB I — KETENTUAN UMUM

##### Pasal 1

Dalam Peraturan Daerah ini yang dimaksud dengan:

1. Daerah adalah Provinsi Banten.

## BAB II — KEPESERTAAN

### Bagian Kesatu — Umum

##### Pasal 2

(1) Setiap Pemberi Kerja wajib mendaftarkan Pekerjanya.

(2) Pendaftaran dilakukan sesuai dengan Pasal 3 dan ketentuan BAB III.

::: penjelasan
Ayat (1)
Cukup jelas.

Ayat (2)
Lihat juga Pasal 4.
:::

##### Pasal 3

Tata cara pendaftaran sebagaimana dimaksud dalam Pasal 2 ayat (2) diatur dengan Peraturan Gubernur.

### Bagian Kedua — Pekerja Rentan

##### Pasal 4

Pemerintah Daerah membantu iuran Pekerja Rentan sebagaimana dimaksud dalam Pasal 1 angka 1 dan Pasal 2 sampai dengan Pasal 3.

## BAB III — PEMBIAYAAN

##### Pasal 5

Pembiayaan bersumber dari anggaran pendapatan dan belanja Daerah sebagaimana dimaksud dalam Pasal 4.

## Penjelasan Umum

Peraturan Daerah ini melaksanakan Pasal 12 Undang-Undang Nomor 23 Tahun 2014 dan mengatur kepesertaan (Pasal 2).
"""


def pasal_numbers(source: str) -> list[str]:
    return [node.number or "" for node in parse(source).pasal()]


def body_of(source: str, number: str) -> str:
    node = parse(source).index()[f"pasal-{number.lower()}"]
    return " ".join(n.text for n in node.walk())


# -- blocks and parts -----------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_blocks_carry_the_paths_the_parser_gives(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    document = parse(source)
    expected = [(n.path, n.line) for n in document.walk() if n.kind in STRUCTURAL]
    assert [(b.path, b.start + 1) for b in scan(split_lines(source))] == expected


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_part_splices_back_to_the_same_document(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for block in parts.editable(source):
        part = parts.find(source, block.path)
        assert part is not None
        assert parse(parts.splice(source, part, part.body, part.penjelasan)) == parse(source), block.path


def test_a_pasal_form_holds_its_units_and_its_penjelasan_apart() -> None:
    part = parts.find(SMALL, "pasal-2")
    assert part is not None
    assert part.label == "Pasal 2"
    assert part.body.startswith("(1) Setiap Pemberi Kerja")
    assert part.body.endswith("ketentuan BAB III.")
    assert part.penjelasan == "Ayat (1)\nCukup jelas.\n\nAyat (2)\nLihat juga Pasal 4."
    assert parts.find(SMALL, "penjelasan/pasal-2") == part
    assert (
        part.offset == SMALL.split("\n").index("(1) Setiap Pemberi Kerja wajib mendaftarkan Pekerjanya.") + 1
    )
    assert parts.find(SMALL, "pasal-9") is None
    assert parts.find(SMALL, "bab-ii") is None  # a BAB is changed from the outline, not a form


def test_editing_a_pasal_changes_its_lines_and_nothing_else() -> None:
    part = parts.find(SMALL, "pasal-3")
    assert part is not None
    new = parts.splice(
        SMALL, part, "(1) Tata cara baru.\n\n(2) Diatur lebih lanjut.", "Ayat (1)\nCukup jelas."
    )
    changed = [
        line for line in difflib.unified_diff(SMALL.split("\n"), new.split("\n"), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]  # fmt: skip
    assert all("Tata cara" in line or line in ("+", "-") or "penjelasan" in line or line[1:] in (
        "(2) Diatur lebih lanjut.", "Ayat (1)", "Cukup jelas.", ":::") for line in changed), changed  # fmt: skip
    document = parse(new)
    assert [n.path for n in document.index()["pasal-3"].children] == [
        "pasal-3/ayat-1",
        "pasal-3/ayat-2",
        "penjelasan/pasal-3",
    ]
    # An empty Penjelasan drops the container: the Pasal is "Cukup jelas."
    part2 = parts.find(SMALL, "pasal-2")
    assert part2 is not None
    without = parts.splice(SMALL, part2, part2.body, "")
    assert "penjelasan/pasal-2" not in parse(without).index()
    assert "Lihat juga Pasal 4." not in without


def test_parts_of_a_text_that_does_not_parse_can_still_be_edited() -> None:
    broken = SMALL.replace("##### Pasal 3", "##### Pasal 7")  # Pasal 7 before Pasal 4: a parse error
    part = parts.find(broken, "pasal-7")
    assert part is not None
    fixed = parts.splice(broken, part, part.body, "")
    assert "Pasal 7" in fixed


# -- the outline ----------------------------------------------------------------------------


def test_moving_a_pasal_renumbers_and_rewrites_the_references() -> None:
    outcome = outline.apply(SMALL, Operation("pindah", "pasal", "pasal-2", "setelah:pasal-4"))
    assert pasal_numbers(outcome.source) == ["1", "2", "3", "4", "5"]
    new = parse(outcome.source)
    # The old Pasal 2 is now Pasal 4, and what cited it follows.
    assert new.index()["pasal-4/ayat-1"].text == "Setiap Pemberi Kerja wajib mendaftarkan Pekerjanya."
    assert "sebagaimana dimaksud dalam Pasal 4 ayat (2)" in body_of(outcome.source, "2")
    assert "Pasal 1 angka 1 dan Pasal 4 sampai dengan Pasal 2" in body_of(outcome.source, "3")
    assert outcome.note == "Pasal 2 dipindahkan menjadi Pasal 4"
    kinds = Counter(c.kind for c in outcome.changes)
    assert kinds["moved"] == 1
    assert kinds["renumbered"] == 2
    assert any(c.kind == "range" and c.before == "Pasal 2 sampai dengan Pasal 3" for c in outcome.changes)
    # Citations of other laws, the Mengingat and the Penjelasan Umum's external citation stay.
    assert "Pasal 18 ayat (6) Undang-Undang Dasar" in outcome.source.split("## Mengingat")[0]
    assert "1. Pasal 18 ayat (6) Undang-Undang Dasar" in outcome.source
    assert "Pasal 12 Undang-Undang Nomor 23 Tahun 2014" in outcome.source
    assert "mengatur kepesertaan (Pasal 4)" in outcome.source
    # Each rewritten reference is listed with its line in the new text.
    lines = outcome.source.split("\n")
    for change in outcome.changes:
        if change.kind == "reference":
            assert change.after in lines[change.line - 1], change


def test_references_follow_their_target_wherever_a_pasal_moves() -> None:
    """The invariant: each reference still points at the same text after a move."""

    def pointed(document: Document) -> Counter[tuple[str, str]]:
        index = document.index()
        strip = re.compile(r"\d+")
        return Counter(
            (strip.sub("#", index[ref.source].text), strip.sub("#", index[ref.target].text))
            for ref in find_references(document)
            if ref.target in index
        )

    before = pointed(parse(V3))
    numbers = pasal_numbers(V3)
    for number in numbers[1::7]:
        for place in (f"setelah:pasal-{numbers[-1]}", f"setelah:pasal-{numbers[0]}"):
            if place == f"setelah:pasal-{number}" or (number, place) == (
                numbers[1],
                f"setelah:pasal-{numbers[0]}",
            ):
                continue  # where it already is
            outcome = outline.apply(V3, Operation("pindah", "pasal", f"pasal-{number}", place))
            assert pasal_numbers(outcome.source) == [str(n) for n in range(1, len(numbers) + 1)]
            assert pointed(parse(outcome.source)) == before, (number, place)


def test_deleting_a_pasal_lists_the_references_left_pointing_at_it() -> None:
    outcome = outline.apply(SMALL, Operation("hapus", "pasal", "pasal-3"))
    assert pasal_numbers(outcome.source) == ["1", "2", "3", "4"]
    assert "Tata cara pendaftaran" not in outcome.source
    gone = [c for c in outcome.changes if c.kind == "gone"]
    # Pasal 2 cites it, and so does the old Pasal 4 (now 3) as the end of a range.
    assert [(c.before, c.where) for c in gone] == [("Pasal 3", "Pasal 2"), ("Pasal 3", "Pasal 3")]
    assert any(c.kind == "range" for c in outcome.changes)
    # Left as "Pasal 3" it would name the old Pasal 4 now: it is marked for the drafter.
    assert "sesuai dengan [dihapus: Pasal 3] dan" in outcome.source
    assert gone[0].after == "[dihapus: Pasal 3]"
    assert "Lihat juga Pasal 3." in outcome.source  # the old Pasal 4 in the Penjelasan
    findings = [f for f in lint(parse(outcome.source)) if f.code == "R1" and "dihapus" in f.message("id")]
    assert [f.path for f in findings] == ["pasal-2/ayat-2", "pasal-3"]  # the linter reports each
    assert not [f for f in lint(parse(outcome.source)) if f.code == "R1" and "tidak ada" in f.message("id")]
    # A later operation leaves the marker as it is.
    again = outline.apply(outcome.source, Operation("pindah", "pasal", "pasal-3", "setelah:pasal-1"))
    assert "sesuai dengan [dihapus: Pasal 3] dan" in again.source
    assert outcome.note == "Pasal 3 dihapus"


def test_inserting_a_pasal_reads_its_references_in_todays_numbers() -> None:
    outcome = outline.apply(
        SMALL,
        Operation(
            "sisip", "pasal", position="setelah:pasal-1",
            text="(1) Pekerja berhak atas perlindungan.\n(2) Perlindungan sebagaimana dimaksud dalam Pasal 2 berlaku umum.",
            penjelasan="Ayat (1)\nCukup jelas.",
        ),
    )  # fmt: skip
    document = parse(outcome.source)
    assert pasal_numbers(outcome.source) == ["1", "2", "3", "4", "5", "6"]
    assert document.index()["pasal-2/ayat-1"].text == "Pekerja berhak atas perlindungan."
    assert "sebagaimana dimaksud dalam Pasal 3 berlaku umum" in outcome.source
    assert "penjelasan/pasal-2" in document.index()
    assert Change_kinds(outcome) >= {"inserted", "renumbered", "reference"}
    assert outcome.note == "Pasal 2 disisipkan"
    first = outline.apply(
        SMALL, Operation("sisip", "pasal", position="awal:bab-ii/bagian-kedua", text="Isi.")
    )
    assert parse(first.source).index()["pasal-4"].text == "Isi."


def Change_kinds(outcome: outline.Outcome) -> set[str]:
    return {c.kind for c in outcome.changes}


def test_bab_and_bagian_move_with_what_they_hold() -> None:
    outcome = outline.apply(SMALL, Operation("pindah", "bab", "bab-iii", "setelah:bab-i"))
    document = parse(outcome.source)
    assert [n.heading for n in document.children if n.kind == "bab"] == [
        "KETENTUAN UMUM", "PEMBIAYAAN", "KEPESERTAAN",
    ]  # fmt: skip
    assert document.index()["pasal-2"].text.startswith("Pembiayaan")
    assert "ketentuan BAB II." in outcome.source  # "BAB III" in the text followed the move
    moved = outline.apply(SMALL, Operation("pindah", "bagian", "bab-ii/bagian-kedua", "awal:bab-ii"))
    bab = parse(moved.source).index()["bab-ii"]
    assert [(c.path, c.heading) for c in bab.children] == [
        ("bab-ii/bagian-kesatu", "Pekerja Rentan"), ("bab-ii/bagian-kedua", "Umum"),
    ]  # fmt: skip
    assert pasal_numbers(moved.source) == ["1", "2", "3", "4", "5"]


def test_new_bab_and_bagian_and_deleting_a_bab_with_its_pasal() -> None:
    top = outline.apply(SMALL, Operation("sisip", "bab", position="awal:", title="ketentuan pendahuluan"))
    assert parse(top.source).children[2].heading == "KETENTUAN PENDAHULUAN"
    assert top.note == "BAB I disisipkan"
    bagian = outline.apply(
        SMALL, Operation("sisip", "bagian", position="setelah:bab-ii/bagian-kedua", title="Nelayan")
    )
    assert parse(bagian.source).index()["bab-ii/bagian-ketiga"].heading == "Nelayan"
    gone = outline.apply(SMALL, Operation("hapus", "bab", "bab-ii"))
    assert pasal_numbers(gone.source) == ["1", "2"]
    assert {c.before for c in gone.changes if c.kind == "deleted"} == {
        "BAB II",
        "Bagian Kesatu (BAB II)",
        "Bagian Kedua (BAB II)",
        "Pasal 2",
        "Pasal 3",
        "Pasal 4",
    }
    assert "sebagaimana dimaksud dalam [dihapus: Pasal 4]." in gone.source  # marked, not re-pointed
    assert any(c.kind == "gone" and c.before == "Pasal 4" for c in gone.changes)


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        (Operation("pindah", "pasal", "pasal-2", "awal:"), "position_invalid"),  # the draft has BAB
        (Operation("pindah", "pasal", "pasal-2", "awal:bab-ii"), "position_invalid"),  # a BAB with Bagian
        (Operation("pindah", "bagian", "bab-ii/bagian-kesatu", "awal:bab-iii"), "position_invalid"),
        (Operation("pindah", "bab", "bab-ii", "setelah:bab-ii"), "position_invalid"),
        (Operation("pindah", "pasal", "pasal-2", "setelah:pasal-2"), "position_invalid"),
        (Operation("pindah", "pasal", "pasal-3", "setelah:pasal-2"), "outline_same"),
        (Operation("pindah", "pasal", "pasal-9", "setelah:pasal-2"), "path_unknown"),
        (Operation("sisip", "pasal", position="setelah:pasal-2", text="  "), "pasal_empty"),
        (Operation("sisip", "bab", position="awal:", title=""), "title_empty"),
        (
            Operation(
                "sisip",
                "pasal",
                position="setelah:pasal-2",
                text="(1) Isi.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            ),
            "outline_breaks",
        ),
    ],
)
def test_refused_operations_say_why(operation: Operation, code: str) -> None:
    with pytest.raises(OutlineError) as refused:
        outline.apply(SMALL, operation)
    assert refused.value.code == code


def test_a_hundredth_bagian_is_refused_not_misnumbered() -> None:
    from portal.document.numbering import ordinal_word

    many = "\n\n".join(
        f"### Bagian {ordinal_word(n)} — Bagian {n}\n\n##### Pasal {n + 1}\n\nIsi Pasal {n + 1}."
        for n in range(1, 100)
    )
    head, _, _ = SMALL.partition("## BAB II — KEPESERTAAN")
    source = f"{head}## BAB II — KEPESERTAAN\n\n{many}\n"
    assert len([n for n in parse(source).walk() if n.kind == "bagian"]) == 99
    with pytest.raises(OutlineError) as refused:
        outline.apply(
            source, Operation("sisip", "bagian", position="setelah:bab-ii/bagian-kesatu", title="Baru")
        )
    assert refused.value.code == "bagian_too_many"


def test_a_text_that_does_not_parse_has_no_outline_operations() -> None:
    with pytest.raises(OutlineError) as refused:
        outline.apply(SMALL.replace("##### Pasal 3", "##### Pasal 7"), Operation("hapus", "pasal", "pasal-1"))
    assert refused.value.code == "outline_invalid"
    assert refused.value.problems


def test_destinations_offer_only_places_that_work() -> None:
    pasal = {d.value for d in outline.destinations(SMALL, "pasal", "pasal-2")}
    assert "setelah:pasal-2" not in pasal
    assert "setelah:pasal-4" in pasal
    assert "awal:bab-ii/bagian-kedua" in pasal
    assert "awal:bab-ii" not in pasal
    assert "awal:" not in pasal
    bagian = {d.value for d in outline.destinations(SMALL, "bagian")}
    assert bagian == {"awal:bab-ii", "setelah:bab-ii/bagian-kesatu", "setelah:bab-ii/bagian-kedua"}
    assert {d.value for d in outline.destinations(SMALL, "bab", "bab-ii")} == {"awal:", "setelah:bab-iii"}
    for place in outline.destinations(SMALL, "pasal", "pasal-2"):  # each one works, none is where it is
        moved = outline.apply(SMALL, Operation("pindah", "pasal", "pasal-2", place.value))
        assert any(c.kind == "moved" for c in moved.changes)


def test_citations_of_other_laws_stay_even_in_lists_and_ranges() -> None:
    text = SMALL.replace(
        "Peraturan Daerah ini melaksanakan Pasal 12 Undang-Undang Nomor 23 Tahun 2014",
        "Peraturan Daerah ini melaksanakan Pasal 2 ayat (1) huruf b dan huruf c Undang-Undang Nomor 23 "
        "Tahun 2014, Pasal 2 dan Pasal 3 UU Nomor 24 Tahun 2011, Pasal 2 sampai dengan Pasal 4 PP Nomor 86 "
        "Tahun 2013, Pasal 3 Permendagri Nomor 80 Tahun 2015",
    )
    outcome = outline.apply(text, Operation("pindah", "pasal", "pasal-2", "setelah:pasal-4"))
    umum = outcome.source.split("## Penjelasan Umum")[1]
    assert "Pasal 2 ayat (1) huruf b dan huruf c Undang-Undang Nomor 23" in umum
    assert "Pasal 2 dan Pasal 3 UU Nomor 24" in umum
    assert "Pasal 2 sampai dengan Pasal 4 PP Nomor 86" in umum
    assert "Pasal 3 Permendagri" in umum
    assert "mengatur kepesertaan (Pasal 4)" in umum  # this draft's own Pasal 2 did move
    assert not any(c.kind == "range" and "PP" in c.before for c in outcome.changes)


def test_a_new_pasal_cannot_carry_a_heading_or_a_container_line() -> None:
    for text, penjelasan in (
        ("(1) Isi.\n\n##### Pasal 2A\n\n(1) Lagi.", ""),
        ("(1) Isi.", "Ayat (1)\n:::\nLagi"),
    ):
        with pytest.raises(OutlineError, match="heading_in_part"):
            outline.apply(
                SMALL,
                Operation("sisip", "pasal", position="setelah:pasal-1", text=text, penjelasan=penjelasan),
            )


def test_bagian_and_paragraf_are_named_with_their_bab() -> None:
    with_paragraf = SMALL.replace("##### Pasal 4", "#### Paragraf 1 — Nelayan\n\n##### Pasal 4")
    moved = outline.apply(with_paragraf, Operation("pindah", "bagian", "bab-ii/bagian-kedua", "awal:bab-ii"))
    assert moved.note == "Bagian Kedua (BAB II) dipindahkan menjadi Bagian Kesatu (BAB II)"
    assert Change_pairs(moved, "renumbered") >= {
        ("Bagian Kesatu (BAB II)", "Bagian Kedua (BAB II)"),
        ("Paragraf 1 (Bagian Kedua, BAB II)", "Paragraf 1 (Bagian Kesatu, BAB II)"),
    }
    places = outline.destinations(SMALL, "bagian", "bab-ii/bagian-kedua")
    assert [(p.value, p.label) for p in places] == [
        ("awal:bab-ii", "BAB II — KEPESERTAAN")
    ]  # not where it is


def Change_pairs(outcome: outline.Outcome, kind: str) -> set[tuple[str, str]]:
    return {(c.before, c.after) for c in outcome.changes if c.kind == kind}


def test_field_lines_are_counted_in_the_field() -> None:
    part = parts.find(SMALL, "pasal-2")
    assert part is not None
    body, penjelasan = "\n\n(1) Ayat.\n##### Pasal 9\n(2) Lagi.", "Ayat (1)\nCukup.\n:::\nsisa"
    spliced = parts.splice(SMALL, part, body, penjelasan)
    where = parts.fields(part, body, penjelasan)
    lines = spliced.split("\n")
    assert lines[where.body_line - 1] == "(1) Ayat."
    assert where.locate(lines.index("##### Pasal 9") + 1) == ("isi", 4)  # two blank lines were dropped
    assert where.locate(lines.index(":::") + 1) == ("penjelasan", 3)
    assert where.locate(1) is None


def test_free_text_keeps_its_line_breaks() -> None:
    part = parts.find(SMALL, "penjelasan-umum")
    assert part is not None
    spliced = parts.splice(SMALL, part, "Baris pertama  \nbaris kedua.")
    assert "Baris pertama  \nbaris kedua." in spliced
