"""Email codes and links in auth.one_time_tokens, stored only as hashes, as GoTrue stores them.

Each email carries a 6-digit code and a link. The link's `token` is the stored hash of the address
followed by the code (SHA-224 in hex, GoTrue's GenerateTokenHash), prefixed with `pkce_` when the
request that sent the email carried a PKCE code challenge. A user has at most one token per type, so
a new email replaces the previous code. Tokens are deleted when used, and expire after the
configured OTP lifetime. The hash is also written to the matching auth.users column, as GoTrue does.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from .users import Connection, Row

OTP_DIGITS = 6
PKCE_PREFIX = "pkce_"

CONFIRMATION = "confirmation_token"
RECOVERY = "recovery_token"
EMAIL_CHANGE_NEW = "email_change_token_new"
EMAIL_CHANGE_CURRENT = "email_change_token_current"

# The auth.users columns that mirror each token type: the token and the time it was sent.
USER_COLUMNS = {
    CONFIRMATION: ("confirmation_token", "confirmation_sent_at"),
    RECOVERY: ("recovery_token", "recovery_sent_at"),
    EMAIL_CHANGE_NEW: ("email_change_token_new", "email_change_sent_at"),
    EMAIL_CHANGE_CURRENT: ("email_change_token_current", "email_change_sent_at"),
}


@dataclass(frozen=True)
class IssuedToken:
    otp: str
    # The stored form: the hash, with the `pkce_` prefix for PKCE flows. Email links carry this.
    token_hash: str


def generate_otp() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def hash_token(address: str, otp: str) -> str:
    return hashlib.sha224(f"{address}{otp}".encode()).hexdigest()


async def issue_token(
    conn: Connection, user_id: uuid.UUID, token_type: str, address: str, *, pkce: bool
) -> IssuedToken:
    """Store a new code for `address`, replacing the user's previous token of this type."""
    otp = generate_otp()
    hashed = hash_token(address.lower(), otp)
    stored = f"{PKCE_PREFIX}{hashed}" if pkce else hashed

    # created_at is a timestamp without time zone that GoTrue fills with UTC.
    await conn.execute(
        """
        insert into auth.one_time_tokens (user_id, token_type, token_hash, relates_to, created_at, updated_at)
        values (
          %(user_id)s, %(token_type)s, %(token_hash)s, %(address)s,
          timezone('utc', now()), timezone('utc', now())
        )
        on conflict (user_id, token_type) do update
        set token_hash = excluded.token_hash, relates_to = excluded.relates_to,
            created_at = excluded.created_at, updated_at = excluded.updated_at
        """,
        {"user_id": user_id, "token_type": token_type, "token_hash": stored, "address": address.lower()},
    )
    token_column, sent_column = USER_COLUMNS[token_type]
    await conn.execute(
        f"update auth.users set {token_column} = %s, {sent_column} = now(), updated_at = now() where id = %s",
        (stored, user_id),
    )
    return IssuedToken(otp=otp, token_hash=stored)


async def _consume(
    conn: Connection, where: str, params: dict[str, object], token_types: list[str], expiry_seconds: int
) -> Row | None:
    """Delete the matching tokens and return the first of `token_types` order, unless it had expired."""
    cursor = await conn.execute(
        f"""
        delete from auth.one_time_tokens
        where token_type = any(%(token_types)s::auth.one_time_token_type[]) and {where}
        returning user_id, token_type::text as token_type, relates_to,
                  created_at > timezone('utc', now()) - make_interval(secs => %(expiry)s) as fresh
        """,
        {**params, "token_types": token_types, "expiry": expiry_seconds},
    )
    rows = sorted(await cursor.fetchall(), key=lambda row: token_types.index(row["token_type"]))
    if not rows or not rows[0]["fresh"]:
        return None

    token = rows[0]
    token_column, _sent_column = USER_COLUMNS[token["token_type"]]
    await conn.execute(f"update auth.users set {token_column} = '' where id = %s", (token["user_id"],))
    return token


async def consume_code(
    conn: Connection, address: str, otp: str, token_types: list[str], expiry_seconds: int
) -> Row | None:
    """Use up the code sent to `address`; None when it is wrong, already used or expired."""
    hashed = hash_token(address.lower(), otp)
    return await _consume(
        conn,
        "token_hash in (%(hash)s, %(pkce_hash)s) and relates_to = lower(%(address)s)",
        {"hash": hashed, "pkce_hash": f"{PKCE_PREFIX}{hashed}", "address": address},
        token_types,
        expiry_seconds,
    )


async def consume_hash(
    conn: Connection, token_hash: str, token_types: list[str], expiry_seconds: int
) -> Row | None:
    """Use up the token an email link carries, given with or without its `pkce_` prefix."""
    hashed = token_hash.removeprefix(PKCE_PREFIX)
    if not hashed:
        return None
    return await _consume(
        conn,
        "token_hash in (%(hash)s, %(pkce_hash)s)",
        {"hash": hashed, "pkce_hash": f"{PKCE_PREFIX}{hashed}"},
        token_types,
        expiry_seconds,
    )
