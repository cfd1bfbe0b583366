from __future__ import annotations

from pathlib import Path

import pytest

from portal.document import DraftError, parse

DATA = Path(__file__).resolve().parents[1] / "data"

FRONT = """---
slug: contoh
versi: v1
label: Draf Awal
tanggal: 2026-01-15
jenis: Peraturan Daerah Provinsi
daerah: Provinsi Banten
tentang: Contoh Pengaturan
pembentuk: GUBERNUR BANTEN
---
"""


def doc(body: str) -> str:
    return FRONT + "\n" + body.strip() + "\n"


def problems(text: str, lang: str = "id") -> list[str]:
    with pytest.raises(DraftError) as info:
        parse(text)
    return info.value.render(lang)


def test_spec_example_paths_in_document_order() -> None:
    document = parse((DATA / "contoh.md").read_text(encoding="utf-8"))
    assert document.paths() == [
        "menimbang", "menimbang/huruf-a", "menimbang/huruf-b",
        "mengingat", "mengingat/angka-1", "mengingat/angka-2",
        "bab-i", "pasal-1", "pasal-1/angka-1", "pasal-1/angka-2",
        "pasal-1/angka-2/huruf-a", "pasal-1/angka-2/huruf-b",
        "bab-ii", "pasal-2", "pasal-2/ayat-1", "pasal-2/ayat-2",
        "penjelasan/pasal-2", "penjelasan/pasal-2/ayat-1", "penjelasan/pasal-2/ayat-2",
        "penjelasan-umum",
    ]  # fmt: skip


def test_metadata_and_title() -> None:
    document = parse((DATA / "contoh.md").read_text(encoding="utf-8"))
    assert document.meta.slug == "contoh"
    assert document.meta.tahap == "penyusunan"
    assert document.meta.title == (
        "RANCANGAN PERATURAN DAERAH PROVINSI BANTEN NOMOR … TAHUN … TENTANG CONTOH PENGATURAN"
    )


def test_node_fields_and_lines() -> None:
    document = parse((DATA / "contoh.md").read_text(encoding="utf-8"))
    nodes = document.index()
    pasal = nodes["pasal-1"]
    assert (pasal.kind, pasal.number, pasal.text) == (
        "pasal",
        "1",
        "Dalam Peraturan Daerah ini yang dimaksud dengan:",
    )
    assert pasal.line == 27
    bab = nodes["bab-ii"]
    assert (bab.kind, bab.number, bab.heading) == ("bab", "II", "KEPESERTAAN")
    ayat = nodes["pasal-2/ayat-2"]
    assert ayat.marker == "(2)"
    assert ayat.text.startswith("Pendaftaran sebagaimana dimaksud pada ayat (1)")
    assert nodes["penjelasan/pasal-2/ayat-1"].text == "Cukup jelas."
    assert nodes["penjelasan-umum"].text.startswith("Peraturan Daerah ini disusun")


def test_inserted_pasal_and_ayat_paths() -> None:
    text = doc("""
## BAB I — UMUM

##### Pasal 5

(1) Satu.

(1a) Sisipan.

(2) Dua.

##### Pasal 5A

Pasal sisipan.
""")
    document = parse(text)
    assert document.paths() == [
        "bab-i",
        "pasal-5",
        "pasal-5/ayat-1",
        "pasal-5/ayat-1a",
        "pasal-5/ayat-2",
        "pasal-5a",
    ]
    assert document.index()["pasal-5a"].number == "5A"


def test_four_levels_of_rincian_and_continuation_lines() -> None:
    text = doc("""
##### Pasal 5
(1) Kewajiban meliputi:
a. pendaftaran
   yang dilanjutkan di baris berikut:
1. pekerja tetap:
a) pekerja harian; dan
1) pekerja borongan.
2) pekerja musiman.
b) pekerja paruh waktu.
2. pekerja kontrak;
b. pembayaran iuran.
(2) Cukup.
""")
    document = parse(text)
    assert document.paths() == [
        "pasal-5", "pasal-5/ayat-1", "pasal-5/ayat-1/huruf-a",
        "pasal-5/ayat-1/huruf-a/angka-1", "pasal-5/ayat-1/huruf-a/angka-1/huruf-a",
        "pasal-5/ayat-1/huruf-a/angka-1/huruf-a/angka-1",
        "pasal-5/ayat-1/huruf-a/angka-1/huruf-a/angka-2",
        "pasal-5/ayat-1/huruf-a/angka-1/huruf-b",
        "pasal-5/ayat-1/huruf-a/angka-2", "pasal-5/ayat-1/huruf-b", "pasal-5/ayat-2",
    ]  # fmt: skip
    nodes = document.index()
    assert nodes["pasal-5/ayat-1/huruf-a"].text == "pendaftaran yang dilanjutkan di baris berikut:"
    assert nodes["pasal-5/ayat-1/huruf-a/angka-1/huruf-a"].marker == "a)"


