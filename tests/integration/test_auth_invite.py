"""POST /invite, POST /admin/generate_link and PUT /admin/users/{id}, called with the service-role key."""

from __future__ import annotations

import uuid

import pytest
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import admin_api, new_client
from tests.support.inbox import code_in, latest_message, link_in, messages_to

APP_URL = "http://127.0.0.1:8501/welcome"
PASSWORD = "correct-horse-battery"


def unique_email() -> str:
    return f"invite-{uuid.uuid4().hex[:12]}@example.com"


def test_invite_creates_invited_user(admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()

    user = admin.invite_user_by_email(email, {"data": {"team": "acme"}}).user

    assert user.email == email
    assert user.invited_at is not None
    assert user.confirmation_sent_at is not None
    assert user.email_confirmed_at is None
    assert user.user_metadata["team"] == "acme"


def test_invite_email_has_code_and_link(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    admin.invite_user_by_email(email, {"redirect_to": APP_URL})

    message = latest_message(backend, email)

    assert message["subject"] == "You have been invited"
    assert len(code_in(message)) == 6
    assert "type=invite" in link_in(message)


def test_invite_code_verifies_as_invite(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    admin.invite_user_by_email(email)
    code = code_in(latest_message(backend, email))

    response = new_client(backend).auth.verify_otp({"email": email, "token": code, "type": "invite"})

    assert response.session is not None
    assert response.user is not None
    assert response.user.email_confirmed_at is not None


def test_invite_confirmed_email_fails(admin: SyncGoTrueAdminAPI) -> None:
    with pytest.raises(AuthApiError) as raised:
        admin.invite_user_by_email("alice@example.com")

    assert raised.value.status == 422
    assert raised.value.code == "email_exists"


def test_invite_with_anon_key_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.admin.invite_user_by_email(unique_email())

    assert raised.value.status == 403
    assert raised.value.code == "not_admin"


def test_generate_link_magiclink_returns_properties(
    backend: RunningBackend, admin: SyncGoTrueAdminAPI
) -> None:
    response = admin.generate_link({"type": "magiclink", "email": "carol@example.com"})

    properties = response.properties
    assert response.user.email == "carol@example.com"
    assert properties.verification_type == "magiclink"
    assert len(properties.email_otp) == 6
    assert properties.action_link.startswith(
        f"{backend.api_url}/auth/v1/verify?token={properties.hashed_token}"
    )
    assert "type=magiclink" in properties.action_link


def test_generate_link_otp_signs_in(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    otp = admin.generate_link({"type": "magiclink", "email": "carol@example.com"}).properties.email_otp

    response = new_client(backend).auth.verify_otp(
        {"email": "carol@example.com", "token": otp, "type": "magiclink"}
    )

    assert response.session is not None


def test_generate_link_sends_no_email(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()

    admin.generate_link({"type": "signup", "email": email, "password": PASSWORD})

    assert messages_to(backend, email) == []


def test_generate_link_signup_creates_unconfirmed_user(admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()

    response = admin.generate_link({"type": "signup", "email": email, "password": PASSWORD})

    assert response.user.email == email
    assert response.user.email_confirmed_at is None
    assert response.properties.verification_type == "signup"


def test_generate_link_keeps_allowed_redirect(admin: SyncGoTrueAdminAPI) -> None:
    response = admin.generate_link(
        {"type": "invite", "email": unique_email(), "options": {"redirect_to": APP_URL}}
    )

    assert response.properties.redirect_to == APP_URL
    assert response.user.invited_at is not None


def test_generate_link_recovery_unknown_email_fails(admin: SyncGoTrueAdminAPI) -> None:
    with pytest.raises(AuthApiError) as raised:
        admin.generate_link({"type": "recovery", "email": unique_email()})

    assert raised.value.status == 404
    assert raised.value.code == "user_not_found"


def new_user_id(admin: SyncGoTrueAdminAPI, email: str) -> str:
    user = admin.create_user({"email": email, "password": PASSWORD, "user_metadata": {"team": "acme"}}).user
    return user.id


def test_admin_update_merges_user_metadata(admin: SyncGoTrueAdminAPI) -> None:
    user_id = new_user_id(admin, unique_email())

    user = admin.update_user_by_id(user_id, {"user_metadata": {"role": "viewer"}}).user

    assert user.user_metadata == {"team": "acme", "role": "viewer"}


def test_admin_update_email_and_confirm(admin: SyncGoTrueAdminAPI) -> None:
    user_id = new_user_id(admin, unique_email())
    new_email = unique_email()

    user = admin.update_user_by_id(user_id, {"email": new_email, "email_confirm": True}).user

    assert user.email == new_email
    assert user.email_confirmed_at is not None


def test_admin_update_password_allows_sign_in(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    user_id = new_user_id(admin, email)
    admin.update_user_by_id(user_id, {"password": "another-password", "email_confirm": True})

    response = new_client(backend).auth.sign_in_with_password(
        {"email": email, "password": "another-password"}
    )

    assert response.session is not None


def test_admin_update_ban_blocks_sign_in(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    user_id = new_user_id(admin, email)
    admin.update_user_by_id(user_id, {"email_confirm": True, "ban_duration": "24h"})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_password({"email": email, "password": PASSWORD})

    assert raised.value.code == "user_banned"


def test_admin_update_taken_email_fails(admin: SyncGoTrueAdminAPI) -> None:
    user_id = new_user_id(admin, unique_email())

    with pytest.raises(AuthApiError) as raised:
        admin.update_user_by_id(user_id, {"email": "alice@example.com"})

    assert raised.value.status == 422
    assert raised.value.code == "email_exists"


def test_admin_update_unknown_user_fails(admin: SyncGoTrueAdminAPI) -> None:
    with pytest.raises(AuthApiError) as raised:
        admin.update_user_by_id(str(uuid.uuid4()), {"user_metadata": {"x": 1}})

    assert raised.value.status == 404
    assert raised.value.code == "user_not_found"


def test_admin_update_with_user_token_fails(backend: RunningBackend) -> None:
    session = (
        new_client(backend)
        .auth.sign_in_with_password({"email": "alice@example.com", "password": "demo-password"})
        .session
    )
    assert session is not None
    user_admin = admin_api(backend)
    user_admin._headers = {**user_admin._headers, "Authorization": f"Bearer {session.access_token}"}

    with pytest.raises(AuthApiError) as raised:
        user_admin.update_user_by_id(session.user.id, {"role": "service_role"})

    assert raised.value.status == 403
    assert raised.value.code == "not_admin"


def test_generate_link_email_change_otp_changes_email(
    backend: RunningBackend, admin: SyncGoTrueAdminAPI
) -> None:
    email, new_email = unique_email(), unique_email()
    new_user_id(admin, email)
    response = admin.generate_link({"type": "email_change_new", "email": email, "new_email": new_email})

    verified = new_client(backend).auth.verify_otp(
        {"email": new_email, "token": response.properties.email_otp, "type": "email_change"}
    )

    assert response.user.new_email == new_email
    assert verified.user is not None
    assert verified.user.email == new_email
