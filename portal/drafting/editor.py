"""Web handlers for editing a working draft one part at a time (a Pasal with its
Penjelasan, the Menimbang, the Mengingat, the Penjelasan Umum, a Lampiran) and for
changing its outline (insert, move, delete Pasal, Bagian and BAB). Thin: the rules
are in ``drafting.editing``, ``drafting.parts`` and ``drafting.outline``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.accounts.web import client_ip, require
from portal.document import DraftError, parse
from portal.drafting import editing, outline, parts, services
from portal.drafting.models import WorkingDraft
from portal.drafting.pages import (
    conflict_page,
    draft_response,
    draft_url,
    find_draft,
    page,
    read_draft_form,
)
from portal.drafting.services import Refusal, StaleRevision
from portal.versions.diff import Piece, word_diff
from portal.versions.redline import folded, pieces_html
from portal.web.forms import text
from portal.web.params import number

_ACTIONS = ("sisip", "pindah", "hapus")


def _revision(form: FormData) -> int:
    base = number(text(form, "revision", 20))
    if base is None:
        raise HTTPException(status_code=400)
    return base


# -- one part -------------------------------------------------------------------------------


async def part_page(request: Request) -> Response:
    """GET: the form of ``?bagian=PATH`` (the list of parts without it); POST: preview
    (``aksi=pratinjau``) or save (``aksi=simpan``) the part's new text."""
    actor, _ = await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    if request.method == "GET":
        path = request.query_params.get("bagian", "")
        if not path:
            return page(
                request, "drafting/parts.html", draft=draft, draft_url=draft_url(draft),
                blocks=parts.editable(draft.source),
            )  # fmt: skip
        part = parts.find(draft.source, path)
        if part is None:
            raise HTTPException(status_code=404)
        values = {"isi": part.body, "penjelasan": part.penjelasan, "catatan": ""}
        query = request.query_params
        saved = "disimpan" if query.get("disimpan") == "1" else "tetap" if query.get("tetap") == "1" else ""
        return await _part_response(request, draft, draft.source, part, values, draft.revision, saved=saved)
    form = await read_draft_form(request)
    base = _revision(form)
    values = {
        "isi": text(form, "isi", services.MAX_SOURCE + 1),  # longer is refused, not cut
        "penjelasan": text(form, "penjelasan", services.MAX_SOURCE + 1),
        "catatan": text(form, "catatan", 300),
    }
    path = text(form, "bagian", 200)
    try:
        source = await editing.base_source(draft, base)
    except StaleRevision:
        source = draft.source
    part = parts.find(source, path)
    if part is None:
        raise HTTPException(status_code=404)
    if text(form, "aksi", 20) != "simpan":
        return await _part_response(request, draft, source, part, values, base, previewed=True)
    try:
        updated = await editing.save_part(
            draft, path, values["isi"], values["penjelasan"], base, actor,
            note=values["catatan"], ip=client_ip(request),
        )  # fmt: skip
    except StaleRevision as stale:
        mine = parts.splice(source, part, values["isi"], values["penjelasan"])
        return await conflict_page(request, draft, stale, mine, base)
    except Refusal as refusal:
        return await _part_response(
            request, draft, source, part, values, base, errors=refusal.errors, status=400
        )
    outcome = "disimpan=1" if updated.revision != base else "tetap=1"  # tetap: nothing changed
    return RedirectResponse(f"{draft_url(draft)}/sunting?bagian={quote(path)}&{outcome}", status_code=303)


