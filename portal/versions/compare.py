"""A comparison of two versions: alignment, word diffs, references, summary and
the rows of the matriks perubahan. Pure; the CLI and the web views render it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from portal.document import Document, Node
from portal.i18n import N_, Translator
from portal.versions.align import KINDS, UNIT_KINDS, Alignment, Kind, Mapping, align
from portal.versions.diff import Piece, word_diff
from portal.versions.refs import ReferenceProblem, check_references

# How the kinds read (UI, CLI, matriks): English message ids, translated by the catalog.
KIND_LABELS: dict[str, str] = {
    "same": N_("unchanged"),
    "renumbered": N_("renumbered"),
    "edited": N_("edited"),
    "moved": N_("moved"),
    "split": N_("split"),
    "merged": N_("merged"),
    "deleted": N_("deleted"),
    "inserted": N_("inserted"),
}


def kind_label(kind: str, lang: str = "id") -> str:
    return Translator(lang).gettext(KIND_LABELS[kind])


@dataclass(frozen=True)
class Change:
    """One mapping with its nodes and, where the wording differs, its word diff."""

    mapping: Mapping
    old: Node | None
    new: Node | None
    pieces: list[Piece] | None

    @property
    def kind(self) -> Kind:
        return self.mapping.kind

    def to_json(self) -> dict[str, Any]:
        return {
            **self.mapping.to_json(),
            "pieces": [p.to_json() for p in self.pieces] if self.pieces is not None else None,
        }


@dataclass(frozen=True)
class MatrixRow:
    number: int
    old_label: str | None
    old_text: str
    new_label: str | None
    new_text: str
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.number,
            "semula": {"label": self.old_label, "text": self.old_text},
            "baru": {"label": self.new_label, "text": self.new_text},
            "keterangan": self.note,
        }


@dataclass
class Comparison:
    old: Document
    new: Document
    alignment: Alignment
    references: list[ReferenceProblem]
    changes: list[Change] = field(default_factory=list)

    def change_for_new(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {}
        for change in self.changes:
            if change.mapping.new is not None:
                out.setdefault(change.mapping.new, []).append(change)
        return out

    def deleted_after(self) -> dict[str | None, list[Change]]:
        """Deleted provisions keyed by the new path they follow (None: at the start):
        a deleted Pasal or BAB after the last structure seen, a deleted unit after the
        last unit (or its Pasal). Units of a deleted Pasal go with their Pasal."""
        out: dict[str | None, list[Change]] = {}
        last_block: str | None = None
        last_unit: str | None = None
        for change in self.changes:
            if change.new is not None:
                if change.new.kind in UNIT_KINDS:
                    last_unit = change.new.path
                elif change.new.kind in _BLOCKS:
                    last_block = last_unit = change.new.path
            elif change.old is not None and not _under_deleted(change, self):
                key = last_unit if change.old.kind in UNIT_KINDS else last_block
                if change.old.kind in UNIT_KINDS or change.old.kind in _BLOCKS:
                    out.setdefault(key, []).append(change)
        return out

    def summary_kind(self, mapping: Mapping) -> Kind:
        """The kind a reader counts: ``renumbered`` only when the provision's own number
        changed. A unit that keeps its number inside a renumbered parent (ayat (1) of
        Pasal 5, now of Pasal 6) is counted ``same``, and so is the Penjelasan of a
        renumbered provision that follows it (counted once, on the provision)."""
        if mapping.kind != "renumbered" or mapping.old is None or mapping.new is None:
            return mapping.kind
        forward = self.alignment.forward()
        old, new = mapping.old, mapping.new
        prefix = "penjelasan/"
        if old.startswith(prefix) and new.startswith(prefix):
            explained = old.removeprefix(prefix)
            if any(m.new == new.removeprefix(prefix) for m in forward.get(explained, [])):
                return "same"  # it follows the provision it explains
        old_parent, _, old_own = old.rpartition("/")
        new_parent, _, new_own = new.rpartition("/")
        kept = old_own == new_own and old_parent and new_parent
        if kept and any(m.new == new_parent for m in forward.get(old_parent, [])):
            return "same"  # its number is unchanged; its parent's changed
        return "renumbered"

    def summary(self) -> dict[str, Any]:
        """Counts by kind, overall and per BAB of the new version (deleted: of the old);
        renumbered as ``summary_kind`` says (what a reader means by it)."""
        kinds = [(m, self.summary_kind(m)) for m in self.alignment.mappings]
        overall = Counter(kind for _, kind in kinds)
        per_bab: dict[str, Counter[str]] = {}
        titles: dict[str, str] = {}
        new_bab = _bab_of(self.new)
        old_bab = _bab_of(self.old)
        for m, kind in kinds:
            if m.new is not None and m.new in new_bab:
                bab = new_bab[m.new]
                titles[bab.path] = f"{bab.label} — {bab.heading}" if bab.heading else bab.label
                per_bab.setdefault(bab.path, Counter())[kind] += 1
            elif m.new is None and m.old in old_bab:
                bab = old_bab[m.old]
                key = f"semula:{bab.path}"
                title = f"{bab.label} — {bab.heading}" if bab.heading else bab.label
                titles[key] = f"{title} ({self.old.meta.versi})"
                per_bab.setdefault(key, Counter())[kind] += 1
        return {
            "counts": {kind: overall.get(kind, 0) for kind in KINDS},
            "per_bab": [
                {"path": path, "title": titles[path], "counts": {k: counts.get(k, 0) for k in KINDS}}
                for path, counts in per_bab.items()
            ],
        }

    def matrix(self, lang: str = "id") -> list[MatrixRow]:
        """Matriks perubahan: one row per changed Pasal, Menimbang or Mengingat item, BAB."""
        rows: list[MatrixRow] = []
        for change in self.changes:
            node = change.new or change.old
            if node is None or change.kind == "same" or node.kind not in ("pasal", "bab", "huruf", "angka"):
                continue
            if node.kind in ("huruf", "angka") and not node.path.startswith(("menimbang", "mengingat")):
                continue
            rows.append(
                MatrixRow(
                    number=len(rows) + 1,
                    old_label=matrix_label(change.old) if change.old else None,
                    old_text=provision_text(change.old) if change.old else "",
                    new_label=matrix_label(change.new) if change.new else None,
                    new_text=provision_text(change.new) if change.new else "",
                    note=matrix_note(change, self.alignment, lang),
                )
            )
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "old": _version_json(self.old),
            "new": _version_json(self.new),
            "summary": self.summary(),
            "alignment": self.alignment.to_json(),
            "references": [r.to_json() for r in self.references],
            "diffs": [c.to_json() for c in self.changes if c.pieces is not None],
        }


_BLOCKS = ("pasal", "bab", "bagian", "paragraf", "menimbang", "mengingat", "penjelasan_umum", "lampiran")


def _version_json(document: Document) -> dict[str, Any]:
    meta = document.meta
    return {"slug": meta.slug, "versi": meta.versi, "label": meta.label, "tanggal": meta.tanggal.isoformat()}


def _under_deleted(change: Change, comparison: Comparison) -> bool:
    """A deleted unit inside a deleted Pasal is shown with its Pasal, not on its own."""
    old = change.mapping.old or ""
    parent = old.rsplit("/", 1)[0] if "/" in old else None
    if parent is None:
        return False
    forward = comparison.alignment.forward()
    return all(m.new is None for m in forward.get(parent, []))


def _bab_of(document: Document) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for top in document.children:
        if top.kind == "bab":
            for node in top.walk():
                out[node.path] = top
    # Penjelasan follow their Pasal's BAB.
    for path, bab in list(out.items()):
        out.setdefault(f"penjelasan/{path}", bab)
    for node in document.walk():
        if node.kind == "penjelasan":
            target = node.path.removeprefix("penjelasan/").split("/")[0]
            if target in out:
                out[node.path] = out[target]
    return out


def own_text(node: Node) -> str:
    """The words a diff compares: the heading of a BAB/Bagian, the text of anything else."""
    if node.kind in ("bab", "bagian", "paragraf", "lampiran") and node.heading:
        return node.heading + ("\n" + node.text if node.text else "")
    return node.text


def provision_text(node: Node) -> str:
    """A Pasal (or item) as it reads: opening, then each unit on its own line."""
    if node.kind == "bab":
        return f"{node.label}\n{node.heading or ''}".strip()
    lines = [node.text] if node.text else []

    def visit(parent: Node, depth: int) -> None:
        for child in parent.children:
            if child.kind in UNIT_KINDS:
                lines.append("    " * depth + f"{child.marker} {child.text}")
                visit(child, depth + 1)

    visit(node, 0)
    return "\n".join(lines)


def matrix_label(node: Node) -> str:
    """'Pasal 5', 'BAB II', 'Menimbang huruf c'."""
    top = node.path.split("/")[0]
    if top in ("menimbang", "mengingat") and node.kind != top:
        return f"{top.capitalize()} {node.label}"
    return node.label


def matrix_note(change: Change, alignment: Alignment, lang: str = "id") -> str:
    t = Translator(lang)
    old, new = change.old, change.new
    if change.kind == "inserted":
        return t.gettext("New provision")
    if change.kind == "deleted":
        return t.gettext("Deleted")
    if old is None or new is None:
        return ""
    parts: list[str] = []
    if change.kind == "moved":
        parts.append(t.gettext("Moved (was %(label)s)", label=old.label))
    elif change.kind == "split":
        parts.append(t.gettext("Split from %(label)s", label=old.label))
    elif change.kind == "merged":
        parts.append(t.gettext("Merged from %(label)s", label=old.label))
    elif old.label != new.label:
        parts.append(t.gettext("Renumbered (was %(label)s)", label=old.label))
    if change.kind in ("edited", "moved", "split", "merged") or _subtree_changed(old, new):
        parts.append(t.gettext("wording changed"))
    return "; ".join(parts) if parts else t.gettext("Renumbered")


def _subtree_changed(old: Node, new: Node) -> bool:
    return provision_text(old) != provision_text(new)


def compare(old: Document, new: Document, alignment: Alignment | None = None) -> Comparison:
    """Everything that changed from ``old`` to ``new``."""
    alignment = alignment or align(old, new)
    old_index, new_index = alignment.indexes(old, new)
    comparison = Comparison(old, new, alignment, check_references(old, new, alignment))
    for m in alignment.mappings:
        o = old_index.get(m.old) if m.old else None
        n = new_index.get(m.new) if m.new else None
        pieces = None
        if o is not None and n is not None and (o.text != n.text or o.heading != n.heading):
            old_text, new_text = own_text(o), own_text(n)
            if old_text != new_text:
                pieces = word_diff(old_text, new_text)
        comparison.changes.append(Change(m, o, n, pieces))
    return comparison
