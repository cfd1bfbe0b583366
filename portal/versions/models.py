"""Regulations, their versions and the provisions of each version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.accounts.models import User


class ImmutableVersionError(RuntimeError):
    """A published version never changes: its text, checksum and provisions are final."""


class Regulation(Model):
    """One draft regulation (a slug), across all its versions."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    jenis = fields.CharField(max_length=200)
    daerah = fields.CharField(max_length=200)
    tentang = fields.TextField()
    pembentuk = fields.CharField(max_length=200)
    pemrakarsa = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    versions: fields.ReverseRelation[Version]

    class Meta:
        table = "regulation"
        ordering = ("slug",)


class Version(Model):
    """One published version of a regulation: immutable once stored."""

    id = fields.IntField(primary_key=True)
    regulation: fields.ForeignKeyRelation[Regulation] = fields.ForeignKeyField(
        "models.Regulation", related_name="versions", on_delete=fields.CASCADE
    )
    versi = fields.CharField(max_length=50)
    sequence = fields.IntField(
        default=0,
        description="place among the regulation's versions: 1, 2, 3 in the order of publication",
    )
    label = fields.CharField(max_length=200)
    tanggal = fields.DateField()  # the date written on the draft: shown, never orders versions
    tahap = fields.CharField(max_length=20, null=True)
    nomor = fields.CharField(max_length=50, null=True)
    tahun = fields.IntField(null=True)
    konsultasi_buka = fields.DateField(null=True)
    konsultasi_tutup = fields.DateField(null=True)
    source = fields.TextField(description="canonical Raperda Markdown of this version")
    checksum = fields.CharField(max_length=64, description="SHA-256 of source, hex")
    published_at = fields.DatetimeField()
    published_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL,
        description="who published it (empty: imported from the command line)",
    )  # fmt: skip
    anonim_boleh = fields.BooleanField(default=True, description="anonymous comments allowed")
    moderasi = fields.CharField(max_length=10, default="pasca", description="pra or pasca (moderation)")
    status = fields.CharField(
        max_length=20, default="published", description="published, or superseded by a later version"
    )
    previous: fields.ForeignKeyNullableRelation[Version] = fields.ForeignKeyField(
        "models.Version",
        related_name=False,
        null=True,
        on_delete=fields.SET_NULL,
        description="the version this one was aligned with when it was published",
    )
    pasal_count = fields.IntField(default=0)
    lint_matikan: fields.Field[list[str]] = fields.JSONField(default=list)
    earlier_windows: fields.Field[dict[str, list[str]]] = fields.JSONField(
        default=dict,
        description="earlier versions' consultation windows at publication: closed and kept open (versi lists)",
    )

    provisions: fields.ReverseRelation[Provision]

    class Meta:
        table = "version"
        unique_together = (("regulation", "versi"), ("regulation", "sequence"))
        ordering = ("sequence", "id")

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise ImmutableVersionError(f"version {self.versi} is published and cannot change")
        await super().save(*args, **kwargs)


class Provision(Model):
    """One node of a version's tree, stored flat in document order."""

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation[Version] = fields.ForeignKeyField(
        "models.Version", related_name="provisions", on_delete=fields.CASCADE
    )
    position = fields.IntField(description="index in document order")
    path = fields.CharField(max_length=255)
    parent_path = fields.CharField(max_length=255, null=True)
    kind = fields.CharField(max_length=20)
    number = fields.CharField(max_length=30, null=True)
    heading = fields.TextField(null=True)
    text = fields.TextField()
    marker = fields.CharField(max_length=30, null=True)
    line = fields.IntField()
    lineage = fields.CharField(
        max_length=36, null=True, description="identity carried across versions by the alignment"
    )

    class Meta:
        table = "provision"
        unique_together = (("version", "path"),)
        ordering = ("position",)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise ImmutableVersionError("provisions of a published version cannot change")
        await super().save(*args, **kwargs)


class AlignmentRow(Model):
    """One line of the alignment computed when ``to_version`` was published."""

    id = fields.IntField(primary_key=True)
    from_version: fields.ForeignKeyRelation[Version] = fields.ForeignKeyField(
        "models.Version", related_name=False, on_delete=fields.CASCADE
    )
    to_version: fields.ForeignKeyRelation[Version] = fields.ForeignKeyField(
        "models.Version", related_name="alignment_rows", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    old_path = fields.CharField(max_length=255, null=True)
    new_path = fields.CharField(max_length=255, null=True)
    kind = fields.CharField(max_length=20)
    score = fields.FloatField()

    class Meta:
        table = "alignment"
        ordering = ("position",)
