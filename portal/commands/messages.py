"""What the command line says, in Indonesian and English.

Newer messages (the help, the lint summary with its plurals, "not a draft file") are
English message ids translated through ``portal/locale`` like the web pages'."""

from __future__ import annotations

MESSAGES = {
    "exported": ("ditulis: {path}", "written: {path}"),
    "binary_needs_output": (
        "DOCX perlu berkas tujuan: tambahkan -o BERKAS.docx",
        "DOCX needs a file: add -o FILE.docx",
    ),
    "reindexed": (
        "Indeks pencarian dibangun ulang: {count} dokumen.",
        "Search index rebuilt: {count} documents.",
    ),
    "indexed": ("Perubahan yang diterapkan ke indeks: {count}.", "Changes applied to the index: {count}."),
    "index_busy": (
        "Indeks sedang ditulis oleh proses lain; tidak ada yang diterapkan.",
        "Another process is writing the index; nothing was applied.",
    ),
    "ok": ("OK", "OK"),
    "unreadable": ("berkas tidak dapat dibaca: {detail}", "cannot read the file: {detail}"),
    "created": ("diimpor: {slug} {versi} ({label})", "imported: {slug} {versi} ({label})"),
    "unchanged": ("tidak berubah: {slug} {versi}", "unchanged: {slug} {versi}"),
    "refused": ("ditolak: {path}", "refused: {path}"),
    "serving": ("Raperda Portal berjalan di {url}", "Raperda Portal is running at {url}"),
    "seeded": (
        "Basis data kosong: draf contoh diimpor dari {path}",
        "Empty database: sample drafts imported from {path}",
    ),
    "no_files": ("tidak ada berkas draf di {path}", "no draft files under {path}"),
    "password_mismatch": ("kedua kata sandi tidak sama", "the two passwords are not the same"),
    "user_created": ("akun dibuat: {email} ({role})", "account created: {email} ({role})"),
    "user_unknown": ("tidak ada akun {email}", "no account {email}"),
    "user_disabled": ("akun dinonaktifkan: {email}", "account disabled: {email}"),
    "mail_sent": ("{count} pesan terkirim", "{count} messages sent"),
}


def say(key: str, lang: str, **params: object) -> str:
    indonesian, english = MESSAGES[key]
    return (english if lang == "en" else indonesian).format(**params)
