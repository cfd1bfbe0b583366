"""Small crafted drafts for the linter tests: one clean draft, varied one piece at a time."""

from __future__ import annotations

from portal.document import Document, parse

FRONT = (
    "---\nslug: x\nversi: {versi}\nlabel: A\ntanggal: 2026-01-01\njenis: Peraturan Daerah Provinsi\n"
    "daerah: Provinsi Banten\ntentang: {tentang}\npembentuk: GUBERNUR BANTEN\n{extra}---\n\n"
)

MENIMBANG = """## Menimbang

a. bahwa setiap pekerja berhak atas jaminan sosial;

b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Peraturan Daerah tentang Contoh Pengaturan;

"""

MENGINGAT = """## Mengingat

1. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;

2. Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial;

"""

KETENTUAN_UMUM = """## BAB I — KETENTUAN UMUM

##### Pasal 1

Dalam Peraturan Daerah ini yang dimaksud dengan:

1. Daerah adalah Provinsi Banten.

2. Pekerja Rentan adalah pekerja yang meliputi:

a. nelayan kecil; dan

b. pengemudi transportasi berbasis aplikasi.

"""

MATERI = """## BAB II — KEPESERTAAN

### Bagian Kesatu — Pendaftaran

#### Paragraf 1 — Umum

##### Pasal 2

(1) Setiap Pemberi Kerja wajib mendaftarkan Pekerjanya sebagai peserta.

(2) Pendaftaran sebagaimana dimaksud pada ayat (1) dilakukan paling lama 30 (tiga puluh) hari dengan melampirkan:

a. data Pekerja;

b. data upah, meliputi:

1. upah pokok; dan

2. tunjangan tetap; dan

c. surat pernyataan.

::: penjelasan
Ayat (1)
Cukup jelas.

Ayat (2)
Yang dimaksud dengan "data Pekerja" adalah nama dan nomor induk kependudukan.
:::

#### Paragraf 2 — Pekerja Rentan

##### Pasal 3

Pekerja Rentan sebagaimana dimaksud dalam Pasal 2 ayat (2) huruf a didaftarkan oleh Pemerintah Daerah dengan biaya paling banyak Rp50.000.000,00 (lima puluh juta rupiah).

### Bagian Kedua — Pengawasan

##### Pasal 4

Gubernur melakukan pengawasan atas pelaksanaan Pasal 2 sampai dengan Pasal 3.

"""

PENUTUP = """## BAB III — KETENTUAN PENUTUP

##### Pasal 5

Peraturan Daerah ini mulai berlaku pada tanggal diundangkan.
"""

PARTS = {
    "menimbang": MENIMBANG,
    "mengingat": MENGINGAT,
    "umum": KETENTUAN_UMUM,
    "materi": MATERI,
    "penutup": PENUTUP,
}


def source(*, tentang: str = "Contoh Pengaturan", extra: str = "", **parts: str) -> str:
    """The clean draft's text, with any part ('menimbang', 'mengingat', 'umum', 'materi',
    'penutup') replaced."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise KeyError(unknown)
    body = "".join(parts.get(name, text) for name, text in PARTS.items())
    return FRONT.format(versi="v1", tentang=tentang, extra=extra) + body


def draft(**kwargs: str) -> Document:
    return parse(source(**kwargs))


def replaced(part: str, old: str, new: str) -> str:
    """One part of the clean draft with ``old`` replaced (which must be there)."""
    text = PARTS[part]
    if old not in text:
        raise ValueError(f"{old!r} is not in {part}")
    return text.replace(old, new)
