"""Document → canonical Raperda Markdown.

``write(parse(text))`` is the canonical form of a valid file, and parsing it
again gives the same tree: the levels of spec §2, one unit per line, a blank
line between blocks, labels and text of a Penjelasan as in spec §4.
"""

from __future__ import annotations

from typing import Any

import yaml

from portal.document.nodes import Document, Metadata, Node
from portal.document.units import match_label

_LEVEL = {
    "menimbang": "##",
    "mengingat": "##",
    "bab": "##",
    "bagian": "###",
    "paragraf": "####",
    "pasal": "#####",
    "penjelasan_umum": "##",
    "lampiran": "##",
}
_UNIT_KINDS = ("ayat", "huruf", "angka")


def _scalar(value: Any) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def write_front_matter(meta: Metadata) -> str:
    rows: list[tuple[str, Any]] = [
        ("slug", meta.slug),
        ("versi", meta.versi),
        ("label", meta.label),
        ("tanggal", meta.tanggal),
        ("jenis", meta.jenis),
        ("daerah", meta.daerah),
        ("tentang", meta.tentang),
        ("pembentuk", meta.pembentuk),
        ("tahap", meta.tahap),
        ("nomor", meta.nomor),
        ("tahun", meta.tahun),
        ("pemrakarsa", meta.pemrakarsa),
    ]
    lines = ["---"]
    lines += [f"{key}: {_scalar(value)}" for key, value in rows if value is not None]
    if meta.konsultasi is not None:
        k = meta.konsultasi
        lines.append(f"konsultasi: {{buka: {k.buka.isoformat()}, tutup: {k.tutup.isoformat()}}}")
    if meta.lint_matikan:
        lines.append(f"lint: {{matikan: [{', '.join(meta.lint_matikan)}]}}")
    lines.append("---")
    return "\n".join(lines)


def _heading(node: Node) -> str:
    if node.kind == "menimbang":
        title = "Menimbang"
    elif node.kind == "mengingat":
        title = "Mengingat"
    elif node.kind == "penjelasan_umum":
        title = "Penjelasan Umum"
    elif node.kind == "lampiran":
        title = f"Lampiran {node.number}" if node.number else "Lampiran"
    else:
        title = f"{node.kind.capitalize() if node.kind != 'bab' else 'BAB'} {node.number}"
    if node.heading:
        title = f"{title} — {node.heading}"
    return f"{_LEVEL[node.kind]} {title}"


def _units(node: Node, blocks: list[str]) -> None:
    for child in node.children:
        if child.kind in _UNIT_KINDS:
            blocks.append(f"{child.marker} {child.text}")
            _units(child, blocks)


def _penjelasan(node: Node) -> str:
    lines = ["::: penjelasan"]
    if node.text:
        lines.append(node.text)

    def label(child: Node) -> None:
        # A label with no text of its own is followed directly by its first sub-label.
        if len(lines) > 1 and match_label(lines[-1]) is None:
            lines.append("")
        lines.append(child.marker or "")
        if child.text:
            lines.append(child.text)
        for grandchild in child.children:
            label(grandchild)

    for child in node.children:
        label(child)
    lines.append(":::")
    return "\n".join(lines)


def _body(node: Node, blocks: list[str]) -> None:
    blocks.append(_heading(node))
    if node.kind in ("penjelasan_umum", "lampiran"):
        if node.text:
            blocks.append(node.text)
        return
    if node.kind in ("pasal", "menimbang", "mengingat") and node.text:
        blocks.append(node.text)
    _units(node, blocks)
    for child in node.children:
        if child.kind == "penjelasan":
            blocks.append(_penjelasan(child))
        elif child.kind not in _UNIT_KINDS:
            _body(child, blocks)


def write(document: Document) -> str:
    """The canonical Markdown of a document."""
    blocks = [write_front_matter(document.meta)]
    for node in document.children:
        _body(node, blocks)
    return "\n\n".join(blocks) + "\n"
