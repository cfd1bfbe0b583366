"""create_app(): routes, middleware and the ORM's lifespan."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.exceptions import ValidationError

from portal.accounts import admin as account_admin
from portal.accounts import views as account_views
from portal.accounts.web import LoginRequired, login_redirect
from portal.config import Settings, load_settings
from portal.consultation import report_views, staff_views
from portal.consultation import views as consultation_views
from portal.consultation.counts import CommentCounts
from portal.consultation.numbers import NumberLedger
from portal.consultation.writer import CommentWriter
from portal.db import tortoise_config
from portal.drafting import editor as drafting_editor
from portal.drafting import views as drafting_views
from portal.exports import views as export_views
from portal.exports.pdfs import PdfStore
from portal.mail import outbox as mail_outbox
from portal.ops import health, metrics
from portal.ops.logs import ThreadedLogWriters
from portal.ops.middleware import RequestMiddleware
from portal.search import indexer as search_indexer
from portal.search import views as search_views
from portal.search.index import SearchIndex
from portal.versions import compare_views
from portal.versions import views as version_views
from portal.versions.cache import ComparisonCache, VersionCache
from portal.web import errors, lang, openapi
from portal.web.compression import CompressionMiddleware
from portal.web.executors import Busy, Executors
from portal.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from portal.web.static import VersionedStaticFiles
from portal.web.templating import STATIC_DIR, Renderer

DRAFT_BODY_BYTES = 6 * 1024 * 1024  # a whole draft posted or uploaded (2 MB of text, form-encoded)


# A comment with a 10 MB position paper, read whole up to this (the file part is cut at
# 10 MB while it streams); past it the body is cut and the form comes back with its text.
COMMENT_BODY_BYTES = 32 * 1024 * 1024


async def mail_worker(settings: Settings, every: float = 1.0) -> None:
    """Deliver the outbox while the portal runs: at once when this process queues mail,
    else every ``every`` seconds; bounded rounds, claimed so no two workers send one
    message (``portal/mail/outbox.py``); a failed round waits for the next."""
    await mail_outbox.worker(settings, every=every)


def create_app(settings: Settings | None = None, *, manage_orm: bool = True) -> Starlette:
    """The portal as an ASGI app. ``manage_orm=False`` when the caller (tests, CLI) runs the ORM."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_orm:
            async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
                log_writers = ThreadedLogWriters()  # the access lines, off the event loop
                # What start-up made (modules, templates, the ORM) lives as long as the
                # process: frozen, a full garbage collection no longer walks it. Measured
                # by benchmarks/bench_loop.py: the pauses of an export fell from 55 to 5 ms.
                gc.collect()
                gc.freeze()
                separate = settings.jobs == "separate"  # `portal jobs` indexes and sends mail
                workers = [
                    asyncio.create_task(search_indexer.worker(app.state.search, write=not separate)),
                    asyncio.create_task(app.state.pdfs.worker()),  # PDFs of published versions
                ]
                if not separate:
                    workers.append(asyncio.create_task(mail_worker(settings)))
                try:
                    yield
                finally:
                    for worker in workers:
                        worker.cancel()
                    app.state.search.close()
                    app.state.pdfs.cancel()
                    app.state.executors.shutdown()
                    log_writers.stop()
        else:
            yield

    app = Starlette(
        debug=settings.debug,
        routes=[
            *compare_views.routes,  # before the version routes, whose {versi} would match 'banding'
            *report_views.routes,
            *consultation_views.routes,
            *staff_views.routes,  # before the provision route, whose {path} would match '…/komentar'
            *export_views.routes,  # before the version route, whose {versi} would match 'v2.md'
            *version_views.routes,
            *lang.routes,
            *openapi.routes,
            *account_views.routes,
            *account_admin.routes,
            *drafting_views.routes,
            *drafting_editor.routes,
            *search_views.routes,
            *health.routes,  # /healthz, /readyz
            *metrics.routes,  # /metrics, with PORTAL_METRICS_TOKEN only
            Mount("/static", VersionedStaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[
            # Outermost: X-Request-ID, latency for /metrics, the JSON access log.
            Middleware(RequestMiddleware, access_log=settings.log_format == "json"),
            Middleware(SecurityHeadersMiddleware, https=settings.https),
            # gzip for HTML and JSON over 1 KB not compressed already (kept pages carry br/gzip).
            Middleware(CompressionMiddleware),
            # A Host outside PORTAL_ALLOWED_HOSTS gets 400 ("*" allows any).
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts), www_redirect=False),
            Middleware(
                BodyLimitMiddleware,
                limit=settings.max_body_bytes,
                larger=(
                    (r"/kelola/draf(/\d+/simpan)?", DRAFT_BODY_BYTES),
                    (r"/r/.+/komentar", COMMENT_BODY_BYTES),
                ),
                keep_fields=(r"/r/.+/komentar",),
            ),
        ],
        exception_handlers={
            HTTPException: errors.http_error,
            LoginRequired: login_redirect,
            Busy: errors.busy,
            ValidationError: errors.impossible_value,  # a filter value no column can hold: 404
            **dict.fromkeys(errors.DATABASE_ERRORS, errors.database_error),  # 503, the form's text shown
            Exception: errors.server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.renderer = Renderer()
    app.state.versions = VersionCache()
    app.state.comment_counts = CommentCounts()
    app.state.comment_writer = CommentWriter(ledger=NumberLedger(settings.ledger_dir))  # group commit
    app.state.search = SearchIndex(
        settings.data_dir, settings.search_postings_mb * 1024 * 1024
    )  # read here; written by the one indexer
    app.state.executors = Executors(settings.thread_counts)  # slow work, a bounded pool per kind
    app.state.comparisons = ComparisonCache(app.state.executors)  # computed in the draft pool
    app.state.pdfs = PdfStore(settings.data_dir, app.state.executors)  # made once, in the background
    app.state.figures = {}  # accountability figures per version id, kept for 30 s
    return app
