"""Friendly error pages in the reader's language (JSON for .json URLs)."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from portal.web.executors import Busy
from portal.web.i18n import Translator
from portal.web.pages import request_lang

log = logging.getLogger("portal")


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def _page(request: Request, status: int) -> Response:
    t = Translator(request_lang(request))
    if status == 404:
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
        "error.html", t, heading=heading, message=message, current_path=request.url.path
    )
    return HTMLResponse(html, status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return _page(request, status)


async def busy(request: Request, exc: Exception) -> Response:
    """A pool of slow work (``executors.py``) is full: 503 with ``Retry-After``."""
    response = _page(request, 503)
    response.headers["Retry-After"] = str(exc.retry_after if isinstance(exc, Busy) else 5)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return _page(request, 500)
