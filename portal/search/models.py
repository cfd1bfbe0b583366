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


class SearchState(Model):
    """One host's search index, written by its indexer at each commit.

    ``index_name`` and ``generation`` are the directory and Whoosh generation committed
    last: an index found missing or behind them is damaged (rebuilt, never recreated
    empty). ``position`` is the largest outbox id such that every row up to it is in
    this host's index; ``pruned_to`` the outbox id up to which this host deleted rows
    that every live host had passed. ``updated_at`` is refreshed at least every minute
    while the host runs: a host silent for longer than the retention is not waited for."""

    id = fields.IntField(primary_key=True)
    host = fields.CharField(max_length=64, unique=True, description="the data folder's host_id")
    index_name = fields.CharField(max_length=64, description="the index directory committed last")
    generation = fields.IntField(description="its Whoosh generation (TOC number)")
    position = fields.BigIntField(default=0, description="every outbox row up to this id is applied")
    pruned_to = fields.BigIntField(default=0, description="outbox rows up to this id deleted by this host")
    updated_at = fields.DatetimeField(description="last commit or heartbeat")

    class Meta:
        table = "search_state"
