"""Public consultation: comments on provisions, their answers, campaign groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.versions.models import Version

POSITIONS = ("mendukung", "menolak", "usul-perubahan", "pertanyaan")
STATUSES = ("menunggu", "terbit", "disembunyikan")
DISPOSITIONS = ("diterima", "diterima-sebagian", "ditolak", "sudah-diakomodasi", "di-luar-materi")
REGIONS = (
    "Kabupaten Serang",
    "Kabupaten Tangerang",
    "Kabupaten Lebak",
    "Kabupaten Pandeglang",
    "Kota Serang",
    "Kota Cilegon",
    "Kota Tangerang",
    "Kota Tangerang Selatan",
    "Luar Provinsi Banten",
)


class CampaignGroup(Model):
    """Near-identical comments (a form letter): counted per signer, answerable as one."""

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation[Version] = fields.ForeignKeyField(
        "models.Version", related_name=False, on_delete=fields.CASCADE
    )
    size = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaign_group"


class Comment(Model):
    """One comment (or a reply to one) on a provision of a version, or on the version."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=40, unique=True, description="tracking number, e.g. JSK-2026-000123")
    version: fields.ForeignKeyRelation[Version] = fields.ForeignKeyField(
        "models.Version", related_name=False, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, default="", description="empty: the version as a whole")
    lineage = fields.CharField(max_length=36, null=True, description="the provision's lineage, to follow it")
    wording = fields.TextField(default="", description="the provision's text when the comment was made")
    parent: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name="replies", null=True, on_delete=fields.RESTRICT
    )
    body = fields.TextField()
    position = fields.CharField(max_length=20, null=True)
    replacement = fields.TextField(default="", description="proposed wording")
    category = fields.CharField(max_length=40, default="lainnya")
    organisation = fields.CharField(max_length=200, default="")
    region = fields.CharField(max_length=60, default="")
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200, default="")
    email = fields.CharField(max_length=254, default="", description="for the receipt and the answer")
    show_name = fields.BooleanField(default=False, description="consent to publish the name")
    status = fields.CharField(
        max_length=20, default="terbit", description="menunggu, terbit or disembunyikan"
    )
    hidden_reason = fields.TextField(default="")
    group: fields.ForeignKeyNullableRelation[CampaignGroup] = fields.ForeignKeyField(
        "models.CampaignGroup", related_name="comments", null=True, on_delete=fields.SET_NULL
    )
    signature: fields.Field[list[int]] = fields.JSONField(
        default=list, description="MinHash of the text, for near duplicates"
    )
    attachment_name = fields.CharField(max_length=200, default="", description="the file name as uploaded")
    attachment_key = fields.CharField(max_length=64, default="", description="the stored file's random name")
    attachment_type = fields.CharField(max_length=100, default="")
    attachment_size = fields.IntField(default=0)
    submission_key = fields.CharField(max_length=64, unique=True, description="one comment per form shown")
    receipt_hash = fields.CharField(max_length=64, default="", description="SHA-256 of the receipt token")
    ip_hash = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    answered_at = fields.DatetimeField(null=True, description="when the latest answer was given")
    disposition = fields.CharField(max_length=30, null=True, description="the latest answer's disposition")
    redacted_at = fields.DatetimeField(null=True, description="personal data removed on request")
    verified = fields.BooleanField(
        default=False, description="written by a verified stakeholder: category and organisation verified"
    )

    replies: fields.ReverseRelation[Comment]
    responses: fields.ReverseRelation[Response]

    class Meta:
        table = "comment"
        ordering = ("id",)
        indexes = (
            # a provision's thread: its page, and how many match any filter (read from the index alone)
            ("version_id", "path", "parent_id", "status", "category", "position", "answered_at", "id"),
            ("lineage", "parent_id", "status", "id"),  # the same provision in earlier versions
            ("version_id", "id"),  # exports, in id order
            ("version_id", "parent_id", "status", "lineage", "path"),  # counts per provision
            ("parent_id",),  # replies of a page of comments
            ("author_id",),  # a person's comments: limits and the cap
            ("group_id",),  # a campaign's members
            ("email",),
            ("ip_hash", "created_at"),
        )


class CommentCounter(Model):
    """The last tracking number given under a prefix (a regulation and a year)."""

    name = fields.CharField(max_length=40, primary_key=True)
    value = fields.IntField(default=0)

    class Meta:
        table = "comment_counter"


class CommentBand(Model):
    """One LSH band of a comment's MinHash: comments sharing a band are compared."""

    id = fields.IntField(primary_key=True)
    version_id = fields.IntField()
    band = fields.CharField(max_length=24)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "comment_band"
        indexes = (("version_id", "band"), ("comment_id",))


class Response(Model):
    """The drafters' answer to a comment: a disposition, reasons, where the text went."""

    id = fields.IntField(primary_key=True)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name="responses", on_delete=fields.CASCADE
    )
    disposition = fields.CharField(max_length=30)
    reason = fields.TextField()
    new_path = fields.CharField(max_length=255, default="", description="the provision in the new version")
    new_versi = fields.CharField(max_length=50, default="")
    responder: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "comment_response"
        ordering = ("-id",)
        indexes = (("comment_id",),)
