"""One test per rule: the clean draft passes it, a crafted variant fails it."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import ROOT
from portal.document import parse
from portal.lint import RULES, RULES_BY_CODE, Finding, lint
from tests.lint.drafts import MATERI, draft, replaced, source


def codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def only(code: str, **kwargs: str) -> list[Finding]:
    """Findings of one rule on a crafted draft (which must parse)."""
    return codes(lint(draft(**kwargs)), code)


def test_the_clean_draft_has_no_findings() -> None:
    assert lint(draft()) == []


def test_every_rule_code_of_the_reference_is_implemented() -> None:
    assert [r.code for r in RULES] == [
        "J1",
        "P2",
        "P3",
        "B1",
        "B2",
        "B3",
        "B4",
        "K1",
        "K2",
        "K3",
        "R1",
        "R2",
        "L1",
        "E1",
    ]
    errors = {r.code for r in RULES if r.severity == "error"}
    assert errors == {"J1", "P3", "B1", "B2", "K1", "K2", "K3"}


def test_j1_title() -> None:
    assert only("J1") == []
    found = only("J1", tentang="Penyelenggaraan BPJS Ketenagakerjaan.")
    assert [f.severity for f in found] == ["error", "error"]
    assert "tanda baca" in found[0].message_id
    assert "BPJS" in found[1].message_id
    assert (found[0].path, found[0].line) == ("", 1)


def test_p2_menimbang() -> None:
    assert only("P2") == []
    bad = (
        "## Menimbang\n\na. setiap pekerja berhak atas jaminan sosial.\n\n"
        "b. bahwa pekerja rentan belum terlindungi;\n\n"
        "c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
        "Peraturan Daerah tentang Hal Lain;\n\n"
    )
    found = only("P2", menimbang=bad)
    assert all(f.severity == "warning" for f in found)
    messages = [(f.path, f.message_en) for f in found]
    assert ("menimbang/huruf-a", "Menimbang huruf a must start with 'bahwa'") in messages
    assert ("menimbang/huruf-a", "Menimbang huruf a must end with ';'") in messages
    assert any(p == "menimbang/huruf-c" and "not cited: huruf b" in m for p, m in messages)
    assert any(p == "menimbang/huruf-c" and "tentang Contoh Pengaturan;" in m for p, m in messages)


def test_p2_missing_menimbang() -> None:
    found = only("P2", menimbang="")
    assert [(f.path, f.line) for f in found] == [("", 1)]


def test_p3_mengingat() -> None:
    assert only("P3") == []
    bad = (
        "## Mengingat\n\n1. Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial\n\n"
        "2. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;\n\n"
    )
    found = only("P3", mengingat=bad)
    assert [f.path for f in found] == ["mengingat/angka-1", "mengingat/angka-1"]
    assert {f.severity for f in found} == {"error"}
    assert "Pasal 18 ayat (6)" in found[1].message_id


def test_b1_divisions() -> None:
    assert only("B1") == []
    materi = (
        replaced("materi", "## BAB II — KEPESERTAAN", "## BAB III — Kepesertaan")
        .replace("### Bagian Kedua", "### Bagian Ketiga")
        .replace("#### Paragraf 2", "#### Paragraf 3")
    )
    penutup = "## BAB IV — KETENTUAN PENUTUP\n\n##### Pasal 5\n\nPeraturan Daerah ini mulai berlaku pada tanggal diundangkan.\n"
    found = only("B1", materi=materi, penutup=penutup)
    assert [(f.path, f.message_en) for f in found] == [
        ("bab-iii", "BAB numbering is out of sequence: III should be II"),
        ("bab-iii", "the title of BAB III must be in capitals"),
        (
            "bab-iii/bagian-kesatu/paragraf-3",
            "Paragraf in BAB III Bagian Kesatu numbering is out of sequence: 3 should be 2",
        ),
        ("bab-iii/bagian-ketiga", "Bagian in BAB III numbering is out of sequence: Ketiga should be Kedua"),
    ]
    assert all(f.severity == "error" for f in found)


def test_b1_bagian_restart_in_each_bab() -> None:
    penutup = "## BAB III — KETENTUAN PENUTUP\n\n### Bagian Kesatu — Umum\n\n##### Pasal 5\n\nPeraturan Daerah ini mulai berlaku pada tanggal diundangkan.\n"
    assert only("B1", penutup=penutup) == []
    assert only("B1", penutup=penutup.replace("Kesatu", "Ketiga"))


def test_b2_pasal_and_ayat() -> None:
    assert only("B2") == []
    materi = replaced("materi", "##### Pasal 3", "##### Pasal 2A").replace(
        "(2) Pendaftaran", "(3) Pendaftaran"
    )
    assert only("B2", materi=materi) != []
    found = only("B2", materi=materi.replace("Pasal 2A", "Pasal 3A"))
    assert [(f.path, f.message_en) for f in found] == [
        ("pasal-2/ayat-3", "ayat in Pasal 2 numbering is out of sequence: 3 should be (2)"),
        ("pasal-3a", "Pasal numbering is out of sequence: 3A should be 2A"),
    ]
    # an inserted Pasal right after its base is fine
    ok = replaced("materi", "##### Pasal 3", "##### Pasal 2A")
    penutup = "## BAB III — KETENTUAN PENUTUP\n\n##### Pasal 3\n\nPeraturan Daerah ini mulai berlaku pada tanggal diundangkan.\n"
    fixed = ok.replace("##### Pasal 4", "##### Pasal 2B")
    assert only("B2", materi=fixed, penutup=penutup) == []


def test_b3_rincian() -> None:
    assert only("B3") == []
    materi = (
        replaced("materi", "a. data Pekerja;", "a. data Pekerja,")
        .replace("2. tunjangan tetap; dan", "2. tunjangan tetap;")
        .replace("c. surat pernyataan.", "c. surat pernyataan;")
    )
    found = only("B3", materi=materi)
    messages = [(f.path, f.message_en) for f in found]
    assert all(f.severity == "warning" for f in found)
    assert messages == [
        ("pasal-2/ayat-2/huruf-a", "rincian huruf a should end with ';'"),
        ("pasal-2/ayat-2/huruf-c", "rincian huruf c should end with '.'"),
    ]  # the last item under a non-last item may end ';' without a conjunction
    numbered = replaced(
        "materi",
        "(1) Setiap Pemberi Kerja wajib mendaftarkan Pekerjanya sebagai peserta.",
        "(1) Pendaftaran:\n\n1. daring; atau\n\n2. luring.",
    )
    found = only("B3", materi=numbered)
    assert [f.message_en for f in found] == ["rincian at level 1 should be marked 'a.', not '1.'"]


def test_b3_conjunction_and_depth() -> None:
    materi = replaced(
        "materi",
        "2. tunjangan tetap; dan\n\nc. surat",
        "2. tunjangan tetap:\n\na) satu;\n\nb) dua.\n\nc. surat",
    )
    materi = materi.replace("b. data upah, meliputi:", "b. data upah, meliputi;")
    found = only("B3", materi=materi)
    messages = [(f.path, f.message_en) for f in found]
    assert ("pasal-2/ayat-2/huruf-b", "rincian huruf b should end with ':'") in messages
    assert (
        "pasal-2/ayat-2/huruf-b/angka-2/huruf-a",
        "rincian huruf a should end with ';' followed by 'dan', 'atau' or 'dan/atau'",
    ) in messages
    assert (
        "pasal-2/ayat-2/huruf-b/angka-2/huruf-b",
        "rincian huruf b should end with ';' or ';' followed by 'dan', 'atau' or 'dan/atau'",
    ) in messages
    four = "Gubernur mengawasi:\n\na. satu:\n\n1. dua:\n\na) tiga:\n\n1) empat."
    pasal = "Gubernur melakukan pengawasan atas pelaksanaan Pasal 2 sampai dengan Pasal 3."
    assert only("B3", materi=replaced("materi", pasal, four)) == []
    five = replaced("materi", pasal, four.replace("1) empat.", "1) empat:\n\n(1) lima."))
    found = only("B3", materi=five)
    assert [(f.path, f.message_en) for f in found] == [
        ("pasal-4/huruf-a/angka-1/huruf-a/angka-1/ayat-1", "rincian nested more than four levels deep")
    ]


def test_b3_letters_in_order() -> None:
    materi = replaced("materi", "c. surat pernyataan.", "d. surat pernyataan.")
    found = only("B3", materi=materi)
    assert [f.message_en for f in found] == ["rincian numbering is out of sequence: d should be c"]


def test_b4_numbers() -> None:
    assert only("B4") == []
    materi = replaced(
        "materi", "30 (tiga puluh) hari", "30 (tiga belas) hari sejak tanggal 1 Januari, dan 14 hari"
    )
    materi = materi.replace("Rp50.000.000,00 (lima puluh juta rupiah)", "Rp50.000.000,00")
    found = only("B4", materi=materi)
    assert [(f.path, f.message_en) for f in found] == [
        ("pasal-2/ayat-2", "'30' is written in words as 'tiga belas'; it should be 'tiga puluh'"),
        (
            "pasal-2/ayat-2",
            "the number '14' must be followed by its words in parentheses, for example '14 (empat belas)'",
        ),
        (
            "pasal-3",
            "the number 'Rp50.000.000,00' must be followed by its words in parentheses, for example 'Rp50.000.000,00 (lima puluh juta rupiah)'",
        ),
    ]
    # citations and percentages
    cited = replaced(
        "materi",
        "paling lama 30 (tiga puluh) hari",
        "sesuai dengan Pasal 1 angka 2 dan 2,5% (dua koma lima persen)",
    )
    assert only("B4", materi=cited) == []


def test_k1_definitions() -> None:
    assert only("K1") == []
    umum = """## BAB I — KETENTUAN UMUM

