"""Rules for working drafts: create, save (every save kept), review the alignment,
correct it, publish. The text may be invalid while drafters work; publishing
needs a text that parses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from tortoise.transactions import in_transaction

from portal.accounts.models import User
from portal.accounts.services import audit
from portal.document import Document, DraftError, Konsultasi, Problem, parse
from portal.document.frontmatter import LONGEST, SLUG_RE, VERSI_RE, load_yaml
from portal.drafting.models import AlignmentCorrection, DraftRevision, WorkingDraft
from portal.i18n import N_, WIB
from portal.lint import Finding, lint
from portal.versions import services as versions
from portal.versions.align import Pin, align
from portal.versions.compare import Comparison, compare
from portal.versions.models import Version

MAX_SOURCE = 2 * 1024 * 1024  # characters of Markdown in one draft
MAX_SLUG, MAX_VERSI = LONGEST["slug"], LONGEST["versi"]  # as WorkingDraft keeps them


class StaleRevision(Exception):
    """Someone saved the draft after the revision this edit started from."""

    def __init__(self, draft: WorkingDraft) -> None:
        self.draft = draft
        super().__init__(f"draft {draft.id} is at revision {draft.revision}")


@dataclass
class Refusal(Exception):
    """A request the rules refuse; ``errors`` maps a field to message keys (see MESSAGES)."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # why the text cannot be read


# Error keys → messages (English ids; the Indonesian catalog translates them).
MESSAGES: dict[str, str] = {
    "source_empty": N_("The draft text is empty."),
    "source_long": N_("The draft text is too long (2 MB at most)."),
    "file_type": N_("Upload a Markdown (.md) file in UTF-8."),
    "draft_exists": N_("An open working draft already exists for this version; open that one."),
    "version_exists": N_("This version is already published; give a new 'versi' in the front matter."),
    "slug_changed": N_("The slug in the front matter cannot change within a working draft."),
    "invalid": N_("The draft text is not valid yet; fix the problems below before publishing."),
    "unnamed": N_(
        "A working draft needs a front matter that names its slug (lower-case letters, digits and hyphens, 100 characters at most) and its versi (50 at most): fix the problems below."
    ),
    "not_open": N_("This draft is no longer open."),
    "path_unknown": N_("This provision does not exist."),
    "correction_empty": N_("Choose an old or a new provision."),
    "correction_level": N_(
        "A correction pairs a Pasal or a unit (ayat, huruf, angka, Menimbang/Mengingat item) with one of the same kind."
    ),
    "correction_unapplied": N_(
        "This correction cannot apply: the Pasal that hold the two units are not aligned with each other. Correct the pair of Pasal first."
    ),
    "window_order": N_("The closing date must follow the opening date."),
    "window_partial": N_("Give both dates, or neither."),
    "date_invalid": N_("Invalid date (yyyy-mm-dd)."),
    "moderation_invalid": N_("Choose pre- or post-moderation."),
    "not_latest": N_(
        "A new version continues the latest published version of its regulation: choose that one."
    ),
    "label_long": N_("The label is too long (200 characters at most)."),
    "outline_invalid": N_(
        "The outline can be changed once the text is valid: fix the problems listed on the draft page first."
    ),
    "outline_breaks": N_("This change would make the text invalid; nothing was changed."),
    "outline_same": N_("The provision is already there: choose another place."),
    "position_invalid": N_("It cannot go there: choose one of the places offered."),
    "pasal_empty": N_("Write the text of the new Pasal."),
    "title_empty": N_("Give the title."),
    "bagian_too_many": N_("A BAB holds at most 99 Bagian (Kesatu to Kesembilan Puluh Sembilan)."),
    "heading_in_part": N_(
        "A heading or a ':::' line cannot stand in this text: Pasal, Bagian and BAB are added, moved and deleted from the outline, and the Penjelasan has its own field."
    ),
}

CORRECTABLE = ("pasal", "ayat", "huruf", "angka")


def _check_text(source: str) -> str:
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    if not source.strip():
        raise Refusal({"source": ["source_empty"]})
    if len(source) > MAX_SOURCE:
        raise Refusal({"source": ["source_long"]})
    return source


def _front(source: str) -> tuple[str | None, str | None, str]:
    """Slug, versi and title from a text, as far as it parses (None where it does not)."""
    try:
        meta = parse(source).meta
    except DraftError as error:
        return _front_lenient(source, error)
    return meta.slug, meta.versi, meta.title


