from __future__ import annotations

import dataclasses
import datetime as dt
from email import message_from_bytes
from pathlib import Path

from portal.config import Settings
from portal.mail.models import MailMessage
from portal.mail.outbox import deliver_pending, enqueue


async def test_outbox_writes_eml_files_without_smtp(db: object, settings: Settings) -> None:
    await enqueue("warga@contoh.id", "Tanda terima", "Masukan Anda telah kami terima.")
    assert await deliver_pending(settings) == 1
    files = sorted((settings.data_dir / "mail").glob("*.eml"))
    assert len(files) == 1
    email = message_from_bytes(files[0].read_bytes())
    assert email["To"] == "warga@contoh.id"
    assert email["Subject"] == "Tanda terima"
    assert "Masukan Anda telah kami terima." in email.get_payload(decode=True).decode()
    assert (await MailMessage.get(to="warga@contoh.id")).status == "sent"
    assert await deliver_pending(settings) == 0


async def test_nothing_is_lost_when_smtp_is_down(db: object, settings: Settings, tmp_path: Path) -> None:
    down = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=1)  # nothing listens there
    await enqueue("warga@contoh.id", "Tanda terima", "Isi.")
    assert await deliver_pending(down) == 0
    message = await MailMessage.get(to="warga@contoh.id")
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error
    assert message.next_attempt_at is not None
    assert message.next_attempt_at > dt.datetime.now(dt.UTC)
    await MailMessage.filter(id=message.id).update(next_attempt_at=dt.datetime.now(dt.UTC))
    assert await deliver_pending(settings) == 1  # back on files: delivered on the retry
