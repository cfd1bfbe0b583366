"""Personal API tokens: shown once, stored hashed, scoped, revocable, for the JSON API only.

Scopes: "read" (GET), "write" (any method), and "pribadi" (GET, with the commenters'
personal data that the owner's role may see; only such roles may create one). Tokens
are revoked for good by a password reset, by disabling the account, and on a password
change unless the owner chooses to keep them."""

from __future__ import annotations

import secrets

from portal.accounts.models import ApiToken, User
from portal.accounts.policy import Actor, can
from portal.accounts.services import audit, now, token_hash

TOKEN_PREFIX = "rp_"  # noqa: S105 - a public prefix that marks portal tokens, not a secret
SCOPES = ("read", "write", "pribadi")
READING = ("GET", "HEAD", "OPTIONS")


def scopes_for(user: User) -> tuple[str, ...]:
    """The scopes ``user`` may give a new token."""
    personal = can(Actor(user.id, user.role), "comment.personal")
    return SCOPES if personal else tuple(s for s in SCOPES if s != "pribadi")


async def create_token(user: User, name: str, scope: str) -> tuple[str | None, dict[str, list[str]]]:
    """A new token; the plain value is returned once and never stored."""
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["token_name"] = ["required"]
    elif len(name) > 100:
        errors["token_name"] = ["too_long"]
    if scope not in scopes_for(user):
        errors["scope"] = ["choice_invalid"]
    if errors:
        return None, errors
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = await ApiToken.create(user=user, name=name, token_hash=token_hash(plain), scope=scope)
    await audit(user, "token.create", f"token:{token.id}", {"name": name, "scope": scope})
    return plain, {}


async def token_user(plain: str, method: str, ip: str | None) -> tuple[ApiToken, User] | None:
    """The live token and its active user, when the token's scope allows ``method``."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        await ApiToken.filter(token_hash=token_hash(plain), revoked_at=None).select_related("user").first()
    )
    if token is None or not token.user.is_active:
        return None
    if method not in READING and token.scope != "write":
        return None
    await ApiToken.filter(id=token.id).update(last_used_at=now())
    if method not in READING:
        await audit(token.user, "token.use", f"token:{token.id}", {"method": method}, ip)
    return token, token.user


async def revoke_token(user: User, token_id: int) -> None:
    updated = await ApiToken.filter(id=token_id, user_id=user.id, revoked_at=None).update(revoked_at=now())
    if updated:
        await audit(user, "token.revoke", f"token:{token_id}")
