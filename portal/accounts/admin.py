"""Administration: users, roles, stakeholder verification, the audit log."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.expressions import Q

from portal.accounts import services, verification
from portal.accounts.models import ROLES, AuditEvent, User, VerificationRequest
from portal.accounts.web import client_ip, require
from portal.web.forms import read_form, render, text
from portal.web.params import page_number, row_id

PAGE_SIZE = 50


def _page(request: Request) -> int:
    value = request.query_params.get("halaman", "1")
    return page_number(value)


async def users(request: Request) -> Response:
    await require(request, "admin.users")
    query = User.all().order_by("-id")
    q = request.query_params.get("q", "").strip()[:100]
    role = request.query_params.get("peran", "")
    if q:
        query = query.filter(Q(email__icontains=q) | Q(name__icontains=q))
    if role in ROLES:
        query = query.filter(role=role)
    page = _page(request)
    found = await query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    pending = (
        await VerificationRequest.filter(status="pending").select_related("user").order_by("id").limit(100)
    )
    return render(
        request, "admin/users.html", users=found[:PAGE_SIZE], more=len(found) > PAGE_SIZE, page=page, q=q,
        role=role, roles=ROLES, pending=pending,
    )  # fmt: skip


async def user(request: Request) -> Response:
    actor, _ = await require(request, "admin.users")
    raw = request.path_params["user_id"]
    target = await User.get_or_none(id=row_id(raw)) if row_id(raw) else None
    if target is None:
        raise HTTPException(status_code=404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = await read_form(request)
        action = text(form, "action", 20)
        ip = client_ip(request)
        if action == "role" and text(form, "role", 20) in ROLES:
            await services.set_role(actor, target, text(form, "role", 20), ip)
        elif action in ("disable", "enable") and target.id != actor.id:
            await services.set_active(actor, target, action == "enable", ip)
        elif action in ("approve", "refuse"):
            raw_request = text(form, "request", 20)
            application = (
                await VerificationRequest.get_or_none(
                    id=row_id(raw_request), user_id=target.id, status="pending"
                )
                if row_id(raw_request)
                else None
            )
            if application is not None:
                errors = await verification.decide_verification(
                    actor, application, action == "approve", text(form, "reason", 2000), ip
                )
        if not errors:
            return RedirectResponse(f"/admin/pengguna/{target.id}?disimpan=1", status_code=303)
        target = await User.get(id=target.id)
    requests = await VerificationRequest.filter(user_id=target.id).order_by("-id").limit(20)
    events = await AuditEvent.filter(target=f"user:{target.id}").order_by("-id").limit(20)
    return render(
        request, "admin/user.html", status=400 if errors else 200, target=target, roles=ROLES, requests=requests,
        events=events, errors=errors, saved=request.query_params.get("disimpan"), me=actor,
    )  # fmt: skip


async def audit_log(request: Request) -> Response:
    await require(request, "admin.audit")
    query = AuditEvent.all().order_by("-id")
    action = request.query_params.get("aksi", "").strip()[:60]
    actor = request.query_params.get("pelaku", "").strip()[:100]
    if action:
        query = query.filter(action__startswith=action)
    if actor:
        query = query.filter(actor_label__icontains=actor)
    page = _page(request)
    events = await query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    return render(
        request, "admin/audit.html", events=events[:PAGE_SIZE], more=len(events) > PAGE_SIZE, page=page,
        action=action, actor=actor,
    )  # fmt: skip


routes = [
    Route("/admin/pengguna", users, name="admin_users"),
    Route("/admin/pengguna/{user_id}", user, methods=["GET", "POST"], name="admin_user"),
    Route("/admin/audit", audit_log, name="admin_audit"),
]
