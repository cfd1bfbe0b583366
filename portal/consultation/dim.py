"""The Daftar Inventarisasi Masalah (DIM) of a version: one numbered row per unit of
the draft, the stakeholders' proposals grouped by category, the answers and results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from portal.accounts.labels import CATEGORIES, CATEGORY_NAMES
from portal.consultation.models import Comment, Response
from portal.document import Document, Node
from portal.i18n import Translator
from portal.versions.models import AlignmentRow, Version

DIM_HEADERS = (
    "No. DIM", "Rumusan Raperda", "Usulan Pemangku Kepentingan", "Tanggapan Pemerintah Daerah",
    "Hasil / Kesepakatan", "Keterangan",
)  # fmt: skip
PER_CATEGORY = 5  # proposals shown per stakeholder category in one DIM row
DIM_STATUS = {
    "same": "Tetap",
    "renumbered": "Tetap",
    "moved": "Substansi",
    "split": "Substansi",
    "merged": "Substansi",
    "deleted": "Dihapus",
}
DISPOSITION_ID = {
    "diterima": "diterima",
    "diterima-sebagian": "diterima sebagian",
    "ditolak": "ditolak",
    "sudah-diakomodasi": "sudah diakomodasi",
    "di-luar-materi": "di luar materi muatan",
}


@dataclass(frozen=True)
class DimRow:
    number: int
    wording: str
    proposals: str
    answers: str
    result: str
    note: str

    def cells(self) -> tuple[str, str, str, str, str, str]:
        return (str(self.number), self.wording, self.proposals, self.answers, self.result, self.note)


def dim_units(document: Document) -> list[Node]:
    """The rows of a DIM: every Menimbang letter, Mengingat number, heading, Pasal opening,
    ayat, huruf and angka, in document order (Penjelasan and free parts left out)."""
    skip = ("penjelasan", "penjelasan_umum", "lampiran")
    return [n for n in document.walk() if n.kind not in skip and not n.path.startswith("penjelasan/")]


def _dim_wording(node: Node) -> str:
    if node.kind in ("bab", "bagian", "paragraf"):
        return f"{node.label}\n{node.heading or ''}".strip()
    if node.kind == "pasal":
        return f"{node.label}\n{node.text}".strip()
    if node.kind in ("menimbang", "mengingat"):
        return node.label
    return f"{node.marker or ''} {node.text}".strip()


class DimComment(NamedTuple):
    """What a DIM row needs of a comment (read as plain values: a version may have 100,000)."""

    id: int
    number: str
    path: str
    category: str
    text: str
    group_id: int | None
    group_size: int | None
    verified: bool = False


class DimAnswer(NamedTuple):
    disposition: str
    reason: str


async def dim(version: Version, document: Document) -> list[DimRow]:
    """The Daftar Inventarisasi Masalah of a version: one numbered row per unit."""
    rows = (
        await Comment.filter(version_id=version.id, parent_id=None, status="terbit")
        .order_by("id")
        .values_list(
            "id", "number", "path", "category", "replacement", "body", "group_id", "group__size", "verified"
        )
    )
    comments = [DimComment(i, n, p, c, r or b, g, size, bool(v)) for i, n, p, c, r, b, g, size, v in rows]
    responses: dict[int, DimAnswer] = {}
    # Joined, not an IN list of ids: a version may have more comments than a query may have parameters.
    answered = (
        await Response.filter(comment__version_id=version.id, comment__parent_id=None)
        .order_by("id")
        .values_list("comment_id", "disposition", "reason")
    )
    for comment_id, disposition, reason in answered:
        responses[comment_id] = DimAnswer(disposition, reason)
    by_path: dict[str, list[DimComment]] = defaultdict(list)
    for comment in comments:
        by_path[comment.path].append(comment)
    regulation_id: int = version.regulation_id  # type: ignore[attr-defined]
    later = (
        await Version.filter(regulation_id=regulation_id, sequence__gt=version.sequence)
        .order_by("sequence", "id")
        .first()
    )
    outcome: dict[str, tuple[str, float]] = {}
    if later is not None:
        alignment = await AlignmentRow.filter(from_version_id=version.id, to_version_id=later.id).values_list(
            "old_path", "kind", "score"
        )
        for old_path, kind, score in alignment:
            if old_path:
                outcome.setdefault(old_path, (kind, score))
    whole = by_path.get("", [])
    out = [
        DimRow(
            1, f"Judul\n{document.meta.title}", _proposals(whole), _answers(whole, responses),
            _result(whole, responses), "",
        )
    ]  # fmt: skip
    for number, node in enumerate(dim_units(document), start=2):
        found = by_path.get(node.path, [])
        kind, score = outcome.get(node.path, ("", 0.0))
        if kind == "edited":
            note = "Redaksional" if score >= 0.9 else "Substansi"
        else:
            note = DIM_STATUS.get(kind, "")
        out.append(
            DimRow(
                number, _dim_wording(node), _proposals(found), _answers(found, responses),
                _result(found, responses), note,
            )
        )  # fmt: skip
    return out


def _proposals(comments: Sequence[DimComment]) -> str:
    if not comments:
        return ""
    by_category: dict[str, list[DimComment]] = defaultdict(list)
    for comment in comments:
        by_category[comment.category].append(comment)
    lines: list[str] = []
    indonesian = Translator("id")
    for category in CATEGORIES:
        group = by_category.get(category)
        if not group:
            continue
        verified = sum(1 for c in group if c.verified)
        counted = f"{len(group)}; terverifikasi {verified}" if verified else str(len(group))
        lines.append(f"{indonesian.gettext(CATEGORY_NAMES[category])} ({counted}):")
        shown_ids: set[int] = set()
        shown_groups: set[int] = set()
        for comment in group:
            if comment.group_id is not None and comment.group_id in shown_groups:
                continue  # a campaign is listed once, with its size
            if len(shown_ids) == PER_CATEGORY:
                break
            text = comment.text if len(comment.text) <= 400 else comment.text[:400] + "…"
            campaign = (
                f" [kampanye, {comment.group_size} penanda tangan]" if comment.group_id is not None else ""
            )
            # A verified stakeholder is marked; every other category is as its writer declared it.
            standing = " (terverifikasi)" if comment.verified else ""
            lines.append(f"- {comment.number}{standing}{campaign}: {text}")
            shown_ids.add(comment.id)
            if comment.group_id is not None:
                shown_groups.add(comment.group_id)
        rest = len([c for c in group if c.id not in shown_ids and c.group_id not in shown_groups])
        if rest > 0:
            lines.append(f"- dan {rest} masukan lainnya")
    return "\n".join(lines)


def _answers(comments: Sequence[DimComment], responses: dict[int, DimAnswer]) -> str:
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for comment in comments:
        response = responses.get(comment.id)
        if response is None or (response.disposition, response.reason) in seen:
            continue
        seen.add((response.disposition, response.reason))
        lines.append(f"{comment.number}: {DISPOSITION_ID[response.disposition]} — {response.reason}")
    return "\n".join(lines)


def _result(comments: Sequence[DimComment], responses: dict[int, DimAnswer]) -> str:
    if not comments:
        return ""
    tally = Counter(responses[c.id].disposition for c in comments if c.id in responses)
    parts = [f"{DISPOSITION_ID[d]} {n}" for d, n in tally.most_common()]
    waiting = len(comments) - sum(tally.values())
    if waiting:
        parts.append(f"belum dijawab {waiting}")
    return ", ".join(parts)
