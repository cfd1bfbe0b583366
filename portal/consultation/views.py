"""Web handlers of the consultation: threads and the comment form, receipts and
lookup, attachments, moderation, the drafters' answers. Thin over the services."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlencode

from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from portal.accounts.labels import CATEGORIES
from portal.accounts.policy import ANONYMOUS_ACTOR, can
from portal.accounts.web import client_ip, identify
from portal.consultation import services, threads
from portal.consultation.attachments import (
    ATTACHMENT_MAX,
    attachments_dir,
    discard_attachment,
    store_attachment,
)
from portal.consultation.errors import Refused
from portal.consultation.messages import MESSAGES
from portal.consultation.models import POSITIONS, REGIONS, Comment
from portal.consultation.services import Submission
from portal.consultation.threads import ThreadFilter
from portal.document import Node
from portal.ops.database import database_unavailable
from portal.ops.metrics import COMMENTS_ACCEPTED
from portal.versions.cache import CachedVersion, cached_version
from portal.versions.diff import word_diff
from portal.versions.redline import pieces_html
from portal.web import errors as error_pages
from portal.web import throttle
from portal.web.forms import check_csrf, read_form, render, text
from portal.web.pages import request_lang
from portal.web.params import page_number
from portal.web.templating import regulation_url, version_url

# -- forms ------------------------------------------------------------------------------------

FIELD_MAX_BYTES = 64 * 1024  # one text field of the comment form (the body limit per part)


class _CommentFormParser(MultiPartParser):
    """Starlette's multipart parser with the attachment counted while it streams: past
    ``file_limit`` bytes the rest of the file is discarded (never written anywhere) and
    ``oversized`` is set, while the text fields around it are still read."""

    def __init__(self, request: Request, file_limit: int) -> None:
        super().__init__(
            request.headers, request.stream(), max_files=1, max_fields=100, max_part_size=FIELD_MAX_BYTES
        )
        self.file_limit = file_limit
        self.file_bytes = 0
        self.oversized = False
        self.uploads: list[UploadFile] = []  # also a file cut off with the body, not in the form

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        if self._current_part.file is not None:
            self.uploads.append(self._current_part.file)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self.file_bytes += end - start
            if self.file_bytes > self.file_limit:
                self.oversized = True
                return
        super().on_part_data(data, start, end)


async def _comment_form(request: Request) -> tuple[FormData, bool]:
    """The comment form after the CSRF check, and whether its file was too large (cut
    while streaming here, or the body cut at the transport limit by ``BodyLimitMiddleware``):
    then the text fields that arrived are kept and the file is dropped."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await read_form(request, files=1, max_part_size=FIELD_MAX_BYTES)
        return form, bool(getattr(request.state, "body_truncated", False))
    parser = _CommentFormParser(request, ATTACHMENT_MAX)
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise HTTPException(status_code=400, detail=error.message) from error
    try:
        check_csrf(request, form)
    except HTTPException:
        await form.close()
        raise
    too_large = parser.oversized or bool(getattr(request.state, "body_truncated", False))
    if too_large:  # the part of the file that was kept is of no use
        for upload in parser.uploads:
            await upload.close()
        form = FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    return form, too_large


def _submission(form: FormData) -> Submission:
    # Read whole (each part is bounded by FIELD_MAX_BYTES): an over-long text is refused
    # with every character kept, never cut.
    return Submission(
        body=text(form, "body", FIELD_MAX_BYTES),
        position=text(form, "position", 30),
        replacement=text(form, "replacement", FIELD_MAX_BYTES),
        category=text(form, "category", 40),
        organisation=text(form, "organisation", 200),
        region=text(form, "region", 60),
        name=text(form, "name", 200),
        email=text(form, "email", 254),
        show_name=text(form, "show_name", 2) == "1",
        submission_key=text(form, "submission_key", 64),
        parent=text(form, "parent", 40),
        honeypot=text(form, "situs", 200),
    )


def _filter(request: Request) -> ThreadFilter:
    q = request.query_params
    page = q.get("halaman", "1")
    return ThreadFilter(
        category=q.get("kategori", ""),
        position=q.get("posisi", ""),
        status=q.get("status", ""),
        sort="terbaru" if q.get("urut") == "terbaru" else "terlama",
        page=page_number(page),
    )


# -- threads ----------------------------------------------------------------------------------


async def provision_thread(request: Request) -> Response:
    cached = await cached_version(request)
    path = request.path_params["path"].strip("/")
    node = cached.index.get(path)
    if node is None or node.kind in ("bab", "bagian", "paragraf"):
        raise HTTPException(status_code=404)
    return await _thread(request, cached, node, as_json=request.url.path.endswith(".json"))


