"""SQL over auth.users and auth.identities, written as GoTrue writes these tables.

Token columns GoTrue reads as strings (confirmation_token, recovery_token, email_change) are written
as '' rather than NULL, so the same database also works behind the real auth server.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

Connection = psycopg.AsyncConnection[dict[str, Any]]
Row = dict[str, Any]

# GoTrue's GOTRUE_JWT_AUD default: the audience of every user and access token.
DEFAULT_AUDIENCE = "authenticated"
# GoTrue's GOTRUE_JWT_DEFAULT_GROUP_NAME default: the role of new users.
DEFAULT_ROLE = "authenticated"
EMAIL_PROVIDER = "email"


def email_app_metadata() -> dict[str, Any]:
    return {"provider": EMAIL_PROVIDER, "providers": [EMAIL_PROVIDER]}


@dataclass
class NewUser:
    """The columns of a user about to be inserted. Timestamps come from the database clock."""

    email: str
    password_hash: str | None
    user_metadata: dict[str, Any]
    app_metadata: dict[str, Any] = field(default_factory=email_app_metadata)
    id: uuid.UUID | None = None
    role: str = DEFAULT_ROLE
    aud: str = DEFAULT_AUDIENCE
    email_confirmed: bool = False
    confirmation_sent: bool = False
    banned_seconds: float | None = None


async def find_user_by_id(conn: Connection, user_id: uuid.UUID) -> Row | None:
    cursor = await conn.execute("select * from auth.users where id = %s", (user_id,))
    return await cursor.fetchone()


async def find_user_by_email(conn: Connection, email: str, aud: str = DEFAULT_AUDIENCE) -> Row | None:
    """Find the password user with this email, ignoring case as the unique index on lower(email) does."""
    cursor = await conn.execute(
        "select * from auth.users where lower(email) = lower(%s) and aud = %s and not is_sso_user",
        (email, aud),
    )
    return await cursor.fetchone()


async def find_identities(conn: Connection, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Row]]:
    """Return the identities of each user, oldest first, keyed by user id."""
    found: dict[uuid.UUID, list[Row]] = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return found

    cursor = await conn.execute(
        "select * from auth.identities where user_id = any(%s) order by created_at, id",
        (list(user_ids),),
    )
    for identity in await cursor.fetchall():
        found[identity["user_id"]].append(identity)
    return found


async def insert_user(conn: Connection, new: NewUser) -> Row:
    # GoTrue sets email_verified in user_metadata whenever it confirms an email.
    user_metadata = (
        {**new.user_metadata, "email_verified": True} if new.email_confirmed else new.user_metadata
    )
    cursor = await conn.execute(
        """
        insert into auth.users (
          instance_id, id, aud, role, email, encrypted_password,
          email_confirmed_at, confirmation_sent_at, banned_until,
          confirmation_token, recovery_token, email_change,
          raw_app_meta_data, raw_user_meta_data, created_at, updated_at
        ) values (
          '00000000-0000-0000-0000-000000000000', coalesce(%(id)s, gen_random_uuid()), %(aud)s, %(role)s,
          %(email)s, %(password_hash)s,
          case when %(email_confirmed)s then now() end,
          case when %(confirmation_sent)s then now() end,
          case when %(banned_seconds)s::float8 is not null
            then now() + make_interval(secs => %(banned_seconds)s::float8) end,
          '', '', '',
          %(app_metadata)s, %(user_metadata)s, now(), now()
        )
        returning *
        """,
        {
            "id": new.id,
            "aud": new.aud,
            "role": new.role,
            "email": new.email,
            "password_hash": new.password_hash or "",
            "email_confirmed": new.email_confirmed,
            "confirmation_sent": new.confirmation_sent,
            "banned_seconds": new.banned_seconds,
            "app_metadata": Jsonb(new.app_metadata),
            "user_metadata": Jsonb(user_metadata),
        },
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


async def insert_email_identity(
    conn: Connection, user: Mapping[str, Any], extra_data: Mapping[str, Any]
) -> Row:
    """Insert the `email` identity GoTrue creates beside every email user, with the user id as provider id."""
    identity_data: dict[str, Any] = {
        "sub": str(user["id"]),
        "email": (user["email"] or "").lower(),
        "email_verified": False,
        "phone_verified": False,
    }
    # Sign-up copies the user's own metadata into the identity without overwriting these keys.
    for key, value in extra_data.items():
        identity_data.setdefault(key, value)

    cursor = await conn.execute(
        """
        insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
        values (%s, %s, %s, %s, now())
        returning *
        """,
        (str(user["id"]), user["id"], Jsonb(identity_data), EMAIL_PROVIDER),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


async def record_sign_in(conn: Connection, user_id: uuid.UUID) -> Row:
    cursor = await conn.execute(
        "update auth.users set last_sign_in_at = now(), updated_at = now() where id = %s returning *",
        (user_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


async def mark_confirmation_sent(conn: Connection, user_id: uuid.UUID) -> Row:
    cursor = await conn.execute(
        "update auth.users set confirmation_sent_at = now(), updated_at = now() where id = %s returning *",
        (user_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


async def list_users(
    conn: Connection, *, aud: str, page: int, per_page: int, text_filter: str
) -> tuple[list[Row], int]:
    """Return one page of users, newest first, and the number of users matching in all pages.

    `text_filter` matches part of the email or of user_metadata.full_name, as GoTrue's `filter` does.
    """
    where = "aud = %(aud)s"
    if text_filter:
        where += " and (email ilike %(pattern)s or raw_user_meta_data ->> 'full_name' ilike %(pattern)s)"
    params: dict[str, Any] = {
        "aud": aud,
        "pattern": f"%{text_filter}%",
        "limit": per_page,
        "offset": (page - 1) * per_page,
    }

    cursor = await conn.execute(f"select count(*) as total from auth.users where {where}", params)
    counted = await cursor.fetchone()
    total = int(counted["total"]) if counted else 0

    cursor = await conn.execute(
        f"""
        select * from auth.users
        where {where}
        order by created_at desc, id
        limit %(limit)s offset %(offset)s
        """,
        params,
    )
    return await cursor.fetchall(), total


async def delete_user(conn: Connection, user_id: uuid.UUID) -> None:
    """Delete the user. Identities, sessions and refresh tokens go with it by foreign-key cascade."""
    await conn.execute("delete from auth.users where id = %s", (user_id,))


async def soft_delete_user(conn: Connection, user_id: uuid.UUID) -> None:
    """Keep the user row for references but make it unusable: no email, password, identities or sessions.

    NOTE: GoTrue keeps an obfuscated email and identity instead of clearing them.
    """
    await conn.execute(
        """
        update auth.users
        set deleted_at = now(), updated_at = now(), email = null, phone = null, encrypted_password = '',
            raw_app_meta_data = '{}', raw_user_meta_data = '{}'
        where id = %s and deleted_at is null
        """,
        (user_id,),
    )
    await conn.execute("delete from auth.identities where user_id = %s", (user_id,))
    await conn.execute("delete from auth.sessions where user_id = %s", (user_id,))


def is_banned(user: Mapping[str, Any]) -> bool:
    banned_until = user.get("banned_until")
    return banned_until is not None and banned_until > dt.datetime.now(dt.UTC)
