"""The mail outbox: messages are written to the database first, then delivered.

Delivery goes through SMTP when ``PORTAL_SMTP_HOST`` is set, otherwise each
message is written as an ``.eml`` file under ``PORTAL_DATA_DIR/mail``. A failed
delivery stays pending and is retried later with a growing delay: nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from portal.accounts.models import MailMessage
from portal.config import Settings

RETRY_MINUTES = (1, 5, 15, 60, 240)


async def enqueue(to: str, subject: str, body: str) -> MailMessage:
    return await MailMessage.create(to=to, subject=subject, body=body, next_attempt_at=_now())


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


def _send(email: EmailMessage, message: MailMessage, settings: Settings) -> None:
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(email)
        return
    folder = settings.data_dir / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message.id:08d}.eml").write_bytes(bytes(email))


async def deliver_pending(settings: Settings, limit: int = 50) -> int:
    """Send what is due; returns how many were sent."""
    due = await MailMessage.filter(status="pending", next_attempt_at__lte=_now()).order_by("id").limit(limit)
    sent = 0
    for message in due:
        try:
            _send(build(message, settings.mail_from), message, settings)
        except (OSError, smtplib.SMTPException) as exc:
            delay = RETRY_MINUTES[min(message.attempts, len(RETRY_MINUTES) - 1)]
            await MailMessage.filter(id=message.id).update(
                attempts=message.attempts + 1,
                last_error=str(exc)[:500],
                next_attempt_at=_now() + dt.timedelta(minutes=delay),
            )
            continue
        await MailMessage.filter(id=message.id).update(
            status="sent", sent_at=_now(), attempts=message.attempts + 1
        )
        sent += 1
    return sent
