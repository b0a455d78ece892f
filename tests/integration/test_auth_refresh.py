"""The refresh_token grant: rotation, the 10-second reuse interval and reuse detection.

Reuse after the interval is tested by moving the revocation time of a token back in the database
instead of waiting, because the server runs in another process.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt
import pytest
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError
from supabase_auth.types import Session

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_client

PASSWORD = "correct-horse-battery"
# One second past the local backend's refresh-token reuse interval (10 s, the Supabase CLI default).
PAST_REUSE_INTERVAL = "11 seconds"
CONCURRENT_REFRESHES = 5


@pytest.fixture
def session(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> Session:
    """A fresh session of a new confirmed user."""
    email = f"refresh-{uuid.uuid4().hex[:12]}@example.com"
    admin.create_user({"email": email, "password": PASSWORD, "email_confirm": True})

    signed_in = new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert signed_in is not None
    return signed_in


def refresh(backend: RunningBackend, refresh_token: str) -> Session:
    session = new_client(backend).auth.refresh_session(refresh_token).session
    assert session is not None
    return session


def age_revocation(backend: RunningBackend, refresh_token: str) -> None:
    """Make a revoked refresh token look revoked longer ago than the reuse interval."""
    with connect_db(backend) as conn:
        updated = conn.execute(
            """
            update auth.refresh_tokens set updated_at = updated_at - %s::interval
            where token = %s and revoked
            """,
            (PAST_REUSE_INTERVAL, refresh_token),
        ).rowcount
    assert updated == 1


def test_refresh_returns_new_refresh_token(backend: RunningBackend, session: Session) -> None:
    refreshed = refresh(backend, session.refresh_token)

    assert refreshed.refresh_token != session.refresh_token
    assert refreshed.user.id == session.user.id


def test_refresh_access_token_works(backend: RunningBackend, session: Session) -> None:
    refreshed = refresh(backend, session.refresh_token)

    response = new_client(backend).auth.get_user(refreshed.access_token)

    assert response is not None
    assert response.user.id == session.user.id


def test_refresh_keeps_session_id(backend: RunningBackend, session: Session) -> None:
    refreshed = refresh(backend, session.refresh_token)

    before = jwt.decode(session.access_token, options={"verify_signature": False})
    after = jwt.decode(refreshed.access_token, options={"verify_signature": False})
    assert after["session_id"] == before["session_id"]


def test_refresh_parent_token_returns_active_token(backend: RunningBackend, session: Session) -> None:
    # A client that lost the response of its last refresh presents the old token again.
    first = refresh(backend, session.refresh_token)

    again = refresh(backend, session.refresh_token)

    assert again.refresh_token == first.refresh_token


def test_refresh_parent_token_after_interval_returns_active_token(
    backend: RunningBackend, session: Session
) -> None:
    first = refresh(backend, session.refresh_token)
    age_revocation(backend, session.refresh_token)

    again = refresh(backend, session.refresh_token)

    assert again.refresh_token == first.refresh_token


def test_refresh_concurrent_requests_share_child(backend: RunningBackend, session: Session) -> None:
    # Several tabs or reruns refreshing the same token at once must all receive the same new token.
    with ThreadPoolExecutor(max_workers=CONCURRENT_REFRESHES) as pool:
        results = list(
            pool.map(lambda _: refresh(backend, session.refresh_token), range(CONCURRENT_REFRESHES))
        )

    assert len({result.refresh_token for result in results}) == 1


def test_refresh_old_token_within_interval_is_accepted(backend: RunningBackend, session: Session) -> None:
    first = refresh(backend, session.refresh_token)
    second = refresh(backend, first.refresh_token)

    reused = refresh(backend, session.refresh_token)

    assert reused.refresh_token not in {session.refresh_token, first.refresh_token, second.refresh_token}


def test_refresh_old_token_after_interval_is_already_used(backend: RunningBackend, session: Session) -> None:
    first = refresh(backend, session.refresh_token)
    refresh(backend, first.refresh_token)
    age_revocation(backend, session.refresh_token)

    with pytest.raises(AuthApiError) as raised:
        refresh(backend, session.refresh_token)

    assert raised.value.status == 400
    assert raised.value.code == "refresh_token_already_used"


def test_refresh_reuse_after_interval_revokes_session(backend: RunningBackend, session: Session) -> None:
    first = refresh(backend, session.refresh_token)
    second = refresh(backend, first.refresh_token)
    age_revocation(backend, session.refresh_token)
    with pytest.raises(AuthApiError):
        refresh(backend, session.refresh_token)

    with pytest.raises(AuthApiError) as refresh_raised:
        refresh(backend, second.refresh_token)
    with pytest.raises(AuthApiError) as user_raised:
        new_client(backend).auth.get_user(second.access_token)

    assert refresh_raised.value.code == "refresh_token_not_found"
    assert user_raised.value.code == "session_not_found"


def test_refresh_unknown_token_is_not_found(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        refresh(backend, "no-such-refresh-token")

    assert raised.value.status == 400
    assert raised.value.code == "refresh_token_not_found"


def test_refresh_empty_token_is_invalid_request(backend: RunningBackend) -> None:
    response = httpx.post(
        f"{backend.api_url}/auth/v1/token",
        params={"grant_type": "refresh_token"},
        headers={"apikey": backend.anon_key},
        json={"refresh_token": ""},
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "refresh_token required"}
