"""The floor for bench_serve: a bare Starlette app with one fixed, small response.

Served by uvicorn exactly like the portal (one worker, same flags), it measures what
uvicorn + Starlette + the load generator cost on this machine before any portal code.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

BODY = "<!doctype html><title>ok</title><p>ok</p>\n"


async def hello(request: Request) -> Response:
    return HTMLResponse(BODY)


app = Starlette(routes=[Route("/", hello)])
