"""The floor for bench_serve: a bare Starlette app with fixed responses.

Served by uvicorn exactly like the portal (one worker, same flags), it measures what
uvicorn + Starlette + the load generator cost on this machine before any portal code.
``/`` is a small page; ``/large`` a fixed page as big as the sample version page
(about 240 KB), which shows what sending that many bytes costs by itself.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

BODY = "<!doctype html><title>ok</title><p>ok</p>\n"
LARGE_SIZE = 240_000
# Mostly ASCII with some multi-byte characters, like the rendered Indonesian text.
_LINE = '<div class="unit"><p>Pemerintah Daerah wajib memfasilitasi kepesertaan — ¶</p></div>\n'
LARGE = (_LINE * (LARGE_SIZE // len(_LINE.encode("utf-8")) + 1)).encode("utf-8")[:LARGE_SIZE]


async def hello(request: Request) -> Response:
    return HTMLResponse(BODY)


async def large(request: Request) -> Response:
    return Response(LARGE, media_type="text/html; charset=utf-8")


app = Starlette(routes=[Route("/", hello), Route("/large", large)])
