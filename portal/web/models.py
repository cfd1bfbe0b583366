"""Rows shared by every domain: the throttle's hits."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ThrottleHit(Model):
    """One counted action under a key, for the throttles of throttle.py.

    Counted in the database so that every worker and every host sees the same count. Keys are hashed: no address or
    e-mail is stored here."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=64, description="SHA-256 of the key")
    at = fields.DatetimeField()

    class Meta:
        table = "throttle_hit"
        indexes = (("key", "at"),)
