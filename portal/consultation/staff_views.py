"""Web handlers for the staff's side of the consultation: moderation (`/moderasi`),
redaction on request, and the drafters' answer queue (`/kelola/komentar`)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.functions import Count

from portal.accounts.labels import CATEGORIES
from portal.accounts.web import client_ip, require
from portal.consultation import moderation, services, threads
from portal.consultation.errors import Refused
from portal.consultation.messages import MESSAGES
from portal.consultation.models import DISPOSITIONS, POSITIONS, Comment
from portal.document import Document
from portal.document.citations import ancestors, path_citation
from portal.i18n import N_
from portal.versions.models import Version
from portal.versions.services import version_refs
from portal.web.forms import read_form, render, text
from portal.web.pages import request_lang

# -- moderation -------------------------------------------------------------------------------


async def _moderation_page(
    request: Request,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    only: Comment | None = None,
) -> Response:
    if only is not None:
        pending, hidden, recent = [], [], [only]
    else:
        pending = await Comment.filter(status="menunggu").order_by("id").limit(100)
        hidden = await Comment.filter(status="disembunyikan").order_by("-id").limit(20)
        recent = await Comment.filter(status="terbit").order_by("-id").limit(30)
    ids = {c.version_id for c in [*pending, *hidden, *recent]}  # type: ignore[attr-defined]
    where = {ref.id: ref for ref in await version_refs(list(ids))}
    return render(
        request, "consultation/moderation.html", status=status, pending=pending, hidden=hidden, recent=recent,
        where=where, errors=errors or {}, messages=MESSAGES, status_names=services.STATUS_NAMES,
    )  # fmt: skip


async def moderation_page(request: Request) -> Response:
    await require(request, "comment.moderate")
    return await _moderation_page(request)


async def moderate(request: Request) -> Response:
    actor, _ = await require(request, "comment.moderate")
    form = await read_form(request)
    comment = await Comment.get_or_none(number=request.path_params["nomor"])
    if comment is None:
        raise HTTPException(status_code=404)
    try:
        await moderation.moderate(
            comment, text(form, "action", 20), text(form, "reason", 2000), actor, client_ip(request)
        )
    except Refused as refused:
        return await _moderation_page(request, refused.errors, 400, only=comment)
    request.app.state.comment_counts.forget()
    return RedirectResponse("/moderasi", status_code=303)


async def redact(request: Request) -> Response:
    actor, _ = await require(request, "comment.redact")
    form = await read_form(request)
    comment = await Comment.get_or_none(number=request.path_params["nomor"])
    if comment is None:
        raise HTTPException(status_code=404)
    await moderation.redact(
        comment, text(form, "reason", 2000), actor, request.app.state.settings, client_ip(request)
    )
    request.app.state.comment_counts.forget()
    return RedirectResponse("/moderasi", status_code=303)


# -- answers (drafters) -----------------------------------------------------------------------

ANSWERABLE = ("pasal", "ayat", "huruf", "angka")  # what an answer points to


async def _progress(
    request: Request, version_id: int, slug: str, versi: str
) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """Unanswered comments per provision, and answered/total per BAB in document order
    (two GROUP BY queries; the BAB of a provision comes from the kept version)."""
    base = Comment.filter(version_id=version_id, parent_id=None).exclude(status="menunggu")
    totals = dict(await base.group_by("path").annotate(n=Count("id")).values_list("path", "n"))
    done = dict(
        await base.filter(answered_at__not_isnull=True)
        .group_by("path")
        .annotate(n=Count("id"))
        .values_list("path", "n")
    )
    waiting = {
        path: int(n) - int(done.get(path, 0)) for path, n in totals.items() if int(n) > int(done.get(path, 0))
    }
    cached = await request.app.state.versions.get(slug, versi)
    position = {node.path: k for k, node in enumerate(cached.order)} if cached else {}
    order: dict[str, int] = {}
    per_part: dict[str, list[int]] = {}
    for path, n in totals.items():
        part = _part_of(cached.document, path) if cached else "—"
        counts = per_part.setdefault(part, [0, 0])
        counts[0] += int(done.get(path, 0))
        counts[1] += int(n)
        if cached and path:
            order.setdefault(part, position.get(path, 0))
    parts = sorted(per_part.items(), key=lambda item: order.get(item[0], -1))
    return waiting, [(part, answered, total) for part, (answered, total) in parts]


def _part_of(document: Document, path: str) -> str:
    """The BAB a provision stands in (or the opening parts, or the draft as a whole)."""
    if not path:
        return "Rancangan secara keseluruhan"
    if path.split("/")[0] in ("menimbang", "mengingat"):
        return "Pembukaan (Menimbang dan Mengingat)"
    chain = ancestors(document, path.removeprefix("penjelasan/"))
    bab = next((node for node in chain if node.kind == "bab"), None)
    return f"{bab.label} {bab.heading or ''}".strip() if bab else path_citation(path)


async def answer_queue(request: Request) -> Response:
    await require(request, "comment.answer")
    q = request.query_params
    versions = await version_refs()
    # By default the queue opens on the newest version that has comments waiting for an answer.
    waiting_in = {
        int(version_id)
        for version_id, _ in await Comment.filter(parent_id=None, answered_at__isnull=True)
        .exclude(status="menunggu")
        .group_by("version_id")
        .annotate(n=Count("id"))
        .values_list("version_id", "n")
    }
    default = next((v for v in versions if v.id in waiting_in), versions[0] if versions else None)
    chosen = next((v for v in versions if str(v.id) == q.get("versi")), default)
    rows: list[Comment] = []
    waiting: dict[str, int] = {}
    parts: list[tuple[str, int, int]] = []
    if chosen is not None:
        waiting, parts = await _progress(request, chosen.id, chosen.slug, chosen.versi)
        query = Comment.filter(version_id=chosen.id, parent_id=None, answered_at__isnull=True).exclude(
            status="menunggu"
        )
        if q.get("kategori") in CATEGORIES:
            query = query.filter(category=q["kategori"])
        if q.get("posisi") in POSITIONS:
            query = query.filter(position=q["posisi"])
        rows = await query.order_by("path", "id").limit(200).select_related("group")
    answered = sum(a for _, a, _ in parts)
    total = sum(t for _, _, t in parts)
    return render(
        request, "consultation/queue.html", versions=versions, chosen=chosen, rows=rows, by_path=waiting,
        parts=parts, answered=answered, total=total, categories=CATEGORIES, positions=POSITIONS, q=q,
        position_names=services.POSITION_NAMES, messages=MESSAGES,
    )  # fmt: skip


ANSWER_MESSAGES = {
    **MESSAGES,
    "provision_unknown": N_("Choose the provision from the list."),
}


Choices = list[tuple[str, list[tuple[str, str]]]]


async def provision_choices(request: Request, comment: Comment) -> tuple[Choices, str]:
    """The provisions an answer can point to, by version (the latest first, back to the
    commented one): ("v3", [("v3/pasal-5/ayat-2", "Pasal 5 ayat (2)"), …]); and the one
    the commented provision became in the latest version (same lineage), if any."""
    version = comment.version
    slug = version.regulation.slug
    later = (
        await Version.filter(regulation_id=version.regulation.id, sequence__gte=version.sequence)
        .order_by("-sequence", "-id")
        .values_list("versi", flat=True)
    )
    choices: Choices = []
    suggested = ""
    for versi in later:
        cached = await request.app.state.versions.get(slug, str(versi))
        if cached is None:
            continue
        nodes = [n for n in cached.order if n.kind in ANSWERABLE]
        if not choices and comment.lineage:
            same = next((n for n in nodes if n.lineage == comment.lineage), None)
            suggested = f"{versi}/{same.path}" if same is not None else ""
        choices.append((str(versi), [(f"{versi}/{n.path}", path_citation(n.path)) for n in nodes]))
    return choices, suggested


async def answer_form(request: Request) -> Response:
    actor, _ = await require(request, "comment.answer")
    comment = await Comment.get_or_none(number=request.path_params["nomor"]).select_related(
        "version__regulation", "group"
    )
    if comment is None:
        raise HTTPException(status_code=404)
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    choices, suggested = await provision_choices(request, comment)
    if request.method == "POST":
        form = await read_form(request)
        chosen = text(form, "ketentuan", 310).strip()
        new_versi, _, new_path = chosen.partition("/")
        if not chosen:  # the older form (and API clients): the version and the path typed
            new_versi, new_path = text(form, "new_versi", 50), text(form, "new_path", 255)
        given = moderation.Answer(
            text(form, "disposition", 30), text(form, "reason", moderation.REASON_MAX + 100), new_path, new_versi,
        )  # fmt: skip
        values = {"disposition": given.disposition, "reason": given.reason, "ketentuan": chosen,
                  "group": text(form, "group", 2)}  # fmt: skip
        known = {value for _, options in choices for value, _ in options}
        if chosen and chosen not in known:
            errors = {"ketentuan": ["provision_unknown"]}
        try:
            if errors:
                raise Refused({**moderation.validate_answer(given), **errors})
            await moderation.answer(
                comment, given, actor, request.app.state.settings, comment.version.regulation.slug,
                whole_group=values["group"] == "1", ip=client_ip(request),
            )  # fmt: skip
        except Refused as refused:
            errors = refused.errors
        else:
            return RedirectResponse(
                f"/kelola/komentar?versi={comment.version.id}&dijawab={comment.number}", status_code=303
            )
    responses = await comment.responses.all().order_by("id")
    return render(
        request, "consultation/answer.html", status=400 if errors else 200, comment=comment, responses=responses,
        values=values, errors=errors, dispositions=DISPOSITIONS, disposition_names=services.DISPOSITION_NAMES,
        position_names=services.POSITION_NAMES, author=threads.public_author(comment, request_lang(request)),
        messages=ANSWER_MESSAGES, choices=choices,
        chosen=values.get("ketentuan", suggested),
    )  # fmt: skip


routes = [
    Route("/moderasi", moderation_page, name="moderation"),
    Route("/moderasi/{nomor}", moderate, methods=["POST"], name="moderate"),
    Route("/admin/komentar/{nomor}/hapus", redact, methods=["POST"], name="redact"),
    Route("/kelola/komentar", answer_queue, name="answer_queue"),
    Route("/kelola/komentar/{nomor}", answer_form, methods=["GET", "POST"], name="answer"),
]
