"""Password rules and bcrypt hashing, as GoTrue applies them.

GoTrue measures password length in bytes of UTF-8, and so does this module. Hashing runs in a worker
thread because one bcrypt round at cost 10 takes tens of milliseconds and would stall the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re

import bcrypt

from .errors import AuthError, WeakPasswordError

logger = logging.getLogger(__name__)

# bcrypt reads at most 72 bytes of a password, and bcrypt 5 raises ValueError beyond that.
MAX_PASSWORD_BYTES = 72
# GoTrue hashes with Go's bcrypt.DefaultCost.
BCRYPT_COST = 10
# Modular crypt format: $2a$, $2b$ or $2y$, a two-digit cost, then 22 characters of salt and 31 of hash.
BCRYPT_HASH = re.compile(r"\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")


def weak_password_reasons(password: str, min_length: int) -> list[str]:
    return ["length"] if len(password.encode()) < min_length else []


def check_password_strength(password: str, min_length: int) -> None:
    """Raise the error GoTrue returns for a password it would not accept for a new account."""
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise AuthError(
            400, "validation_failed", f"Password cannot be longer than {MAX_PASSWORD_BYTES} characters"
        )

    if weak_password_reasons(password, min_length):
        raise WeakPasswordError(f"Password should be at least {min_length} characters.", ["length"])


def is_bcrypt_hash(value: str) -> bool:
    return BCRYPT_HASH.fullmatch(value) is not None


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_COST)).decode()


def _matches(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        # NOTE: GoTrue also accepts argon2 and Firebase scrypt hashes, but this service supports only bcrypt.
        logger.warning("a stored password hash is not a bcrypt hash, so the sign-in was rejected")
        return False


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hash, password)


async def password_matches(password: str, password_hash: str | None) -> bool:
    """Return True when `password` is the one hashed in `password_hash`; False for a missing hash."""
    if not password_hash or not password:
        return False
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return False
    return await asyncio.to_thread(_matches, password, password_hash)
