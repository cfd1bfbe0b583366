"""Logs: the request id (``X-Request-ID`` kept when well formed, else made) in a context
variable, and ``PORTAL_LOG_FORMAT=json``: one JSON object per line for every logger (the
access log and the portal's own), with the request's id, method and masked path."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
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
    return uuid.uuid4().hex


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
        info = CURRENT.get()
        if info is not None:
            out.update(request_id=info.request_id, method=info.method, path=info.path)
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) >= 5:
            client, method, path, _, status = record.args[:5]
            out.update(client=client, method=method, path=mask_secrets(str(path)), status=status)
        for key, value in vars(record).items():  # extra={...} of the portal's own records
            if key not in _STANDARD and key not in ("message", "asctime", "color_message"):
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
