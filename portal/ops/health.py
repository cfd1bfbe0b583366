"""``/healthz`` (the process answers; no database) and ``/readyz`` (can this worker serve:
the database, the search index, the search outbox and mail outbox lags, free disk).

Readiness fails (503) only on what stops the portal from serving — the database, or too
little free disk in the data directory. A lagging indexer or mail queue, or an index not
built yet, is reported as ``lagging``/``missing`` with the figures but keeps the worker in
rotation: pulling every worker out of a load balancer would not deliver one message more
(alert on ``/metrics`` instead)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import time
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import connections

DB_TIMEOUT = 2.0  # seconds for each query of a probe or a scrape
OUTBOX_LAG_S = 60.0  # the indexer runs every 0.5 s: a change older than this is lagging
MAIL_LAG_S = 900.0  # the mail loop runs every 30 s, retries after 1, 5, 15 … minutes
_TOC = re.compile(r"_MAIN_(\d+)\.toc")
NO_STORE = {"cache-control": "no-store"}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _age(moment: dt.datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return round(max(0.0, (_now() - moment).total_seconds()), 3)


async def database_check() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), DB_TIMEOUT)
    except Exception as error:  # any failure is the answer: the database cannot serve
        return {"status": "fail", "error": type(error).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 2)}


def index_state(app: Starlette) -> dict[str, Any]:
    """The index in use (``CURRENT``), its generation and how long since it last changed.
    Read from the files only (``search/index.py``'s layout), defensively."""
    search = getattr(app.state, "search", None)
    root = getattr(search, "root", None)
    current: Path | None = None
    try:
        finder = getattr(search, "current_dir", None)
        current = finder() if callable(finder) else None
    except OSError:
        current = None
    if not isinstance(root, Path) or current is None or not current.is_dir():
        return {"status": "missing", "generation": None, "age_s": None}
    try:
        tocs = [(int(m.group(1)), p) for p in current.iterdir() if (m := _TOC.fullmatch(p.name))]
        newest = max(
            [current.stat().st_mtime, (root / "CURRENT").stat().st_mtime]
            + [p.stat().st_mtime for _, p in tocs]
        )
    except OSError:
        return {"status": "missing", "generation": None, "age_s": None}
    generation = max((g for g, _ in tocs), default=None)
    return {
        "status": "ok",
        "dir": current.name,
        "generation": generation,
        "age_s": round(max(0.0, time.time() - newest), 3),
    }


async def _outbox(host: str) -> dict[str, Any]:
    """This host's lag: the outbox rows past its own position (``search_state``); rows
    other hosts still need stay in the table and are not this host's lag."""
    from portal.search.models import SearchOutbox, SearchState

    state = await asyncio.wait_for(SearchState.get_or_none(host=host), DB_TIMEOUT)
    waiting = SearchOutbox.filter(id__gt=state.position) if state is not None else SearchOutbox.all()
    count = await asyncio.wait_for(waiting.count(), DB_TIMEOUT)
    oldest = await asyncio.wait_for(waiting.order_by("id").first(), DB_TIMEOUT) if count else None
    age = _age(getattr(oldest, "created_at", None)) if oldest is not None else 0.0
    return {"status": "lagging" if (age or 0) > OUTBOX_LAG_S else "ok", "count": count, "oldest_age_s": age}


async def _mail() -> dict[str, Any]:
    from portal.mail.models import MailMessage

    pending = MailMessage.filter(status="pending")
    count = await asyncio.wait_for(pending.count(), DB_TIMEOUT)
    failing = await asyncio.wait_for(MailMessage.filter(status="pending", attempts__gt=0).count(), DB_TIMEOUT)
    oldest = await asyncio.wait_for(pending.order_by("id").first(), DB_TIMEOUT) if count else None
    age = _age(getattr(oldest, "created_at", None)) if oldest is not None else 0.0
    return {
        "status": "lagging" if (age or 0) > MAIL_LAG_S else "ok",
        "pending": count,
        "failing": failing,
        "oldest_age_s": age,
    }


def disk_check(data_dir: Path, min_free_mb: int) -> dict[str, Any]:
    folder = data_dir if data_dir.exists() else data_dir.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError as error:
        return {"status": "fail", "error": type(error).__name__}
    minimum = min_free_mb * 1024 * 1024
    return {"status": "ok" if free >= minimum else "fail", "free_bytes": free, "min_free_bytes": minimum}


async def _guarded(work: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = await work
    except Exception as error:  # reported, never raised: a probe must answer
        return {"status": "fail", "error": type(error).__name__}
    return result


async def readyz(request: Request) -> Response:
    app = request.app
    settings = app.state.settings
    database = await database_check()
    checks: dict[str, dict[str, Any]] = {"database": database, "index": index_state(app)}
    if database["status"] == "ok":
        checks["outbox"] = await _guarded(_outbox(app.state.search.host))
        checks["mail"] = await _guarded(_mail())
    else:
        checks["outbox"] = checks["mail"] = {"status": "skipped"}
    checks["disk"] = disk_check(settings.data_dir, settings.ready_min_free_mb)
    failed = [name for name, check in checks.items() if check["status"] == "fail"]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return JSONResponse(body, status_code=503 if failed else 200, headers=NO_STORE)


async def queues(app: Starlette) -> dict[str, Any]:
    """The figures ``/metrics`` exports as gauges (None when unknown)."""
    index = index_state(app)
    out: dict[str, Any] = {
        "index_age_s": index["age_s"],
        "index_generation": index["generation"],
        "outbox_count": None,
        "outbox_oldest_s": None,
        "mail_pending": None,
        "mail_failing": None,
        "mail_oldest_s": None,
        "database": False,
    }
    try:
        outbox, mail = await _outbox(app.state.search.host), await _mail()
    except Exception:  # the database is down: the gauges say unknown, portal_database_up 0
        return out
    out.update(
        outbox_count=outbox["count"],
        outbox_oldest_s=outbox["oldest_age_s"],
        mail_pending=mail["pending"],
        mail_failing=mail["failing"],
        mail_oldest_s=mail["oldest_age_s"],
        database=True,
    )
    return out


routes = [Route("/healthz", healthz, name="healthz"), Route("/readyz", readyz, name="readyz")]
