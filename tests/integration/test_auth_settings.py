"""Auth behaviour under non-default settings, on a second backend started with sign-up disabled and
access tokens that are already expired when issued (`--jwt-expiry=-120`, past the 30 s clock skew).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from supabase_auth.errors import AuthApiError
from supabase_auth.types import Session

from tests.support.backend import RunningBackend
from tests.support.clients import new_client

SEEDED_EMAIL = "alice@example.com"
SEEDED_PASSWORD = "demo-password"


@pytest.fixture(scope="module")
def restricted_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    return backend_factory(extra_args=["--jwt-expiry=-120"], env={"LOCAL_SUPABASE_SIGNUP_ENABLED": "false"})


@pytest.fixture
def expired_session(restricted_backend: RunningBackend) -> Session:
    session = (
        new_client(restricted_backend)
        .auth.sign_in_with_password({"email": SEEDED_EMAIL, "password": SEEDED_PASSWORD})
        .session
    )
    assert session is not None
    return session


def test_sign_up_disabled_fails(restricted_backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(restricted_backend).auth.sign_up(
            {"email": "newcomer@example.com", "password": "long-enough"}
        )

    assert raised.value.status == 422
    assert raised.value.code == "signup_disabled"


def test_get_user_expired_token_is_bad_jwt(
    restricted_backend: RunningBackend, expired_session: Session
) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(restricted_backend).auth.get_user(expired_session.access_token)

    assert raised.value.status == 403
    assert raised.value.code == "bad_jwt"


def test_refresh_with_expired_bearer_succeeds(
    restricted_backend: RunningBackend, expired_session: Session
) -> None:
    response = httpx.post(
        f"{restricted_backend.api_url}/auth/v1/token",
        params={"grant_type": "refresh_token"},
        headers={
            "apikey": restricted_backend.anon_key,
            "Authorization": f"Bearer {expired_session.access_token}",
        },
        json={"refresh_token": expired_session.refresh_token},
    )

    assert response.status_code == 200
    assert response.json()["refresh_token"] != expired_session.refresh_token
