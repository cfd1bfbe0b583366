"""Rules for accounts: registration, verification, login with throttling, passwords,
sessions, roles, and the audit log."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from portal.accounts import passwords
from portal.accounts.mail_limits import Verdict, allow_mail
from portal.accounts.models import (
    ROLES,
    ApiToken,
    AuditEvent,
    EmailToken,
    LoginFailure,
    Session,
    User,
)
from portal.config import Settings
from portal.mail.outbox import enqueue

VERIFY_HOURS = 48
RESET_MINUTES = 60
SESSION_DAYS = 30
LOGIN_DELAY_STEP = 0.5  # seconds added per failure on an account past PORTAL_LOGIN_SLOW_AFTER
LOGIN_DELAY_MAX = 5.0


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(value: str) -> str | None:
    """The address in lower case, or None when it is not a valid address."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.normalized.lower()


async def audit(
    actor: User | None,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    label = f"{actor.name} <{actor.email}>" if actor else "sistem"
    await AuditEvent.create(
        actor=actor, actor_label=label, action=action, target=target, details=details or {}, ip=ip
    )


# -- registration and mail links ------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    errors: dict[str, list[str]]
    user: User | None = None
    # For the registrant's browser (a cookie): its activation link then needs no password.
    proof: str = ""
    refused: Verdict | None = None  # the mail throttle said no: nothing was done


def registration_proof(settings: Settings, token: str) -> str:
    """What the registering browser keeps to open the activation link ``token`` directly."""
    message = f"registration\x1f{token}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def proof_matches(settings: Settings, token: str, proof: str) -> bool:
    return bool(proof) and hmac.compare_digest(proof, registration_proof(settings, token))


async def register(name: str, email: str, password: str, settings: Settings, ip: str) -> Registration:
    """A pending registration of a 'publik' account, and its activation link by mail.

    No account enumeration, by answer or by time: every path hashes the password once and
    queues one mail to the address in one transaction. An address whose account is active
    gets a notice instead of a link. An address registered but never activated gets a link
    of its own: the account keeps its password until a link is used, and a link activates
    only a password its user typed (see ``activate``), so registering someone else's
    address first does not hand over their account."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["required"]
    elif len(name) > 200:
        errors["name"] = ["too_long"]
    address = normalise_email(email)
    if address is None:
        errors["email"] = ["email_invalid"]
    found = passwords.problems(password, email=address or "", name=name)
    if found:
        errors["password"] = found
    if errors or address is None:
        return Registration(errors)
    verdict = await allow_mail(settings, "activation", ip, address)
    if not verdict.allowed:
        return Registration({}, refused=verdict)
    password_hash = await passwords.hash_async(password)
    existing = await User.get_or_none(email=address)
    if existing is not None and (existing.email_verified_at is not None or not existing.is_active):
        async with in_transaction():
            await enqueue(
                address,
                "Pendaftaran akun Raperda Portal",
                "Seseorang mencoba mendaftar di Raperda Portal dengan alamat surel ini, yang sudah terdaftar.\n"
                f"Jika itu Anda, silakan masuk atau atur ulang kata sandi: {settings.base_url}/lupa-sandi\n",
                kind="account",
            )
        return Registration({}, None, registration_proof(settings, secrets.token_urlsafe(32)))
    try:
        async with in_transaction():
            user = existing or await User.create(name=name, email=address, password_hash=password_hash)
            token = await _mail_token(
                user, "verify", dt.timedelta(hours=VERIFY_HOURS), password_hash=password_hash, name=name
            )
            await _queue_verification(address, name, token, settings)
    except IntegrityError:  # the same new address registered at the same moment: one of them wins
        return Registration({}, None, registration_proof(settings, secrets.token_urlsafe(32)))
    return Registration({}, user, registration_proof(settings, token))


async def _mail_token(
    user: User,
    purpose: str,
    lifetime: dt.timedelta,
    new_email: str | None = None,
    *,
    password_hash: str | None = None,
    name: str | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    await EmailToken.create(
        user=user,
        purpose=purpose,
        token_hash=token_hash(token),
        expires_at=now() + lifetime,
        new_email=new_email,
        password_hash=password_hash,
        name=name,
    )
    return token


async def _queue_verification(address: str, name: str, token: str, settings: Settings) -> None:
    await enqueue(
        address,
        "Verifikasi alamat surel Anda — Raperda Portal",
        f"Yth. {name},\n\nUntuk mengaktifkan akun Anda di Raperda Portal, buka tautan berikut "
        f"(berlaku {VERIFY_HOURS} jam):\n{settings.base_url}/verifikasi/{token}\n\n"
        "Jika Anda tidak mendaftar, abaikan pesan ini.\n",
        kind="account",
    )


async def send_verification(user: User, settings: Settings) -> str:
    """The activation link again (asked at sign-in, where the account's password was typed);
    returns the token, for the proof cookie of that browser."""
    token = await _mail_token(
        user, "verify", dt.timedelta(hours=VERIFY_HOURS), password_hash=user.password_hash
    )
    await _queue_verification(user.email, user.name, token, settings)
    return token


async def _live_token(token: str, purpose: str) -> EmailToken | None:
    """The unused, unexpired mail token for ``purpose``, with its user."""
    found = (
        await EmailToken.filter(token_hash=token_hash(token), purpose=purpose).select_related("user").first()
    )
    if found is None or found.used_at is not None or found.expires_at < now():
        return None
    return found


async def activation_link(token: str) -> EmailToken | None:
    """The live activation link ``token``, with its user."""
    return await _live_token(token, "verify")


async def activate(found: EmailToken, password_hash: str | None) -> User | None:
    """Use the activation link ``found``: the account is verified with ``password_hash``,
    which must be a password typed by whoever opened the link (at registration, in the
    browser that holds the proof, or on the activation form). Every other pending link of
    the account dies with it. None when the link was used meanwhile."""
    user = found.user
    async with in_transaction():
        if not await EmailToken.filter(id=found.id, used_at=None).update(used_at=now()):
            return None
        if user.email_verified_at is None and user.is_active:
            changes: dict[str, Any] = {"email_verified_at": now()}
            if password_hash and password_hash != user.password_hash:
                changes["password_hash"] = password_hash
            if found.name:
                changes["name"] = found.name
            await User.filter(id=user.id).update(**changes)
            await EmailToken.filter(user_id=user.id, purpose="verify", used_at=None).update(used_at=now())
            if "password_hash" in changes:
                await _revoke_access(user.id)
    return await User.get(id=user.id)


@dataclass(frozen=True)
class Activation:
    outcome: Literal["ok", "invalid", "wrong", "locked"]
    user: User | None = None
    retry_after: int = 0


async def activate_with_password(token: str, password: str, ip: str, settings: Settings) -> Activation:
    """Activate from a browser without the proof: the person must type a password set for
    this account (the one typed with this link's registration, or the account's own);
    the account keeps the one typed. Wrong passwords count as failed logins."""
    found = await _live_token(token, "verify")
    if found is None:
        return Activation("invalid")
    user = found.user
    retry, delay = await _login_gate(user.email, ip, settings)
    if retry:
        return Activation("locked", retry_after=retry)
    if delay:
        await asyncio.sleep(delay)
    for candidate in dict.fromkeys(h for h in (found.password_hash, user.password_hash) if h):
        if await passwords.verify_async(candidate, password):
            activated = await activate(found, candidate)
            return Activation("ok", activated) if activated else Activation("invalid")
    await LoginFailure.create(email=user.email, ip=ip)
    return Activation("wrong")


async def request_reset(email: str, settings: Settings, ip: str) -> Verdict:
    """Mail a reset link when the account exists; answer the same either way. The mail
    throttle counts the request whether the account exists or not."""
    address = normalise_email(email)
    verdict = await allow_mail(settings, "reset", ip, address or email.strip().lower()[:254])
    user = await User.get_or_none(email=address, is_active=True) if address and verdict.allowed else None
    if user is None:
        return verdict
    token = await _mail_token(user, "reset", dt.timedelta(minutes=RESET_MINUTES))
    await enqueue(
        user.email,
        "Atur ulang kata sandi — Raperda Portal",
        f"Yth. {user.name},\n\nUntuk mengatur ulang kata sandi Anda, buka tautan berikut "
        f"(berlaku {RESET_MINUTES} menit):\n{settings.base_url}/atur-sandi/{token}\n\n"
        "Jika Anda tidak memintanya, abaikan pesan ini; kata sandi Anda tidak berubah.\n",
        kind="account",
    )
    return verdict


async def reset_password(token: str, password: str) -> tuple[User | None, list[str]]:
    found = await _live_token(token, "reset")
    if found is None:
        return None, ["token_invalid"]
    user = found.user
    problems = passwords.problems(password, email=user.email, name=user.name)
    if problems:
        return None, problems
    new_hash = await passwords.hash_async(password)
    async with in_transaction():
        if not await EmailToken.filter(id=found.id, used_at=None).update(used_at=now()):
            return None, ["token_invalid"]  # used meanwhile
        # Every other reset link (and any pending activation link) dies with this one.
        await EmailToken.filter(user_id=user.id, purpose__in=("reset", "verify"), used_at=None).update(
            used_at=now()
        )
        await User.filter(id=user.id).update(
            password_hash=new_hash,
            email_verified_at=user.email_verified_at or now(),  # the link proved the address
        )
        revoked = await _revoke_access(user.id)
        await audit(user, "password.reset", f"user:{user.id}", {"tokens_revoked": revoked})
    return user, []


async def _revoke_access(user_id: int, *, keep_session: int | None = None) -> int:
    """End the user's sessions (but ``keep_session``) and revoke every API token;
    returns how many tokens were revoked. A revoked token never comes back."""
    sessions = Session.filter(user_id=user_id, revoked_at=None)
    if keep_session is not None:
        sessions = sessions.exclude(id=keep_session)
    await sessions.update(revoked_at=now())
    return await ApiToken.filter(user_id=user_id, revoked_at=None).update(revoked_at=now())


# -- login -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    outcome: Literal["ok", "invalid", "locked", "unverified"]
    user: User | None = None
    minutes: int = 0
    retry_after: int = 0  # seconds, when locked


async def _login_gate(address: str, ip: str, settings: Settings) -> tuple[int, float]:
    """Whether ``ip`` may try to sign in to ``address`` now: (seconds to wait, 0 when it
    may; seconds to slow the answer by).

    Failures within ``PORTAL_LOGIN_LOCKOUT_MINUTES`` are counted per (account, address)
    — ``PORTAL_LOGIN_MAX_FAILURES`` lock that pair only, so others' failures never lock
    the owner out of their own address — and per address, ``PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS``
    over all accounts (against spraying). Past ``PORTAL_LOGIN_SLOW_AFTER`` failures on the
    account from all addresses, every attempt on it waits a little longer, whatever the
    password, but the account is never locked for everyone."""
    window = dt.timedelta(minutes=settings.login_lockout_minutes)
    current = now()
    since = current - window
    wait = 0.0
    for failures, limit in (
        (LoginFailure.filter(email=address, ip=ip, created_at__gte=since), settings.login_max_failures),
        (LoginFailure.filter(ip=ip, created_at__gte=since), settings.login_max_failures_per_address),
    ):
        rows = await failures.order_by("-created_at").limit(max(1, limit)).only("created_at")
        times = [row.created_at for row in rows]
        if len(times) >= limit:
            # Allowed again when the oldest of the last ``limit`` failures leaves the window.
            oldest = min(times) if times else current
            wait = max(wait, (oldest + window - current).total_seconds(), 1.0)
    if wait:
        return math.ceil(wait), 0.0
    on_account = await LoginFailure.filter(email=address, created_at__gte=since).count()
    past = on_account - settings.login_slow_after + 1
    return 0, min(LOGIN_DELAY_MAX, LOGIN_DELAY_STEP * past) if past > 0 else 0.0


async def authenticate(email: str, password: str, ip: str, settings: Settings) -> Login:
    """Check a login under the throttles of ``_login_gate``."""
    address = normalise_email(email) or email.strip().lower()[:254]
    retry, delay = await _login_gate(address, ip, settings)
    if retry:
        return Login("locked", minutes=max(1, math.ceil(retry / 60)), retry_after=retry)
    if delay:
        await asyncio.sleep(delay)
    user = await User.get_or_none(email=address)
    if user is None:
        await passwords.dummy_verify_async()
        await LoginFailure.create(email=address, ip=ip)
        return Login("invalid")
    if not await passwords.verify_async(user.password_hash, password) or not user.is_active:
        await LoginFailure.create(email=address, ip=ip)
        return Login("invalid")
    if user.email_verified_at is None:
        return Login("unverified", user)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_async(password)
        await User.filter(id=user.id).update(password_hash=user.password_hash)
    await LoginFailure.filter(email=address, ip=ip).delete()
    return Login("ok", user)


async def start_session(user: User, ip: str | None, user_agent: str | None) -> str:
    """A new session (a fresh token on every login: no session fixation)."""
    token = secrets.token_urlsafe(32)
    await Session.create(
        user=user,
        token_hash=token_hash(token),
        last_seen_at=now(),
        ip=ip,
        user_agent=(user_agent or "")[:300],
    )
    return token


async def session_user(token: str) -> tuple[Session, User] | None:
    """One query: the live session and its active user."""
    session = (
        await Session.filter(token_hash=token_hash(token), revoked_at=None).select_related("user").first()
    )
    if session is None or not session.user.is_active:
        return None
    if session.last_seen_at < now() - dt.timedelta(days=SESSION_DAYS):
        return None
    if session.last_seen_at < now() - dt.timedelta(minutes=5):
        await Session.filter(id=session.id).update(last_seen_at=now())
    return session, session.user


async def end_session(token: str) -> None:
    await Session.filter(token_hash=token_hash(token), revoked_at=None).update(revoked_at=now())


async def change_password(
    user: User, current: str, new: str, keep_session: int, *, revoke_others: bool = True
) -> dict[str, list[str]]:
    """A new password; with ``revoke_others`` (the default), every other session and every
    API token of the account end too. Pending reset links die either way."""
    errors: dict[str, list[str]] = {}
    if not await passwords.verify_async(user.password_hash, current):
        errors["current"] = ["password_wrong"]
    found = passwords.problems(new, email=user.email, name=user.name)
    if found:
        errors["new"] = found
    if errors:
        return errors
    new_hash = await passwords.hash_async(new)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=new_hash)
        await EmailToken.filter(user_id=user.id, purpose="reset", used_at=None).update(used_at=now())
        revoked = await _revoke_access(user.id, keep_session=keep_session) if revoke_others else 0
        await audit(
            user,
            "password.change",
            f"user:{user.id}",
            {"others_ended": revoke_others, "tokens_revoked": revoked},
        )
    return {}


# -- administration --------------------------------------------------------------------


async def create_user(
    email: str, password: str, role: str, name: str | None = None, *, check_password: bool = True
) -> tuple[User | None, list[str]]:
    """For the command line: an active, verified account with a role."""
    address = normalise_email(email)
    if address is None:
        return None, ["email_invalid"]
    if role not in ROLES:
        return None, ["role_invalid"]
    if await User.exists(email=address):
        return None, ["email_taken"]
    problems = passwords.problems(password, email=address) if check_password else []
    if problems:
        return None, problems
    user = await User.create(
        email=address,
        name=name or address.split("@")[0],
        password_hash=await passwords.hash_async(password),
        role=role,
        email_verified_at=now(),
    )
    await audit(None, "user.create", f"user:{user.id}", {"email": address, "role": role})
    return user, []


async def set_role(actor: User, user: User, role: str, ip: str | None) -> None:
    if role not in ROLES or role == user.role:
        return
    await User.filter(id=user.id).update(role=role)
    await audit(actor, "user.role", f"user:{user.id}", {"from": user.role, "to": role}, ip)


async def set_active(actor: User | None, user: User, active: bool, ip: str | None = None) -> None:
    """Disabling ends every session and revokes every API token for good: enabling the
    account again brings none of them back."""
    details: dict[str, Any] = {"email": user.email}
    async with in_transaction():
        await User.filter(id=user.id).update(is_active=active)
        if not active:
            details["tokens_revoked"] = await _revoke_access(user.id)
        await audit(actor, "user.enable" if active else "user.disable", f"user:{user.id}", details, ip)


# -- change of email address ------------------------------------------------------------------


async def request_email_change(
    user: User, new_email: str, password: str, settings: Settings, ip: str
) -> tuple[dict[str, list[str]], Verdict | None]:
    """Mail a confirmation link to the new address; the address changes only when it is used.
    Returns the problems, and the mail throttle's verdict when it refused."""
    errors: dict[str, list[str]] = {}
    address = normalise_email(new_email)
    if address is None:
        errors["new_email"] = ["email_invalid"]
    elif address == user.email:
        errors["new_email"] = ["email_same"]
    if not await passwords.verify_async(user.password_hash, password):
        errors["email_password"] = ["password_wrong"]
    if errors or address is None:
        return errors, None
    verdict = await allow_mail(settings, "email", ip, address)
    if not verdict.allowed:
        return {"new_email": ["mail_limit"]}, verdict
    if await User.exists(email=address):
        # Answer as if it worked; tell the owner of that address instead (no enumeration).
        await enqueue(address, "Permintaan perubahan alamat surel — Raperda Portal",
                      "Seseorang meminta agar alamat surel ini dipakai untuk akun lain di Raperda Portal. "
                      "Alamat ini sudah terdaftar, jadi tidak ada yang berubah.\n", kind="account")  # fmt: skip
        return {}, None
    token = await _mail_token(user, "email", dt.timedelta(hours=VERIFY_HOURS), new_email=address)
    await enqueue(
        address,
        "Konfirmasi alamat surel baru — Raperda Portal",
        f"Yth. {user.name},\n\nUntuk memakai alamat ini bagi akun Anda di Raperda Portal, buka tautan berikut "
        f"(berlaku {VERIFY_HOURS} jam):\n{settings.base_url}/verifikasi/{token}\n",
        kind="account",
    )
    return {}, None


async def confirm_email_change(token: str) -> User | None:
    found = await _live_token(token, "email")
    if found is None or not found.new_email:
        return None
    user = found.user
    if await User.exists(email=found.new_email):
        return None
    old = user.email
    await EmailToken.filter(id=found.id).update(used_at=now())
    await User.filter(id=user.id).update(email=found.new_email, email_verified_at=now())
    await enqueue(old, "Alamat surel akun Anda diubah — Raperda Portal",
                  f"Alamat surel akun Anda di Raperda Portal telah diubah menjadi {found.new_email}. "
                  "Jika bukan Anda yang mengubahnya, segera hubungi administrator.\n", kind="account")  # fmt: skip
    await audit(user, "user.email", f"user:{user.id}", {"from": old, "to": found.new_email})
    user.email = found.new_email
    return user
