"""POST /auth/v1/logout with each scope: which sessions end, and what a signed-out token can still do."""

from __future__ import annotations

import uuid

import httpx
import pytest
from supabase import Client
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError
from supabase_auth.types import Session

from tests.support.backend import RunningBackend
from tests.support.clients import new_client

PASSWORD = "correct-horse-battery"


@pytest.fixture
def email(admin: SyncGoTrueAdminAPI) -> str:
    """The email of a new confirmed user whose password is PASSWORD."""
    address = f"logout-{uuid.uuid4().hex[:12]}@example.com"
    admin.create_user({"email": address, "password": PASSWORD, "email_confirm": True})
    return address


def sign_in(backend: RunningBackend, email: str) -> tuple[Client, Session]:
    client = new_client(backend)
    session = client.auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert session is not None
    return client, session


def session_is_live(backend: RunningBackend, session: Session) -> bool:
    """Return True when GET /user still accepts the session's access token."""
    try:
        new_client(backend).auth.get_user(session.access_token)
    except AuthApiError as error:
        assert error.code == "session_not_found"
        return False
    return True


def test_sign_out_then_get_user_fails(backend: RunningBackend, email: str) -> None:
    client, session = sign_in(backend, email)

    client.auth.sign_out()

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.get_user(session.access_token)
    assert raised.value.status == 403
    assert raised.value.code == "session_not_found"


def test_sign_out_revokes_refresh_token(backend: RunningBackend, email: str) -> None:
    client, session = sign_in(backend, email)

    client.auth.sign_out()

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.refresh_session(session.refresh_token)
    assert raised.value.code == "refresh_token_not_found"


def test_sign_out_global_ends_every_session(backend: RunningBackend, email: str) -> None:
    first, first_session = sign_in(backend, email)
    _, second_session = sign_in(backend, email)

    first.auth.sign_out({"scope": "global"})

    assert not session_is_live(backend, first_session)
    assert not session_is_live(backend, second_session)


def test_sign_out_local_keeps_other_sessions(backend: RunningBackend, email: str) -> None:
    first, first_session = sign_in(backend, email)
    _, second_session = sign_in(backend, email)

    first.auth.sign_out({"scope": "local"})

    assert not session_is_live(backend, first_session)
    assert session_is_live(backend, second_session)


def test_sign_out_others_keeps_own_session(backend: RunningBackend, email: str) -> None:
    first, first_session = sign_in(backend, email)
    _, second_session = sign_in(backend, email)

    first.auth.sign_out({"scope": "others"})

    assert session_is_live(backend, first_session)
    assert not session_is_live(backend, second_session)


def test_logout_returns_204_without_body(backend: RunningBackend, email: str) -> None:
    _, session = sign_in(backend, email)

    response = httpx.post(
        f"{backend.api_url}/auth/v1/logout",
        params={"scope": "local"},
        headers={"apikey": backend.anon_key, "Authorization": f"Bearer {session.access_token}"},
    )

    assert response.status_code == 204
    assert response.content == b""


def test_logout_unknown_scope_is_validation_failed(backend: RunningBackend, email: str) -> None:
    _, session = sign_in(backend, email)

    response = httpx.post(
        f"{backend.api_url}/auth/v1/logout",
        params={"scope": "everywhere"},
        headers={
            "apikey": backend.anon_key,
            "Authorization": f"Bearer {session.access_token}",
            "X-Supabase-Api-Version": "2024-01-01",
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert session_is_live(backend, session)
