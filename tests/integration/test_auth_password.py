"""Password sign-in (POST /auth/v1/token?grant_type=password) through supabase-py, on the local backend."""

from __future__ import annotations

import uuid

import jwt
import pytest
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import new_client

PASSWORD = "correct-horse-battery"


def unique_email() -> str:
    return f"password-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def email(admin: SyncGoTrueAdminAPI) -> str:
    """The email of a new confirmed user whose password is PASSWORD."""
    address = unique_email()
    admin.create_user({"email": address, "password": PASSWORD, "email_confirm": True})
    return address


def test_sign_in_correct_password_returns_session(backend: RunningBackend, email: str) -> None:
    response = new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD})

    assert response.session is not None
    assert response.session.token_type == "bearer"
    assert response.session.refresh_token
    assert response.session.expires_in > 0
    assert response.user is not None
    assert response.user.email == email
    assert response.user.last_sign_in_at is not None


def test_sign_in_access_token_carries_gotrue_claims(backend: RunningBackend, email: str) -> None:
    session = new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert session is not None

    header = jwt.get_unverified_header(session.access_token)
    claims = jwt.decode(session.access_token, options={"verify_signature": False})

    assert header["alg"] == "HS256"
    assert "kid" not in header
    assert claims["aud"] == "authenticated"
    assert claims["role"] == "authenticated"
    assert claims["iss"] == f"{backend.api_url}/auth/v1"
    assert claims["sub"] == session.user.id
    assert claims["email"] == email
    assert claims["phone"] == ""
    assert claims["app_metadata"] == {"provider": "email", "providers": ["email"]}
    assert claims["aal"] == "aal1"
    assert claims["amr"][0]["method"] == "password"
    assert claims["is_anonymous"] is False
    assert claims["exp"] - claims["iat"] == session.expires_in
    uuid.UUID(claims["session_id"])


def test_sign_in_seeded_user_succeeds(backend: RunningBackend) -> None:
    response = new_client(backend).auth.sign_in_with_password(
        {"email": "alice@example.com", "password": "demo-password"}
    )

    assert response.user is not None
    assert response.user.id == "10000000-0000-4000-8000-000000000001"


def test_sign_in_email_ignores_case(backend: RunningBackend, email: str) -> None:
    response = new_client(backend).auth.sign_in_with_password({"email": email.upper(), "password": PASSWORD})

    assert response.user is not None
    assert response.user.email == email


def test_sign_in_wrong_password_fails(backend: RunningBackend, email: str) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": email, "password": "wrong-password"})

    assert raised.value.status == 400
    assert raised.value.code == "invalid_credentials"
    assert raised.value.message == "Invalid login credentials"


def test_sign_in_unknown_email_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": unique_email(), "password": PASSWORD})

    assert raised.value.status == 400
    assert raised.value.code == "invalid_credentials"
    assert raised.value.message == "Invalid login credentials"


def test_sign_in_unconfirmed_email_fails(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    address = unique_email()
    admin.create_user({"email": address, "password": PASSWORD})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": address, "password": PASSWORD})

    assert raised.value.status == 400
    assert raised.value.code == "email_not_confirmed"


def test_sign_in_unconfirmed_wrong_password_fails(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    address = unique_email()
    admin.create_user({"email": address, "password": PASSWORD})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": address, "password": "wrong-password"})

    assert raised.value.code == "invalid_credentials"


def test_sign_in_banned_user_fails(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    address = unique_email()
    admin.create_user({"email": address, "password": PASSWORD, "email_confirm": True, "ban_duration": "24h"})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": address, "password": PASSWORD})

    assert raised.value.status == 400
    assert raised.value.code == "user_banned"


def test_sign_in_user_without_password_fails(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    address = unique_email()
    admin.create_user({"email": address, "email_confirm": True})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": address, "password": PASSWORD})

    assert raised.value.code == "invalid_credentials"