def _front_lenient(source: str, _error: DraftError) -> tuple[str | None, str | None, str]:
    import yaml  # only for a text that does not parse: read what the front matter says

    if not source.startswith("---\n"):
        return None, None, ""
    head = source[4:].split("\n---", 1)[0]
    try:
        data = load_yaml(head)  # the parser's reader: a bad date or number is no crash
    except yaml.YAMLError:
        return None, None, ""
    if not isinstance(data, dict):
        return None, None, ""
    slug, versi, tentang = data.get("slug"), data.get("versi"), data.get("tentang")
    slug = str(slug).strip() if isinstance(slug, (str, int, float)) else ""
    versi = str(versi).strip() if isinstance(versi, (str, int, float)) else ""
    return (
        slug if SLUG_RE.match(slug) and len(slug) <= MAX_SLUG else None,
        versi if VERSI_RE.match(versi) and len(versi) <= MAX_VERSI else None,
        str(tentang) if isinstance(tentang, (str, int, float)) else "",
    )


def _problems(source: str) -> list[Problem]:
    try:
        parse(source)
    except DraftError as error:
        return error.problems
    return []


async def create_draft(source: str, actor: User, *, ip: str | None = None) -> WorkingDraft:
    """A new working draft from a text whose front matter names at least its slug and versi."""
    source = _check_text(source)
    slug, versi, title = _front(source)
    if not slug or versi is None:
        raise Refusal({"source": ["unnamed"]}, _problems(source))
    if await Version.filter(regulation__slug=slug, versi=versi).exists():
        raise Refusal({"source": ["version_exists"]})
    if await WorkingDraft.filter(slug=slug, versi=versi, status="open").exists():
        raise Refusal({"source": ["draft_exists"]})
    async with in_transaction():
        draft = await WorkingDraft.create(
            slug=slug, versi=versi, title=title, source=source, created_by=actor
        )
        await DraftRevision.create(draft=draft, revision=1, source=source, saved_by=actor, note="dibuat")
        await audit(actor, "draft.create", f"draft:{draft.id}", {"slug": slug, "versi": versi}, ip)
    return draft


async def draft_from_version(
    version: Version, versi: str, actor: User, *, ip: str | None = None
) -> WorkingDraft:
    """Start the next version from the latest published one: its text with a new versi and
    today's date (an earlier version cannot be continued: the next one follows the latest)."""
    latest = await previous_version(version.regulation.slug)
    if latest is not None and latest.id != version.id:
        raise Refusal({"dari": ["not_latest"]})
    text = version.source
    head, body = text[4:].split("\n---\n", 1)
    lines = []
    for line in head.split("\n"):
        if line.startswith("versi:"):
            line = f'versi: "{versi}"'
        elif line.startswith("tanggal:"):
            line = f"tanggal: {dt.date.today().isoformat()}"
        lines.append(line)
    return await create_draft("---\n" + "\n".join(lines) + "\n---\n" + body, actor, ip=ip)


async def save_draft(
    draft: WorkingDraft,
    source: str,
    base_revision: int,
    actor: User,
    *,
    note: str = "",
    ip: str | None = None,
) -> WorkingDraft:
    """Replace the text; refuses (StaleRevision) when someone saved since ``base_revision``."""
    if draft.status != "open":
        raise Refusal({"source": ["not_open"]})
    source = _check_text(source)
    slug, versi, title = _front(source)
    if slug is not None and slug != draft.slug:
        raise Refusal({"source": ["slug_changed"]})
    async with in_transaction():
        # Compare-and-set on the revision: two saves from the same revision cannot both win.
        updated = await WorkingDraft.filter(id=draft.id, revision=base_revision, status="open").update(
            source=source,
            revision=base_revision + 1,
            versi=versi if versi is not None else draft.versi,
            title=title or draft.title,
            updated_at=dt.datetime.now(dt.UTC),
        )
        if not updated:
            raise StaleRevision(await WorkingDraft.get(id=draft.id))
        await DraftRevision.create(
            draft_id=draft.id, revision=base_revision + 1, source=source, saved_by=actor, note=note[:300]
        )
        await audit(actor, "draft.save", f"draft:{draft.id}", {"revision": base_revision + 1}, ip)
    return await WorkingDraft.get(id=draft.id)


