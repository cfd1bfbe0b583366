"""Who is asking, for handlers: the session cookie, the actor, and the policy check.

A personal API token (``Authorization: Bearer rp_…``) is accepted only on the JSON API
(paths ending in ``.json``): on any other route — HTML pages, CSV/DOCX/XLSX downloads,
attachments — a valid token is refused with 403, and a token that is not valid gets 401.
A token's actor carries its scope, so the policy can withhold what a session may see
(personal data needs the scope "pribadi", see ``policy.can``)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.accounts import services, tokens
from portal.accounts.models import Session, User
from portal.accounts.policy import ANONYMOUS_ACTOR, Actor, Permission, can
from portal.web.forms import SESSION_COOKIE, cookie_name, set_cookie

__all__ = ["SESSION_COOKIE", "LoginRequired", "identify", "require", "require_api"]


def is_api_path(path: str) -> bool:
    """The JSON API: the ``.json`` twins of pages and the API's own paths."""
    return path.endswith(".json")


class LoginRequired(Exception):
    """Raised by a handler for a page that needs a signed-in person."""


async def identify(request: Request) -> tuple[Actor, User | None, Session | None]:
    """The actor behind a request (one query when a session cookie is present)."""
    cached = getattr(request.state, "identity", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    identity: tuple[Actor, User | None, Session | None] = (ANONYMOUS_ACTOR, None, None)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        found_token = await tokens.token_user(authorization[7:].strip(), request.method, client_ip(request))
        if found_token is None:
            raise HTTPException(status_code=401, headers={"www-authenticate": "Bearer"})
        api_token, token_owner = found_token
        if not is_api_path(request.url.path):
            raise HTTPException(status_code=403, detail="API tokens work only on the JSON API")
        request.state.api_token = api_token
        identity = (Actor(token_owner.id, token_owner.role, api_token.scope), token_owner, None)
        request.state.identity = identity
        return identity
    token = session_token(request)
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
    if user is None:
        raise LoginRequired
    if session is None:  # signed in with an API token: only the JSON API
        raise HTTPException(status_code=403)
    if not can(actor, permission):
        raise HTTPException(status_code=403)
    return user, session


async def require_api(request: Request, permission: Permission) -> User:
    """For JSON endpoints: a session or a personal API token (401 without either)."""
    actor, user, _ = await identify(request)
    if user is None:
        raise HTTPException(status_code=401, headers={"www-authenticate": "Bearer"})
    if not can(actor, permission):
        raise HTTPException(status_code=403)
    return user


def session_token(request: Request) -> str | None:
    """The session cookie's value (``__Host-sesi`` under HTTPS, ``sesi`` otherwise)."""
    return request.cookies.get(cookie_name(SESSION_COOKIE, request.app.state.settings))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    set_cookie(
        response, SESSION_COOKIE, token, request.app.state.settings, max_age=services.SESSION_DAYS * 24 * 3600
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_redirect(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/masuk?next={quote(target)}", status_code=303)
