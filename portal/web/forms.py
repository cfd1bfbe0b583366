"""Forms: CSRF protection, reading bodies within limits, and messages for errors.

CSRF: for a browser with a session cookie, each form carries the HMAC (secret key)
of that session's token, so the form token is bound to the session and a cookie
planted by someone else is worth nothing. A browser without a session gets a random
value in the 'csrf' cookie (SameSite=Lax, HttpOnly) and, in each form, its HMAC
(double submit). A POST is refused (403) unless the token matches and, when the
browser says where the request comes from, it comes from here. Under HTTPS the
cookies are named ``__Host-…`` (Secure, Path=/, no Domain), so that no other host
— a sibling subdomain, a plain-HTTP impostor — can set them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from portal.config import Settings
from portal.i18n import N_, Translator
from portal.web.pages import request_lang

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "sesi"  # set by portal.accounts.web; named here because the CSRF token binds to it

# Error keys → messages (English ids; the Indonesian catalog translates them).
MESSAGES: dict[str, str] = {
    "required": N_("This field is required."),
    "too_long": N_("This is too long."),
    "email_invalid": N_("This is not a valid email address."),
    "email_taken": N_("This email address is already registered."),
    "email_same": N_("This is already your email address."),
    "password_short": N_("The password needs at least 10 characters."),
    "password_long": N_("The password is too long."),
    "password_common": N_("This password is too common: choose one that is harder to guess."),
    "password_personal": N_("The password must not contain your name or email address."),
    "password_wrong": N_("The current password is not correct."),
    "password_mismatch": N_("The two passwords are not the same."),
    "token_invalid": N_("This link is invalid or has expired. Ask for a new one."),
    "role_invalid": N_("Unknown role."),
    "choice_invalid": N_("Choose one of the options."),
    "mail_limit": N_("Too many messages have been asked for: nothing was sent. Please try again later."),
    "verification_pending": N_("You already have a verification request waiting for a decision."),
}


def _sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def cookie_name(name: str, settings: Settings) -> str:
    """``name``, prefixed ``__Host-`` under HTTPS (the browser then insists on Secure,
    Path=/ and no Domain, so no other host can plant or overwrite the cookie)."""
    return f"__Host-{name}" if settings.https else name


def set_cookie(
    response: Response, name: str, value: str, settings: Settings, max_age: int | None = None
) -> None:
    """A cookie of the portal: HttpOnly, SameSite=Lax, Path=/, and Secure under HTTPS."""
    response.set_cookie(
        cookie_name(name, settings), value, max_age=max_age, path="/", httponly=True, samesite="lax",
        secure=settings.https,
    )  # fmt: skip


def delete_cookie(response: Response, name: str, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(name, settings), path="/", httponly=True, samesite="lax", secure=settings.https
    )


def _expected(request: Request) -> str:
    """The token this request's forms must carry ("" when there is none yet)."""
    settings: Settings = request.app.state.settings
    session = request.cookies.get(cookie_name(SESSION_COOKIE, settings))
    if session:
        return _sign(settings.secret_key, f"session\x1f{session}")
    cookie = request.cookies.get(cookie_name(CSRF_COOKIE, settings)) or getattr(
        request.state, "new_csrf", None
    )
    return _sign(settings.secret_key, f"anonymous\x1f{cookie}") if cookie and len(cookie) >= 32 else ""


def csrf_token(request: Request) -> str:
    """The token to put in a form; remembers a new cookie value on request.state when a
    browser without a session has none yet."""
    expected = _expected(request)
    if expected:
        return expected
    request.state.new_csrf = secrets.token_urlsafe(32)
    return _expected(request)


def with_csrf_cookie(request: Request, response: Response) -> Response:
    """Set the cookie when this request made a new value for it."""
    value = getattr(request.state, "new_csrf", None)
    if value:
        set_cookie(response, CSRF_COOKIE, value, request.app.state.settings)
    return response


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return True  # not every client sends one; the token still has to match
    host = request.headers.get("host", "")
    scheme_stripped = origin.split("://", 1)[-1]
    return scheme_stripped.split("/", 1)[0] == host


async def read_form(request: Request, *, files: int = 0, max_part_size: int = 1024 * 1024) -> FormData:
    """The posted form (with at most ``files`` uploads), after the CSRF check (403 when it
    fails; the uploads read so far are closed)."""
    form = await request.form(max_files=files, max_fields=100, max_part_size=max_part_size)
    try:
        check_csrf(request, form)
    except HTTPException:
        await form.close()
        raise
    return form


def check_csrf(request: Request, form: FormData) -> None:
    """403 unless the form carries the token bound to the session, or matching the
    cookie of a browser without one (see the module's note)."""
    if getattr(request.state, "api_token", None) is not None:
        return  # an Authorization header is never sent by a browser on its own: no CSRF
    request.state.new_csrf = None  # only what the browser sent counts here
    expected = _expected(request)
    sent = form.get(CSRF_FIELD)
    if (
        not expected
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent, expected)
        or not _same_origin(request)
    ):
        raise HTTPException(status_code=403, detail="csrf")


def text(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response:
    """A form page: never cached, with the CSRF token and its cookie."""
    translator = Translator(request_lang(request))
    # Who is signed in, for the header: known once the handler asked (``identify``); these
    # pages are never cached, unlike the public pages (``web/pages.py``), which stay anonymous.
    identity = getattr(request.state, "identity", None)
    context.setdefault("viewer", identity[1] if identity else None)
    html = request.app.state.renderer.render(
        template, translator, current_path=request.url.path, csrf=csrf_token(request), **context
    )
    response = HTMLResponse(
        html, status_code=status, headers={"cache-control": "no-store", **(headers or {})}
    )
    return with_csrf_cookie(request, response)
