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
from psycopg import sql
from psycopg.types.json import Jsonb

from .errors import AuthError

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


async def insert_identity(
    conn: Connection, user_id: uuid.UUID, provider: str, provider_id: str, identity_data: Mapping[str, Any]
) -> Row:
    cursor = await conn.execute(
        """
        insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
        values (%s, %s, %s, %s, now())
        returning *
        """,
        (provider_id, user_id, Jsonb(dict(identity_data)), provider),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


# Columns of auth.users that `update_user` may set; the names are fixed here, never taken from a request.
UPDATABLE_COLUMNS = frozenset(
    {
        "email",
        "encrypted_password",
        "email_confirmed_at",
        "invited_at",
        "email_change",
        "email_change_sent_at",
        "banned_until",
        "role",
        "raw_app_meta_data",
        "raw_user_meta_data",
    }
)


async def update_user(conn: Connection, user_id: uuid.UUID, values: Mapping[str, Any]) -> Row:
    """Set the given columns and updated_at, returning the new row. Values are bound as parameters."""
    unknown = set(values) - UPDATABLE_COLUMNS
    if unknown:
        raise ValueError(f"update_user cannot set {sorted(unknown)}")

    assignments: list[sql.Composable] = [sql.SQL("updated_at = now()")]
    params: list[Any] = []
    for column, value in values.items():
        assignments.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
        params.append(Jsonb(value) if isinstance(value, dict) else value)
    query = sql.SQL("update auth.users set {} where id = %s returning *").format(
        sql.SQL(", ").join(assignments)
    )

    cursor = await conn.execute(query, [*params, user_id])
    row = await cursor.fetchone()
    assert row is not None
    return row


def merge_metadata(current: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `changes` into a metadata object as GoTrue does: a key set to null is removed."""
    merged = dict(current) if isinstance(current, Mapping) else {}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


async def confirm_email(conn: Connection, user_id: uuid.UUID) -> Row:
    """Confirm the user's address once and mark it verified in user_metadata and the email identity."""
    await conn.execute(
        """
        update auth.identities
        set identity_data = identity_data || '{"email_verified": true}', updated_at = now()
        where user_id = %s and provider = 'email'
        """,
        (user_id,),
    )
    cursor = await conn.execute(
        """
        update auth.users
        set email_confirmed_at = coalesce(email_confirmed_at, now()),
            raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || '{"email_verified": true}',
            updated_at = now()
        where id = %s
        returning *
        """,
        (user_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


async def set_identity_email(conn: Connection, user_id: uuid.UUID, email: str) -> None:
    await conn.execute(
        """
        update auth.identities
        set identity_data = identity_data || jsonb_build_object('email', %s::text), updated_at = now()
        where user_id = %s and provider = 'email'
        """,
        (email, user_id),
    )


async def other_user_has_email(conn: Connection, email: str, user_id: uuid.UUID) -> bool:
    cursor = await conn.execute(
        "select 1 from auth.users where lower(email) = lower(%s) and id <> %s and not is_sso_user",
        (email, user_id),
    )
    return await cursor.fetchone() is not None


def email_exists() -> AuthError:
    return AuthError(422, "email_exists", "A user with this email address has already been registered")
