"""Stakeholder verification: a member of the public applies, an admin decides with a reason."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from portal.accounts.models import CATEGORIES, User, VerificationRequest
from portal.accounts.services import audit, now


async def apply_for_verification(
    user: User, organisation: str, category: str, note: str
) -> tuple[VerificationRequest | None, dict[str, list[str]]]:
    """File a request; one at a time: while one waits for a decision, another is refused."""
    errors: dict[str, list[str]] = {}
    organisation = " ".join(organisation.split())
    if not organisation:
        errors["organisation"] = ["required"]
    elif len(organisation) > 200:
        errors["organisation"] = ["too_long"]
    if category not in CATEGORIES:
        errors["category"] = ["choice_invalid"]
    if len(note) > 2000:
        errors["note"] = ["too_long"]
    if errors:
        return None, errors
    async with in_transaction():
        # The user's row, locked (on PostgreSQL; SQLite runs one transaction at a time), so
        # that two requests sent at once cannot both pass the check below.
        await User.select_for_update().filter(id=user.id).first()
        if await VerificationRequest.exists(user_id=user.id, status="pending"):
            return None, {"verification": ["verification_pending"]}
        request = await VerificationRequest.create(
            user=user, organisation=organisation, category=category, note=note
        )
        await audit(
            user,
            "verification.apply",
            f"user:{user.id}",
            {"organisation": organisation, "category": category},
        )
    return request, {}


async def decide_verification(
    actor: User, request: VerificationRequest, approve: bool, reason: str, ip: str | None
) -> dict[str, list[str]]:
    reason = reason.strip()
    if not approve and not reason:
        return {"reason": ["required"]}
    await VerificationRequest.filter(id=request.id).update(
        status="approved" if approve else "refused", reason=reason or None, decided_by=actor, decided_at=now()
    )
    user = await User.get(id=request.user_id)  # type: ignore[attr-defined]
    if approve:
        await User.filter(id=user.id).update(
            role="pemangku" if user.role == "publik" else user.role,
            organisation=request.organisation,
            category=request.category,
        )
    await audit(
        actor,
        "verification.approve" if approve else "verification.refuse",
        f"user:{user.id}",
        {"organisation": request.organisation, "category": request.category, "reason": reason},
        ip,
    )
    return {}
