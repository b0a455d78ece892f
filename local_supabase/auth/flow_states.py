"""PKCE flow state in auth.flow_state: the code challenge saved until the auth code comes back.

OAuth sign-ins create the flow state at /authorize and give it a user at /callback. Email links
create it when the email is sent and issue its auth code when the link is opened. The auth code is a
UUID; POST /token?grant_type=pkce exchanges it once, with the verifier, for a session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from .users import Connection, Row

# provider_type of flow states that email links create, as GoTrue writes it.
EMAIL_PROVIDER_TYPE = "email"


async def create_flow_state(
    conn: Connection,
    *,
    user_id: uuid.UUID | None,
    code_challenge: str,
    code_challenge_method: str,
    provider_type: str,
    authentication_method: str,
) -> Row:
    cursor = await conn.execute(
        """
        insert into auth.flow_state (
          id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
          authentication_method, created_at, updated_at
        ) values (%s, %s, %s, %s, %s, %s, %s, now(), now())
        returning *
        """,
        (
            uuid.uuid4(),
            user_id,
            str(uuid.uuid4()),
            code_challenge_method.lower(),
            code_challenge,
            provider_type,
            authentication_method,
        ),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row


async def issue_email_auth_code(
    conn: Connection, user_id: uuid.UUID, authentication_method: str, max_age_seconds: int
) -> str | None:
    """Mark the user's newest email flow state of this method as issued and return its auth code."""
    cursor = await conn.execute(
        """
        update auth.flow_state
        set auth_code_issued_at = now(), updated_at = now()
        where id = (
          select id from auth.flow_state
          where user_id = %s and authentication_method = %s and provider_type = %s
            and created_at > now() - make_interval(secs => %s)
          order by created_at desc
          limit 1
        )
        returning auth_code
        """,
        (user_id, authentication_method, EMAIL_PROVIDER_TYPE, max_age_seconds),
    )
    row = await cursor.fetchone()
    return None if row is None else str(row["auth_code"])


async def lock_flow_state(conn: Connection, flow_state_id: uuid.UUID, expiry_seconds: int) -> Row | None:
    """Lock an OAuth flow state for its callback, with `expired` computed from created_at."""
    cursor = await conn.execute(
        """
        select *, created_at + make_interval(secs => %s) < now() as expired
        from auth.flow_state
        where id = %s
        for update
        """,
        (expiry_seconds, flow_state_id),
    )
    return await cursor.fetchone()


async def lock_issued_flow_state(conn: Connection, auth_code: str, expiry_seconds: int) -> Row | None:
    """Lock the flow state of an issued auth code, with `expired` computed from its start.

    Email flow states count from the moment the link was opened, because the link itself lives as
    long as the email code. OAuth flow states count from their creation at /authorize.
    """
    cursor = await conn.execute(
        """
        select *,
               case when provider_type = %s then auth_code_issued_at else created_at end
                 + make_interval(secs => %s) < now() as expired
        from auth.flow_state
        where auth_code = %s and user_id is not null and auth_code_issued_at is not null
        for update
        """,
        (EMAIL_PROVIDER_TYPE, expiry_seconds, auth_code),
    )
    return await cursor.fetchone()


async def delete_flow_state(conn: Connection, flow_state_id: uuid.UUID) -> None:
    await conn.execute("delete from auth.flow_state where id = %s", (flow_state_id,))


def verifier_matches(code_verifier: str, code_challenge: str, method: str) -> bool:
    """Check a PKCE verifier against the saved challenge (RFC 7636): `s256` hashes it, `plain` compares it."""
    if method == "s256":
        digest = hashlib.sha256(code_verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = code_verifier
    return hmac.compare_digest(expected, code_challenge)
