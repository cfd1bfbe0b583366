"""Forms: CSRF protection, reading bodies within limits, and messages for errors.

CSRF: a random value in the 'csrf' cookie (SameSite=Lax, HttpOnly) and, in each
form, its HMAC under the secret key; a POST is refused (403) unless they match
and, when the browser says where the request comes from, it comes from here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from portal.web.i18n import N_

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"

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
}


def _sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token to put in a form; remembers a new cookie value on request.state."""
    cookie = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not cookie or len(cookie) < 32:
        cookie = secrets.token_urlsafe(32)
        request.state.new_csrf = cookie
    return _sign(request.app.state.settings.secret_key, cookie)


def with_csrf_cookie(request: Request, response: Response) -> Response:
    """Set the cookie when this request made a new value for it."""
    value = getattr(request.state, "new_csrf", None)
    if value:
        response.set_cookie(
            CSRF_COOKIE, value, httponly=True, samesite="lax", secure=bool(request.app.state.settings.https)
        )
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
    """403 unless the form carries the token matching the cookie (see the module's note)."""
    if getattr(request.state, "api_token", None) is not None:
        return  # an Authorization header is never sent by a browser on its own: no CSRF
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD)
    expected = _sign(request.app.state.settings.secret_key, cookie) if cookie else ""
    if (
        not cookie
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent, expected)
        or not _same_origin(request)
    ):
        raise HTTPException(status_code=403, detail="csrf")


def text(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""