async def version_thread(request: Request) -> Response:
    cached = await cached_version(request)
    return await _thread(request, cached, None, as_json=request.url.path.endswith(".json"))


async def _thread(request: Request, cached: CachedVersion, node: Node | None, *, as_json: bool) -> Response:
    if request.method == "POST":
        return await _post(request, cached, node)
    return await _show(request, cached, node, as_json=as_json)


async def _show(
    request: Request,
    cached: CachedVersion,
    node: Node | None,
    *,
    as_json: bool = False,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    unavailable: bool = False,  # the database is down: the form alone, no thread (no queries)
) -> Response:
    if unavailable:
        actor, user, _ = getattr(request.state, "identity", None) or (ANONYMOUS_ACTOR, None, None)
    else:
        actor, user, _ = await identify(request)
    staff = can(actor, "comment.moderate") or can(actor, "comment.answer")
    version = cached.version
    versions = [version, *cached.others]
    flt = _filter(request)
    path = node.path if node else ""
    thread = (
        threads.Thread([], {}, {}, 0, 1, 1)
        if unavailable
        else await threads.thread(version, path, node.lineage if node else None, versions, flt, staff=staff)
    )
    lang = request_lang(request)
    current = services.wording(node)
    deleted: list[Comment] = []
    deleted_total = 0
    if node is None and not unavailable:
        lineages = {n.lineage for n in cached.order if n.lineage}
        deleted, deleted_total = await threads.deleted_provision_comments(version, versions, lineages)
    if as_json:
        return JSONResponse(
            _thread_json(request, cached, node, thread, deleted, deleted_total, lang),
            headers={"cache-control": "no-store"},
        )
    state = services.window_state(version)
    form_values = values or {}
    if not form_values:
        form_values = {
            "submission_key": secrets.token_hex(16),
            "category": (user.category if user and user.category else ""),
            "organisation": (user.organisation if user and user.organisation else ""),
        }
    base = version_url(cached.version.regulation.slug, version.versi)
    context: dict[str, Any] = {
        "cached": cached,
        "version": version,
        "node": node,
        "path": path,
        "thread": thread,
        "deleted": deleted,
        "deleted_total": deleted_total,
        "state": state,
        "user": user,
        "staff": staff,
        "flt": flt,
        "values": form_values,
        "errors": errors or {},
        "messages": MESSAGES,
        "positions": POSITIONS,
        "categories": CATEGORIES,
        "regions": REGIONS,
        "position_names": services.POSITION_NAMES,
        "disposition_names": services.DISPOSITION_NAMES,
        "status_names": services.STATUS_NAMES,
        "author": lambda c: threads.public_author(c, lang),
        "diff_html": lambda a, b: pieces_html(word_diff(a, b)),
        "current": current,
        "versi_of": {v.id: v.versi for v in versions},
        "base": base,
        "thread_url": f"{base}/{path}/komentar" if path else f"{base}/komentar",
        "regulation_url": regulation_url(cached.version.regulation.slug),
        "page_url": lambda page: "?" + urlencode(_query(flt, page)),
        "reply_key": lambda _comment: secrets.token_hex(16),
        "json_url": (f"{base}/{path}/komentar.json" if path else f"{base}/komentar.json"),
        "unavailable": unavailable,
        "body_max": services.BODY_MAX,
        "char_count": services.char_count,
        "replacement_max": services.REPLACEMENT_MAX,
        "attachment_max": ATTACHMENT_MAX,
    }
    retry = {"Retry-After": str(error_pages.DATABASE_RETRY_AFTER)} if unavailable else None
    return render(request, "consultation/thread.html", status=status, headers=retry, **context)


def _query(flt: ThreadFilter, page: int) -> dict[str, str]:
    q = {
        "kategori": flt.category,
        "posisi": flt.position,
        "status": flt.status,
        "urut": flt.sort,
        "halaman": str(page),
    }
    return {k: v for k, v in q.items() if v and not (k == "urut" and v == "terlama")}


