"""JSON log lines with the request id, X-Request-ID kept or made, and a real
`portal serve --workers 2` answering from both workers."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from portal.ops.logs import JsonFormatter
from tests.consultation.test_comments import V2, setup_v2


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the portal's access log and its own loggers write, through the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("portal.access", "portal")]
    previous = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
        lg.propagate = False
    try:
        yield stream
    finally:
        for lg, (level, propagate) in zip(loggers, previous, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate


async def test_json_access_lines_carry_the_request_id_and_mask_tokens(
    app: object, client: httpx.AsyncClient, json_lines: io.StringIO
) -> None:
    from portal.ops.middleware import RequestMiddleware

    await setup_v2()
    # The app of the fixture logs no access line (text mode); the JSON mode's middleware does.
    app.middleware_stack = None  # type: ignore[attr-defined]
    for entry in app.user_middleware:  # type: ignore[attr-defined]
        if entry.cls is RequestMiddleware:
            entry.kwargs["access_log"] = True
    sent_id = "trace-0123456789abcdef"
    page = await client.get(V2, headers={"X-Request-ID": sent_id})
    assert page.headers["x-request-id"] == sent_id
    receipt = await client.get("/tanda-terima/JSK-2026-000001?k=secret-receipt-key")
    assert receipt.status_code == 404
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "portal.access"]
    assert len(access) == 2, lines
    first, second = access
    assert first["request_id"] == sent_id
    assert first["method"] == "GET"
    assert first["path"] == V2
    assert first["status"] == 200
    assert isinstance(first["duration_ms"], float)
    assert first["duration_ms"] > 0
    assert {"time", "level", "message", "pid"} <= set(first)
    assert second["request_id"] == receipt.headers["x-request-id"] != sent_id
    assert second["path"] == "/tanda-terima/JSK-2026-000001?k=***"
    assert "secret-receipt-key" not in json_lines.getvalue()
    assert second["status"] == 404


def test_a_record_inside_a_request_gets_its_id_and_one_outside_none() -> None:
    from portal.ops.logs import CURRENT, RequestInfo

    formatter = JsonFormatter()
    record = logging.LogRecord("portal.search", logging.WARNING, __file__, 1, "slow %s", ("query",), None)
    outside = json.loads(formatter.format(record))
    assert outside["message"] == "slow query"
    assert "request_id" not in outside
    token = CURRENT.set(RequestInfo("abc12345-req", "POST", "/atur-sandi/***"))
    try:
        inside = json.loads(formatter.format(record))
    finally:
        CURRENT.reset(token)
    assert inside["request_id"] == "abc12345-req"
    assert inside["path"] == "/atur-sandi/***"
    assert inside["level"] == "warning"
    assert inside["logger"] == "portal.search"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("0f8fa2b4-5a43-4c1e-9d55-3b7a8d2e1c90", True),
        ("short", False),  # too short to be anyone's id
        ("x" * 200, False),  # too long
        ("abc def ghi jkl", False),  # spaces
        ('inject"\nnext line', False),
    ],
)
async def test_x_request_id_is_kept_when_well_formed_else_made(
    client: httpx.AsyncClient, sent: str, kept: bool
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": sent.replace("\n", " ")})
    got = response.headers["x-request-id"]
    if kept:
        assert got == sent
    else:
        assert got != sent.replace("\n", " ")
        assert re.fullmatch(r"[0-9a-f]{32}", got)
    made = await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made.headers["x-request-id"] != got


def test_serve_with_two_workers_answers_from_both_and_exits_cleanly(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp_path / "data"
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(data),
        "PORTAL_LOG_FORMAT": "json",
        "PORTAL_METRICS_TOKEN": "token-for-the-two-worker-test",
    }
    env.pop("PORTAL_DATABASE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    out, err = (tmp_path / "out.log").open("w"), (tmp_path / "err.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "portal", "serve", "--workers", "2", "--port", str(port)],
        env=env, stdout=out, stderr=err, cwd=tmp_path,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (tmp_path / "err.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "err.log").read_text()
            time.sleep(0.3)
        answered = 0
        for _ in range(120):  # a new connection each time: the kernel hands them to both workers
            assert httpx.get(base + "/healthz", timeout=5).json() == {"status": "ok"}
            assert httpx.get(base + "/r/jamsos-ketenagakerjaan/v2", timeout=10).status_code == 200
            answered += 2
            pids = _access_pids(tmp_path / "out.log")
            if len(pids) >= 2 and answered >= 20:
                break
        assert len(_access_pids(tmp_path / "out.log")) == 2
        scrape = httpx.get(
            base + "/metrics", headers={"Authorization": "Bearer token-for-the-two-worker-test"}, timeout=10
        )
        assert scrape.status_code == 200
        # Multiprocess mode: the scrape adds up both workers' counts.
        total = sum(
            float(value)
            for value in re.findall(
                r'^portal_http_requests_total\{method="GET",status="2xx"\} (\S+)$', scrape.text, re.M
            )
        )
        assert total >= answered
        assert list((data / "metrics").glob("*.db"))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            out.close()
            err.close()
    assert code == 0, (tmp_path / "err.log").read_text()[-2000:]


def _access_pids(path: Path) -> set[int]:
    pids = set()
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record.get("logger") == "portal.access" and record.get("status") == 200:
            pids.add(record["pid"])
    return pids
