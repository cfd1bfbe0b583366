"""Logs: the request id (``X-Request-ID`` kept when well formed, else made) in a context
variable, and ``PORTAL_LOG_FORMAT=json``: one JSON object per line for every logger (the
access log and the portal's own), with the request's id, method and masked path."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import logging.handlers
import queue
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from portal.web.security import MaskSecretsFilter, access_log_config, mask_secrets

REQUEST_ID_HEADER = "x-request-id"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")  # a UUID, a trace id, a proxy's id …


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    method: str
    path: str  # masked (portal.web.security.mask_secrets), with its query string


CURRENT: ContextVar[RequestInfo | None] = ContextVar("portal_request", default=None)


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's (or proxy's) ``X-Request-ID`` when well formed, else a new one."""
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1").strip()
            if _WELL_FORMED.fullmatch(text):
                return text
            break
    return f"{_PROCESS_PREFIX}{next(_SEQUENCE):08x}"


# New request ids: a random prefix per process, then a counter (a uuid4 per request cost
# a getrandom call each, 6 % of a busy worker's time; these are unique all the same).
_PROCESS_PREFIX = secrets.token_hex(12)
_SEQUENCE = itertools.count(1)


_STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """One line of JSON: time, level, logger, message, then what the request and the
    record add (request_id, method, path, status, duration_ms, client, exception …)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which worker, with several
        }
        info = getattr(record, "portal_request", None) or CURRENT.get()
        if info is not None:
            out.update(request_id=info.request_id, method=info.method, path=info.path)
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) >= 5:
            client, method, path, _, status = record.args[:5]
            out.update(client=client, method=method, path=mask_secrets(str(path)), status=status)
        for key, value in vars(record).items():  # extra={...} of the portal's own records
            if key not in _STANDARD and key not in ("message", "asctime", "color_message", "portal_request"):
                if value is None and key in out:
                    continue
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def log_config(log_format: str) -> dict[str, Any]:
    """uvicorn's ``log_config`` for ``portal serve`` (applied again in every worker).
    text: uvicorn's own, with the access log masked (as before). json: every logger —
    uvicorn's, the access log of ``RequestMiddleware`` (``portal.access``), the portal's
    and the libraries' — as JSON lines on standard error (access lines on standard output)."""
    if log_format != "json":
        return access_log_config()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask_secrets": {"()": MaskSecretsFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["mask_secrets"],
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "portal.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "INFO"},
    }


class _RequestQueueHandler(logging.handlers.QueueHandler):
    """Hands the record, as it is, to the writing thread, with the request it belongs to
    (the formatters need its arguments and the request, which the thread cannot see)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.portal_request = CURRENT.get()
        return record


ACCESS_LOGGERS = ("uvicorn.access", "portal.access")


class ThreadedLogWriters:
    """Moves the writing of some loggers (one line per request) to a thread per logger:
    a write and a flush per request held the event loop (6 % of a busy worker). The
    records keep their order; ``stop()`` writes what is left and puts the handlers back."""

    def __init__(self, names: tuple[str, ...] = ACCESS_LOGGERS) -> None:
        self.moved: list[tuple[logging.Logger, logging.Handler, logging.handlers.QueueListener]] = []
        for name in names:
            logger = logging.getLogger(name)
            handlers = [h for h in logger.handlers if not isinstance(h, logging.handlers.QueueHandler)]
            if not handlers:
                continue
            records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
            for handler in handlers:
                logger.removeHandler(handler)
            front = _RequestQueueHandler(records)
            logger.addHandler(front)
            listener = logging.handlers.QueueListener(records, *handlers, respect_handler_level=True)
            listener.start()
            self.moved.append((logger, front, listener))

    def stop(self) -> None:
        for logger, front, listener in self.moved:
            logger.removeHandler(front)
            listener.stop()
            for handler in listener.handlers:
                logger.addHandler(handler)
        self.moved = []
