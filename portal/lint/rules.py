"""The rule registry and ``lint()``.

Severities follow the confidence marks of the drafting reference as this
project reads them: rules marked [K] are errors (a single check inside such a
rule that is only a heuristic reports a warning); rules marked [V] or [V/K]
are warnings.
"""

from __future__ import annotations

from portal.document import Document
from portal.lint import content, references, rincian, structure
from portal.lint.findings import Finding, Rule

_HEURISTIC_ID = " Aturan ini berupa peringatan karena pemeriksaannya bersifat perkiraan."
_HEURISTIC_EN = " This rule gives warnings because its check is a heuristic."

RULES: tuple[Rule, ...] = (
    Rule(
        code="J1",
        title_id="Judul",
        title_en="Title",
        severity="error",
        explanation_id=(
            "Judul ditulis seluruhnya dengan huruf kapital, tanpa tanda baca di akhir, dan tanpa "
            "singkatan atau akronim; judul rancangan diawali kata RANCANGAN. Judul dibentuk dari "
            "front matter, jadi periksa kunci 'tentang'."
        ),
        explanation_en=(
            "The title is all capitals, has no final punctuation and no abbreviation or acronym; "
            "a draft's title starts RANCANGAN. The title is built from the front matter, so check "
            "the 'tentang' key."
        ),
        good="tentang: Penyelenggaraan Jaminan Sosial Ketenagakerjaan",
        bad="tentang: Penyelenggaraan BPJS Ketenagakerjaan.",
        check=structure.check_title,
    ),
    Rule(
        code="P2",
        title_id="Konsiderans Menimbang",
        title_en="Considerations (Menimbang)",
        severity="warning",
        explanation_id=(
            "Setiap butir Menimbang diawali kata 'bahwa' dan diakhiri tanda titik koma. Butir terakhir "
            "merujuk semua huruf sebelumnya dan diakhiri 'perlu menetapkan Peraturan Daerah tentang …;'."
            + _HEURISTIC_ID
        ),
        explanation_en=(
            "Each Menimbang item starts with 'bahwa' and ends with ';'. The last item cites every "
            "earlier letter and ends 'perlu menetapkan Peraturan Daerah tentang …;'." + _HEURISTIC_EN
        ),
        good=(
            "a. bahwa setiap pekerja berhak atas jaminan sosial;\n\n"
            "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
            "Peraturan Daerah tentang Contoh Pengaturan;"
        ),
        bad=(
            "a. setiap pekerja berhak atas jaminan sosial.\n\n"
            "b. bahwa perlu menetapkan Peraturan Daerah tentang Contoh Pengaturan;"
        ),
        check=structure.check_menimbang,
    ),
    Rule(
        code="P3",
        title_id="Dasar hukum Mengingat",
        title_en="Legal basis (Mengingat)",
        severity="error",
        explanation_id=(
            "Setiap butir Mengingat diakhiri tanda titik koma, dan butir pertama adalah Pasal 18 ayat (6) "
            "Undang-Undang Dasar Negara Republik Indonesia Tahun 1945."
        ),
        explanation_en=(
            "Each Mengingat item ends with ';', and the first is Pasal 18 ayat (6) of the 1945 "
            "Constitution (Undang-Undang Dasar Negara Republik Indonesia Tahun 1945)."
        ),
        good=(
            "1. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;\n\n"
            "2. Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial;"
        ),
        bad=(
            "1. Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial\n\n"
            "2. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;"
        ),
        check=structure.check_mengingat,
    ),
    Rule(
        code="B1",
        title_id="Penomoran BAB, Bagian, dan Paragraf",
        title_en="Numbering of BAB, Bagian and Paragraf",
        severity="error",
        explanation_id=(
            "BAB diberi nomor angka Romawi I, II, … secara berurutan dengan judul berhuruf kapital; "
            "Bagian (Kesatu, Kedua, …) dimulai lagi di setiap BAB; Paragraf (1, 2, …) dimulai lagi di "
            "setiap Bagian."
        ),
        explanation_en=(
            "BAB are numbered I, II, … in order with titles in capitals; Bagian (Kesatu, Kedua, …) "
            "restart in each BAB; Paragraf (1, 2, …) restart in each Bagian."
        ),
        good="## BAB I — KETENTUAN UMUM\n\n## BAB II — KEPESERTAAN\n\n### Bagian Kesatu — Umum",
        bad="## BAB I — KETENTUAN UMUM\n\n## BAB III — Kepesertaan\n\n### Bagian Kedua — Umum",
        check=structure.check_divisions,
    ),
    Rule(
        code="B2",
        title_id="Penomoran Pasal dan ayat",
        title_en="Numbering of Pasal and ayat",
        severity="error",
        explanation_id=(
            "Pasal diberi nomor berurutan di seluruh Peraturan Daerah tanpa loncatan atau pengulangan; "
            "Pasal sisipan (5A) hanya mengikuti Pasal 5. Ayat (1), (2), … berurutan di dalam setiap Pasal."
        ),
        explanation_en=(
            "Pasal are numbered continuously across the whole regulation, with no gaps or repeats; an "
            "inserted Pasal (5A) only follows Pasal 5. Ayat (1), (2), … run continuously within each Pasal."
        ),
        good="##### Pasal 5\n\n##### Pasal 5A\n\n##### Pasal 6",
        bad="##### Pasal 5\n\n##### Pasal 7\n\n(1) …\n\n(3) …",
        check=structure.check_pasal_numbers,
    ),
    Rule(
        code="B3",
        title_id="Rincian",
        title_en="Enumerations (rincian)",
        severity="warning",
        explanation_id=(
            "Rincian bertingkat memakai tanda a. → 1. → a) → 1), paling banyak empat tingkat, dengan "
            "urutan yang tidak meloncat. Setiap rincian diakhiri titik koma, titik dua sebelum rincian "
            "di bawahnya, dan titik pada rincian terakhir; kata 'dan', 'atau', atau 'dan/atau' "
            "ditempatkan setelah rincian kedua terakhir. Definisi dalam Pasal 1 diberi nomor 1., 2., …, "
            "dan rincian di bawah definisi dimulai dengan a." + _HEURISTIC_ID
        ),
        explanation_en=(
            "Nested rincian are marked a. → 1. → a) → 1), at most four levels deep, without gaps. "
            "Each item ends with ';', with ':' before sub-items and '.' on the last one; 'dan', 'atau' "
            "or 'dan/atau' follows the second-to-last item. The definitions of Pasal 1 are numbered "
            "1., 2., … and rincian under a definition start at a." + _HEURISTIC_EN
        ),
        good="a. piagam;\n\nb. trofi; dan/atau\n\nc. bentuk lain.",
        bad="1. piagam,\n\n2. trofi;\n\n3. bentuk lain;",
        check=rincian.check_rincian,
    ),
    Rule(
        code="B4",
        title_id="Penulisan bilangan",
        title_en="Numbers in digits and words",
        severity="warning",
        explanation_id=(
            "Bilangan ditulis dengan angka diikuti penulisannya dengan huruf di dalam kurung, dan "
            "keduanya harus sama nilainya: '30 (tiga puluh) hari', 'Rp50.000.000,00 (lima puluh juta "
            "rupiah)'. Nomor Pasal, ayat, peraturan, tahun, dan tanggal tidak diperiksa." + _HEURISTIC_ID
        ),
        explanation_en=(
            "A number is written in digits followed by its words in parentheses, and the two must "
            "agree: '30 (tiga puluh) hari', 'Rp50.000.000,00 (lima puluh juta rupiah)'. Numbers of "
            "Pasal, ayat, laws, years and dates are not checked." + _HEURISTIC_EN
        ),
        good="paling lama 30 (tiga puluh) hari",
        bad="paling lama 30 (tiga belas) hari, paling banyak Rp50.000.000,00",
        check=content.check_numbers,
    ),
    Rule(
        code="K1",
        title_id="Ketentuan Umum",
        title_en="General provisions (definitions)",
        severity="error",
        explanation_id=(
            "Pasal 1 dibuka dengan 'Dalam Peraturan Daerah ini yang dimaksud dengan:'; setiap definisi "
            "diawali huruf kapital dan diakhiri titik. Istilah yang didefinisikan ditulis dengan huruf "
            "kapital yang sama di mana pun dipakai (pemeriksaan ini berupa peringatan, karena kata yang "
            "sama dapat dipakai dalam arti biasa)."
        ),
        explanation_en=(
            "Pasal 1 opens 'Dalam Peraturan Daerah ini yang dimaksud dengan:'; each definition starts "
            "with a capital and ends with '.'. A defined term is capitalised the same way wherever it "
            "is used (that check gives warnings, since the same words may be meant in their ordinary sense)."
        ),
        good="Dalam Peraturan Daerah ini yang dimaksud dengan:\n\n1. Daerah adalah Provinsi Banten.",
        bad="Yang dimaksud dalam Peraturan Daerah ini:\n\n1. daerah adalah Provinsi Banten;",
        check=content.check_definitions,
    ),
    Rule(
        code="K2",
        title_id="Ketentuan pidana",
        title_en="Criminal sanctions",
        severity="error",
        explanation_id=(
            "Peraturan Daerah dapat memuat ancaman pidana kurungan paling lama 6 (enam) bulan atau pidana "
            "denda paling banyak Rp50.000.000,00 (Pasal 15 Undang-Undang Nomor 12 Tahun 2011). Ancaman "
            "pidana penjara hanya boleh bila undang-undang menentukannya (peringatan)."
        ),
        explanation_en=(
            "A Perda may threaten kurungan (confinement) of at most 6 months or a criminal fine of at "
            "most Rp50.000.000,00 (UU 12/2011 Pasal 15). Imprisonment (pidana penjara) only where a "
            "statute provides for it (a warning)."
        ),
        good="dipidana dengan pidana kurungan paling lama 6 (enam) bulan atau pidana denda paling banyak Rp50.000.000,00 (lima puluh juta rupiah).",
        bad="dipidana dengan pidana kurungan paling lama 1 (satu) tahun atau pidana denda paling banyak Rp100.000.000,00 (seratus juta rupiah).",
        check=content.check_sanctions,
    ),
    Rule(
        code="K3",
        title_id="Ketentuan Penutup",
        title_en="Closing provisions",
        severity="error",
        explanation_id=(
            "BAB terakhir adalah KETENTUAN PENUTUP, dan Pasal terakhir menyatakan bahwa Peraturan Daerah "
            "'mulai berlaku pada tanggal diundangkan'."
        ),
        explanation_en=(
            "The last BAB is KETENTUAN PENUTUP, and the last Pasal says the regulation 'mulai berlaku "
            "pada tanggal diundangkan' (comes into force on the day it is promulgated)."
        ),
        good="## BAB XVII — KETENTUAN PENUTUP\n\n##### Pasal 53\n\nPeraturan Daerah ini mulai berlaku pada tanggal diundangkan.",
        bad="## BAB XVII — KETENTUAN PERALIHAN\n\n##### Pasal 53\n\nPeraturan Daerah ini berlaku sejak ditetapkan.",
        check=content.check_closing,
    ),
    Rule(
        code="R1",
        title_id="Bentuk dan sasaran rujukan",
        title_en="Form and target of cross-references",
        severity="warning",
        explanation_id=(
            "Rujukan ke Pasal lain ditulis 'sebagaimana dimaksud dalam Pasal 3 ayat (2) huruf b'; rujukan "
            "ke ayat atau huruf dalam Pasal yang sama ditulis 'sebagaimana dimaksud pada ayat (1)'. "
            "Setiap ketentuan yang dirujuk harus ada dalam versi yang sama." + _HEURISTIC_ID
        ),
        explanation_en=(
            "A reference to another Pasal reads 'sebagaimana dimaksud dalam Pasal 3 ayat (2) huruf b'; "
            "to an ayat or huruf of the same Pasal 'sebagaimana dimaksud pada ayat (1)'. Every "
            "referenced provision must exist in the same version." + _HEURISTIC_EN
        ),
        good="(2) Pendaftaran sebagaimana dimaksud pada ayat (1) …\n\n(3) Bantuan sebagaimana dimaksud dalam Pasal 21 …",
        bad="(2) Pendaftaran sebagaimana dimaksud dalam ayat (1) …\n\n(3) Bantuan sebagaimana dimaksud pada Pasal 99 …",
        check=references.check_reference_form,
    ),
    Rule(
        code="R2",
        title_id="Rentang, daftar, dan rujukan ke depan",
        title_en="Ranges, lists and forward references",
        severity="warning",
        explanation_id=(
            "Rentang ditulis 'Pasal 7 sampai dengan Pasal 15'; daftar ditulis 'huruf a, huruf b, dan "
            "huruf c' dengan menyebut unitnya setiap kali. Rujukan ke Pasal yang berada di belakang "
            "diberi peringatan karena biasanya menandakan urutan pengaturan yang perlu ditinjau."
            + _HEURISTIC_ID
        ),
        explanation_en=(
            "Ranges read 'Pasal 7 sampai dengan Pasal 15'; lists read 'huruf a, huruf b, dan huruf c', "
            "naming the unit every time. A reference forward to a later Pasal is warned about because it "
            "usually means the provisions should be reordered." + _HEURISTIC_EN
        ),
        good="sebagaimana dimaksud dalam Pasal 7 sampai dengan Pasal 15 dan huruf a, huruf b, dan huruf c",
        bad="sebagaimana dimaksud dalam Pasal 7 s.d. 15 dan huruf a, b, dan c",
        check=references.check_ranges,
    ),
    Rule(
        code="L1",
        title_id="Pilihan kata",
        title_en="Wording",
        severity="warning",
        explanation_id=(
            "Gunakan 'paling lama', 'paling singkat', 'paling sedikit', dan 'paling banyak', bukan "
            "'selambat-lambatnya' atau 'sekurang-kurangnya'; hindari 'hendaknya', 'dll.', dan 'barang "
            "siapa' (gunakan 'setiap orang'). Norma dirumuskan dengan 'wajib' (kewajiban), 'harus' "
            "(syarat), 'dapat' (diskresi), atau 'dilarang' (larangan)." + _HEURISTIC_ID
        ),
        explanation_en=(
            "Use 'paling lama', 'paling singkat', 'paling sedikit' and 'paling banyak' rather than "
            "'selambat-lambatnya' or 'sekurang-kurangnya'; avoid 'hendaknya', 'dll.' and 'barang siapa' "
            "(use 'setiap orang'). Norms use 'wajib' (obligation), 'harus' (condition), 'dapat' "
            "(discretion) or 'dilarang' (prohibition)." + _HEURISTIC_EN
        ),
        good="Setiap orang wajib mendaftar paling lama 30 (tiga puluh) hari sejak mulai bekerja.",
        bad="Barang siapa hendaknya mendaftar selambat-lambatnya 30 (tiga puluh) hari sejak mulai bekerja.",
        check=content.check_wording,
    ),
    Rule(
        code="E1",
        title_id="Penjelasan Pasal demi Pasal",
        title_en="Article-by-article elucidation (Penjelasan)",
        severity="warning",
        explanation_id=(
            "Penjelasan hanya untuk ketentuan yang ada; Pasal yang dijelaskan per ayat (atau per huruf, "
            "per angka) memuat setiap ayat, dengan 'Cukup jelas.' bila tidak perlu penjelasan; istilah "
            "yang dijelaskan diapit tanda petik: 'Yang dimaksud dengan \"…\" adalah …'." + _HEURISTIC_ID
        ),
        explanation_en=(
            "A Penjelasan explains only provisions that exist; a Pasal explained per ayat (or per huruf, "
            "per angka) lists every one of them, with 'Cukup jelas.' where nothing needs explaining; an "
            "explained term is quoted: 'Yang dimaksud dengan \"…\" adalah …'." + _HEURISTIC_EN
        ),
        good='::: penjelasan\nAyat (1)\nCukup jelas.\n\nAyat (2)\nYang dimaksud dengan "mulai bekerja" adalah …\n:::',
        bad="::: penjelasan\nAyat (2)\nYang dimaksud dengan mulai bekerja adalah …\n\nAyat (5)\nCukup jelas.\n:::",
        check=content.check_penjelasan,
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}


def lint(document: Document) -> list[Finding]:
    """Every finding of every rule not switched off in the front matter, by line."""
    off = {code.upper() for code in document.meta.lint_matikan}
    findings = [finding for rule in RULES if rule.code not in off for finding in rule.findings(document)]
    return sorted(findings, key=lambda f: (f.line, f.code, f.path))
