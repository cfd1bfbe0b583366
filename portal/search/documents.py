"""What goes into the index, read from the database (the source of truth)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from portal.document.citations import path_citation
from portal.versions.models import Provision, Version

Doc = dict[str, Any]
PUBLIC = "terbit"  # only published comments are in the public index


def pasal_number(path: str) -> str:
    """'pasal-12/ayat-3' → '12'; '' for anything not under a Pasal."""
    head = path.removeprefix("penjelasan/").split("/", 1)[0]
    return head.removeprefix("pasal-") if head.startswith("pasal-") else ""


FREE_PARTS = {"penjelasan_umum": "Penjelasan Umum", "lampiran": "Lampiran"}


def _title(row: Provision) -> str:
    """How a reader names a provision: "Pasal 12 ayat (3)", "BAB II", "Penjelasan Umum"."""
    if row.kind in FREE_PARTS:
        return FREE_PARTS[row.kind] + (f": {row.heading}" if row.heading else "")
    return path_citation(row.path)


def provision_docs(version: Version, slug: str, rows: Iterable[Provision]) -> list[Doc]:
    """One document per provision with words of its own (rows in document order)."""
    docs: list[Doc] = []
    bab = ""
    for row in rows:
        if row.kind == "bab":
            bab = f"BAB {row.number}" if row.number else ""
        words = " ".join(part for part in (row.heading, row.text) if part)
        if not words:
            continue
        docs.append(
            {
                "id": f"p:{version.id}:{row.path}",
                "tipe": "ketentuan",
                "dokumen": f"{slug}/{version.versi}",
                "regulasi": slug,
                "versi": version.versi,
                "path": row.path,
                "judul": _title(row),
                "jenis": row.kind,
                "bab": bab,
                "pasal": pasal_number(row.path),
                "teks": words,
                "akar": words,
            }
        )
    return docs


def comment_docs(comment: dict[str, Any], answers: list[dict[str, Any]], bab: str) -> list[Doc]:
    """A published comment and its answers (nothing for a hidden, pending or erased one)."""
    if comment["status"] != PUBLIC or comment["redacted_at"] is not None or comment["parent_id"] is not None:
        return []
    dokumen = f"{comment['slug']}/{comment['versi']}"
    words = "\n".join(part for part in (comment["body"], comment["replacement"]) if part)
    base = {
        "dokumen": dokumen,
        "regulasi": comment["slug"],
        "versi": comment["versi"],
        "path": comment["path"],
        "nomor": comment["number"],
        "bab": bab,
        "pasal": pasal_number(comment["path"]),
        "kategori": comment["category"] or "",
        "posisi": comment["position"] or "",
        "wilayah": comment["region"] or "",
    }
    created = comment["created_at"]
    docs: list[Doc] = [
        {
            **base,
            "id": f"c:{comment['id']}",
            "tipe": "komentar",
            "judul": f"Komentar {comment['number']}",
            "jenis": "komentar",
            "status": "dijawab" if comment["answered_at"] else "belum-dijawab",
            "tanggal": created if isinstance(created, dt.datetime) else None,
            "teks": words,
            "akar": words,
        }
    ]
    for answer in answers:
        docs.append(
            {
                **base,
                "id": f"j:{answer['id']}",
                "tipe": "jawaban",
                "judul": f"Jawaban atas komentar {comment['number']}",
                "jenis": "jawaban",
                "status": answer["disposition"],
                "tanggal": answer["created_at"] if isinstance(answer["created_at"], dt.datetime) else None,
                "teks": answer["reason"],
                "akar": answer["reason"],
            }
        )
    return docs
