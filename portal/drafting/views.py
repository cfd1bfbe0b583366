"""Web handlers for working drafts: list and create, edit the whole text, review and
correct the alignment, publish. Thin: the rules are in ``drafting.services``."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.accounts.web import client_ip, require
from portal.document import Konsultasi, Problem
from portal.drafting import services
from portal.drafting.pages import (
    conflict_page,
    draft_response,
    draft_url,
    find_draft,
    form_date,
    page,
    read_draft_form,
)
from portal.drafting.services import Refusal, StaleRevision, Window
from portal.versions.services import latest_refs
from portal.web.forms import text
from portal.web.params import number, row_id
from portal.web.templating import version_url

MAX_UPLOAD = 2 * 1024 * 1024  # bytes of an uploaded .md file


# -- list and create ------------------------------------------------------------------------


async def drafts(request: Request) -> Response:
    await require(request, "draft.edit")
    return await _drafts_page(request, {}, {})


async def _drafts_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
    problems: list[Problem] | None = None,
) -> Response:
    open_drafts, done = await services.draft_lists(open_limit=200, done_limit=20)
    published = await latest_refs(limit=200)
    return page(
        request, "drafting/drafts.html", status=status, drafts=open_drafts, done=done, published=published,
        values=values, errors=errors, problems=problems or [],
    )  # fmt: skip


async def _upload_text(form: FormData) -> str | None:
    """The text of an uploaded .md file (None when it is not UTF-8 text)."""
    upload = form.get("berkas")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return ""
    try:
        data = await upload.read(MAX_UPLOAD + 1)
    finally:
        await upload.close()
    if len(data) > MAX_UPLOAD or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


async def create(request: Request) -> Response:
    actor, _ = await require(request, "draft.edit")
    form = await read_draft_form(request, files=1)
    uploaded = await _upload_text(form)  # read (and closed) before anything else
    origin = text(form, "dari", 50)
    values = {
        "source": text(form, "source", services.MAX_SOURCE + 1),
        "dari": origin,
        "versi": text(form, "versi", 50),
    }
    ip = client_ip(request)
    try:
        if origin.isdigit():
            version = await services.version_to_continue(row_id(origin) or 0)
            if version is None:
                raise Refusal({"dari": ["choice_invalid"]})
            if not values["versi"].strip():
                raise Refusal({"versi": ["required"]})
            draft = await services.draft_from_version(version, values["versi"].strip(), actor, ip=ip)
        else:
            if uploaded is None:
                raise Refusal({"source": ["file_type"]})
            draft = await services.create_draft(uploaded or values["source"], actor, ip=ip)
    except Refusal as refusal:
        if uploaded:
            values["source"] = uploaded  # the uploaded text comes back in the form, not lost
        return await _drafts_page(request, values, refusal.errors, status=400, problems=refusal.problems)
    return RedirectResponse(draft_url(draft), status_code=303)


# -- one draft ------------------------------------------------------------------------------


async def draft_page(request: Request) -> Response:
    await require(request, "draft.edit")
    draft, as_json = await find_draft(request)
    return await draft_response(request, draft, as_json)


async def save(request: Request) -> Response:
    actor, _ = await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    form = await read_draft_form(request, files=1)
    source = text(form, "source", services.MAX_SOURCE + 1)
    uploaded = await _upload_text(form)
    base = text(form, "revision", 20)
    values = {"source": uploaded or source, "note": text(form, "note", 300)}  # an upload is not lost
    if uploaded is None:
        return await draft_response(
            request, draft, errors={"source": ["file_type"]}, values=values, status=400
        )
    if number(base) is None:
        raise HTTPException(status_code=400)
    if text(form, "aksi", 20) == "pratinjau":  # shown with this text, in memory only: nothing is saved
        draft.source = values["source"] = uploaded or source
        return await draft_response(request, draft, values=values, base=int(base), preview=True)
    try:
        draft = await services.save_draft(
            draft, uploaded or source, int(base), actor, note=values["note"], ip=client_ip(request)
        )
    except StaleRevision as stale:
        return await conflict_page(request, draft, stale, uploaded or source, int(base))
    except Refusal as refusal:
        return await draft_response(
            request, draft, errors=refusal.errors, values=values, base=int(base), status=400
        )
    return RedirectResponse(draft_url(draft) + "?disimpan=1", status_code=303)


async def correct(request: Request) -> Response:
    actor, _ = await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    form = await read_draft_form(request)
    ip = client_ip(request)
    remove = text(form, "hapus", 20)
    if row_id(remove):
        await services.remove_correction(draft, row_id(remove) or 0, actor, ip=ip)
        return RedirectResponse(draft_url(draft) + "#penyelarasan", status_code=303)
    old_path = text(form, "lama", 255).strip() or None
    new_path = text(form, "baru", 255).strip() or None
    note = text(form, "catatan", 500)
    try:
        await services.correct(draft, old_path, new_path, actor, note=note, ip=ip)
    except Refusal as refusal:
        values = {"lama": old_path or "", "baru": new_path or "", "catatan": note}
        return await draft_response(request, draft, errors=refusal.errors, values=values, status=400)
    return RedirectResponse(draft_url(draft) + "#penyelarasan", status_code=303)


def read_window(form: FormData) -> tuple[Window | None, dict[str, str], dict[str, list[str]]]:
    values = {
        "buka": text(form, "buka", 20),
        "tutup": text(form, "tutup", 20),
        "anonim": text(form, "anonim", 5),
        "moderasi": text(form, "moderasi", 10),
        "label": text(form, "label", 201),
        "tanggal": text(form, "tanggal", 20),
        "pertahankan": text(form, "pertahankan", 5),
    }
    errors: dict[str, list[str]] = {}
    label = " ".join(values["label"].split())
    if len(label) > 200:
        errors["label"] = ["label_long"]
    tanggal = form_date(values["tanggal"]) if values["tanggal"].strip() else None
    if values["tanggal"].strip() and tanggal is None:
        errors["tanggal"] = ["date_invalid"]
    buka = form_date(values["buka"]) if values["buka"].strip() else None
    tutup = form_date(values["tutup"]) if values["tutup"].strip() else None
    if values["buka"].strip() and buka is None:
        errors["buka"] = ["date_invalid"]
    if values["tutup"].strip() and tutup is None:
        errors["tutup"] = ["date_invalid"]
    if not errors and (buka is None) != (tutup is None):
        errors["tutup"] = ["window_partial"]
    if buka and tutup and tutup < buka:
        errors["tutup"] = ["window_order"]
    if values["moderasi"] not in ("pra", "pasca"):
        errors["moderasi"] = ["moderation_invalid"]
    if errors:
        return None, values, errors
    konsultasi = Konsultasi(buka, tutup) if buka and tutup else None
    window = Window(
        konsultasi, values["anonim"] == "1", values["moderasi"], label=label or None, tanggal=tanggal,
        keep_windows=values["pertahankan"] == "1",
    )  # fmt: skip
    return window, values, {}


async def publish(request: Request) -> Response:
    actor, _ = await require(request, "draft.publish")
    draft, _ = await find_draft(request)
    form = await read_draft_form(request)
    window, values, errors = read_window(form)
    if window is None:
        return await draft_response(request, draft, errors=errors, values=values, status=400)
    try:
        version = await services.publish(draft, window, actor, ip=client_ip(request))
    except Refusal as refusal:
        return await draft_response(request, draft, errors=refusal.errors, values=values, status=400)
    # Pages kept in memory show the list of versions: this worker forgets them now, the
    # others notice on their next check (see VersionCache).
    request.app.state.versions.clear()
    request.app.state.pdfs.wake()  # its PDFs are made now, in the background (exports/pdfs.py)
    regulation = await version.regulation
    return RedirectResponse(version_url(regulation.slug, version.versi), status_code=303)


async def discard(request: Request) -> Response:
    actor, _ = await require(request, "draft.edit")
    draft, _ = await find_draft(request)
    await read_draft_form(request)
    await services.discard(draft, actor, ip=client_ip(request))
    return RedirectResponse("/kelola", status_code=303)


routes = [
    Route("/kelola", drafts, name="drafts"),
    Route("/kelola/draf", create, methods=["POST"], name="draft_create"),
    Route("/kelola/draf/{draft_id}", draft_page, name="draft"),
    Route("/kelola/draf/{draft_id}/simpan", save, methods=["POST"], name="draft_save"),
    Route("/kelola/draf/{draft_id}/koreksi", correct, methods=["POST"], name="draft_correct"),
    Route("/kelola/draf/{draft_id}/terbitkan", publish, methods=["POST"], name="draft_publish"),
    Route("/kelola/draf/{draft_id}/buang", discard, methods=["POST"], name="draft_discard"),
]
