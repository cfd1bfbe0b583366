"""The mail outbox: messages are written to the database first, then delivered.

Delivery goes through SMTP when ``PORTAL_SMTP_HOST`` is set, otherwise each
message is written as an ``.eml`` file under ``PORTAL_DATA_DIR/mail``. A failed
delivery stays pending and is retried later with a growing delay: nothing is lost.

A sender *claims* a batch before sending it: the rows get its round's name in
``claimed_by`` and a lease in ``claimed_until``, so no two senders (processes or
hosts) send the same message, and the claims of a sender that died expire after
``LEASE`` seconds and are taken by the next one. On PostgreSQL the claim is one
transaction of ``SELECT … FOR UPDATE SKIP LOCKED`` and ``UPDATE``, so senders
never wait for each other; on SQLite one process per data directory sends (an
advisory lock on ``PORTAL_DATA_DIR/mail.lock``) and the claim is still written,
as a compare-and-set. Account mail (``kind="account"``: verification, reset,
change of address, lookup links) is claimed before receipts and answers.

SMTP goes through ``aiosmtplib`` on the event loop, never blocking it: one
connection per round for every message of the round, a time limit on the
connection and on each message, a new connection after a failure. A round stops
before its lease could run out, and hands back what it did not send.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import fcntl
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import IO, Literal

import aiosmtplib
from tortoise import connections
from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.config import Settings
from portal.mail.models import MailMessage
from portal.ops.waiting import raise_if_cancelling, wait_for_event

log = logging.getLogger("portal.mail")

RETRY_MINUTES = (1, 5, 15, 60, 240)
MailKind = Literal["account", "notice"]
PRIORITY: dict[MailKind, int] = {"account": 0, "notice": 1}  # lower goes first
ROUND = 100  # messages a round claims at most
LEASE = 120.0  # seconds a claim lasts; a sender that died leaves its claims this long
SMTP_TIMEOUT = 10.0  # seconds for connecting (greeting, STARTTLS, login) and for each message
MARK_EVERY = 20  # sent messages marked in one statement (and at least every 0.5 s)
SAFETY = 30.0  # seconds of the lease a round never uses (slow database, clocks apart)

_wakers: set[asyncio.Event] = set()  # the workers of this process, woken by enqueue()


async def enqueue(to: str, subject: str, body: str, *, kind: MailKind = "notice") -> MailMessage:
    """Queue a message; ``kind="account"`` for mail a person waits for to use their account."""
    message = await MailMessage.create(
        to=to, subject=subject, body=body, next_attempt_at=_now(), priority=PRIORITY[kind]
    )
    for event in _wakers:
        event.set()
    return message


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def build(message: MailMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at or _now())
    email["Message-ID"] = make_msgid(domain="raperda.portal")
    email.set_content(message.body)
    return email


# -- claims -----------------------------------------------------------------------------


def _due(now: dt.datetime) -> QuerySet[MailMessage]:
    """Messages to send now and held by nobody (a redacted message has status "dihapus")."""
    return (
        MailMessage.filter(status="pending", next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .exclude(to="")
    )


def _is_postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def claim(owner: str, limit: int = ROUND, lease: float = LEASE) -> list[MailMessage]:
    """Take up to ``limit`` due messages for ``owner``, account mail first, for ``lease`` seconds."""
    now = _now()
    until = now + dt.timedelta(seconds=lease)
    if _is_postgres():
        if not await _due(now).exists():  # the cheap poll: no transaction when nothing is due
            return []
        async with in_transaction() as tx:
            rows = (
                await _due(now)
                .using_db(tx)
                .order_by("priority", "id")
                .limit(limit)
                .select_for_update(skip_locked=True)  # rows another sender is claiming are skipped
            )
            if rows:
                await (
                    MailMessage.filter(id__in=[m.id for m in rows])
                    .using_db(tx)
                    .update(claimed_by=owner, claimed_until=until)
                )
        return list(rows)
    rows = await _due(now).order_by("priority", "id").limit(limit)
    if not rows:
        return []
    # Compare-and-set: only rows still due and free become ours.
    await _due(now).filter(id__in=[m.id for m in rows]).update(claimed_by=owner, claimed_until=until)
    ids = [m.id for m in rows]
    mine = {row["id"] for row in await MailMessage.filter(id__in=ids, claimed_by=owner).values("id")}
    return [m for m in rows if m.id in mine]


async def _still_mine(messages: list[MailMessage], owner: str) -> dict[int, MailMessage]:
    """The rows as they are now, of those still ours to send (redaction blanks them)."""
    ids = [message.id for message in messages]
    rows = await MailMessage.filter(id__in=ids, claimed_by=owner, status="pending").exclude(to="")
    return {row.id: row for row in rows}


async def _sent(ids: list[int], owner: str) -> None:
    if ids:
        await MailMessage.filter(id__in=ids, claimed_by=owner).update(
            status="sent", sent_at=_now(), attempts=F("attempts") + 1, claimed_by=None, claimed_until=None
        )


async def _failed(message: MailMessage, owner: str, error: BaseException | str) -> None:
    delay = RETRY_MINUTES[min(message.attempts, len(RETRY_MINUTES) - 1)]
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    await MailMessage.filter(id=message.id, claimed_by=owner).update(
        attempts=message.attempts + 1,
        last_error=text[:500],
        next_attempt_at=_now() + dt.timedelta(minutes=delay),
        claimed_by=None,
        claimed_until=None,
    )


async def _fail_all(messages: list[MailMessage], owner: str, error: BaseException) -> int:
    failed = 0
    current = await _still_mine(messages, owner) if messages else {}
    for message in messages:
        if message.id in current:
            await _failed(current[message.id], owner, error)
            failed += 1
    return failed


async def _settle(delivered: list[int], batch: list[MailMessage], owner: str) -> None:
    await _sent(delivered, owner)
    await _release(batch, owner)


async def _release(messages: list[MailMessage], owner: str) -> None:
    """Hand back claims not used: the next round takes them, with no attempt counted."""
    if messages:
        await MailMessage.filter(id__in=[m.id for m in messages], claimed_by=owner).update(
            claimed_by=None, claimed_until=None
        )


# -- transports -------------------------------------------------------------------------


class _Files:
    """No SMTP host: each message becomes ``data_dir/mail/<id>.eml``, written off the loop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, email: EmailMessage, message: MailMessage) -> None:
        await asyncio.to_thread(self._write, bytes(email), message.id)

    def _write(self, data: bytes, ident: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{ident:08d}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)

    async def close(self) -> None:
        return None


