"""Rules for storing and reading versions: import, immutability, bounded reads."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tortoise.models import Model
from tortoise.transactions import in_transaction

from portal.accounts.models import AuditEvent, User
from portal.document import Document, Konsultasi, Metadata, Node, parse, write
from portal.i18n import WIB
from portal.search import outbox as search_outbox
from portal.versions.align import Alignment, Pin, align
from portal.versions.models import AlignmentRow, Provision, Regulation, Version


class VersionConflict(Exception):
    """A different text under a versi that is already published."""

    def __init__(self, slug: str, versi: str, stored: str, offered: str) -> None:
        self.slug, self.versi, self.stored, self.offered = slug, versi, stored, offered
        super().__init__(f"{slug}/{versi}")

    def message(self, lang: str = "id") -> str:
        if lang == "en":
            return (
                f"version {self.versi} of {self.slug} is already published with a different text "
                f"(stored SHA-256 {self.stored[:12]}…, this file {self.offered[:12]}…); "
                "a published version never changes: give the new text a new 'versi'"
            )
        return (
            f"versi {self.versi} dari {self.slug} sudah terbit dengan teks yang berbeda "
            f"(SHA-256 tersimpan {self.stored[:12]}…, berkas ini {self.offered[:12]}…); "
            "versi yang sudah terbit tidak dapat diubah: beri teks baru 'versi' yang baru"
        )


@dataclass(frozen=True)
class ImportResult:
    status: Literal["created", "unchanged"]
    version: Version


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rows(document: Document) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def visit(node: Node, parent: str | None) -> None:
        rows.append(
            {
                "position": len(rows),
                "path": node.path,
                "parent_path": parent,
                "kind": node.kind,
                "number": node.number,
                "heading": node.heading,
                "text": node.text,
                "marker": node.marker,
                "line": node.line,
            }
        )
        for child in node.children:
            visit(child, node.path)

    for top in document.children:
        visit(top, None)
    return rows


@dataclass(frozen=True)
class Publication:
    """Who publishes, with which corrections of the alignment, and how the consultation runs."""

    publisher: User | None = None
    pins: Sequence[Pin] = ()
    konsultasi: Konsultasi | None = None  # overrides the front matter's window when given
    anonim_boleh: bool = True
    moderasi: str = "pasca"
    ip: str | None = None
    # Close the consultation windows of earlier versions still open (or yet to open) at
    # publication. The publish form closes them unless the drafter keeps them; ``portal
    # import`` keeps the windows its files state.
    close_windows: bool = False


async def import_document(
    document: Document, *, now: dt.datetime | None = None, publication: Publication | None = None
) -> ImportResult:
    """Store a parsed version; identical re-imports change nothing."""
    publication = publication or Publication()
    source = write(document)
    digest = checksum(source)
    # Store the nodes of the canonical text, so stored line numbers point into it.
    document = parse(source)
    meta = document.meta
    async with in_transaction():
        regulation = await Regulation.get_or_none(slug=meta.slug)
        if regulation is not None:
            existing = await Version.get_or_none(regulation=regulation, versi=meta.versi)
            if existing is not None:
                if existing.checksum != digest:
                    raise VersionConflict(meta.slug, meta.versi, existing.checksum, digest)
                return ImportResult("unchanged", existing)
        fields: dict[str, Any] = {
            "jenis": meta.jenis,
            "daerah": meta.daerah,
            "tentang": meta.tentang,
            "pembentuk": meta.pembentuk,
            "pemrakarsa": meta.pemrakarsa,
        }
        if regulation is None:
            regulation = await Regulation.create(slug=meta.slug, **fields)
        else:
            # Versions follow each other in the order of publication: hold the regulation
            # while this one takes the next place (the unique sequence is the last guard).
            await Regulation.filter(id=regulation.id).select_for_update().first()
            # The regulation shows the title of its newest version: this one.
            await Regulation.filter(id=regulation.id).update(**fields)
        previous = await latest_version(regulation.id)
        window = publication.konsultasi or meta.konsultasi
        published_at = now or dt.datetime.now(dt.UTC)
        on = published_at.astimezone(WIB).date()
        open_windows = (
            await Version.filter(
                regulation=regulation, konsultasi_tutup__gte=on, konsultasi_buka__isnull=False
            )
            .order_by("sequence", "id")
            .values_list("id", "versi", "konsultasi_buka")
            if previous is not None
            else []
        )
        closing = publication.close_windows
        version = await Version.create(
            status="published",
            previous=previous,
            regulation=regulation,
            versi=meta.versi,
            sequence=previous.sequence + 1 if previous is not None else 1,
            label=meta.label,
            tanggal=meta.tanggal,
            tahap=meta.tahap,
            nomor=meta.nomor,
            tahun=meta.tahun,
            konsultasi_buka=window.buka if window else None,
            konsultasi_tutup=window.tutup if window else None,
            source=source,
            checksum=digest,
            published_at=published_at,
            published_by=publication.publisher,
            anonim_boleh=publication.anonim_boleh,
            moderasi=publication.moderasi,
            pasal_count=len(document.pasal()),
            lint_matikan=list(meta.lint_matikan),
            earlier_windows=(
                {"closed" if closing else "kept": [str(versi) for _, versi, _ in open_windows]}
                if open_windows
                else {}
            ),
        )
        if closing:
            for version_id, _, buka in open_windows:
                # Closed the day before this publication; a window not yet open is withdrawn.
                started = buka is not None and buka < on
                await Version.filter(id=version_id).update(
                    konsultasi_buka=buka if started else None,
                    konsultasi_tutup=on - dt.timedelta(days=1) if started else None,
                )
        alignment: Alignment | None = None
        lineages: dict[str, str] = {}
        if previous is not None:
            older = await load_document(previous, regulation)
            alignment = align(older, document, publication.pins)
            lineages = inherit_lineage(older, alignment)
            await AlignmentRow.bulk_create(
                [
                    AlignmentRow(
                        from_version_id=previous.id, to_version_id=version.id, position=k,
                        old_path=m.old, new_path=m.new, kind=m.kind, score=m.score,
                    )
                    for k, m in enumerate(alignment.mappings)
                ],
                batch_size=1000,
            )  # fmt: skip
            # A later version supersedes the earlier ones; their text never changes.
            await Version.filter(regulation=regulation).exclude(id=version.id).update(status="superseded")
        publisher = publication.publisher
        await AuditEvent.create(
            actor=publisher,
            actor_label=f"{publisher.name} <{publisher.email}>" if publisher else "sistem (portal import)",
            action="version.publish",
            target=f"version:{meta.slug}/{meta.versi}",
            details={
                "checksum": digest,
                "previous": previous.versi if previous else None,
                "corrections": [list(pin) for pin in publication.pins],
                "sequence": version.sequence,
                "windows": version.earlier_windows,
            },
            ip=publication.ip,
        )
        rows = _rows(document)
        for row in rows:
            row["lineage"] = lineages.get(str(row["path"])) or uuid.uuid4().hex
        await Provision.bulk_create([Provision(version_id=version.id, **row) for row in rows], batch_size=500)
        await search_outbox.note("version", [version.id])
    return ImportResult("created", version)


async def latest_version(regulation_id: int) -> Version | None:
    """The regulation's newest version: the last one published."""
    return await Version.filter(regulation_id=regulation_id).order_by("-sequence", "-id").first()


