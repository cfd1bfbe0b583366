"""People, their sessions and tokens, and the audit log of privileged acts."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from portal.accounts.labels import CATEGORIES, ROLES

__all__ = ["CATEGORIES", "ROLES"]


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True, description="stored lower-case")
    name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharField(max_length=20, default="publik")
    is_active = fields.BooleanField(default=True)
    email_verified_at = fields.DatetimeField(null=True)
    organisation = fields.CharField(max_length=200, null=True)
    category = fields.CharField(max_length=40, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user"


class Session(Model):
    """A server-side login session: the cookie holds a random token, the table its hash.

    (No semicolons in model docstrings: Tortoise puts them in SQL comments and its
    SQLite migration splits statements on them.)
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    ip = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=300, null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"


class EmailToken(Model):
    """A one-time link sent by mail: verify an address, or reset a password."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="email_tokens", on_delete=fields.CASCADE
    )
    purpose = fields.CharField(max_length=20, description="verify, reset or email")
    token_hash = fields.CharField(max_length=64, unique=True)
    new_email = fields.CharField(max_length=254, null=True, description="for 'email': the address to move to")
    password_hash = fields.CharField(
        max_length=255, null=True, description="for 'verify': the password hash typed at this registration"
    )
    name = fields.CharField(
        max_length=200, null=True, description="for 'verify': the name typed at this registration"
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_token"


class LoginFailure(Model):
    """Failed logins, counted per account and per address for throttling."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    ip = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "login_failure"


class AuditEvent(Model):
    """Append-only record of a privileged act: who, when, from where, what changed."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=300, description="the actor as shown, kept if the user goes")
    action = fields.CharField(max_length=60, db_index=True)
    target = fields.CharField(max_length=300, null=True)
    details: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    ip = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_event"
        ordering = ("-id",)


class VerificationRequest(Model):
    """A member of the public asks to be verified as a stakeholder of an organisation."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="verification_requests", on_delete=fields.CASCADE
    )
    organisation = fields.CharField(max_length=200)
    category = fields.CharField(max_length=40)
    note = fields.TextField(default="")
    status = fields.CharField(max_length=10, default="pending", description="pending, approved, refused")
    reason = fields.TextField(null=True, description="the admin's reason, shown to the applicant")
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "verification_request"
        ordering = ("-id",)


class ApiToken(Model):
    """A personal token for the JSON API: shown once, stored hashed, scoped, revocable."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    scope = fields.CharField(max_length=10, description="read, write or pribadi")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