def test_units_with_and_without_blank_lines_are_the_same() -> None:
    tight = doc("##### Pasal 1\n(1) Satu.\n(2) Dua.\n")
    loose = doc("##### Pasal 1\n\n(1) Satu.\n\n(2) Dua.\n")
    assert parse(tight) == parse(loose)


def test_definitions_pasal_nests_huruf_under_angka() -> None:
    text = doc("""
##### Pasal 1
Dalam Peraturan Daerah ini yang dimaksud dengan:
1. Daerah adalah Provinsi Banten.
2. Pekerja Rentan meliputi:
a. nelayan kecil; dan
b. pengemudi.
3. Gubernur adalah Gubernur Banten.
""")
    assert parse(text).paths() == [
        "pasal-1",
        "pasal-1/angka-1",
        "pasal-1/angka-2",
        "pasal-1/angka-2/huruf-a",
        "pasal-1/angka-2/huruf-b",
        "pasal-1/angka-3",
    ]


def test_marker_needs_space_after_it() -> None:
    text = doc("##### Pasal 1\n(1) Bantuan sebesar\n1.5 juta rupiah diberikan.\n")
    document = parse(text)
    assert document.paths() == ["pasal-1", "pasal-1/ayat-1"]
    assert document.index()["pasal-1/ayat-1"].text == "Bantuan sebesar 1.5 juta rupiah diberikan."


def test_indentation_means_nothing() -> None:
    text = doc("##### Pasal 1\n\n    (1) Satu.\n\n        a. huruf;\n\n- bukan daftar\n")
    nodes = parse(text).index()
    assert nodes["pasal-1/ayat-1/huruf-a"].text == "huruf; - bukan daftar"


def test_heading_levels_and_separators_are_free() -> None:
    text = doc(
        "# BAB I – KETENTUAN UMUM\n\n## Bagian Kedua Belas - Lain\n\n#### Paragraf 2 — X\n\n# Pasal 1\n\nTeks.\n"
    )
    document = parse(text)
    assert document.paths() == [
        "bab-i",
        "bab-i/bagian-kedua-belas",
        "bab-i/bagian-kedua-belas/paragraf-2",
        "pasal-1",
    ]
    nodes = document.index()
    assert nodes["bab-i/bagian-kedua-belas"].number == "Kedua Belas"
    assert nodes["bab-i"].heading == "KETENTUAN UMUM"


def test_bab_with_suffix_and_lampiran_numbering() -> None:
    text = doc(
        "## BAB IXA — SISIPAN\n\n##### Pasal 1\n\nTeks.\n\n## Lampiran I — Tabel\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Lampiran II\n\nTeks.\n"
    )
    document = parse(text)
    assert document.paths() == ["bab-ixa", "pasal-1", "lampiran-i", "lampiran-ii"]
    lampiran = document.index()["lampiran-i"]
    assert lampiran.heading == "Tabel"
    assert lampiran.text == "| a | b |\n|---|---|\n| 1 | 2 |"


def test_pasal_without_bab() -> None:
    assert parse(doc("##### Pasal 1\n\nTeks.\n\n##### Pasal 2\n\nTeks.")).paths() == ["pasal-1", "pasal-2"]


def test_penjelasan_labels_nest_by_stack_rule() -> None:
    text = doc("""
##### Pasal 1
Dalam Peraturan Daerah ini yang dimaksud dengan:
12. Pekerja meliputi:
c. pekerja rentan.

::: penjelasan
Umum untuk seluruh Pasal.

Angka 12
Huruf c
Yang dimaksud dengan "pekerja rentan" adalah pekerja dengan penghasilan rendah.

Paragraf kedua.
:::
""")
    nodes = parse(text).index()
    assert nodes["penjelasan/pasal-1"].text == "Umum untuk seluruh Pasal."
    assert nodes["penjelasan/pasal-1/angka-12"].marker == "Angka 12"
    explained = nodes["penjelasan/pasal-1/angka-12/huruf-c"]
    assert explained.text == (
        'Yang dimaksud dengan "pekerja rentan" adalah pekerja dengan penghasilan rendah.\n\nParagraf kedua.'
    )
    assert explained.kind == "penjelasan"


