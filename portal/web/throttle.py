"""Throttles counted in the database: at most ``limit`` actions per key in a window.

A key names what is counted, e.g. ``("mail-ip", address)`` or ``("mail-to", email)``;
it is hashed with the portal's secret before it is stored. ``hit`` counts the action
only when it is allowed, so a refused attempt does not extend the wait.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from portal.web.models import ThrottleHit


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the oldest counted hit leaves the window


def hashed_key(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


async def hit(secret: str, key: tuple[str, ...], limit: int, window: timedelta) -> Verdict:
    """Count one action under ``key`` if fewer than ``limit`` were counted in ``window``."""
    return await hit_all(secret, [(key, limit)], window)


async def peek(secret: str, key: tuple[str, ...], window: timedelta) -> int:
    """How many actions under ``key`` were counted in ``window`` (nothing counted)."""
    since = datetime.now(UTC) - window
    return await ThrottleHit.filter(key=hashed_key(secret, *key), at__gte=since).count()


async def hit_all(secret: str, checks: list[tuple[tuple[str, ...], int]], window: timedelta) -> Verdict:
    """Every key must allow the action; counted under all of them only if all allow it."""
    now = datetime.now(UTC)
    since = now - window
    worst = 0
    for key, limit in checks:
        digest = hashed_key(secret, *key)
        rows = await ThrottleHit.filter(key=digest, at__gte=since).order_by("at").only("at")
        recent = [row.at for row in rows]
        if limit <= 0 or len(recent) >= limit:
            wait = (recent[0] + window - now).total_seconds() if recent else window.total_seconds()
            worst = max(worst, max(1, math.ceil(wait)))
    if worst:
        return Verdict(False, worst)
    for key, _ in checks:
        digest = hashed_key(secret, *key)
        await ThrottleHit.filter(key=digest, at__lt=since).delete()
        await ThrottleHit.create(key=digest, at=now)
    return Verdict(True)