def comment_json(
    c: Comment,
    lang: str,
    responses: list[Any],
    replies: list[Comment],
    *,
    personal: bool,
    versi: str | None = None,
) -> dict[str, Any]:
    hidden = c.status == "disembunyikan"
    out: dict[str, Any] = {
        "number": c.number,
        "versi": versi,
        "path": c.path or None,
        "status": c.status,
        "hidden_reason": c.hidden_reason or None,
        "position": c.position,
        "category": c.category,
        "verified": c.verified,  # False: category and organisation as the writer declared them
        "region": c.region or None,
        "author": threads.public_author(c, lang),
        "body": None if hidden else c.body,
        "replacement": None if hidden else (c.replacement or None),
        "campaign_size": c.group.size if c.group_id and c.group is not None else None,  # type: ignore[attr-defined]
        "created_at": c.created_at.isoformat(),
        "attachment": bool(c.attachment_key) and not hidden,
        "responses": [
            {
                "disposition": r.disposition,
                "reason": r.reason,
                "new_versi": r.new_versi or None,
                "new_path": r.new_path or None,
                "created_at": r.created_at.isoformat(),
            }
            for r in responses
        ],
        "replies": [
            {
                "number": r.number,
                "author": threads.public_author(r, lang),
                "verified": r.verified,
                "body": None if r.status == "disembunyikan" else r.body,
                "created_at": r.created_at.isoformat(),
            }
            for r in replies
        ],
    }
    if personal:
        out["personal"] = {"name": c.name, "email": c.email, "organisation": c.organisation}
    return out


def _thread_json(
    request: Request,
    cached: CachedVersion,
    node: Node | None,
    thread: threads.Thread,
    deleted: list[Comment],
    deleted_total: int,
    lang: str,
) -> dict[str, Any]:
    version = cached.version
    versi_of = {v.id: v.versi for v in [version, *cached.others]}
    return {
        "regulation": {"slug": version.regulation.slug, "url": regulation_url(version.regulation.slug)},
        "versi": version.versi,
        "path": node.path if node else None,
        "consultation": {
            "state": services.window_state(version),
            "buka": version.konsultasi_buka.isoformat() if version.konsultasi_buka else None,
            "tutup": version.konsultasi_tutup.isoformat() if version.konsultasi_tutup else None,
            "anonymous_allowed": version.anonim_boleh,
            "moderation": version.moderasi,
        },
        "total": thread.total,
        "page": thread.page,
        "pages": thread.pages,
        "comments": [
            comment_json(
                c,
                lang,
                thread.responses.get(c.id, []),
                thread.replies.get(c.id, []),
                personal=False,
                versi=versi_of.get(c.version_id),  # type: ignore[attr-defined]
            )
            for c in thread.comments
        ],
        "deleted_provisions_total": deleted_total,
        "deleted_provisions": [
            comment_json(c, lang, [], [], personal=False, versi=versi_of.get(c.version_id))  # type: ignore[attr-defined]
            for c in deleted
        ],
    }


async def _post(request: Request, cached: CachedVersion, node: Node | None) -> Response:
    form, too_large = await _comment_form(request)
    submission = _submission(form)
    settings = request.app.state.settings
    attachment = None
    try:
        if too_large:  # 413, the form back with every field as typed
            raise Refused({"attachment": ["attachment_large"]})
        _, user, _ = await identify(request)
        upload = form.get("attachment")
        attachment = await store_attachment(
            upload if isinstance(upload, UploadFile) else None, settings, request.app.state.executors
        )
        receipt = await services.submit(
            cached.version, cached.version.regulation, node, node.lineage if node else None, submission, user,
            client_ip(request), settings, attachment, request.app.state.comment_writer,
        )  # fmt: skip
    except Refused as refused:
        discard_attachment(attachment)
        # 507: the server has no room for the file (the file itself is fine)
        full = "attachment_disk_full" in refused.errors.get("attachment", [])
        large = "attachment_large" in refused.errors.get("attachment", [])
        values, status = submission.values(), 507 if full else 413 if large else 400
        return await _show(request, cached, node, values=values, errors=refused.errors, status=status)
    except Exception as error:
        if not database_unavailable(error):
            raise
        discard_attachment(attachment)  # the form comes back whole; the file is chosen again
        return await _show(
            request, cached, node, values=submission.values(), errors={"form": ["database_unavailable"]},
            status=503, unavailable=True,
        )  # fmt: skip
    finally:
        await form.close()
    if not receipt.created:
        discard_attachment(attachment)
    else:
        COMMENTS_ACCEPTED.inc()
    if receipt.created and receipt.comment.status == "terbit" and receipt.comment.parent_id is None:  # type: ignore[attr-defined]
        request.app.state.comment_counts.add(cached.version.id, receipt.comment.path, receipt.comment.lineage)
    location = f"/tanda-terima/{receipt.comment.number}"
    if receipt.token:
        location += f"?k={receipt.token}"
        response = RedirectResponse(location, status_code=303)
        # The receipt link is also kept in a cookie for this browser, for a repeat submit.
        response.set_cookie(
            f"tt-{receipt.comment.number}", receipt.token, max_age=3600, httponly=True, samesite="lax",
            secure=settings.https,
        )  # fmt: skip
        return response
    token = request.cookies.get(f"tt-{receipt.comment.number}", "")
    return RedirectResponse(location + (f"?k={token}" if token else ""), status_code=303)


