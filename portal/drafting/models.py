"""Working drafts: the text of a version before it is published, every save kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.versions.models import Version

DRAFT_STATUSES = ("open", "published", "discarded")


class WorkingDraft(Model):
    """A regulation's next version while drafters work on it (its front matter names it)."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, db_index=True)
    versi = fields.CharField(max_length=50)
    title = fields.TextField(default="")
    source = fields.TextField(description="the current Raperda Markdown, possibly not yet valid")
    revision = fields.IntField(default=1, description="raised by every save: optimistic locking")
    status = fields.CharField(max_length=20, default="open", description="open, published or discarded")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    version: fields.ForeignKeyNullableRelation[Version] = fields.ForeignKeyField(
        "models.Version", related_name=False, null=True, on_delete=fields.SET_NULL,
        description="the version it became when published",
    )  # fmt: skip

    revisions: fields.ReverseRelation[DraftRevision]
    corrections: fields.ReverseRelation[AlignmentCorrection]

    class Meta:
        table = "working_draft"
        ordering = ("-updated_at", "-id")


class DraftRevision(Model):
    """One save of a working draft: who, when, the whole text."""

    id = fields.IntField(primary_key=True)
    draft: fields.ForeignKeyRelation[WorkingDraft] = fields.ForeignKeyField(
        "models.WorkingDraft", related_name="revisions", on_delete=fields.CASCADE
    )
    revision = fields.IntField()
    source = fields.TextField()
    note = fields.CharField(max_length=300, default="")
    saved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    saved_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "draft_revision"
        unique_together = (("draft", "revision"),)
        ordering = ("-revision",)


class AlignmentCorrection(Model):
    """A drafter's correction of the automatic alignment: old path → new path.

    An empty old path marks the new provision as inserted, an empty new path the
    old one as deleted. Applied when the draft is published, winning over the
    automatic result.
    """

    id = fields.IntField(primary_key=True)
    draft: fields.ForeignKeyRelation[WorkingDraft] = fields.ForeignKeyField(
        "models.WorkingDraft", related_name="corrections", on_delete=fields.CASCADE
    )
    old_path = fields.CharField(max_length=255, null=True)
    new_path = fields.CharField(max_length=255, null=True)
    note = fields.CharField(max_length=500, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alignment_correction"
        ordering = ("id",)
