"""Sessions and their refresh tokens in auth.sessions and auth.refresh_tokens, with GoTrue's rotation rules.

Every refresh revokes the presented token and issues a child in the same session, so the tokens of a
session form one family. A revoked token presented again is accepted when it is the parent of the
session's active token (the client lost the last response: the active token is returned again) or
when it was revoked less than the reuse interval ago. Later reuse means the family leaked, so the
whole session is revoked and the request fails with `refresh_token_already_used`.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass

from .errors import AuthError
from .users import Connection, Row, find_user_by_id, is_banned

logger = logging.getLogger(__name__)

# 32 URL-safe characters with 192 random bits. Clients treat refresh tokens as opaque strings.
REFRESH_TOKEN_BYTES = 24


@dataclass(frozen=True)
class ClientInfo:
    """The user agent and address GoTrue records on each session."""

    user_agent: str | None
    ip: str | None


@dataclass(frozen=True)
class GrantedSession:
    user: Row
    session: Row
    refresh_token: str


def refresh_token_not_found() -> AuthError:
    return AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")


async def _insert_refresh_token(
    conn: Connection, user_id: uuid.UUID, session_id: uuid.UUID, parent: str | None
) -> str:
    token = secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
    await conn.execute(
        "insert into auth.refresh_tokens (token, user_id, parent, session_id) values (%s, %s, %s, %s)",
        (token, str(user_id), parent, session_id),
    )
    return token


async def start_session(conn: Connection, user_id: uuid.UUID, client: ClientInfo) -> tuple[Row, str]:
    """Create a session with its first refresh token. Run inside the caller's transaction."""
    cursor = await conn.execute(
        "insert into auth.sessions (user_id, aal, user_agent, ip) values (%s, 'aal1', %s, %s) returning *",
        (user_id, client.user_agent, client.ip),
    )
    session = await cursor.fetchone()
    assert session is not None

    refresh_token = await _insert_refresh_token(conn, user_id, session["id"], parent=None)
    return session, refresh_token


async def find_session(conn: Connection, session_id: uuid.UUID) -> Row | None:
    cursor = await conn.execute("select * from auth.sessions where id = %s", (session_id,))
    return await cursor.fetchone()


async def rotate_refresh_token(
    conn: Connection, presented: str, client: ClientInfo, reuse_interval_seconds: int
) -> GrantedSession:
    """Exchange a refresh token for the next one of its family, applying the reuse rules above."""
    revoked_session_id: uuid.UUID | None = None

    async with conn.transaction():
        # The row lock makes concurrent refreshes of one token wait for each other, so the second one
        # finds the token revoked and receives the child that the first one created.
        cursor = await conn.execute(
            """
            select rt.id, rt.token, rt.revoked, rt.user_id, rt.session_id,
                   rt.updated_at + make_interval(secs => %s) > now() as within_reuse_interval,
                   s.id is not null as session_exists,
                   coalesce(s.not_after < now(), false) as session_expired
            from auth.refresh_tokens as rt
            left join auth.sessions as s on s.id = rt.session_id
            where rt.token = %s
            for update of rt
            """,
            (reuse_interval_seconds, presented),
        )
        token = await cursor.fetchone()
        if token is None:
            raise refresh_token_not_found()

        user = await _token_owner(conn, token)
        if user is None:
            raise refresh_token_not_found()
        if is_banned(user):
            raise AuthError(400, "user_banned", "Invalid Refresh Token: User Banned")
        if not token["session_exists"]:
            raise AuthError(400, "session_not_found", "Invalid Refresh Token: No Valid Session Found")
        if token["session_expired"]:
            raise AuthError(400, "session_expired", "Invalid Refresh Token: Session Expired")

        session_id: uuid.UUID = token["session_id"]
        issued: str | None = None
        if token["revoked"]:
            active = await _active_token(conn, session_id)
            if active is not None and active["parent"] == token["token"]:
                issued = active["token"]
            elif not token["within_reuse_interval"]:
                await conn.execute("delete from auth.sessions where id = %s", (session_id,))
                revoked_session_id = session_id

        if revoked_session_id is None:
            if issued is None:
                issued = await _swap(conn, token["id"], user["id"], session_id, parent=token["token"])
            session = await _record_refresh(conn, session_id, client)

    if revoked_session_id is not None:
        # The session is deleted in the committed transaction above, before the error is raised.
        logger.warning(
            "a refresh token was reused after the reuse interval: revoked session %s", revoked_session_id
        )
        raise AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")

    assert issued is not None
    return GrantedSession(user=user, session=session, refresh_token=issued)


async def _token_owner(conn: Connection, token: Row) -> Row | None:
    try:
        user_id = uuid.UUID(str(token["user_id"]))
    except ValueError:
        return None
    return await find_user_by_id(conn, user_id)


async def _active_token(conn: Connection, session_id: uuid.UUID) -> Row | None:
    cursor = await conn.execute(
        """
        select token, parent from auth.refresh_tokens
        where session_id = %s and not revoked
        order by id desc
        limit 1
        """,
        (session_id,),
    )
    return await cursor.fetchone()


async def _swap(
    conn: Connection, token_id: int, user_id: uuid.UUID, session_id: uuid.UUID, *, parent: str
) -> str:
    await conn.execute(
        "update auth.refresh_tokens set revoked = true, updated_at = now() where id = %s",
        (token_id,),
    )
    return await _insert_refresh_token(conn, user_id, session_id, parent=parent)


async def _record_refresh(conn: Connection, session_id: uuid.UUID, client: ClientInfo) -> Row:
    # refreshed_at is a timestamp without time zone that GoTrue fills with UTC.
    cursor = await conn.execute(
        """
        update auth.sessions
        set refreshed_at = timezone('utc', now()), updated_at = now(), user_agent = %s, ip = %s
        where id = %s
        returning *
        """,
        (client.user_agent, client.ip, session_id),
    )
    session = await cursor.fetchone()
    assert session is not None
    return session


async def end_sessions(
    conn: Connection, user_id: uuid.UUID, session_id: uuid.UUID | None, scope: str
) -> None:
    """Delete sessions at sign-out: `local` this one, `others` all but this one, `global` all of the user's.

    Refresh tokens go with their sessions by foreign-key cascade. Without a session id every scope is global.
    """
    if session_id is not None and scope == "local":
        await conn.execute("delete from auth.sessions where id = %s", (session_id,))
    elif session_id is not None and scope == "others":
        await conn.execute("delete from auth.sessions where user_id = %s and id <> %s", (user_id, session_id))
    else:
        await conn.execute("delete from auth.sessions where user_id = %s", (user_id,))