# -- receipts, lookup, attachments ------------------------------------------------------------


async def _comment_page(request: Request, comment: Comment, *, status: int = 200) -> Response:
    lang = request_lang(request)
    responses = await comment.responses.all().order_by("id")
    regulation = comment.version.regulation
    base = version_url(regulation.slug, comment.version.versi)
    return render(
        request, "consultation/receipt.html", status=status, comment=comment, responses=responses,
        author=threads.public_author(comment, lang), status_names=services.STATUS_NAMES,
        position_names=services.POSITION_NAMES, disposition_names=services.DISPOSITION_NAMES,
        thread_url=f"{base}/{comment.path}/komentar" if comment.path else f"{base}/komentar",
        regulation=regulation, messages=MESSAGES,
    )  # fmt: skip


async def receipt(request: Request) -> Response:
    number = request.path_params["nomor"]
    comment = await services.receipt_comment(
        number, request.query_params.get("k", ""), request.app.state.settings
    )
    if comment is None:
        _, user, _ = await identify(request)
        found = await Comment.get_or_none(number=number).select_related("version__regulation")
        if found is None or user is None or found.author_id != user.id:  # type: ignore[attr-defined]
            raise HTTPException(status_code=404)
        comment = found
    return await _comment_page(request, comment)


async def lookup(request: Request) -> Response:
    """Number + address → the receipt link by mail, to that address only. The answer is the
    same whether or not they match, and asking is throttled per client address and per
    number (``PORTAL_MAIL_LIMIT_*``)."""
    if request.method == "GET":
        _, user, _ = await identify(request)  # a signed-in person's address, filled in
        values = {"email": user.email} if user else {}
        return render(request, "consultation/lookup.html", values=values, errors={}, messages=MESSAGES)
    form = await read_form(request)
    values = {"number": text(form, "number", 40), "email": text(form, "email", 254)}
    errors: dict[str, list[str]] = {}
    if not values["number"].strip():
        errors["number"] = ["required"]
    if not values["email"].strip():
        errors["email"] = ["required"]
    if errors:
        return render(
            request, "consultation/lookup.html", status=400, values=values, errors=errors, messages=MESSAGES
        )
    settings = request.app.state.settings
    verdict = await throttle.hit_all(
        settings.secret_key,
        [
            (("lacak-ip", client_ip(request)), settings.mail_limit_per_address),
            (("lacak-nomor", values["number"].strip().upper()), settings.mail_limit_per_recipient),
        ],
        dt.timedelta(minutes=settings.mail_limit_minutes),
    )
    if not verdict.allowed:
        response = render(
            request, "consultation/lookup.html", status=429, values=values,
            errors={"form": ["lookup_throttled"]}, messages=MESSAGES,
        )  # fmt: skip
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    # Looked up and mailed after the answer is sent: a match takes no longer to answer.
    task = BackgroundTask(services.send_lookup_link, values["number"], values["email"], settings)
    page = render(request, "consultation/lookup.html", values=values, errors={}, sent=True, messages=MESSAGES)
    page.background = task
    return page


async def attachment(request: Request) -> Response:
    comment = await Comment.get_or_none(number=request.path_params["nomor"])
    if comment is None or not comment.attachment_key:
        raise HTTPException(status_code=404)
    actor, _, _ = await identify(request)
    if comment.status != "terbit" and not (can(actor, "comment.moderate") or can(actor, "comment.answer")):
        raise HTTPException(status_code=404)
    path = attachments_dir(request.app.state.settings) / comment.attachment_key
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(
        path, media_type=comment.attachment_type, filename=comment.attachment_name,
        headers={"x-content-type-options": "nosniff", "cache-control": "private, max-age=0"},
        content_disposition_type="attachment",
    )  # fmt: skip


routes = [
    Route("/r/{slug}/{versi}/komentar", version_thread, methods=["GET", "POST"], name="version_comments"),
    Route("/r/{slug}/{versi}/komentar.json", version_thread, name="version_comments_json"),
    Route(
        "/r/{slug}/{versi}/{path:path}/komentar",
        provision_thread,
        methods=["GET", "POST"],
        name="provision_comments",
    ),
    Route("/r/{slug}/{versi}/{path:path}/komentar.json", provision_thread, name="provision_comments_json"),
    Route("/tanda-terima/{nomor}", receipt, name="receipt"),
    Route("/lacak", lookup, methods=["GET", "POST"], name="lookup"),
    Route("/lampiran/{nomor}", attachment, name="attachment"),
]
