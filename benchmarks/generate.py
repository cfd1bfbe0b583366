"""A realistic, valid Raperda Markdown draft of any size, deterministic by seed.

The shape follows the sample drafts in ``drafts/``: Menimbang and Mengingat, BAB of
about ten Pasal (some divided into Bagian, some Bagian into Paragraf), a definitions
Pasal 1, ayat with huruf and angka rincian (sometimes a deeper ``a)`` level), a
``::: penjelasan`` container on most Pasal, Penjelasan Umum and a Lampiran table.

    .venv/bin/python -m benchmarks.generate 500 --seed 0 -o /tmp/draft-500.md
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from portal.document import parse
from portal.document.numbering import cardinal_word, ordinal_word, to_roman

SUBJECTS = [
    "Pemerintah Daerah",
    "Gubernur",
    "Dinas",
    "Pemberi Kerja",
    "Pemerintah Kabupaten/Kota",
    "Pemerintah Desa",
    "Perangkat Daerah",
    "Tim Koordinasi",
    "BPJS Ketenagakerjaan",
    "Perusahaan Aplikasi",
]
VERBS = [
    "wajib memfasilitasi",
    "melaksanakan",
    "mengoordinasikan",
    "menyelenggarakan",
    "melakukan pembinaan terhadap",
    "menyediakan",
    "melaporkan",
    "mengalokasikan anggaran untuk",
    "melakukan verifikasi dan validasi atas",
    "menyampaikan data mengenai",
]
OBJECTS = [
    "kepesertaan Pekerja Rentan dalam program Jaminan Sosial Ketenagakerjaan",
    "pendataan calon penerima Bantuan Iuran",
    "penyebarluasan informasi mengenai hak dan kewajiban Peserta",
    "pembayaran Iuran secara tepat waktu dan tepat jumlah",
    "pengawasan kepatuhan Pemberi Kerja",
    "integrasi data kepesertaan dalam Sistem Informasi",
    "pendampingan pengajuan klaim bagi ahli waris Peserta",
    "kerja sama dengan Pemerintah Kabupaten/Kota dan Pemerintah Desa",
    "pelaporan pelaksanaan program kepada DPRD",
    "penanganan pengaduan masyarakat",
    "penyusunan rencana aksi daerah",
    "pemutakhiran data penerima secara berkala",
]
TAILS = [
    "sesuai dengan ketentuan peraturan perundang-undangan",
    "paling lambat 30 (tiga puluh) hari kerja sejak permohonan diterima secara lengkap",
    "dengan memperhatikan kemampuan keuangan Daerah",
    "berdasarkan data yang telah diverifikasi oleh Dinas",
    "secara terpadu, transparan, dan akuntabel",
    "paling sedikit 1 (satu) kali dalam 1 (satu) tahun",
    "dengan melibatkan masyarakat dan pemangku kepentingan terkait",
    "sebagaimana ditetapkan dalam Peraturan Gubernur",
]
ITEMS = [
    "penyebarluasan informasi mengenai jenis manfaat dan tata cara pengajuan klaim",
    "pendampingan pengajuan klaim bagi Pekerja Rentan dan ahli warisnya",
    "koordinasi dengan fasilitas pelayanan kesehatan milik Pemerintah Daerah",
    "fasilitasi akses informasi pasar kerja dan pelatihan kerja",
    "pemberian Bantuan Iuran bagi Pekerja Rentan yang memenuhi kriteria",
    "penyediaan data dan informasi kepesertaan yang mutakhir",
    "pembinaan dan pengawasan ketenagakerjaan",
    "pemberian penghargaan kepada Pemberi Kerja yang patuh",
    "penyusunan laporan pelaksanaan program secara berkala",
    "peningkatan kapasitas aparatur Desa dan kader Jaminan Sosial Ketenagakerjaan",
    "pengembangan layanan pendaftaran di tempat pelayanan publik",
    "pemanfaatan Tanggung Jawab Sosial dan Lingkungan Perusahaan",
]
EXPLANATIONS = [
    'Yang dimaksud dengan "pendampingan" adalah bantuan yang diberikan oleh Dinas atau kader Jaminan Sosial Ketenagakerjaan sejak pengajuan hingga penyelesaian klaim.',
    "Ketentuan ini dimaksudkan untuk mencegah duplikasi pembiayaan Iuran dari berbagai sumber bagi orang yang sama.",
    "Verifikasi dilakukan dengan mencocokkan data kependudukan, data DTSEN, dan data kepesertaan BPJS Ketenagakerjaan.",
    "Pelibatan masyarakat dilakukan melalui forum konsultasi publik, kanal pengaduan, dan survei kepuasan Peserta.",
    "Kemampuan keuangan Daerah dinilai berdasarkan kapasitas fiskal Daerah yang ditetapkan oleh menteri yang menyelenggarakan urusan pemerintahan di bidang keuangan.",
    'Yang dimaksud dengan "secara berkala" adalah paling sedikit 1 (satu) kali dalam 6 (enam) bulan.',
]
TITLES = [
    "KETENTUAN UMUM",
    "KEPESERTAAN",
    "KEWAJIBAN PEMBERI KERJA",
    "BANTUAN IURAN BAGI PEKERJA RENTAN",
    "PERAN PEMERINTAH KABUPATEN/KOTA DAN PEMERINTAH DESA",
    "SISTEM DATA DAN INFORMASI",
    "KOORDINASI DAN KERJA SAMA",
    "PEMBINAAN DAN PENGAWASAN",
    "PENGHARGAAN",
    "PARTISIPASI MASYARAKAT",
    "PENDANAAN",
    "SANKSI ADMINISTRATIF",
]
SECTION_TITLES = [
    "Umum",
    "Pendataan dan Penetapan",
    "Pembayaran dan Penghentian",
    "Pelaporan",
    "Pengawasan Kepatuhan",
    "Pemantauan dan Evaluasi",
    "Kerja Sama",
]
DEFINED = [
    "Daerah adalah Provinsi Banten.",
    "Pemerintah Daerah adalah Gubernur sebagai unsur penyelenggara pemerintahan daerah yang memimpin pelaksanaan urusan pemerintahan yang menjadi kewenangan Daerah.",
    "Gubernur adalah Gubernur Banten.",
    "Dinas adalah Perangkat Daerah yang menyelenggarakan urusan pemerintahan bidang tenaga kerja.",
    "Pekerja adalah setiap orang yang bekerja dengan menerima upah, gaji, atau imbalan dalam bentuk lain, termasuk orang yang bekerja secara mandiri untuk memperoleh penghasilan.",
    "Pemberi Kerja adalah orang perseorangan, pengusaha, badan hukum, atau badan lainnya yang mempekerjakan tenaga kerja dengan membayar upah, gaji, atau imbalan dalam bentuk lain.",
    "Peserta adalah setiap orang yang telah terdaftar dan membayar Iuran program Jaminan Sosial Ketenagakerjaan.",
    "Iuran adalah sejumlah uang yang dibayar secara teratur oleh Peserta, Pemberi Kerja, dan/atau Pemerintah Daerah kepada BPJS Ketenagakerjaan.",
]


def _sentence(rng: random.Random, pasal: int) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    if pasal > 2 and rng.random() < 0.3:
        cited = rng.randint(1, pasal - 1)
        text += f" sebagaimana dimaksud dalam Pasal {cited} ayat ({rng.randint(1, 3)})"
    if rng.random() < 0.1:
        text = text.replace("Pekerja Rentan", "*Pekerja Rentan*", 1)
    return text


def _front_matter(pasal: int, seed: int) -> str:
    return (
        "---\n"
        f"slug: besar-{pasal}\n"
        f"versi: v{seed + 1}\n"
        "label: Draf Uji Beban\n"
        "tanggal: 2026-10-05\n"
        "jenis: Peraturan Daerah Provinsi\n"
        "daerah: Provinsi Banten\n"
        f"tentang: Penyelenggaraan Jaminan Sosial Ketenagakerjaan ({pasal} Pasal)\n"
        "pembentuk: GUBERNUR BANTEN\n"
        "tahap: konsultasi\n"
        "pemrakarsa: Dinas Tenaga Kerja dan Transmigrasi\n"
        "konsultasi: {buka: 2026-10-12, tutup: 2027-01-15}\n"
        "---\n"
    )


def _menimbang(rng: random.Random) -> list[str]:
    blocks = ["## Menimbang"]
    letters = "abcde"
    for index, letter in enumerate(letters):
        if index == len(letters) - 1:
            text = (
                "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, huruf b, huruf c, "
                "dan huruf d, perlu menetapkan Peraturan Daerah tentang Penyelenggaraan Jaminan Sosial "
                "Ketenagakerjaan;"
            )
        else:
            text = f"bahwa {rng.choice(OBJECTS)} perlu ditingkatkan {rng.choice(TAILS)}, {rng.choice(TAILS)};"
        blocks.append(f"{letter}. {text}")
    return blocks


def _mengingat(rng: random.Random) -> list[str]:
    blocks = [
        "## Mengingat",
        "1. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;",
    ]
    for number in range(2, 12):
        year = rng.randint(2000, 2024)
        blocks.append(
            f"{number}. Undang-Undang Nomor {rng.randint(1, 60)} Tahun {year} tentang "
            f"{rng.choice(OBJECTS).capitalize()} (Lembaran Negara Republik Indonesia Tahun {year} "
            f"Nomor {rng.randint(1, 250)}, Tambahan Lembaran Negara Republik Indonesia Nomor "
            f"{rng.randint(3000, 7000)});"
        )
    return blocks


def _definitions(rng: random.Random) -> list[str]:
    blocks = ["##### Pasal 1", "Dalam Peraturan Daerah ini yang dimaksud dengan:"]
    for number in range(1, 31):
        if number == 26:
            blocks.append(
                f"{number}. Bantuan Iuran adalah Iuran yang dibayarkan oleh Pemerintah Daerah melalui APBD "
                "bagi Pekerja Rentan yang ditetapkan sebagai penerima, untuk program:"
            )
            blocks += ["a. JKK; dan", "b. JKM."]
        else:
            blocks.append(f"{number}. {DEFINED[(number - 1) % len(DEFINED)]}")
    blocks.append("::: penjelasan\nCukup jelas.\n:::")
    return blocks


def _explain(rng: random.Random) -> str:
    return "Cukup jelas." if rng.random() < 0.5 else rng.choice(EXPLANATIONS)


def _pasal(rng: random.Random, number: int) -> list[str]:
    """One ordinary Pasal and (usually) its Penjelasan."""
    blocks = [f"##### Pasal {number}"]
    labels: list[str] = []  # the Penjelasan, label lines and text
    shape = rng.random()
    if shape < 0.2:  # opening text and a list of huruf
        blocks.append(f"{_sentence(rng, number)} meliputi:")
        count = rng.randint(3, 7)
        items = rng.sample(ITEMS, count)
        for index in range(count):
            end = "." if index == count - 1 else "; dan" if index == count - 2 else ";"
            letter = "abcdefg"[index]
            blocks.append(f"{letter}. {items[index]}{end}")
            labels += [f"Huruf {letter}", _explain(rng), ""]
    elif shape < 0.3:  # a single paragraph
        blocks.append(f"{_sentence(rng, number)}.")
        labels += [rng.choice(EXPLANATIONS), ""]
    else:  # ayat, one of them with huruf rincian, sometimes angka and a) beneath
        ayat_count = rng.randint(2, 5)
        listed = rng.randint(1, ayat_count)
        for ayat in range(1, ayat_count + 1):
            if ayat != listed:
                blocks.append(f"({ayat}) {_sentence(rng, number)}.")
                labels += [f"Ayat ({ayat})", _explain(rng), ""]
                continue
            blocks.append(f"({ayat}) {_sentence(rng, number)} melalui:")
            labels.append(f"Ayat ({ayat})")
            count = rng.randint(2, 5)
            deep = rng.randrange(count) if rng.random() < 0.35 else -1
            items = rng.sample(ITEMS, count + 2)
            for index in range(count):
                letter = "abcde"[index]
                end = "." if index == count - 1 else "; dan" if index == count - 2 else ";"
                if index == deep:
                    blocks.append(f"{letter}. {items[index]}, yang dibuktikan dengan:")
                    labels += [f"Huruf {letter}"]
                    blocks.append(f"1. {items[count]}; atau")
                    if rng.random() < 0.5:
                        blocks.append("2. surat keterangan dari kepala Desa yang memuat:")
                        blocks.append("a) jenis pekerjaan dan perkiraan penghasilan rata-rata per bulan;")
                        blocks.append("b) jumlah tanggungan keluarga; dan")
                        blocks.append(f"c) pernyataan belum terdaftar sebagai Peserta{end}")
                    else:
                        blocks.append(f"2. {items[count + 1]}{end}")
                    labels += ["Angka 1", _explain(rng), "", "Angka 2", _explain(rng), ""]
                else:
                    blocks.append(f"{letter}. {items[index]}{end}")
                    labels += [f"Huruf {letter}", _explain(rng), ""]
    roll = rng.random()
    if roll < 0.1:
        return blocks  # no container: "Cukup jelas." by default
    if roll < 0.35:
        labels = ["Cukup jelas.", ""]
    blocks.append("::: penjelasan\n" + "\n".join(labels).strip() + "\n:::")
    return blocks


def _penjelasan_umum(rng: random.Random) -> list[str]:
    blocks = ["## Penjelasan Umum"]
    for _ in range(5):
        blocks.append(" ".join(_sentence(rng, 0) + "." for _ in range(rng.randint(4, 7))))
    return blocks


def _thousands(value: int) -> str:
    """Indonesian digit grouping: 30000 → '30.000'."""
    return f"{value:,}".replace(",", ".")


def _lampiran(rng: random.Random) -> list[str]:
    rows = [
        "| No. | Kabupaten/Kota | Kelompok Pekerja Rentan Prioritas | Kuota Awal (orang) |",
        "|---|---|---|---:|",
    ]
    regions = ["Kabupaten Serang", "Kabupaten Tangerang", "Kabupaten Lebak", "Kabupaten Pandeglang"]
    regions += ["Kota Serang", "Kota Cilegon", "Kota Tangerang", "Kota Tangerang Selatan"]
    total = 0
    for index, region in enumerate(regions, start=1):
        quota = rng.randint(10, 50) * 100
        total += quota
        rows.append(f"| {index} | {region} | {rng.choice(ITEMS).capitalize()} | {_thousands(quota)} |")
    rows.append(f"| | **Jumlah** | | **{_thousands(total)}** |")
    return [
        "## Lampiran — Kriteria dan Kuota Penerima Bantuan Iuran",
        "**A. Kuota Awal Penerima Bantuan Iuran**",
        "Kuota awal penerima Bantuan Iuran program JKK dan JKM menurut Kabupaten/Kota sebagaimana "
        "dimaksud dalam Pasal 26 ayat (2).",
        "\n".join(rows),
        "Kelompok prioritas tidak membatasi pengusulan kelompok Pekerja Rentan lain sepanjang kuota masih tersedia.",
    ]


def generate_draft(pasal: int, seed: int = 0) -> str:
    """A valid draft with ``pasal`` Pasal (at least 1); the same text for the same seed."""
    if pasal < 1:
        raise ValueError("a draft needs at least one Pasal")
    rng = random.Random(seed)
    blocks = [_front_matter(pasal, seed).rstrip("\n")]
    blocks += _menimbang(rng)
    blocks += _mengingat(rng)
    number = 1
    bab = 0
    while number <= pasal:
        bab += 1
        size = min(rng.randint(8, 12), pasal - number + 1)
        title = TITLES[0] if bab == 1 else rng.choice(TITLES[1:])
        blocks.append(f"## BAB {to_roman(bab)} — {title}")
        # About a third of the BAB are divided into Bagian; some Bagian into Paragraf.
        bagian_sizes = [size]
        if bab > 1 and size >= 4 and rng.random() < 0.35:
            first = rng.randint(2, size - 2)
            bagian_sizes = [first, size - first]
        divided = len(bagian_sizes) > 1
        for bagian_index, bagian_size in enumerate(bagian_sizes, start=1):
            if divided:
                blocks.append(f"### Bagian {ordinal_word(bagian_index)} — {rng.choice(SECTION_TITLES)}")
            paragraf_sizes = [bagian_size]
            if divided and bagian_size >= 4 and rng.random() < 0.4:
                paragraf_sizes = [bagian_size // 2, bagian_size - bagian_size // 2]
            for paragraf_index, paragraf_size in enumerate(paragraf_sizes, start=1):
                if len(paragraf_sizes) > 1:
                    blocks.append(
                        f"#### Paragraf {paragraf_index} — Kelompok {cardinal_word(paragraf_index).title()}"
                    )
                for _ in range(paragraf_size):
                    blocks += _definitions(rng) if number == 1 else _pasal(rng, number)
                    number += 1
    blocks += _penjelasan_umum(rng)
    blocks += _lampiran(rng)
    return "\n\n".join(blocks) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a generated Raperda Markdown draft.")
    parser.add_argument("pasal", type=int, help="number of Pasal")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = generate_draft(args.pasal, args.seed)
    document = parse(text)  # raises DraftError if the generator ever writes an invalid draft
    nodes = sum(1 for _ in document.walk())
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    sys.stderr.write(
        f"{args.pasal} Pasal, {len(text.encode('utf-8')):,} bytes, {text.count(chr(10)):,} lines, "
        f"{nodes:,} nodes: parses\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
