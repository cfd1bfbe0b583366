"""The throttle of every route that sends mail: per client address and per recipient.

Every route that queues a message because someone asked for it (registration, the
activation link sent again at sign-in, a password reset, a change of address, the
comment lookup …) calls ``allow_mail`` before it queues anything, and answers 429
with ``refusal_message`` and a ``Retry-After`` header when the verdict says no. The
check runs whether or not the recipient has an account, so it reveals nothing.
"""

from __future__ import annotations

import math
from datetime import timedelta

from portal.config import Settings
from portal.i18n import Translator
from portal.web import throttle
from portal.web.throttle import Verdict

__all__ = ["Verdict", "allow_mail", "refusal_message", "retry_headers"]


async def allow_mail(settings: Settings, kind: str, ip: str, recipient: str) -> Verdict:
    """Count one mail of ``kind`` (e.g. "activation", "reset", "email", "lookup") that a
    request from network address ``ip`` asks to send to ``recipient``, if both limits allow it.

    Limits, within ``PORTAL_MAIL_LIMIT_MINUTES``: ``PORTAL_MAIL_LIMIT_PER_ADDRESS`` mails of
    any kind for one client address, and ``PORTAL_MAIL_LIMIT_PER_RECIPIENT`` mails of this
    kind to one recipient (compared in lower case). Nothing is counted when either refuses;
    the verdict's ``retry_after`` is the number of seconds until the action is allowed again.
    """
    window = timedelta(minutes=settings.mail_limit_minutes)
    return await throttle.hit_all(
        settings.secret_key,
        [
            (("mail-ip", ip), settings.mail_limit_per_address),
            (("mail-to", kind, recipient.strip().lower()), settings.mail_limit_per_recipient),
        ],
        window,
    )


def refusal_message(translator: Translator, verdict: Verdict) -> str:
    """What to tell the person whose request was refused, in their language."""
    return translator.gettext(
        "Too many messages have been asked for from this network address or to this email address. Nothing was sent; please try again in %(minutes)s minutes.",
        minutes=max(1, math.ceil(verdict.retry_after / 60)),
    )


def retry_headers(verdict: Verdict) -> dict[str, str]:
    """The ``Retry-After`` header of a 429 answer."""
    return {"retry-after": str(max(1, verdict.retry_after))}
