"""PUT /user (password, metadata, email change) and POST /recover, through supabase-py."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from supabase import Client
from supabase_auth.errors import AuthApiError, AuthWeakPasswordError

from tests.support.backend import RunningBackend
from tests.support.clients import new_client
from tests.support.inbox import code_in, latest_message, link_in, messages_to

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "staple-lantern-orbit"


def unique_email() -> str:
    return f"update-{uuid.uuid4().hex[:12]}@example.com"


def signed_up_client(backend: RunningBackend, email: str) -> Client:
    """A client signed in as a new user, with the local backend's default autoconfirm."""
    client = new_client(backend)
    client.auth.sign_up({"email": email, "password": PASSWORD, "options": {"data": {"team": "acme"}}})
    return client


def test_new_password_signs_in(backend: RunningBackend) -> None:
    email = unique_email()
    signed_up_client(backend, email).auth.update_user({"password": NEW_PASSWORD})

    response = new_client(backend).auth.sign_in_with_password({"email": email, "password": NEW_PASSWORD})

    assert response.session is not None


def test_update_password_rejects_old_password(backend: RunningBackend) -> None:
    email = unique_email()
    signed_up_client(backend, email).auth.update_user({"password": NEW_PASSWORD})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD})

    assert raised.value.code == "invalid_credentials"


def test_update_same_password_fails(backend: RunningBackend) -> None:
    client = signed_up_client(backend, unique_email())

    with pytest.raises(AuthApiError) as raised:
        client.auth.update_user({"password": PASSWORD})

    assert raised.value.status == 422
    assert raised.value.code == "same_password"


def test_update_short_password_is_weak(backend: RunningBackend) -> None:
    client = signed_up_client(backend, unique_email())

    with pytest.raises(AuthWeakPasswordError) as raised:
        client.auth.update_user({"password": "12345"})

    assert raised.value.status == 422
    assert raised.value.code == "weak_password"


def test_update_data_merges_user_metadata(backend: RunningBackend) -> None:
    client = signed_up_client(backend, unique_email())

    user = client.auth.update_user({"data": {"full_name": "Uma Update"}}).user

    assert user.user_metadata["full_name"] == "Uma Update"
    assert user.user_metadata["team"] == "acme"


def test_update_data_null_removes_key(backend: RunningBackend) -> None:
    client = signed_up_client(backend, unique_email())

    user = client.auth.update_user({"data": {"team": None}}).user

    assert "team" not in user.user_metadata


def test_update_email_is_pending(backend: RunningBackend) -> None:
    email, new_email = unique_email(), unique_email()
    client = signed_up_client(backend, email)

    user = client.auth.update_user({"email": new_email}).user

    assert user.email == email
    assert user.new_email == new_email
    assert user.email_change_sent_at is not None


def test_update_email_sends_code_to_new_address(backend: RunningBackend) -> None:
    new_email = unique_email()
    signed_up_client(backend, unique_email()).auth.update_user({"email": new_email})

    message = latest_message(backend, new_email)

    assert message["subject"] == "Confirm your new email address"


def test_email_change_code_completes_change(backend: RunningBackend) -> None:
    new_email = unique_email()
    client = signed_up_client(backend, unique_email())
    client.auth.update_user({"email": new_email})
    code = code_in(latest_message(backend, new_email))

    response = new_client(backend).auth.verify_otp(
        {"email": new_email, "token": code, "type": "email_change"}
    )

    assert response.user is not None
    assert response.user.email == new_email
    assert response.user.new_email is None


def test_update_email_taken_fails(backend: RunningBackend) -> None:
    client = signed_up_client(backend, unique_email())

    with pytest.raises(AuthApiError) as raised:
        client.auth.update_user({"email": "bob@example.com"})

    assert raised.value.status == 422
    assert raised.value.code == "email_exists"


def test_update_user_bad_token_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend, access_token="not-a-jwt").auth._request(
            "PUT", "user", jwt="not-a-jwt", body={"data": {}}
        )

    assert raised.value.status == 403
    assert raised.value.code == "bad_jwt"


def test_recover_unknown_email_succeeds_silently(backend: RunningBackend) -> None:
    email = unique_email()

    new_client(backend).auth.reset_password_for_email(email)

    assert messages_to(backend, email) == []


def test_recovery_code_allows_new_password(backend: RunningBackend) -> None:
    email = unique_email()
    signed_up_client(backend, email)
    client = new_client(backend)
    client.auth.reset_password_for_email(email)
    code = code_in(latest_message(backend, email))

    client.auth.verify_otp({"email": email, "token": code, "type": "recovery"})
    client.auth.update_user({"password": NEW_PASSWORD})

    response = new_client(backend).auth.sign_in_with_password({"email": email, "password": NEW_PASSWORD})
    assert response.session is not None


def test_update_password_ends_other_sessions(backend: RunningBackend) -> None:
    email = unique_email()
    client = signed_up_client(backend, email)
    other = new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert other is not None

    client.auth.update_user({"password": NEW_PASSWORD})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.refresh_session(other.refresh_token)
    # The session's refresh tokens are deleted with it.
    assert raised.value.code == "refresh_token_not_found"


def test_update_password_keeps_current_session(backend: RunningBackend) -> None:
    client = signed_up_client(backend, unique_email())
    session = client.auth.get_session()
    assert session is not None

    client.auth.update_user({"password": NEW_PASSWORD})

    assert new_client(backend).auth.refresh_session(session.refresh_token).session is not None


def test_recovery_link_pkce_returns_code(backend: RunningBackend) -> None:
    email = unique_email()
    signed_up_client(backend, email)
    client = new_client(backend)
    client.auth.reset_password_for_email(email, {"redirect_to": "http://127.0.0.1:8501/reset"})
    link = link_in(latest_message(backend, email))

    redirect = httpx.get(link)
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]

    assert client.auth.exchange_code_for_session({"auth_code": code}).session is not None