def test_free_sections_keep_markers_as_text() -> None:
    text = doc(
        "##### Pasal 1\n\nTeks.\n\n## Penjelasan Umum\n\n1. Ini bukan angka.\n\n### I. UMUM\n\n(1) juga bukan ayat.\n"
    )
    document = parse(text)
    assert document.paths() == ["pasal-1", "penjelasan-umum"]
    assert (
        document.index()["penjelasan-umum"].text
        == "1. Ini bukan angka.\n\n### I. UMUM\n\n(1) juga bukan ayat."
    )


# --- errors -----------------------------------------------------------------


def test_pasal_out_of_order_message_in_both_languages() -> None:
    text = doc("##### Pasal 8\n\nTeks.\n\n##### Pasal 7\n\nTeks.")
    line = text.splitlines().index("##### Pasal 7") + 1
    assert problems(text) == [f"baris {line}: Pasal 7 muncul setelah Pasal 8"]
    assert problems(text, "en") == [f"line {line}: Pasal 7 appears after Pasal 8"]


def test_duplicate_paths() -> None:
    text = doc("##### Pasal 1\n\n(1) Satu.\n\n(1) Lagi.\n\n##### Pasal 1\n\nTeks.")
    found = problems(text)
    assert any("ayat (1) ganda" in p and "pasal-1/ayat-1" in p for p in found)
    assert any("Pasal 1 ganda" in p for p in found)


def test_unknown_front_matter_key_names_its_line() -> None:
    text = FRONT.replace("tentang:", "versii: v2\ntentang:") + "\n##### Pasal 1\n\nTeks.\n"
    assert problems(text, "en") == ["line 8: unknown front-matter key 'versii'"]


def test_missing_required_key_is_line_1() -> None:
    text = FRONT.replace("pembentuk: GUBERNUR BANTEN\n", "") + "\n##### Pasal 1\n\nTeks.\n"
    assert problems(text) == ["baris 1: kunci front matter wajib 'pembentuk' tidak ada"]


def test_missing_front_matter() -> None:
    assert problems("##### Pasal 1\n\nTeks.\n")[0] == (
        "baris 1: berkas tidak diawali front matter YAML di antara dua baris '---'"
    )


def test_bad_front_matter_values() -> None:
    text = (
        FRONT.replace("slug: contoh", "slug: Contoh Salah")
        .replace("tanggal: 2026-01-15", "tanggal: 2026-13-45")
        .replace("---\n", "---\ntahap: rahasia\nkonsultasi: {buka: 2026-02-01, tutup: 2026-01-01}\n", 1)
        + "\n##### Pasal 1\n\nTeks.\n"
    )
    found = problems(text, "en")
    assert (
        "line 2: invalid value for 'tahap': must be one of penyusunan, konsultasi, pembahasan, final" in found
    )
    assert any("'konsultasi'" in p and "closing date precedes" in p for p in found)
    assert any("'slug'" in p for p in found)
    assert any("'tanggal'" in p for p in found)


def test_marker_outside_pasal() -> None:
    text = doc("## BAB I — UMUM\n\n(1) Ayat yang tersesat.\n\n##### Pasal 1\n\nTeks.")
    line = text.splitlines().index("(1) Ayat yang tersesat.") + 1
    assert problems(text) == [
        f"baris {line}: penanda rincian '(1)' berada di luar Pasal, Menimbang, atau Mengingat"
    ]


def test_text_outside_any_unit() -> None:
    found = problems(doc("## BAB I — UMUM\n\nTeks liar.\n\n##### Pasal 1\n\nTeks."), "en")
    assert len(found) == 1
    assert "text is outside" in found[0]


def test_unclosed_container() -> None:
    text = doc("##### Pasal 1\n\n(1) Satu.\n\n::: penjelasan\nAyat (1)\nCukup jelas.\n")
    line = text.splitlines().index("::: penjelasan") + 1
    assert problems(text) == [f"baris {line}: kontainer '::: penjelasan' tidak ditutup dengan baris ':::'"]


