"""Parse problems: a line, a code and parameters, worded in Indonesian or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Each code maps to (Indonesian, English) message templates.
MESSAGES: dict[str, tuple[str, str]] = {
    "frontmatter_missing": (
        "berkas tidak diawali front matter YAML di antara dua baris '---'",
        "the file does not start with a YAML front matter between two '---' lines",
    ),
    "frontmatter_yaml": (
        "front matter bukan YAML yang sah: {detail}",
        "the front matter is not valid YAML: {detail}",
    ),
    "frontmatter_not_mapping": (
        "front matter harus berupa pasangan kunci dan nilai",
        "the front matter must be a mapping of keys to values",
    ),
    "frontmatter_unknown_key": (
        "kunci front matter tidak dikenal '{key}'",
        "unknown front-matter key '{key}'",
    ),
    "frontmatter_missing_key": (
        "kunci front matter wajib '{key}' tidak ada",
        "required front-matter key '{key}' is missing",
    ),
    "frontmatter_bad_value": (
        "nilai '{key}' tidak sah: {detail}",
        "invalid value for '{key}': {detail}",
    ),
    "heading_unknown": (
        "judul '{text}' tidak dikenal (yang dikenal: Menimbang, Mengingat, BAB, Bagian, "
        "Paragraf, Pasal, Penjelasan Umum, Lampiran)",
        "unknown heading '{text}' (known: Menimbang, Mengingat, BAB, Bagian, Paragraf, "
        "Pasal, Penjelasan Umum, Lampiran)",
    ),
    "heading_malformed": (
        "judul '{text}' tidak sesuai bentuknya; contoh yang benar: {example}",
        "heading '{text}' is malformed; a correct example: {example}",
    ),
    "section_order": (
        "{what} muncul setelah {after}",
        "{what} appears after {after}",
    ),
    "pasal_order": (
        "Pasal {number} muncul setelah Pasal {previous}",
        "Pasal {number} appears after Pasal {previous}",
    ),
    "duplicate_path": (
        "{label} ganda: sudah ada di baris {first} (path '{path}')",
        "duplicate {label}: already at line {first} (path '{path}')",
    ),
    "bagian_outside_bab": (
        "Bagian {number} tidak berada di dalam BAB",
        "Bagian {number} is not inside a BAB",
    ),
    "paragraf_outside_bagian": (
        "Paragraf {number} tidak berada di dalam Bagian",
        "Paragraf {number} is not inside a Bagian",
    ),
    "pasal_outside_bab": (
        "Pasal {number} berada di luar BAB, padahal dokumen ini memakai BAB",
        "Pasal {number} stands outside any BAB although this document uses BAB",
    ),
    "marker_outside": (
        "penanda rincian '{marker}' berada di luar Pasal, Menimbang, atau Mengingat",
        "unit marker '{marker}' is outside any Pasal, Menimbang or Mengingat",
    ),
    "text_outside": (
        "teks berada di luar Pasal, Menimbang, Mengingat, Penjelasan Umum, atau Lampiran: '{text}'",
        "text is outside any Pasal, Menimbang, Mengingat, Penjelasan Umum or Lampiran: '{text}'",
    ),
    "content_unexpected": (
        "{what} tidak diperbolehkan di sini; tabel dan sejenisnya hanya boleh di Penjelasan "
        "Umum atau Lampiran",
        "{what} is not allowed here; tables and the like belong in the Penjelasan Umum or a Lampiran",
    ),
    "container_unknown": (
        "kontainer '::: {name}' tidak dikenal; yang dikenal hanya '::: penjelasan'",
        "unknown container '::: {name}'; the only one known is '::: penjelasan'",
    ),
    "container_unclosed": (
        "kontainer '::: penjelasan' tidak ditutup dengan baris ':::'",
        "the '::: penjelasan' container is not closed with a ':::' line",
    ),
    "container_misplaced": (
        "kontainer '::: penjelasan' harus langsung mengikuti sebuah Pasal",
        "a '::: penjelasan' container must directly follow a Pasal",
    ),
    "after_penjelasan": (
        "'{text}' berada setelah kontainer penjelasan Pasal {number}; penjelasan harus menjadi "
        "bagian terakhir Pasal, setelah semua rinciannya",
        "'{text}' comes after the penjelasan container of Pasal {number}; the penjelasan must be "
        "the last part of a Pasal, after all its units",
    ),
    "container_duplicate": (
        "Pasal {number} sudah memiliki kontainer penjelasan di baris {first}; gabungkan keduanya",
        "Pasal {number} already has a penjelasan container at line {first}; merge the two",
    ),
    "container_nested": (
        "kontainer '::: penjelasan' tidak boleh bersarang",
        "'::: penjelasan' containers cannot be nested",
    ),
    "empty_document": (
        "dokumen tidak memuat satu Pasal pun",
        "the document contains no Pasal",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused."""

    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str = "id") -> str:
        indonesian, english = MESSAGES[self.code]
        template = english if lang == "en" else indonesian
        params = dict(self.params)
        # Parameters may come in both languages: 'what' and 'what_en', 'detail' and 'detail_en'.
        if lang == "en":
            for key in [k for k in params if k.endswith("_en")]:
                params[key.removesuffix("_en")] = params[key]
        return template.format(**params)

    def render(self, lang: str = "id") -> str:
        """'baris 41: Pasal 7 muncul setelah Pasal 8' (or 'line 41: …' in English)."""
        word = "line" if lang == "en" else "baris"
        return f"{word} {self.line}: {self.message(lang)}"

    def to_json(self, lang: str = "id") -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "message": self.message(lang)}


class DraftError(ValueError):
    """A draft file that breaks the format; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(p.render() for p in self.problems))

    def render(self, lang: str = "id") -> list[str]:
        return [p.render(lang) for p in self.problems]
