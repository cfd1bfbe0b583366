"""The language switch: a link that sets the 'lang' cookie and goes back."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.i18n import LANG_COOKIE, LANGUAGES


def safe_next(value: str | None) -> str:
    # Only local paths: never an open redirect to another site.
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


async def switch_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    target = safe_next(request.query_params.get("next"))
    response = RedirectResponse(target, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=bool(request.app.state.settings.https),
        )
    return response


routes = [Route("/bahasa/{lang}", switch_language, name="switch_language")]