@dataclass
class Review:
    """A draft as it stands: its problems, or its document and its comparison with the
    version it follows (None for a regulation's first version)."""

    draft: WorkingDraft
    problems: list[Problem]
    document: Document | None
    previous: Version | None
    comparison: Comparison | None
    corrections: list[AlignmentCorrection]
    unapplied: list[AlignmentCorrection]

    @property
    def findings(self) -> list[Finding]:
        """Drafting-technique findings (the rules of ``portal lint``), when the text parses."""
        return lint(self.document) if self.document is not None else []


async def previous_version(slug: str) -> Version | None:
    """The version a working draft continues: the regulation's latest published one
    (versions follow each other in the order of publication, whatever their ``tanggal``)."""
    return (
        await Version.filter(regulation__slug=slug)
        .order_by("-sequence", "-id")
        .select_related("regulation")
        .first()
    )


def pins_of(corrections: list[AlignmentCorrection]) -> list[Pin]:
    return [(c.old_path, c.new_path) for c in corrections]


async def review(draft: WorkingDraft) -> Review:
    corrections = await AlignmentCorrection.filter(draft_id=draft.id).order_by("id")
    previous = await previous_version(draft.slug)
    try:
        document = parse(draft.source)
    except DraftError as error:
        return Review(draft, error.problems, None, previous, None, corrections, [])
    if previous is None:
        return Review(draft, [], document, None, None, corrections, [])
    older = await versions.load_document(previous)
    alignment = align(older, document, pins_of(corrections))
    comparison = compare(older, document, alignment)
    unapplied = [c for c in corrections if not honoured(comparison, c)]
    return Review(draft, [], document, previous, comparison, corrections, unapplied)


def honoured(comparison: Comparison, correction: AlignmentCorrection) -> bool:
    forward = comparison.alignment.forward()
    backward = comparison.alignment.backward()
    if correction.old_path and correction.new_path:
        return any(m.new == correction.new_path for m in forward.get(correction.old_path, []))
    if correction.old_path:
        return all(m.new is None for m in forward.get(correction.old_path, []))
    return all(m.old is None for m in backward.get(correction.new_path or "", []))


async def correct(
    draft: WorkingDraft,
    old_path: str | None,
    new_path: str | None,
    actor: User,
    *,
    note: str = "",
    ip: str | None = None,
) -> AlignmentCorrection:
    """Store a correction (it replaces earlier ones on the same provisions), if it can apply."""
    if draft.status != "open":
        raise Refusal({"correction": ["not_open"]})
    if not old_path and not new_path:
        raise Refusal({"correction": ["correction_empty"]})
    current = await review(draft)
    if current.document is None or current.comparison is None:
        raise Refusal({"correction": ["invalid"]})
    old_index = {n.path: n for n in current.comparison.old.walk()}
    new_index = {n.path: n for n in current.comparison.new.walk()}
    old_node = old_index.get(old_path) if old_path else None
    new_node = new_index.get(new_path) if new_path else None
    if (old_path and old_node is None) or (new_path and new_node is None):
        raise Refusal({"correction": ["path_unknown"]})
    kinds = {n.kind for n in (old_node, new_node) if n is not None}
    if not kinds <= set(CORRECTABLE) or len(kinds) != 1:
        raise Refusal({"correction": ["correction_level"]})
    async with in_transaction():
        replaced = AlignmentCorrection.filter(draft_id=draft.id)
        if old_path:
            await replaced.filter(old_path=old_path).delete()
        if new_path:
            await AlignmentCorrection.filter(draft_id=draft.id, new_path=new_path).delete()
        correction = await AlignmentCorrection.create(
            draft_id=draft.id, old_path=old_path or None, new_path=new_path or None, note=note[:500],
            created_by=actor,
        )  # fmt: skip
        after = await review(draft)
        if after.comparison is None or not honoured(after.comparison, correction):
            raise Refusal({"correction": ["correction_unapplied"]})  # rolls the transaction back
        await audit(
            actor, "alignment.correct", f"draft:{draft.id}",
            {"old": old_path, "new": new_path, "note": note[:500]}, ip,
        )  # fmt: skip
    return correction


