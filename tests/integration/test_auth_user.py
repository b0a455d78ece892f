"""GET /auth/v1/user: the signed-in user, and how a missing or bad bearer token is rejected."""

from __future__ import annotations

import uuid

import httpx
import pytest
from supabase import Client
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import admin_api, new_client

PASSWORD = "correct-horse-battery"


@pytest.fixture
def signed_in(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> Client:
    """A client signed in as a new confirmed user created by the admin API."""
    email = f"user-{uuid.uuid4().hex[:12]}@example.com"
    admin.create_user(
        {
            "email": email,
            "password": PASSWORD,
            "email_confirm": True,
            "user_metadata": {"full_name": "Uma User"},
        }
    )

    client = new_client(backend)
    client.auth.sign_in_with_password({"email": email, "password": PASSWORD})
    return client


def test_get_user_returns_signed_in_user(signed_in: Client) -> None:
    session = signed_in.auth.get_session()
    assert session is not None

    response = signed_in.auth.get_user()

    assert response is not None
    assert response.user.id == session.user.id
    assert response.user.email == session.user.email
    assert response.user.aud == "authenticated"
    assert response.user.role == "authenticated"
    assert response.user.user_metadata["full_name"] == "Uma User"
    assert response.user.email_confirmed_at is not None


def test_get_user_lists_email_identity(signed_in: Client) -> None:
    response = signed_in.auth.get_user()
    assert response is not None

    identities = response.user.identities or []

    assert [identity.provider for identity in identities] == ["email"]
    assert identities[0].id == response.user.id
    assert identities[0].user_id == response.user.id
    assert identities[0].identity_data["email"] == response.user.email


def test_get_user_without_bearer_is_401(backend: RunningBackend) -> None:
    response = httpx.get(
        f"{backend.api_url}/auth/v1/user",
        headers={"apikey": backend.anon_key, "X-Supabase-Api-Version": "2024-01-01"},
    )

    assert response.status_code == 401
    assert response.json()["code"] == "no_authorization"


def test_get_user_malformed_token_is_bad_jwt(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.get_user("not-a-jwt")

    assert raised.value.status == 403
    assert raised.value.code == "bad_jwt"


def test_get_user_foreign_signature_is_bad_jwt(backend: RunningBackend, signed_in: Client) -> None:
    session = signed_in.auth.get_session()
    assert session is not None
    header, payload, signature = session.access_token.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.get_user(forged)

    assert raised.value.status == 403
    assert raised.value.code == "bad_jwt"


def test_get_user_anon_key_is_bad_jwt(backend: RunningBackend) -> None:
    # The anon key is a valid project JWT but names no user (no `sub` claim).
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.get_user(backend.anon_key)

    assert raised.value.status == 403
    assert raised.value.code == "bad_jwt"


def test_get_user_deleted_user_is_user_not_found(backend: RunningBackend, signed_in: Client) -> None:
    session = signed_in.auth.get_session()
    assert session is not None
    admin_api(backend).delete_user(session.user.id)

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.get_user(session.access_token)

    assert raised.value.status == 403
    assert raised.value.code == "user_not_found"