class _Unreachable(aiosmtplib.SMTPException):
    """No connection could be opened (refused, no greeting, STARTTLS or login failed)."""


class _Smtp:
    """One SMTP connection for a round, opened when needed and again after a failure."""

    def __init__(self, settings: Settings, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout
        self.client: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            timeout=self.timeout,
            start_tls=s.smtp_starttls,
            username=s.smtp_user or None,
            password=s.smtp_password if s.smtp_user else None,
        )
        try:
            async with asyncio.timeout(self.timeout):  # greeting, EHLO, STARTTLS and login together
                await client.connect()
        except (OSError, TimeoutError, aiosmtplib.SMTPException) as exc:
            client.close()
            raise _Unreachable(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            client.close()
            raise
        return client

    async def send(self, email: EmailMessage, message: MailMessage) -> None:
        if self.client is None or not self.client.is_connected:
            self.client = await self._connect()
        try:
            async with asyncio.timeout(self.timeout):
                await self.client.send_message(email)
        except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
            # The server refused this message (aiosmtplib has reset the session): the
            # connection serves the next one if it is still up.
            if not self.client.is_connected:
                self._drop()
            raise
        except BaseException:  # timeout, lost connection: its state is unknown, start afresh
            self._drop()
            raise

    def _drop(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                async with asyncio.timeout(self.timeout):
                    await self.client.quit()
            except (OSError, TimeoutError, aiosmtplib.SMTPException):
                pass
        self._drop()


# -- rounds -----------------------------------------------------------------------------


@dataclasses.dataclass
class Round:
    claimed: int = 0
    sent: int = 0
    failed: int = 0


def _owner() -> str:
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[:40]


def _lock_file(data_dir: Path) -> IO[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return open(data_dir / "mail.lock", "a", encoding="utf-8")


@contextlib.asynccontextmanager
async def sender_lock(settings: Settings, wait: bool = False) -> AsyncIterator[bool]:
    """Whether this process may send now. PostgreSQL: always (the claims keep senders
    apart). SQLite: only the holder of ``data_dir/mail.lock``, for the ``with`` block;
    the system drops the lock of a process that dies."""
    if _is_postgres():
        yield True
        return
    handle = _lock_file(settings.data_dir)
    try:
        try:
            if wait:
                await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
            else:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


async def deliver_round(
    settings: Settings,
    limit: int = ROUND,
    *,
    wait: bool = False,
    lease: float = LEASE,
    smtp_timeout: float | None = None,
) -> Round:
    """Claim up to ``limit`` due messages and send them over one connection
    (``smtp_timeout``: seconds, ``SMTP_TIMEOUT`` by default)."""
    smtp_timeout = SMTP_TIMEOUT if smtp_timeout is None else smtp_timeout
    done = Round()
    async with sender_lock(settings, wait=wait) as mine:
        if not mine:
            return done
        owner = _owner()
        started = time.monotonic()
        batch = await claim(owner, limit, lease)
        done.claimed = len(batch)
        if not batch:
            return done
        # Never start a message whose claim could expire before it is done.
        budget = lease - SAFETY - 2 * smtp_timeout
        transport: _Smtp | _Files = (
            _Smtp(settings, smtp_timeout) if settings.smtp_host else _Files(settings.data_dir / "mail")
        )
        broken = 0  # failures in a row that cost the connection
        delivered: list[int] = []  # sent, not yet marked: marked a few at a time
        marked = time.monotonic()
        try:
            for index, message in enumerate(batch):
                if time.monotonic() - started > budget:
                    await _release(batch[index:], owner)
                    break
                # Looked at again just before it goes: a redaction during the message
                # before this one must stop it.
                current = (await _still_mine([message], owner)).get(message.id)
                if current is None:
                    continue  # redacted (or no longer ours) since the claim: never sent
                try:
                    await transport.send(build(current, settings.mail_from), current)
                except (OSError, TimeoutError, aiosmtplib.SMTPException) as exc:
                    raise_if_cancelling()  # a stop the SMTP client reported as a failure
                    await _failed(current, owner, exc)
                    done.failed += 1
                    lost = isinstance(transport, _Smtp) and transport.client is None
                    broken = broken + 1 if lost else 0
                    if isinstance(exc, _Unreachable) or broken >= 2:
                        # The server cannot take mail now: the rest of the round waits as well.
                        done.failed += await _fail_all(batch[index + 1 :], owner, exc)
                        break
                    continue
                broken = 0
                delivered.append(current.id)
                done.sent += 1
                if len(delivered) >= MARK_EVERY or time.monotonic() - marked > 0.5:
                    await _sent(delivered, owner)
                    delivered, marked = [], time.monotonic()
            await _sent(delivered, owner)
            delivered = []
        except BaseException:
            # Cancelled (shutdown) or a database error: mark what went out, hand back the rest.
            with contextlib.suppress(Exception):
                await asyncio.shield(_settle(delivered, batch, owner))
            raise
        finally:
            await transport.close()
    return done


async def deliver_pending(settings: Settings, limit: int = ROUND) -> int:
    """Send what is due, one round of at most ``limit``; returns how many were sent."""
    return (await deliver_round(settings, limit)).sent


async def deliver_all(settings: Settings, limit: int = ROUND) -> int:
    """``portal mail send``: rounds until nothing is due (waiting for the SQLite sender
    lock if the server holds it); how many were sent."""
    sent = 0
    while True:
        done = await deliver_round(settings, limit, wait=True)
        sent += done.sent
        if done.claimed < limit or done.sent == 0:
            return sent


async def worker(settings: Settings, every: float = 1.0, limit: int = ROUND) -> None:
    """The sender inside ``portal serve``: a round as soon as ``enqueue`` is called in this
    process, else every ``every`` seconds (the cheap poll); full rounds back to back."""
    wake = asyncio.Event()
    _wakers.add(wake)
    try:
        while True:
            wake.clear()
            try:
                done = await deliver_round(settings, limit)
            except Exception:  # the worker must outlive any one bad round
                log.exception("mail delivery round failed")
                done = Round()
            if done.claimed == limit and done.sent > 0:
                continue  # more is due: the next round at once (account mail is claimed first)
            await wait_for_event(wake, every)
    finally:
        _wakers.discard(wake)