def inherit_lineage(older: Document, alignment: Alignment) -> dict[str, str]:
    """New path → the lineage it carries on: a provision that continues (same, renumbered,
    edited, moved; the closer part of a split; the closer source of a merge) keeps it."""
    old_lineage = {node.path: node.lineage for node in older.walk() if node.lineage}
    best: dict[str, tuple[float, str]] = {}
    taken: dict[str, tuple[float, str]] = {}
    for m in alignment.mappings:
        if m.old is None or m.new is None or m.old not in old_lineage:
            continue
        # One old lineage continues in one new provision only (the best-scoring one).
        if m.old in taken and taken[m.old][0] >= m.score:
            continue
        if m.new in best and best[m.new][0] >= m.score:
            continue
        if m.old in taken:
            best.pop(taken[m.old][1], None)
        taken[m.old] = (m.score, m.new)
        best[m.new] = (m.score, old_lineage[m.old])
    return {path: lineage for path, (_, lineage) in best.items()}


async def import_text(text: str) -> ImportResult:
    """Parse (raising DraftError with every problem) and store."""
    return await import_document(parse(text))


def draft_files(paths: list[Path]) -> list[Path]:
    """Markdown files named directly or found under the folders given, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if _is_draft(p)))
        else:
            found.append(path)
    return found


def _is_draft(path: Path) -> bool:
    # A draft file opens with front matter; READMEs and change notes beside drafts do not.
    with path.open(encoding="utf-8") as handle:
        return handle.readline().rstrip("\n").removeprefix("\ufeff") == "---"


def metadata_of(version: Version, regulation: Regulation) -> Metadata:
    konsultasi = (
        Konsultasi(version.konsultasi_buka, version.konsultasi_tutup)
        if version.konsultasi_buka and version.konsultasi_tutup
        else None
    )
    return Metadata(
        slug=regulation.slug,
        versi=version.versi,
        label=version.label,
        tanggal=version.tanggal,
        jenis=regulation.jenis,
        daerah=regulation.daerah,
        tentang=regulation.tentang,
        pembentuk=regulation.pembentuk,
        tahap=version.tahap,
        nomor=version.nomor,
        tahun=version.tahun,
        pemrakarsa=regulation.pemrakarsa,
        konsultasi=konsultasi,
        lint_matikan=tuple(version.lint_matikan or ()),
    )


def tree_from_rows(meta: Metadata, provisions: list[Provision]) -> Document:
    """Rebuild the document tree from its stored rows (document order)."""
    document = Document(meta=meta)
    by_path: dict[str, Node] = {}
    for row in provisions:
        node = Node(
            kind=row.kind,  # type: ignore[arg-type]
            path=row.path,
            number=row.number,
            heading=row.heading,
            text=row.text,
            marker=row.marker,
            line=row.line,
            lineage=row.lineage,
        )
        by_path[row.path] = node
        parent = by_path.get(row.parent_path) if row.parent_path else None
        (parent.children if parent else document.children).append(node)
    return document


def _fits(model: type[Model], **values: str) -> bool:
    """Whether each value fits its column (Tortoise refuses a longer one even in a
    filter, with ValidationError: a URL's value that cannot fit finds nothing)."""
    fields_map = model._meta.fields_map
    return all(
        len(value) <= (getattr(fields_map[name], "max_length", None) or len(value))
        for name, value in values.items()
    )


async def find_version(slug: str, versi: str) -> Version | None:
    """One query: the version with its regulation."""
    if not (_fits(Regulation, slug=slug) and _fits(Version, versi=versi)):
        return None
    return (
        await Version.filter(regulation__slug=slug, versi=versi)
        .select_related("regulation", "published_by")
        .first()
    )


async def version_stamps(regulation_id: int) -> list[tuple[Any, ...]]:
    """One query: what may change of a regulation's versions after publication (their
    status and consultation settings), as ``CachedVersion.stamp`` orders it."""
    rows = await Version.filter(regulation_id=regulation_id).values_list(
        "id", "status", "konsultasi_buka", "konsultasi_tutup", "anonim_boleh", "moderasi"
    )
    return sorted(tuple(row) for row in rows)


async def first_date(version: Version) -> dt.date | None:
    """The date of the regulation's first version (its Work's year in Akoma Ntoso)."""
    found = (
        await Version.filter(regulation_id=version.regulation_id)  # type: ignore[attr-defined]
        .order_by("published_at", "id")
        .first()
        .values_list("tanggal", flat=True)
    )
    return found  # type: ignore[return-value]


async def other_versions(version: Version) -> list[Version]:
    """One query: the regulation's other versions."""
    return [v for v in await Version.filter(regulation_id=version.regulation.id) if v.id != version.id]


async def load_document(version: Version, regulation: Regulation | None = None) -> Document:
    """One query: the provisions of a version, rebuilt into its tree."""
    provisions = await Provision.filter(version_id=version.id).order_by("position")
    return tree_from_rows(metadata_of(version, regulation or version.regulation), provisions)


async def list_regulations() -> list[tuple[Regulation, list[Version]]]:
    """Two queries whatever the number of regulations and versions."""
    regulations = await Regulation.all().order_by("slug")
    versions = await Version.all().order_by("regulation_id", "sequence", "id")
    by_regulation: dict[int, list[Version]] = {}
    for version in versions:
        by_regulation.setdefault(version.regulation_id, []).append(version)  # type: ignore[attr-defined]
    return [(regulation, by_regulation.get(regulation.id, [])) for regulation in regulations]


async def regulation_with_versions(slug: str) -> tuple[Regulation, list[Version]] | None:
    regulation = await Regulation.get_or_none(slug=slug) if _fits(Regulation, slug=slug) else None
    if regulation is None:
        return None
    versions = await Version.filter(regulation_id=regulation.id).order_by("sequence", "id")
    return regulation, versions


async def is_empty() -> bool:
    return not await Regulation.exists()


@dataclass(frozen=True)
class VersionRef:
    """A version named for a list or a menu, without its text (versions carry their whole source)."""

    id: int
    versi: str
    label: str
    slug: str
    tentang: str


async def version_refs(ids: Sequence[int] | None = None, limit: int = 200) -> list[VersionRef]:
    """One query, newest first."""
    query = Version.all() if ids is None else Version.filter(id__in=list(ids))
    rows = (
        await query.order_by("-published_at", "-sequence", "-id")
        .limit(limit)
        .values_list("id", "versi", "label", "regulation__slug", "regulation__tentang")
    )
    return [VersionRef(*row) for row in rows]


async def latest_refs(limit: int = 200) -> list[VersionRef]:
    """Each regulation's latest version (the one a next version continues), by slug."""
    rows = (
        await Version.all()
        .order_by("regulation__slug", "-sequence", "-id")
        .values_list("id", "versi", "label", "regulation__slug", "regulation__tentang")
    )
    latest: dict[str, VersionRef] = {}
    for row in rows:
        ref = VersionRef(*row)
        latest.setdefault(ref.slug, ref)
    return list(latest.values())[:limit]
