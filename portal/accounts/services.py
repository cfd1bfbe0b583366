"""Rules for accounts: registration, verification, login with throttling, passwords,
sessions, roles, and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email
from tortoise.transactions import in_transaction

from portal.accounts import passwords
from portal.accounts.models import (
    ROLES,
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


async def register(name: str, email: str, password: str, settings: Settings) -> Registration:
    """Create a 'publik' account and mail a verification link. An address already in use
    gets a notice by mail instead, and the answer is the same (no account enumeration)."""
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
    existing = await User.get_or_none(email=address)
    if existing is not None:
        await enqueue(
            address,
            "Pendaftaran akun Raperda Portal",
            "Seseorang mencoba mendaftar di Raperda Portal dengan alamat surel ini, yang sudah terdaftar.\n"
            f"Jika itu Anda, silakan masuk atau atur ulang kata sandi: {settings.base_url}/lupa-sandi\n",
        )
        return Registration({}, None)
    user = await User.create(name=name, email=address, password_hash=passwords.hash_password(password))
    await send_verification(user, settings)
    return Registration({}, user)


async def _mail_token(user: User, purpose: str, lifetime: dt.timedelta, new_email: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    await EmailToken.create(
        user=user,
        purpose=purpose,
        token_hash=token_hash(token),
        expires_at=now() + lifetime,
        new_email=new_email,
    )
    return token


async def send_verification(user: User, settings: Settings) -> None:
    token = await _mail_token(user, "verify", dt.timedelta(hours=VERIFY_HOURS))
    await enqueue(
        user.email,
        "Verifikasi alamat surel Anda — Raperda Portal",
        f"Yth. {user.name},\n\nUntuk mengaktifkan akun Anda di Raperda Portal, buka tautan berikut "
        f"(berlaku {VERIFY_HOURS} jam):\n{settings.base_url}/verifikasi/{token}\n\n"
        "Jika Anda tidak mendaftar, abaikan pesan ini.\n",
    )


async def _live_token(token: str, purpose: str) -> EmailToken | None:
    """The unused, unexpired mail token for ``purpose``, with its user."""
    found = (
        await EmailToken.filter(token_hash=token_hash(token), purpose=purpose).select_related("user").first()
    )
    if found is None or found.used_at is not None or found.expires_at < now():
        return None
    return found


async def _use_token(token: str, purpose: str) -> User | None:
    found = await _live_token(token, purpose)
    if found is None:
        return None
    await EmailToken.filter(id=found.id).update(used_at=now())
    return found.user


async def verify_email(token: str) -> User | None:
    user = await _use_token(token, "verify")
    if user is not None and user.email_verified_at is None:
        await User.filter(id=user.id).update(email_verified_at=now())
    return user


async def request_reset(email: str, settings: Settings) -> None:
    """Mail a reset link when the account exists; answer the same either way."""
    address = normalise_email(email)
    user = await User.get_or_none(email=address, is_active=True) if address else None
    if user is None:
        return
    token = await _mail_token(user, "reset", dt.timedelta(minutes=RESET_MINUTES))
    await enqueue(
        user.email,
        "Atur ulang kata sandi — Raperda Portal",
        f"Yth. {user.name},\n\nUntuk mengatur ulang kata sandi Anda, buka tautan berikut "
        f"(berlaku {RESET_MINUTES} menit):\n{settings.base_url}/atur-sandi/{token}\n\n"
        "Jika Anda tidak memintanya, abaikan pesan ini; kata sandi Anda tidak berubah.\n",
    )


async def reset_password(token: str, password: str) -> tuple[User | None, list[str]]:
    found = await _live_token(token, "reset")
    if found is None:
        return None, ["token_invalid"]
    user = found.user
    problems = passwords.problems(password, email=user.email, name=user.name)
    if problems:
        return None, problems
    async with in_transaction():
        await EmailToken.filter(id=found.id).update(used_at=now())
        await User.filter(id=user.id).update(
            password_hash=passwords.hash_password(password),
            email_verified_at=user.email_verified_at or now(),  # the link proved the address
        )
        await Session.filter(user_id=user.id, revoked_at=None).update(revoked_at=now())
        await audit(user, "password.reset", f"user:{user.id}")
    return user, []


# -- login -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    outcome: Literal["ok", "invalid", "locked", "unverified"]
    user: User | None = None
    minutes: int = 0


async def authenticate(email: str, password: str, ip: str, settings: Settings) -> Login:
    """Check a login; too many recent failures for the account or the address lock it."""
    address = normalise_email(email) or email.strip().lower()[:254]
    since = now() - dt.timedelta(minutes=settings.login_lockout_minutes)
    by_account = await LoginFailure.filter(email=address, created_at__gte=since).count()
    by_address = await LoginFailure.filter(ip=ip, created_at__gte=since).count()
    if by_account >= settings.login_max_failures or by_address >= settings.login_max_failures_per_address:
        return Login("locked", minutes=settings.login_lockout_minutes)
    user = await User.get_or_none(email=address)
    if user is None:
        passwords.dummy_verify()
        await LoginFailure.create(email=address, ip=ip)
        return Login("invalid")
    if not passwords.verify(user.password_hash, password) or not user.is_active:
        await LoginFailure.create(email=address, ip=ip)
        return Login("invalid")
    if user.email_verified_at is None:
        return Login("unverified", user)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        await User.filter(id=user.id).update(password_hash=user.password_hash)
    await LoginFailure.filter(email=address).delete()
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


async def change_password(user: User, current: str, new: str, keep_session: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not passwords.verify(user.password_hash, current):
        errors["current"] = ["password_wrong"]
    found = passwords.problems(new, email=user.email, name=user.name)
    if found:
        errors["new"] = found
    if errors:
        return errors
    await User.filter(id=user.id).update(password_hash=passwords.hash_password(new))
    await Session.filter(user_id=user.id, revoked_at=None).exclude(id=keep_session).update(revoked_at=now())
    await audit(user, "password.change", f"user:{user.id}")
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
        password_hash=passwords.hash_password(password),
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
    await User.filter(id=user.id).update(is_active=active)
    if not active:
        await Session.filter(user_id=user.id, revoked_at=None).update(revoked_at=now())
    await audit(
        actor, "user.enable" if active else "user.disable", f"user:{user.id}", {"email": user.email}, ip
    )


# -- change of email address ------------------------------------------------------------------


async def request_email_change(
    user: User, new_email: str, password: str, settings: Settings
) -> dict[str, list[str]]:
    """Mail a confirmation link to the new address; the address changes only when it is used."""
    errors: dict[str, list[str]] = {}
    address = normalise_email(new_email)
    if address is None:
        errors["new_email"] = ["email_invalid"]
    elif address == user.email:
        errors["new_email"] = ["email_same"]
    if not passwords.verify(user.password_hash, password):
        errors["email_password"] = ["password_wrong"]
    if errors or address is None:
        return errors
    if await User.exists(email=address):
        # Answer as if it worked; tell the owner of that address instead (no enumeration).
        await enqueue(address, "Permintaan perubahan alamat surel — Raperda Portal",
                      "Seseorang meminta agar alamat surel ini dipakai untuk akun lain di Raperda Portal. "
                      "Alamat ini sudah terdaftar, jadi tidak ada yang berubah.\n")  # fmt: skip
        return {}
    token = await _mail_token(user, "email", dt.timedelta(hours=VERIFY_HOURS), new_email=address)
    await enqueue(
        address,
        "Konfirmasi alamat surel baru — Raperda Portal",
        f"Yth. {user.name},\n\nUntuk memakai alamat ini bagi akun Anda di Raperda Portal, buka tautan berikut "
        f"(berlaku {VERIFY_HOURS} jam):\n{settings.base_url}/verifikasi/{token}\n",
    )
    return {}


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
                  "Jika bukan Anda yang mengubahnya, segera hubungi administrator.\n")  # fmt: skip
    await audit(user, "user.email", f"user:{user.id}", {"from": old, "to": found.new_email})
    user.email = found.new_email
    return user
