"""Who is asking, for handlers: the session cookie, the actor, and the policy check."""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.accounts import services
from portal.accounts.models import Session, User
from portal.accounts.policy import ANONYMOUS_ACTOR, Actor, Permission, can

SESSION_COOKIE = "sesi"


class LoginRequired(Exception):
    """Raised by a handler for a page that needs a signed-in person."""


async def identify(request: Request) -> tuple[Actor, User | None, Session | None]:
    """The actor behind a request (one query when a session cookie is present)."""
    cached = getattr(request.state, "identity", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    identity: tuple[Actor, User | None, Session | None] = (ANONYMOUS_ACTOR, None, None)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        found = await services.session_user(token)
        if found is not None:
            session, user = found
            identity = (Actor(user.id, user.role), user, session)
    request.state.identity = identity
    return identity


async def require(request: Request, permission: Permission) -> tuple[User, Session]:
    """The signed-in user allowed ``permission``; else to the login page, or 403."""
    actor, user, session = await identify(request)
    if user is None or session is None:
        raise LoginRequired
    if not can(actor, permission):
        raise HTTPException(status_code=403)
    return user, session


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=services.SESSION_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.settings.https),
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_redirect(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/masuk?next={quote(target)}", status_code=303)
