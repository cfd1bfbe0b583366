"""The search outbox: what the index has not seen yet."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SearchOutbox(Model):
    """A change to index, written in the same transaction as the change itself.

    ``kind`` is "version" (its provisions) or "comment" (the comment and its answers):
    the indexer reads the current rows, so a row only says what to look at again.
    Rows are deleted once the index has committed them: a crash in between leaves
    them to be applied again (indexing is idempotent), never lost."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=10)
    ref = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "search_outbox"
        ordering = ("id",)