##### Pasal 1

Yang dimaksud dalam Peraturan Daerah ini:

1. daerah adalah Provinsi Banten;

2. Pekerja Rentan adalah pekerja yang meliputi:

a. nelayan kecil; dan

b. pengemudi transportasi berbasis aplikasi.

"""
    materi = replaced("materi", "Pekerja Rentan sebagaimana", "Pekerja rentan sebagaimana")
    found = only("K1", umum=umum, materi=materi)
    assert [(f.path, f.severity) for f in found] == [
        ("pasal-1", "error"),
        ("pasal-1/angka-1", "error"),
        ("pasal-1/angka-1", "error"),
        ("pasal-3", "warning"),
    ]
    assert "Dalam Peraturan Daerah ini yang dimaksud dengan:" in found[0].message_id
    # the ordinary lower-case sense of the words is not flagged
    plain = replaced("materi", "Pekerja Rentan sebagaimana", "pekerja rentan sebagaimana")
    assert only("K1", materi=plain) == []


def test_k2_criminal_sanctions() -> None:
    assert only("K2") == []
    pidana = (
        "Setiap orang yang melanggar ketentuan sebagaimana dimaksud dalam Pasal 2 ayat (1) dipidana dengan "
        "pidana kurungan paling lama {lama} atau pidana denda paling banyak {denda}."
    )
    good = replaced(
        "materi",
        "Gubernur melakukan pengawasan atas pelaksanaan Pasal 2 sampai dengan Pasal 3.",
        pidana.format(lama="6 (enam) bulan", denda="Rp50.000.000,00 (lima puluh juta rupiah)"),
    )
    assert only("K2", materi=good) == []
    bad = replaced(
        "materi",
        "Gubernur melakukan pengawasan atas pelaksanaan Pasal 2 sampai dengan Pasal 3.",
        pidana.format(lama="1 (satu) tahun", denda="Rp100.000.000,00 (seratus juta rupiah)"),
    )
    found = only("K2", materi=bad)
    assert [(f.path, f.severity) for f in found] == [("pasal-4", "error"), ("pasal-4", "error")]
    assert "paling lama 6 (enam) bulan" in found[0].message_id
    assert "Rp100.000.000" in found[1].message_id


def test_k3_closing() -> None:
    assert only("K3") == []
    penutup = "## BAB III — KETENTUAN PERALIHAN\n\n##### Pasal 5\n\nPeraturan Daerah ini berlaku sejak ditetapkan.\n"
    found = only("K3", penutup=penutup)
    assert [(f.path, f.line, f.severity) for f in found] == [
        ("bab-iii", found[0].line, "error"),
        ("pasal-5", found[1].line, "error"),
    ]
    assert found[0].line < found[1].line
    assert "KETENTUAN PENUTUP" in found[0].message_id


def test_r1_reference_form_and_targets() -> None:
    assert only("R1") == []
    materi = replaced("materi", "dimaksud pada ayat (1)", "dimaksud dalam ayat (1)").replace(
        "dimaksud dalam Pasal 2 ayat (2) huruf a", "dimaksud pada Pasal 9"
    )
    found = only("R1", materi=materi)
    assert [(f.path, f.message_en) for f in found] == [
        ("pasal-2/ayat-2", "write 'sebagaimana dimaksud pada ayat (1)', not '… dalam ayat (1)'"),
        ("pasal-3", "write 'sebagaimana dimaksud dalam Pasal 9', not '… pada Pasal 9'"),
        ("pasal-3", "the reference 'Pasal 9' points at a provision that does not exist"),
    ]
    assert {f.severity for f in found} == {"warning"}
    own = replaced("materi", "dimaksud pada ayat (1)", "dimaksud dalam Pasal 2 ayat (1)")
    assert "this very Pasal" in only("R1", materi=own)[0].message_en


def test_r2_ranges_lists_and_forward_references() -> None:
    assert only("R2") == []
    materi = replaced("materi", "Pasal 2 sampai dengan Pasal 3", "Pasal 2 s.d. Pasal 3").replace(
        "ayat (2) huruf a didaftarkan", "ayat (2) huruf a, b, dan c didaftarkan"
    )
    materi = materi.replace(
        "(1) Setiap Pemberi Kerja wajib", "(1) Dengan memperhatikan Pasal 4, setiap Pemberi Kerja wajib"
    )
    found = only("R2", materi=materi)
    assert [(f.path, f.message_en.split(":")[0]) for f in found] == [
        ("pasal-2/ayat-1", "'Pasal 4' refers forward to a later Pasal; check the order of the provisions"),
        ("pasal-3", "name the unit for every item of a list (e.g. 'huruf a, huruf b, dan huruf c')"),
        ("pasal-4", "write a range with 'sampai dengan' and name the unit at both ends"),
    ]


def test_l1_wording() -> None:
    assert only("L1") == []
    materi = replaced(
        "materi", "paling lama 30 (tiga puluh) hari", "selambat-lambatnya 30 (tiga puluh) hari, dll."
    )
    materi = materi.replace("Gubernur melakukan", "Barang siapa hendaknya melakukan")
    found = only("L1", materi=materi)
    assert [(f.path, f.message_en.split(":")[0]) for f in found] == [
        ("pasal-2/ayat-2", "avoid 'selambat-lambatnya'"),
        ("pasal-2/ayat-2", "avoid 'dll.'"),
        ("pasal-4", "avoid 'hendaknya'"),
        ("pasal-4", "avoid 'Barang siapa'"),
    ]


def test_e1_penjelasan() -> None:
    assert only("E1") == []
    materi = replaced(
        "materi",
        'Ayat (1)\nCukup jelas.\n\nAyat (2)\nYang dimaksud dengan "data Pekerja"',
        "Ayat (2)\nYang dimaksud dengan data Pekerja",
    ).replace(":::\n\n#### Paragraf 2", "Ayat (5)\nCukup jelas.\n:::\n\n#### Paragraf 2")
    found = only("E1", materi=materi)
    assert [(f.path, f.message_en.split(";")[0].split(":")[0]) for f in found] == [
        ("penjelasan/pasal-2", "the penjelasan of Pasal 2 must list every unit"),
        ("penjelasan/pasal-2/ayat-2", "an explained term must be in quotation marks"),
        ("penjelasan/pasal-2/ayat-5", "Penjelasan Pasal 2 ayat (5) explains a provision that does not exist"),
    ]
    assert "ayat (1)" in found[0].message_en


def test_findings_carry_line_url_and_json() -> None:
    text = source(materi=MATERI.replace("paling lama 30", "selambat-lambatnya 30"))
    finding = codes(lint(parse(text)), "L1")[0]
    assert text.splitlines()[finding.line - 1].startswith("(2) Pendaftaran")
    assert finding.url == "docs/lint-rules.md#l1"
    assert finding.to_json("en") == {
        "code": "L1",
        "severity": "warning",
        "path": "pasal-2/ayat-2",
        "line": finding.line,
        "message": "avoid 'selambat-lambatnya': use 'paling lama'",
        "url": "docs/lint-rules.md#l1",
    }
    assert finding.to_json()["message"] == "hindari 'selambat-lambatnya': gunakan 'paling lama'"


def test_findings_sorted_by_line() -> None:
    found = lint(draft(tentang="Contoh.", penutup="## BAB III — LAIN\n\n##### Pasal 5\n\nSelesai.\n"))
    assert [f.line for f in found] == sorted(f.line for f in found)
    assert found[0].code == "J1"


def test_rules_switched_off_in_front_matter() -> None:
    penutup = "## BAB III — LAIN\n\n##### Pasal 5\n\nSelesai.\n"
    assert only("K3", penutup=penutup)
    assert only("K3", penutup=penutup, extra="lint: {matikan: [K3, L1]}\n") == []
    assert lint(draft(penutup=penutup, extra="lint:\n  matikan: [k3]\n")) == []


def test_rule_texts_are_complete() -> None:
    for rule in RULES:
        assert all([rule.title_id, rule.title_en, rule.explanation_id, rule.explanation_en])
        assert all([rule.good, rule.bad])
        assert rule.good != rule.bad
    assert RULES_BY_CODE["B4"].severity == "warning"


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "tests" / "data" / "contoh.md",
        *sorted((ROOT / "drafts" / "jamsos-ketenagakerjaan").glob("v*.md")),
    ],
    ids=lambda p: Path(p).name,
)
def test_sample_drafts_have_no_warnings_beyond_known(path: Path) -> None:
    found = lint(parse(path.read_text(encoding="utf-8")))
    if path.name == "contoh.md":
        # The format spec's small example has no Ketentuan Penutup: a genuine K3 finding.
        assert [(f.code, f.path) for f in found] == [("K3", "bab-ii"), ("K3", "pasal-2")]
    else:
        assert found == []
