"""Friendly error pages in the reader's language (JSON for .json URLs), that tell the truth:
after a POST no page claims that nothing was lost, and when the database is unavailable the
page says so (503 with ``Retry-After``) and shows the text fields that were posted, to copy."""

from __future__ import annotations

import logging

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from portal.i18n import N_, Translator
from portal.ops.database import DATABASE_ERRORS, database_unavailable
from portal.web.executors import Busy
from portal.web.pages import request_lang

log = logging.getLogger("portal")

__all__ = ["DATABASE_ERRORS", "DATABASE_RETRY_AFTER", "DATABASE_UNAVAILABLE", "database_error"]

DATABASE_RETRY_AFTER = 30  # seconds
# The message of a form sent back because the database is unavailable (key "database_unavailable").
DATABASE_UNAVAILABLE = N_(
    "The database is unavailable at the moment, try again: your comment may not have been saved. Everything you wrote is kept below; sending it again never stores it twice."
)
# Fields never shown back: secrets, the CSRF token, hidden keys, the honeypot.
_HIDDEN_FIELDS = ("password", "sandi", "csrf", "token", "secret", "submission_key", "situs")


def not_found() -> HTTPException:
    return HTTPException(status_code=404)


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def _page(
    request: Request, status: int, *, database: bool = False, fields: list[tuple[str, str]] | None = None
) -> Response:
    t = Translator(request_lang(request))
    posted = request.method not in ("GET", "HEAD", "OPTIONS")
    if database:
        heading = t.gettext("The database is unavailable, try again")
        message = t.gettext(
            "The portal cannot reach its database at the moment, so your request was not completed and may not have been saved. Please try again in a minute."
        )
    elif status == 404:
        heading = t.gettext("Page not found")
        message = t.gettext(
            "There is no page at this address. The draft or provision may have another number in this version."
        )
    elif status == 503:
        heading = t.gettext("Busy, try again shortly")
        message = t.gettext(
            "The portal is doing a lot of this kind of work at the moment. Please try again in a few seconds."
        )
    elif status == 405:
        heading = t.gettext("Method not allowed")
        message = t.gettext("This address does not accept that kind of request.")
    elif status >= 500 and posted:
        heading = t.gettext("Something went wrong")
        message = t.gettext(
            "The portal could not complete your request. What you sent may not have been saved: check before sending it again."
        )
    elif status >= 500:
        heading = t.gettext("Something went wrong")
        message = t.gettext(
            "The portal could not complete your request. Nothing you typed was lost; please try again shortly."
        )
    else:
        heading = t.gettext("Request refused")
        message = t.gettext("The portal could not accept this request.")
    if _wants_json(request):
        return JSONResponse(
            {"error": {"status": status, "title": heading, "message": message}}, status_code=status
        )
    html = request.app.state.renderer.render(
        "error.html", t, heading=heading, message=message, current_path=request.url.path, fields=fields or []
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"} if fields else None)


def posted_fields(request: Request) -> list[tuple[str, str]]:
    """The text fields of the form this request posted, when the handler had read it
    (Starlette keeps the parsed form on the request): never passwords, tokens or keys."""
    form = getattr(request, "_form", None)
    if not isinstance(form, FormData):
        return []
    out: list[tuple[str, str]] = []
    for name, value in form.multi_items():
        lowered = name.lower()
        if isinstance(value, str) and value.strip() and not any(word in lowered for word in _HIDDEN_FIELDS):
            out.append((name, value[:20000]))
    return out[:50]


def _with_request_id(request: Request, response: Response) -> Response:
    """Answers made outside ``ops.middleware.RequestMiddleware`` (500s) carry its id too."""
    request_id = request.scope.get("portal.request_id")
    if isinstance(request_id, str):
        response.headers.setdefault("x-request-id", request_id)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return _page(request, status)


async def busy(request: Request, exc: Exception) -> Response:
    """A pool of slow work (``executors.py``) is full: 503 with ``Retry-After``."""
    response = _page(request, 503)
    response.headers["Retry-After"] = str(exc.retry_after if isinstance(exc, Busy) else 5)
    return response


def _database_page(request: Request, exc: Exception) -> Response:
    log.error(
        "database unavailable on %s %s: %s", request.method, request.url.path, exc,
        extra={"request_id": request.scope.get("portal.request_id")},
    )  # fmt: skip
    response = _page(request, 503, database=True, fields=posted_fields(request))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return _with_request_id(request, response)


async def database_error(request: Request, exc: Exception) -> Response:
    """For ``DATABASE_ERRORS`` raised by a route (this ``request`` is the handler's own, so
    the form it parsed is still there): the truthful 503, or — when the error is not the
    database being unavailable — on to ``server_error`` as any other error."""
    if not database_unavailable(exc):
        raise exc
    return _database_page(request, exc)


async def impossible_value(request: Request, exc: Exception) -> Response:
    """Tortoise's ``ValidationError``: it also checks a *filter*'s value against its
    column (a slug of 210 characters where the column holds 100), so a reader's URL with
    a value no row can have raised it. For a GET or HEAD that is a lookup finding nothing:
    404. Anything else (a save that does not fit) is a fault: the 500 of ``server_error``."""
    if request.method in ("GET", "HEAD"):
        log.info("no row can match %s: %s", request.url.path[:200], str(exc)[-120:])
        return _with_request_id(request, _page(request, 404))
    return await server_error(request, exc)


async def server_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        return _database_page(request, exc)
    log.exception(
        "unhandled error on %s", request.url.path, exc_info=exc,
        extra={"request_id": request.scope.get("portal.request_id")},
    )  # fmt: skip
    return _with_request_id(request, _page(request, 500))
