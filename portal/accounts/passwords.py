"""Password hashing (Argon2id, argon2-cffi) and the rules a new password must meet."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # Argon2 takes any length; this bounds the work per request

_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Off the event loop: one hash takes tens of milliseconds and 64 MB (argon2-cffi lets go
# of the interpreter lock meanwhile); two at a time per process bounds the memory.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Message keys for what is wrong with a new password (empty when it is acceptable)."""
    found: list[str] = []
    if len(password) < MIN_LENGTH:
        found.append("password_short")
    elif len(password) > MAX_LENGTH:
        found.append("password_long")
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.") in common_passwords():
        found.append("password_common")
    local = email.split("@", 1)[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (
        name and name.lower().replace(" ", "") == lowered
    ):
        found.append("password_personal")
    return found


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than today's: rehash on login."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("dummy password for timing")


def dummy_verify() -> None:
    """Spend the time of a verification, so unknown accounts answer as slowly as known ones."""
    verify(_dummy_hash(), "not the password")


async def hash_async(password: str) -> str:
    """``hash_password`` in the Argon2 threads: the event loop serves others meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(_POOL, hash_password, password)


async def verify_async(stored_hash: str, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_POOL, verify, stored_hash, password)


async def dummy_verify_async() -> None:
    await asyncio.get_running_loop().run_in_executor(_POOL, dummy_verify)
