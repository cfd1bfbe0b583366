"""Web handlers for the staff's side of the consultation: moderation (`/moderasi`),
redaction on request, and the drafters' answer queue (`/kelola/komentar`)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.accounts.labels import CATEGORIES
from portal.accounts.views import render
from portal.accounts.web import client_ip, require
from portal.consultation import moderation, services
from portal.consultation.errors import Refused
from portal.consultation.models import DISPOSITIONS, POSITIONS, Comment
from portal.consultation.views import MESSAGES
from portal.versions.services import version_refs
from portal.web.forms import read_form, text
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


async def answer_queue(request: Request) -> Response:
    await require(request, "comment.answer")
    q = request.query_params
    versions = await version_refs()
    chosen = next((v for v in versions if str(v.id) == q.get("versi")), versions[0] if versions else None)
    rows: list[Comment] = []
    by_path: dict[str, int] = {}
    answered = total = 0
    if chosen is not None:
        base = Comment.filter(version_id=chosen.id, parent_id=None).exclude(status="menunggu")
        total = await base.count()
        answered = await base.filter(answered_at__not_isnull=True).count()
        query = base.filter(answered_at__isnull=True)
        if q.get("kategori") in CATEGORIES:
            query = query.filter(category=q["kategori"])
        if q.get("posisi") in POSITIONS:
            query = query.filter(position=q["posisi"])
        rows = await query.order_by("path", "id").limit(200).select_related("group")
        for c in rows:
            by_path[c.path] = by_path.get(c.path, 0) + 1
    return render(
        request, "consultation/queue.html", versions=versions, chosen=chosen, rows=rows, by_path=by_path,
        answered=answered, total=total, categories=CATEGORIES, positions=POSITIONS, q=q,
        position_names=services.POSITION_NAMES, messages=MESSAGES,
    )  # fmt: skip


async def answer_form(request: Request) -> Response:
    actor, _ = await require(request, "comment.answer")
    comment = await Comment.get_or_none(number=request.path_params["nomor"]).select_related(
        "version__regulation", "group"
    )
    if comment is None:
        raise HTTPException(status_code=404)
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = await read_form(request)
        given = moderation.Answer(
            text(form, "disposition", 30), text(form, "reason", moderation.REASON_MAX + 100),
            text(form, "new_path", 255), text(form, "new_versi", 50),
        )  # fmt: skip
        values = {"disposition": given.disposition, "reason": given.reason, "new_path": given.new_path,
                  "new_versi": given.new_versi, "group": text(form, "group", 2)}  # fmt: skip
        try:
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
        position_names=services.POSITION_NAMES, author=services.public_author(comment, request_lang(request)),
        messages=MESSAGES,
    )  # fmt: skip


routes = [
    Route("/moderasi", moderation_page, name="moderation"),
    Route("/moderasi/{nomor}", moderate, methods=["POST"], name="moderate"),
    Route("/admin/komentar/{nomor}/hapus", redact, methods=["POST"], name="redact"),
    Route("/kelola/komentar", answer_queue, name="answer_queue"),
    Route("/kelola/komentar/{nomor}", answer_form, methods=["GET", "POST"], name="answer"),
]
