"""The admin user API (/auth/v1/admin/users) with the service-role key, and its refusal of other callers."""

from __future__ import annotations

import uuid

import httpx
import pytest
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import new_client

PASSWORD = "correct-horse-battery"


def unique_email() -> str:
    return f"admin-{uuid.uuid4().hex[:12]}@example.com"


def admin_get(backend: RunningBackend, path: str, **params: str) -> httpx.Response:
    return httpx.get(
        f"{backend.api_url}/auth/v1{path}",
        params=params,
        headers={"apikey": backend.service_role_key, "Authorization": f"Bearer {backend.service_role_key}"},
    )


def test_admin_create_user_returns_user(admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()

    user = admin.create_user(
        {
            "email": email,
            "password": PASSWORD,
            "email_confirm": True,
            "user_metadata": {"full_name": "Ada Admin"},
        }
    ).user

    assert user.email == email
    assert user.email_confirmed_at is not None
    assert user.user_metadata["full_name"] == "Ada Admin"
    assert user.app_metadata == {"provider": "email", "providers": ["email"]}
    assert [identity.provider for identity in user.identities or []] == ["email"]


def test_admin_created_user_can_sign_in(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    admin.create_user({"email": email, "password": PASSWORD, "email_confirm": True})

    response = new_client(backend, backend.anon_key).auth.sign_in_with_password(
        {"email": email, "password": PASSWORD}
    )

    assert response.session is not None


def test_admin_create_user_merges_app_metadata(admin: SyncGoTrueAdminAPI) -> None:
    user = admin.create_user({"email": unique_email(), "app_metadata": {"plan": "pro"}}).user

    assert user.app_metadata == {"provider": "email", "providers": ["email"], "plan": "pro"}


def test_admin_create_user_keeps_given_id(admin: SyncGoTrueAdminAPI) -> None:
    user_id = str(uuid.uuid4())

    user = admin.create_user({"id": user_id, "email": unique_email()}).user

    assert user.id == user_id


def test_admin_create_existing_email_fails(admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    admin.create_user({"email": email})

    with pytest.raises(AuthApiError) as raised:
        admin.create_user({"email": email.upper()})

    assert raised.value.status == 422
    assert raised.value.code == "email_exists"


def test_admin_create_without_email_fails(admin: SyncGoTrueAdminAPI) -> None:
    with pytest.raises(AuthApiError) as raised:
        admin.create_user({"password": PASSWORD})

    assert raised.value.status == 400
    assert raised.value.code == "validation_failed"


def test_admin_list_users_pages(admin: SyncGoTrueAdminAPI) -> None:
    for _ in range(3):
        admin.create_user({"email": unique_email()})

    first = admin.list_users(page=1, per_page=2)
    second = admin.list_users(page=2, per_page=2)

    assert len(first) == 2
    assert len(second) == 2
    assert {user.id for user in first}.isdisjoint({user.id for user in second})


def test_admin_list_users_newest_first(admin: SyncGoTrueAdminAPI) -> None:
    created = admin.create_user({"email": unique_email()}).user

    newest = admin.list_users(page=1, per_page=1)

    assert [user.id for user in newest] == [created.id]


def test_admin_list_users_sends_total_and_links(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    admin.create_user({"email": unique_email()})
    admin.create_user({"email": unique_email()})

    response = admin_get(backend, "/admin/users", page="1", per_page="1")

    total = int(response.headers["X-Total-Count"])
    assert response.status_code == 200
    assert response.json()["aud"] == "authenticated"
    assert len(response.json()["users"]) == 1
    assert total >= 2
    assert response.headers["Link"] == (
        f'</admin/users?page=2&per_page=1>; rel="next", </admin/users?page={total}&per_page=1>; rel="last"'
    )


def test_admin_list_users_bad_page_fails(backend: RunningBackend) -> None:
    response = admin_get(backend, "/admin/users", page="zero")

    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_failed"


def test_admin_get_user_by_id(admin: SyncGoTrueAdminAPI) -> None:
    created = admin.create_user({"email": unique_email()}).user

    fetched = admin.get_user_by_id(created.id).user

    assert fetched.id == created.id
    assert fetched.email == created.email


def test_admin_get_unknown_user_is_404(admin: SyncGoTrueAdminAPI) -> None:
    with pytest.raises(AuthApiError) as raised:
        admin.get_user_by_id(str(uuid.uuid4()))

    assert raised.value.status == 404
    assert raised.value.code == "user_not_found"


def test_admin_delete_user_removes_it(admin: SyncGoTrueAdminAPI) -> None:
    created = admin.create_user({"email": unique_email()}).user

    admin.delete_user(created.id)

    with pytest.raises(AuthApiError) as raised:
        admin.get_user_by_id(created.id)
    assert raised.value.code == "user_not_found"


def test_admin_delete_user_ends_sessions(backend: RunningBackend, admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    created = admin.create_user({"email": email, "password": PASSWORD, "email_confirm": True}).user
    session = (
        new_client(backend, backend.anon_key)
        .auth.sign_in_with_password({"email": email, "password": PASSWORD})
        .session
    )
    assert session is not None

    admin.delete_user(created.id)

    with pytest.raises(AuthApiError) as raised:
        new_client(backend, backend.anon_key).auth.refresh_session(session.refresh_token)
    assert raised.value.code == "refresh_token_not_found"


def test_admin_soft_delete_keeps_row(admin: SyncGoTrueAdminAPI) -> None:
    email = unique_email()
    created = admin.create_user({"email": email}).user

    admin.delete_user(created.id, should_soft_delete=True)

    fetched = admin.get_user_by_id(created.id).user
    assert fetched.deleted_at is not None
    assert fetched.email == ""


def test_admin_delete_unknown_user_is_404(admin: SyncGoTrueAdminAPI) -> None:
    with pytest.raises(AuthApiError) as raised:
        admin.delete_user(str(uuid.uuid4()))

    assert raised.value.status == 404
    assert raised.value.code == "user_not_found"


def test_admin_with_anon_key_is_not_admin(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend, backend.anon_key).auth.admin.list_users()

    assert raised.value.status == 403
    assert raised.value.code == "not_admin"


def test_admin_with_user_token_is_not_admin(backend: RunningBackend) -> None:
    session = (
        new_client(backend, backend.anon_key)
        .auth.sign_in_with_password({"email": "alice@example.com", "password": "demo-password"})
        .session
    )
    assert session is not None

    response = httpx.get(
        f"{backend.api_url}/auth/v1/admin/users",
        headers={"apikey": backend.anon_key, "Authorization": f"Bearer {session.access_token}"},
    )

    assert response.status_code == 403
    assert response.json()["error_code"] == "not_admin"


def test_admin_without_bearer_is_401(backend: RunningBackend) -> None:
    response = httpx.get(
        f"{backend.api_url}/auth/v1/admin/users", headers={"apikey": backend.service_role_key}
    )

    assert response.status_code == 401
    assert response.json()["error_code"] == "no_authorization"


def test_admin_with_bad_token_is_bad_jwt(backend: RunningBackend) -> None:
    response = httpx.get(
        f"{backend.api_url}/auth/v1/admin/users",
        headers={"apikey": backend.service_role_key, "Authorization": "Bearer not-a-jwt"},
    )

    assert response.status_code == 403
    assert response.json()["error_code"] == "bad_jwt"
