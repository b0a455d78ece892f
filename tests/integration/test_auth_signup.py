"""POST /auth/v1/signup with the local backend's default of autoconfirm on: sign-up returns a session."""

from __future__ import annotations

import uuid

import pytest
from supabase_auth.errors import AuthApiError, AuthWeakPasswordError

from tests.support.backend import RunningBackend
from tests.support.clients import new_client

PASSWORD = "correct-horse-battery"


def unique_email() -> str:
    return f"signup-{uuid.uuid4().hex[:12]}@example.com"


def test_sign_up_returns_session(backend: RunningBackend) -> None:
    email = unique_email()

    response = new_client(backend).auth.sign_up({"email": email, "password": PASSWORD})

    assert response.session is not None
    assert response.user is not None
    assert response.user.email == email
    assert response.user.email_confirmed_at is not None
    assert response.user.app_metadata == {"provider": "email", "providers": ["email"]}


def test_sign_up_stores_user_metadata(backend: RunningBackend) -> None:
    response = new_client(backend).auth.sign_up(
        {"email": unique_email(), "password": PASSWORD, "options": {"data": {"full_name": "Sam Signup"}}}
    )

    assert response.user is not None
    assert response.user.user_metadata["full_name"] == "Sam Signup"
    assert response.user.user_metadata["email_verified"] is True


def test_sign_up_creates_email_identity(backend: RunningBackend) -> None:
    email = unique_email()

    response = new_client(backend).auth.sign_up({"email": email, "password": PASSWORD})

    assert response.user is not None
    identities = response.user.identities or []
    assert [identity.provider for identity in identities] == ["email"]
    assert identities[0].identity_data["sub"] == response.user.id
    assert identities[0].identity_data["email"] == email


def test_sign_up_lowercases_email(backend: RunningBackend) -> None:
    email = unique_email()

    response = new_client(backend).auth.sign_up({"email": email.upper(), "password": PASSWORD})

    assert response.user is not None
    assert response.user.email == email


def test_signed_up_user_can_sign_in(backend: RunningBackend) -> None:
    email = unique_email()
    new_client(backend).auth.sign_up({"email": email, "password": PASSWORD})

    response = new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD})

    assert response.session is not None


def test_sign_up_session_access_token_works(backend: RunningBackend) -> None:
    session = new_client(backend).auth.sign_up({"email": unique_email(), "password": PASSWORD}).session
    assert session is not None

    response = new_client(backend).auth.get_user(session.access_token)

    assert response is not None
    assert response.user.id == session.user.id


def test_sign_up_existing_email_fails(backend: RunningBackend) -> None:
    email = unique_email()
    new_client(backend).auth.sign_up({"email": email, "password": PASSWORD})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_up({"email": email, "password": "another-password"})

    assert raised.value.status == 422
    assert raised.value.code == "user_already_exists"


def test_sign_up_short_password_is_weak(backend: RunningBackend) -> None:
    with pytest.raises(AuthWeakPasswordError) as raised:
        new_client(backend).auth.sign_up({"email": unique_email(), "password": "12345"})

    assert raised.value.status == 422
    assert raised.value.code == "weak_password"
    assert raised.value.reasons == ["length"]


def test_sign_up_invalid_email_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_up({"email": "not-an-address", "password": PASSWORD})

    assert raised.value.status == 400
    assert raised.value.code == "validation_failed"


def test_sign_up_password_over_72_bytes_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_up({"email": unique_email(), "password": "x" * 73})

    assert raised.value.status == 400
    assert raised.value.code == "validation_failed"