async def _part_response(
    request: Request,
    draft: WorkingDraft,
    source: str,
    part: parts.Part,
    values: dict[str, str],
    base: int,
    *,
    previewed: bool = False,
    saved: str = "",
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Response:
    preview = await request.app.state.executors.run(
        "draft", editing.preview_part, source, part, values["isi"], values["penjelasan"]
    )
    errors = {**preview.errors, **(errors or {})}
    blocks = parts.editable(source)
    position = next((i for i, b in enumerate(blocks) if b.path == part.path), 0)
    return page(
        request, "drafting/part.html", status=status, draft=draft, draft_url=draft_url(draft), part=part,
        values=values, errors=errors, preview=preview, base=base, previewed=previewed, saved=saved,
        previous=blocks[position - 1] if position > 0 else None,
        next=blocks[position + 1] if position + 1 < len(blocks) else None,
        ctx={"base": "#", "target": ""},
    )  # fmt: skip


# -- saves: compare two, restore one -------------------------------------------------------


def _diff(pieces: list[Piece], whole: bool) -> list[Markup | int]:
    return [pieces_html(pieces)] if whole else folded(pieces)


async def compare_revisions(request: Request) -> Response:
    """Two saves of a draft, word by word: ``?dari=N&ke=M`` (``ke`` defaults to the latest);
    unchanged stretches are folded unless ``utuh=1``."""
    whole = request.query_params.get("utuh") == "1"
    await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    asked = "dari" in request.query_params
    older = request.query_params.get("dari", str(max(1, draft.revision - 1)))  # the save before
    newer = request.query_params.get("ke", str(draft.revision))
    if number(older) is None or number(newer) is None:
        raise HTTPException(status_code=400)
    found = {rev.revision: rev for rev in await services.revisions(draft, [int(older), int(newer)])}
    if int(older) not in found or int(newer) not in found:
        if asked:
            raise HTTPException(status_code=404)
        return page(request, "drafting/revisions.html", draft=draft, draft_url=draft_url(draft), old=None)
    old, new = found[int(older)], found[int(newer)]
    return page(
        request, "drafting/revisions.html", draft=draft, draft_url=draft_url(draft), old=old, new=new,
        diff=_diff(await request.app.state.executors.run("draft", word_diff, old.source, new.source), whole),
        whole=whole,
    )  # fmt: skip


async def restore(request: Request) -> Response:
    """Save an earlier revision's text as the newest one (nothing is lost: the current text
    stays a revision too), compare-and-set like any save."""
    actor, _ = await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    form = await read_draft_form(request)
    wanted, base = text(form, "revisi", 20), text(form, "revision", 20)
    if number(wanted) is None or number(base) is None:
        raise HTTPException(status_code=400)
    earlier = await services.revision(draft, int(wanted))
    if earlier is None:
        raise HTTPException(status_code=404)
    try:
        draft = await services.save_draft(
            draft, earlier.source, int(base), actor, note=f"Dipulihkan dari revisi {earlier.revision}",
            ip=client_ip(request),
        )  # fmt: skip
    except StaleRevision as stale:
        return await conflict_page(request, draft, stale, earlier.source, None)
    except Refusal as refusal:
        return await draft_response(request, draft, errors=refusal.errors, values={}, status=400)
    return RedirectResponse(draft_url(draft) + "?disimpan=1", status_code=303)


# -- the outline ----------------------------------------------------------------------------


def _operation(form: FormData) -> outline.Operation:
    action, kind = text(form, "aksi", 20), text(form, "jenis", 20)
    if action not in _ACTIONS or kind not in outline.KINDS:
        raise HTTPException(status_code=400)
    return outline.Operation(
        action=action,  # type: ignore[arg-type]
        kind=kind,
        target=text(form, "sasaran", 200),
        position=text(form, "posisi", 200),
        title=text(form, "judul", 300),
        text=text(form, "isi", services.MAX_SOURCE + 1),
        penjelasan=text(form, "penjelasan", services.MAX_SOURCE + 1),
    )


async def outline_page(request: Request) -> Response:
    """GET: the outline with its actions (``?pindah=PATH`` opens the move form,
    ``?sisip=pasal|bagian|bab&posisi=…`` the insert form). POST: work an operation out
    and show every change to confirm; with ``konfirmasi=1``, save it."""
    actor, _ = await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    if request.method == "GET":
        query = request.query_params
        values = {"posisi": query.get("posisi", ""), "sisip": query.get("sisip", "pasal")}
        saved = query.get("disimpan") == "1"
        return _outline_response(request, draft, values, {}, moving=query.get("pindah", ""), saved=saved)
    form = await read_draft_form(request)
    base = _revision(form)
    operation = _operation(form)
    values = {
        key: text(form, key, services.MAX_SOURCE + 1) for key in ("posisi", "judul", "isi", "penjelasan")
    }
    values["sisip"] = operation.kind
    moving = operation.target if operation.action == "pindah" else ""
    pools = request.app.state.executors
    try:
        if form.get("konfirmasi") == "1":
            await editing.apply_outline(draft, base, operation, actor, pools=pools, ip=client_ip(request))
            return RedirectResponse(draft_url(draft) + "/kerangka?disimpan=1", status_code=303)
        plan = await editing.plan_outline(draft, base, operation, pools=pools)
    except StaleRevision as stale:
        try:
            mine = (await editing.plan_outline(draft, base, operation, pools=pools)).outcome.source
        except (StaleRevision, outline.OutlineError, Refusal):
            mine = ""  # the revision it started from is unknown: nothing of the drafter's to show
        return await conflict_page(request, draft, stale, mine, base)
    except outline.OutlineError as error:
        errors = {"outline": [error.code]}
        return _outline_response(
            request, draft, values, errors, moving=moving, problems=error.problems, status=400
        )
    except Refusal as refusal:
        return _outline_response(request, draft, values, refusal.errors, moving=moving, status=400)
    source = await editing.base_source(draft, base)
    diff = _diff(await pools.run("draft", word_diff, source, plan.outcome.source), whole=False)
    return page(
        request, "drafting/outline_confirm.html", draft=draft, draft_url=draft_url(draft), plan=plan,
        operation=operation, diff=diff, base=base,
    )  # fmt: skip


def _outline_response(
    request: Request,
    draft: WorkingDraft,
    values: dict[str, str],
    errors: dict[str, list[str]],
    *,
    moving: str = "",
    saved: bool = False,
    problems: list[Any] | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "draft": draft, "draft_url": draft_url(draft), "values": values, "errors": errors,
        "problems": problems or [], "saved": saved and not errors, "document": None, "invalid": [],
        "moving": None, "move_places": [],
    }  # fmt: skip
    try:
        document = parse(draft.source)
    except DraftError as error:
        context["invalid"] = error.problems
        return page(request, "drafting/outline.html", status=status, **context)
    kind = values.get("sisip") if values.get("sisip") in outline.KINDS else "pasal"
    context.update(
        document=document,
        insert_kind=kind,
        insert_places=outline.destinations(draft.source, kind),  # type: ignore[arg-type]
    )
    index = document.index()
    target = index.get(moving) if moving else None
    if target is not None and target.kind in outline.KINDS:
        context["moving"] = target
        context["move_places"] = outline.destinations(draft.source, target.kind, target.path)
    return page(request, "drafting/outline.html", status=status, **context)


routes = [
    Route("/kelola/draf/{draft_id}/sunting", part_page, methods=["GET", "POST"], name="draft_part"),
    Route("/kelola/draf/{draft_id}/kerangka", outline_page, methods=["GET", "POST"], name="draft_outline"),
    Route("/kelola/draf/{draft_id}/banding", compare_revisions, name="draft_revisions"),
    Route("/kelola/draf/{draft_id}/pulihkan", restore, methods=["POST"], name="draft_restore"),
]
