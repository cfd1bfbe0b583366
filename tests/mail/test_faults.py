"""An SMTP server that accepts and never answers must not slow any page: the worker
waits on it off the event loop, gives up after its time limit, and the message is
retried later."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import time
from typing import Literal

import httpx
import pytest

from portal.app import mail_worker
from portal.config import ROOT, Settings
from portal.mail import outbox
from portal.mail.models import MailMessage
from portal.mail.outbox import deliver_pending, enqueue
from portal.versions import services
from tests.mail.servers import LoopSmtp, RealSmtp

CONTOH = (ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8")
STALL = 3.0  # the SMTP time limit in these tests, seconds


async def _page(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    response = await client.get("/r/contoh/v1")
    assert response.status_code == 200
    return time.perf_counter() - started


@pytest.mark.parametrize("hang", ["greeting", "data"])
async def test_a_hanging_smtp_server_slows_no_page(
    hang: Literal["greeting", "data"],
    client: httpx.AsyncClient,
    settings: Settings,
    smtp_settings: Settings,
    smtp: RealSmtp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outbox, "SMTP_TIMEOUT", STALL)
    await services.import_text(CONTOH)
    baseline = [await _page(client) for _ in range(3)]
    async with LoopSmtp(hang=hang) as server:
        stuck = dataclasses.replace(
            settings, smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False
        )
        worker = asyncio.create_task(mail_worker(stuck))
        try:
            message = await enqueue(
                "warga@contoh.id", "Verifikasi", "Isi.", kind="account"
            )  # wakes the worker
            reached = server.connected if hang == "greeting" else server.data_received
            await asyncio.wait_for(reached.wait(), 5)
            # The worker now waits on the server: pages are served meanwhile, at their speed.
            latencies = [await _page(client) for _ in range(5)]
            row = await MailMessage.get(id=message.id)
            assert (row.status, row.attempts) == ("pending", 0)  # still in the worker's hands
            assert row.claimed_by is not None
            assert max(latencies) < STALL / 2, (baseline, latencies)
            # Past the time limit the worker gives up; the message waits for its retry.
            deadline = time.monotonic() + STALL + 5
            while (row := await MailMessage.get(id=message.id)).attempts == 0:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    assert (row.status, row.attempts, row.claimed_by) == ("pending", 1, None)
    assert row.last_error
    assert "Timeout" in row.last_error or "Unreachable" in row.last_error
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > dt.datetime.now(dt.UTC)
    assert server.messages == []
    # Later, with the server back, the retry goes out once.
    await MailMessage.filter(id=message.id).update(next_attempt_at=dt.datetime.now(dt.UTC))
    assert await deliver_pending(smtp_settings) == 1
    assert smtp.collector.subjects == ["Verifikasi"]
    assert (await MailMessage.get(id=message.id)).status == "sent"


async def test_after_data_stalls_the_rest_of_the_round_waits(
    db: object, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that takes messages and never answers: the message and the one after it
    (on a new connection) time out, and the round stops there rather than spending a
    time limit on every message; nothing stays claimed."""
    monkeypatch.setattr(outbox, "SMTP_TIMEOUT", 1.0)
    ids = [(await enqueue(f"w{i}@contoh.id", f"Tanda terima {i}", "Isi.")).id for i in range(5)]
    async with LoopSmtp(hang="data") as server:
        stuck = dataclasses.replace(
            settings, smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False
        )
        started = time.monotonic()
        done = await outbox.deliver_round(stuck)
        took = time.monotonic() - started
    assert (done.claimed, done.sent, done.failed) == (5, 0, 5)
    assert server.connections == 2
    assert took < 10
    rows = await MailMessage.filter(id__in=ids)
    assert {(m.status, m.attempts, m.claimed_by) for m in rows} == {("pending", 1, None)}


async def test_worker_wakes_when_mail_is_queued(db: object, smtp_settings: Settings, smtp: RealSmtp) -> None:
    worker = asyncio.create_task(mail_worker(smtp_settings, every=30.0))  # a poll far away
    try:
        await asyncio.sleep(0.2)  # its first round: nothing due
        started = time.monotonic()
        await enqueue("warga@contoh.id", "Atur ulang kata sandi", "Isi.", kind="account")
        while not smtp.collector.subjects:
            assert time.monotonic() - started < 10
            await asyncio.sleep(0.02)
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    assert smtp.collector.subjects == ["Atur ulang kata sandi"]
    assert (await MailMessage.get(subject="Atur ulang kata sandi")).status == "sent"


async def test_worker_polls_for_mail_queued_elsewhere(
    db: object, smtp_settings: Settings, smtp: RealSmtp
) -> None:
    """Receipts are written by the comment writer (not ``enqueue``), or by another process:
    the cheap poll every second finds them."""
    worker = asyncio.create_task(mail_worker(smtp_settings))
    try:
        await asyncio.sleep(0.2)
        await MailMessage.create(
            to="warga@contoh.id", subject="Tanda terima", body="Isi.", next_attempt_at=dt.datetime.now(dt.UTC)
        )
        started = time.monotonic()
        while not smtp.collector.subjects:
            assert time.monotonic() - started < 10
            await asyncio.sleep(0.05)
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    assert smtp.collector.subjects == ["Tanda terima"]
