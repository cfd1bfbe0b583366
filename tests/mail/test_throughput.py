"""Throughput to a real local SMTP server (aiosmtpd): every message delivered, exactly
once, account mail first. The rate is printed, not asserted (shared, noisy machines);
``benchmarks/bench_mail.py`` measures it."""

from __future__ import annotations

import time
from collections import Counter

from portal.config import Settings
from portal.mail.models import MailMessage
from portal.mail.outbox import MailKind, deliver_all, enqueue
from tests.mail.servers import RealSmtp

COUNT = 500


async def test_five_hundred_messages_exactly_once_in_priority_order(
    db: object, smtp_settings: Settings, smtp: RealSmtp
) -> None:
    for i in range(COUNT):
        kind: MailKind = "account" if i % 10 == 0 else "notice"  # 50 account mails among 450 receipts
        await enqueue(
            f"warga{i}@contoh.id", f"{kind} {i:04d}", f"Masukan {i} telah kami terima.\n", kind=kind
        )
    started = time.perf_counter()
    assert await deliver_all(smtp_settings) == COUNT
    elapsed = time.perf_counter() - started
    subjects = smtp.collector.subjects
    assert len(subjects) == COUNT
    assert max(Counter(subjects).values()) == 1
    expected = [f"account {i:04d}" for i in range(0, COUNT, 10)]
    expected += [f"notice {i:04d}" for i in range(COUNT) if i % 10]
    assert subjects == expected
    assert await MailMessage.filter(status="sent", attempts=1).count() == COUNT
    print(f"\nmail: {COUNT} messages in {elapsed:.2f} s = {COUNT / elapsed:.0f} messages/s")
