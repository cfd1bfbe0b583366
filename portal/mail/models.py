"""The mail outbox's table: every message is written here first (in the transaction of
what it tells), then claimed and delivered by a sender (``outbox.py``)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class MailMessage(Model):
    """The outbox: every message is written here first, then delivered by the worker."""

    id = fields.IntField(primary_key=True)
    to = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    status = fields.CharField(
        max_length=10, default="pending", description="pending, sent, dihapus (redacted: never sent)"
    )
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    next_attempt_at = fields.DatetimeField(null=True)
    priority = fields.SmallIntField(
        default=1, description="0 account mail (sent first), 1 receipts and answers"
    )
    claimed_by = fields.CharField(
        max_length=40, null=True, description="the sender round that holds the message"
    )
    claimed_until = fields.DatetimeField(
        null=True, description="end of the claim: past it another sender may take it"
    )

    class Meta:
        table = "mail_message"
        indexes = (("status", "priority", "id"),)  # the sender's claim: due mail, account mail first