def test_misplaced_and_unknown_containers() -> None:
    text = doc(
        "## Menimbang\n\na. bahwa;\n\n::: penjelasan\nx\n:::\n\n::: catatan\ny\n:::\n\n##### Pasal 1\n\nTeks."
    )
    found = problems(text, "en")
    assert any("must directly follow a Pasal" in p for p in found)
    assert any("unknown container '::: catatan'" in p for p in found)


def test_headings_unknown_malformed_and_out_of_place() -> None:
    text = doc("""
## Pendahuluan

## BAB 1 — SALAH

##### Pasal 1

Teks.

### Bagian Kesatu — Tanpa BAB

## Penjelasan Umum

Teks.

## Menimbang

a. bahwa;
""")
    found = problems(text, "en")
    assert any("unknown heading 'Pendahuluan'" in p for p in found)
    assert any("heading 'BAB 1 — SALAH' is malformed" in p for p in found)
    assert any("Menimbang appears after Penjelasan Umum" in p for p in found)


def test_bagian_and_paragraf_need_parents() -> None:
    found = problems(doc("### Bagian Kesatu — A\n\n#### Paragraf 1 — B\n\n##### Pasal 1\n\nTeks."), "en")
    assert any("Bagian Kesatu is not inside a BAB" in p for p in found)


def test_pasal_outside_bab_when_document_uses_bab() -> None:
    found = problems(doc("##### Pasal 1\n\nTeks.\n\n## BAB I — A\n\n##### Pasal 2\n\nTeks."), "en")
    assert found == [
        f"line {FRONT.count(chr(10)) + 2}: Pasal 1 stands outside any BAB although this document uses BAB"
    ]


def test_table_inside_pasal_is_refused() -> None:
    found = problems(doc("##### Pasal 1\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"), "en")
    assert any("a table is not allowed here" in p for p in found)


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = doc("##### Pasal 2\n\nTeks.\n\n##### Pasal 1\n\n(1) A.\n\n(1) B.\n\n## Apa\n")
    with pytest.raises(DraftError) as info:
        parse(text)
    lines = [p.line for p in info.value.problems]
    assert len(lines) == 3
    assert lines == sorted(lines)


def test_no_pasal_at_all() -> None:
    assert any("no Pasal" in p for p in problems(doc("## Menimbang\n\na. bahwa;"), "en"))


def test_menimbang_heading_may_end_with_a_colon() -> None:
    assert parse(doc("## Menimbang:\n\na. bahwa;\n\n##### Pasal 1\n\nTeks.")).paths()[:2] == [
        "menimbang",
        "menimbang/huruf-a",
    ]


def test_units_after_the_penjelasan_are_named_as_such() -> None:
    text = doc("##### Pasal 1\n\n(1) Satu.\n\n::: penjelasan\nCukup jelas.\n:::\n\n(2) Terlambat.\n")
    line = text.splitlines().index("(2) Terlambat.") + 1
    assert problems(text, "en") == [
        f"line {line}: '(2) Terlambat.' comes after the penjelasan container of Pasal 1; "
        "the penjelasan must be the last part of a Pasal, after all its units"
    ]


def test_second_penjelasan_container_in_one_pasal() -> None:
    text = doc("##### Pasal 1\n\nTeks.\n\n::: penjelasan\nA.\n:::\n\n::: penjelasan\nB.\n:::\n")
    first = text.splitlines().index("::: penjelasan") + 1
    found = problems(text)
    assert found == [
        f"baris {first + 4}: Pasal 1 sudah memiliki kontainer penjelasan di baris {first}; gabungkan keduanya"
    ]


def test_longer_container_fences_and_lowercase_labels() -> None:
    text = doc("##### Pasal 1\n\n(1) Satu.\n\n::::: penjelasan\nayat (1)\nCukup jelas.\n:::::\n")
    nodes = parse(text).index()
    assert nodes["penjelasan/pasal-1/ayat-1"].marker == "Ayat (1)"


def test_unexpected_content_is_named_in_the_readers_language() -> None:
    text = doc("##### Pasal 1\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "tabel tidak diperbolehkan di sini" in problems(text)[0]
    assert "a table is not allowed here" in problems(text, "en")[0]