async def remove_correction(
    draft: WorkingDraft, correction_id: int, actor: User, *, ip: str | None = None
) -> None:
    correction = await AlignmentCorrection.get_or_none(id=correction_id, draft_id=draft.id)
    if correction is None or draft.status != "open":
        return
    await correction.delete()
    await audit(
        actor, "alignment.uncorrect", f"draft:{draft.id}",
        {"old": correction.old_path, "new": correction.new_path}, ip,
    )  # fmt: skip


@dataclass(frozen=True)
class Window:
    """What the publisher sets: the version's label and date, and its consultation
    (``keep_windows``: earlier versions' open windows stay open)."""

    konsultasi: Konsultasi | None
    anonim_boleh: bool = True
    moderasi: str = "pasca"
    label: str | None = None  # None: the front matter's
    tanggal: dt.date | None = None
    keep_windows: bool = False


async def publish(draft: WorkingDraft, window: Window, actor: User, *, ip: str | None = None) -> Version:
    """The working draft becomes a published version, with the drafter's corrections."""
    if draft.status != "open":
        raise Refusal({"publish": ["not_open"]})
    try:
        document = parse(draft.source)
    except DraftError as error:
        raise Refusal({"publish": ["invalid"]}) from error
    if window.label or window.tanggal:
        document.meta = replace(
            document.meta,
            label=window.label or document.meta.label,
            tanggal=window.tanggal or document.meta.tanggal,
        )
    corrections = await AlignmentCorrection.filter(draft_id=draft.id).order_by("id")
    publication = versions.Publication(
        publisher=actor,
        pins=pins_of(corrections),
        konsultasi=window.konsultasi,
        anonim_boleh=window.anonim_boleh,
        moderasi=window.moderasi,
        ip=ip,
        close_windows=not window.keep_windows,
    )
    async with in_transaction():
        if await Version.filter(regulation__slug=document.meta.slug, versi=document.meta.versi).exists():
            raise Refusal({"publish": ["version_exists"]})
        result = await versions.import_document(document, publication=publication)
        updated = await WorkingDraft.filter(id=draft.id, status="open").update(
            status="published", version_id=result.version.id
        )
        if not updated:
            raise Refusal({"publish": ["not_open"]})  # published twice at once: one wins
    return result.version


async def discard(draft: WorkingDraft, actor: User, *, ip: str | None = None) -> None:
    if draft.status == "open":
        await WorkingDraft.filter(id=draft.id).update(status="discarded")
        await audit(actor, "draft.discard", f"draft:{draft.id}", {}, ip)


# -- reads for the drafting pages ---------------------------------------------------------


async def find_draft(draft_id: int) -> WorkingDraft | None:
    return await WorkingDraft.get_or_none(id=draft_id)


async def draft_lists(*, open_limit: int, done_limit: int) -> tuple[list[WorkingDraft], list[WorkingDraft]]:
    """The open drafts and the latest closed ones, most recently changed first."""
    open_drafts = await WorkingDraft.filter(status="open").order_by("-updated_at").limit(open_limit)
    done = await WorkingDraft.exclude(status="open").order_by("-updated_at").limit(done_limit)
    return list(open_drafts), list(done)


async def version_to_continue(version_id: int) -> Version | None:
    """A published version a new draft may start from, with its regulation."""
    return await Version.get_or_none(id=version_id).select_related("regulation")


async def latest_revisions(draft: WorkingDraft, limit: int) -> list[DraftRevision]:
    """The draft's newest revisions first, with who saved each."""
    return list(
        await DraftRevision.filter(draft_id=draft.id)
        .select_related("saved_by")
        .order_by("-revision")
        .limit(limit)
    )


async def revision(draft: WorkingDraft, number: int) -> DraftRevision | None:
    return await DraftRevision.get_or_none(draft_id=draft.id, revision=number)


async def revisions(draft: WorkingDraft, numbers: list[int]) -> list[DraftRevision]:
    return list(
        await DraftRevision.filter(draft_id=draft.id, revision__in=numbers).select_related("saved_by")
    )


async def windows_still_open(version: Version) -> list[Version]:
    """The regulation's versions whose consultation window has not closed yet (publishing
    the next version would close them)."""
    return list(
        await Version.filter(
            regulation_id=version.regulation_id,  # type: ignore[attr-defined]
            konsultasi_buka__isnull=False,
            konsultasi_tutup__gte=dt.datetime.now(WIB).date(),
        ).order_by("sequence", "id")
    )
