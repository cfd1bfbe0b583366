"""The outbox queue: claims (exactly once, with one sender or several), priority,
expired claims, redacted messages, the file transport and the CLI."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import os
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from portal import cli
from portal.config import Settings
from portal.mail import outbox
from portal.mail.models import MailMessage
from portal.mail.outbox import claim, deliver_all, deliver_pending, deliver_round, enqueue, sender_lock
from tests.conftest import PG_URL
from tests.mail.servers import LoopSmtp, RealSmtp


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _queue(count: int, kind: outbox.MailKind = "notice", prefix: str = "Tanda terima") -> list[int]:
    return [
        (await enqueue(f"warga{i}@contoh.id", f"{prefix} {i}", f"Isi {i}.", kind=kind)).id
        for i in range(count)
    ]


async def test_account_mail_goes_before_receipts(db: object, smtp_settings: Settings, smtp: RealSmtp) -> None:
    await _queue(5, "notice", "Tanda terima")
    await _queue(3, "account", "Verifikasi")
    await _queue(2, "notice", "Jawaban")
    assert await deliver_pending(smtp_settings, limit=4) == 4  # one small round: account mail first
    assert smtp.collector.subjects == ["Verifikasi 0", "Verifikasi 1", "Verifikasi 2", "Tanda terima 0"]
    assert await deliver_all(smtp_settings, limit=4) == 6
    assert smtp.collector.subjects[4:] == [f"Tanda terima {i}" for i in range(1, 5)] + [
        "Jawaban 0",
        "Jawaban 1",
    ]
    rows = await MailMessage.all().order_by("id")
    assert [(m.priority, m.status, m.attempts, m.claimed_by) for m in rows] == (
        [(1, "sent", 1, None)] * 5 + [(0, "sent", 1, None)] * 3 + [(1, "sent", 1, None)] * 2
    )


async def test_enqueue_keeps_its_old_signature(db: object) -> None:
    message = await enqueue("warga@contoh.id", "Tanda terima", "Isi.")
    assert (message.priority, message.status) == (outbox.PRIORITY["notice"], "pending")
    assert (await enqueue("a@contoh.id", "Verifikasi", "Isi.", kind="account")).priority == 0


async def test_a_claim_is_exclusive_until_it_expires(db: object, settings: Settings) -> None:
    ids = await _queue(4)
    first = await claim("sender-a", limit=3)
    assert [m.id for m in first] == ids[:3]
    second = await claim("sender-b", limit=10)
    assert [m.id for m in second] == ids[3:]  # a's claims are not b's
    assert await claim("sender-c", limit=10) == []
    # sender-a dies: its lease runs out, and the next round sends its messages once.
    await MailMessage.filter(claimed_by="sender-a").update(claimed_until=_now() - dt.timedelta(seconds=1))
    done = await deliver_round(settings, limit=10)
    assert (done.claimed, done.sent) == (3, 3)
    files = sorted((settings.data_dir / "mail").glob("*.eml"))
    assert [f.name for f in files] == [f"{i:08d}.eml" for i in ids[:3]]
    assert await MailMessage.filter(status="sent").count() == 3
    assert (await MailMessage.get(id=ids[3])).claimed_by == "sender-b"  # b's lease still runs
    # What a's round would write now changes nothing: the rows are no longer its own.
    await outbox._sent([first[0].id], "sender-a")
    assert (await MailMessage.get(id=ids[0])).attempts == 1


async def test_two_senders_send_each_message_exactly_once(
    db: object, smtp_settings: Settings, smtp: RealSmtp
) -> None:
    """On PostgreSQL the senders claim side by side (SKIP LOCKED); on SQLite the lock lets one
    of them send at a time. Either way no message goes out twice."""
    await _queue(120, "notice")
    await _queue(30, "account", "Verifikasi")

    async def sender() -> int:
        sent = 0
        while True:
            done = await deliver_round(smtp_settings, limit=10)
            sent += done.sent
            if done.claimed == 0:
                if not await MailMessage.filter(status="pending").exists():
                    return sent
                await asyncio.sleep(0.01)  # SQLite: the other sender holds the lock

    counts = await asyncio.gather(*(sender() for _ in range(4)))
    assert sum(counts) == 150
    subjects = smtp.collector.subjects
    assert len(subjects) == 150
    assert max(Counter(subjects).values()) == 1
    assert await MailMessage.filter(status="sent", attempts=1, claimed_by=None).count() == 150
    if PG_URL:
        assert sum(1 for count in counts if count) >= 2, counts  # they really sent side by side


@pytest.mark.skipif(not PG_URL, reason="FOR UPDATE SKIP LOCKED: PostgreSQL only")
async def test_postgresql_claim_skips_rows_another_sender_is_claiming(db: object) -> None:
    ids = await _queue(5)
    go = asyncio.Event()

    async def other() -> list[int]:  # created outside the transaction: its own connection
        await go.wait()
        return [m.id for m in await claim("sender-b", limit=10)]

    task = asyncio.create_task(other())
    async with in_transaction() as tx:
        locked = await MailMessage.filter(id__in=ids[:2]).using_db(tx).select_for_update()
        assert len(locked) == 2
        go.set()
        taken = await asyncio.wait_for(task, 10)  # does not wait for our lock
    assert taken == ids[2:]


async def test_sqlite_has_one_sender_per_data_directory(db: object, settings: Settings) -> None:
    if PG_URL:
        async with sender_lock(settings) as first, sender_lock(settings) as second:
            assert first
            assert second
        return
    await _queue(3)
    async with sender_lock(settings) as mine:
        assert mine
        done = await deliver_round(settings)  # another process would find the same lock taken
        assert (done.claimed, done.sent) == (0, 0)
        assert (settings.data_dir / "mail.lock").exists()
    assert (await deliver_round(settings)).sent == 3


async def test_redacted_mail_is_never_sent(db: object, settings: Settings) -> None:
    ids = await _queue(3)
    await MailMessage.filter(id=ids[1]).update(to="", body="[dihapus]", status="dihapus")
    assert await deliver_pending(settings) == 2
    assert sorted(p.name for p in (settings.data_dir / "mail").glob("*.eml")) == [
        f"{ids[0]:08d}.eml",
        f"{ids[2]:08d}.eml",
    ]
    assert await claim("later") == []
    assert (await MailMessage.get(id=ids[1])).status == "dihapus"


async def test_mail_redacted_after_its_claim_is_not_sent(db: object, settings: Settings) -> None:
    ids = await _queue(3)
    redacted = False

    async def redact_the_next_one(body: bytes) -> None:  # while the first is being delivered
        nonlocal redacted
        if not redacted:
            redacted = True
            await MailMessage.filter(id=ids[1]).update(to="", body="[dihapus]", status="dihapus")

    async with LoopSmtp(before_reply=redact_the_next_one) as server:
        smtp = dataclasses.replace(
            settings, smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False
        )
        done = await deliver_round(smtp)
        assert (done.claimed, done.sent) == (3, 2)
        assert len(server.messages) == 2
        assert server.connections == 1  # one connection for the round
    assert b"Isi 1." not in b"".join(server.messages)
    assert (await MailMessage.get(id=ids[1])).status == "dihapus"


async def test_file_transport_writes_each_message_once(db: object, settings: Settings) -> None:
    ids = await _queue(2)
    assert await deliver_all(settings) == 2
    assert await deliver_all(settings) == 0
    for ident in ids:
        email = message_from_bytes((settings.data_dir / "mail" / f"{ident:08d}.eml").read_bytes())
        assert email["Subject"].startswith("Tanda terima")
    assert not list((settings.data_dir / "mail").glob("*.part"))


async def test_refused_message_is_retried_and_the_round_goes_on(db: object, settings: Settings) -> None:
    ids = await _queue(3)
    await MailMessage.filter(id=ids[0]).update(to="tolak@contoh.id")  # the server refuses it

    async with LoopSmtp() as server:
        smtp = dataclasses.replace(
            settings, smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False
        )
        done = await deliver_round(smtp)
        assert server.connections == 1  # the round went on over the same connection
        assert len(server.messages) == 2
    assert (done.claimed, done.sent, done.failed) == (3, 2, 1)
    bad = await MailMessage.get(id=ids[0])
    assert (bad.status, bad.attempts, bad.claimed_by) == ("pending", 1, None)
    assert bad.next_attempt_at is not None
    assert bad.next_attempt_at > _now()


def test_cli_mail_send_uses_the_same_claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    for name in list(os.environ):
        if name.startswith("PORTAL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(data))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "test")
    if PG_URL:
        pytest.skip("runs on the SQLite of its own data directory")
    settings = Settings(
        data_dir=data, database_url=f"sqlite://{data / 'portal.sqlite3'}", secret_key="test", drafts_dir=data
    )

    async def queue() -> None:
        await enqueue("a@contoh.id", "Tanda terima 1", "Isi.")
        await enqueue("b@contoh.id", "Verifikasi", "Isi.", kind="account")
        held = await enqueue("c@contoh.id", "Tanda terima 2", "Isi.")
        await MailMessage.filter(id=held.id).update(
            claimed_by="other", claimed_until=_now() + dt.timedelta(minutes=1)
        )

    cli.run_with_orm(settings, queue)
    out = io.StringIO()
    assert cli.main(["mail", "send", "--lang", "en"], out) == 0
    assert out.getvalue() == "2 messages sent\n"
    assert sorted(p.name for p in (data / "mail").glob("*.eml")) == ["00000001.eml", "00000002.eml"]
    out = io.StringIO()
    assert cli.main(["mail", "send", "--lang", "en"], out) == 0  # nothing twice, the claimed one waits
    assert out.getvalue() == "0 messages sent\n"
