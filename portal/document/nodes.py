"""Typed dataclasses for a parsed draft: its metadata and its tree of nodes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

NodeKind = Literal[
    "menimbang",
    "mengingat",
    "bab",
    "bagian",
    "paragraf",
    "pasal",
    "ayat",
    "huruf",
    "angka",
    "penjelasan",
    "penjelasan_umum",
    "lampiran",
]

TAHAP = ("penyusunan", "konsultasi", "pembahasan", "final")


@dataclass(frozen=True)
class Konsultasi:
    """The public comment window of a version (both dates inclusive)."""

    buka: dt.date
    tutup: dt.date

    def status(self, today: dt.date) -> Literal["akan", "buka", "tutup"]:
        if today < self.buka:
            return "akan"
        if today > self.tutup:
            return "tutup"
        return "buka"


@dataclass(frozen=True)
class Metadata:
    """The front matter of one version of one draft."""

    slug: str
    versi: str
    label: str
    tanggal: dt.date
    jenis: str
    daerah: str
    tentang: str
    pembentuk: str
    tahap: str | None = None
    nomor: str | None = None
    tahun: int | None = None
    pemrakarsa: str | None = None
    konsultasi: Konsultasi | None = None
    lint_matikan: tuple[str, ...] = ()

    @property
    def regulation_name(self) -> str:
        """'Peraturan Daerah Provinsi Banten' from jenis + daerah, without the repeated word."""
        jenis_words = self.jenis.split()
        daerah_words = self.daerah.split()
        if jenis_words and daerah_words and jenis_words[-1].lower() == daerah_words[0].lower():
            daerah_words = daerah_words[1:]
        return " ".join(jenis_words + daerah_words)

    @property
    def is_draft(self) -> bool:
        return self.tahap != "final" or not self.nomor

    @property
    def title(self) -> str:
        """The title as a reader sees it, in capitals, per Lampiran II UU 12/2011."""
        prefix = "RANCANGAN " if self.is_draft else ""
        nomor = self.nomor or "…"
        tahun = str(self.tahun) if self.tahun else "…"
        return (
            f"{prefix}{self.regulation_name.upper()} NOMOR {nomor} TAHUN {tahun} "
            f"TENTANG {self.tentang.upper()}"
        )

    @property
    def title_lines(self) -> list[str]:
        """The title as the title block sets it, one line per part."""
        lines = ["RANCANGAN"] if self.is_draft else []
        nomor = self.nomor or "…"
        tahun = str(self.tahun) if self.tahun else "…"
        return [
            *lines,
            self.regulation_name.upper(),
            f"NOMOR {nomor} TAHUN {tahun}",
            "TENTANG",
            self.tentang.upper(),
        ]

    @property
    def short_name(self) -> str:
        """'Peraturan Daerah' for a Perda, as in "Menetapkan: PERATURAN DAERAH TENTANG …"."""
        words = self.jenis.split()
        return " ".join(words[:2]) if len(words) >= 2 else self.jenis

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "versi": self.versi,
            "label": self.label,
            "tanggal": self.tanggal.isoformat(),
            "jenis": self.jenis,
            "daerah": self.daerah,
            "tentang": self.tentang,
            "pembentuk": self.pembentuk,
            "tahap": self.tahap,
            "nomor": self.nomor,
            "tahun": self.tahun,
            "pemrakarsa": self.pemrakarsa,
            "konsultasi": (
                {"buka": self.konsultasi.buka.isoformat(), "tutup": self.konsultasi.tutup.isoformat()}
                if self.konsultasi
                else None
            ),
            "lint": {"matikan": list(self.lint_matikan)} if self.lint_matikan else None,
            "judul": self.title,
        }


@dataclass(slots=True)
class Node:
    """One provision or section of a draft.

    ``line`` is the 1-based source line; it is left out of equality so that a
    document re-parsed from its canonical form compares equal to the original.
    """

    kind: NodeKind
    path: str
    number: str | None = None
    heading: str | None = None
    text: str = ""
    marker: str | None = None
    children: list[Node] = field(default_factory=list)
    line: int = field(default=0, compare=False)
    lineage: str | None = field(default=None, compare=False)  # set once stored, see versions

    def walk(self) -> Iterator[Node]:
        """This node and every descendant, in document order (iterative: no generator
        per level, which made deep walks quadratic in the depth)."""
        return iter(self.descendants())

    def descendants(self) -> list[Node]:
        """This node and every descendant, in document order, as a list."""
        out: list[Node] = []
        stack = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            if node.children:
                stack.extend(reversed(node.children))
        return out

    @property
    def segment(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def label(self) -> str:
        """How a reader names this node: 'Pasal 5', 'ayat (2)', 'huruf b', 'BAB II'."""
        return node_label(self.kind, self.number, self.path)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "number": self.number,
            "heading": self.heading,
            "text": self.text,
            "marker": self.marker,
            "line": self.line,
            "lineage": self.lineage,
            "children": [child.to_json() for child in self.children],
        }


def node_label(kind: str, number: str | None, path: str = "") -> str:
    """The conventional Indonesian name of a node."""
    if kind == "menimbang":
        return "Menimbang"
    if kind == "mengingat":
        return "Mengingat"
    if kind == "bab":
        return f"BAB {number}"
    if kind == "bagian":
        return f"Bagian {number}"
    if kind == "paragraf":
        return f"Paragraf {number}"
    if kind == "pasal":
        return f"Pasal {number}"
    if kind == "ayat":
        return f"ayat ({number})"
    if kind == "huruf":
        return f"huruf {number}"
    if kind == "angka":
        return f"angka {number}"
    if kind == "penjelasan_umum":
        return "Penjelasan Umum"
    if kind == "lampiran":
        return f"Lampiran {number}" if number else "Lampiran"
    if kind == "penjelasan":
        words = []
        for segment in path.removeprefix("penjelasan/").split("/"):
            unit, _, value = segment.partition("-")
            words.append(node_label(unit, value.upper() if unit == "pasal" else value))
        return "Penjelasan " + " ".join(words)
    return path


@dataclass
class Document:
    """A parsed version: metadata plus top-level nodes in document order."""

    meta: Metadata
    children: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        return iter(self.descendants())

    def descendants(self) -> list[Node]:
        """Every node, in document order, as a list."""
        out: list[Node] = []
        for child in self.children:
            out.extend(child.descendants())
        return out

    def paths(self) -> list[str]:
        return [node.path for node in self.walk()]

    def index(self) -> dict[str, Node]:
        return {node.path: node for node in self.walk()}

    def pasal(self) -> list[Node]:
        return [node for node in self.walk() if node.kind == "pasal"]

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta.to_json(),
            "children": [child.to_json() for child in self.children],
        }
