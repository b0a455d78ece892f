"""The auth API's error format and its responses outside the supported endpoints, checked over raw HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.backend import RunningBackend

VERSIONED = {"X-Supabase-Api-Version": "2024-01-01"}


def post_token(
    backend: RunningBackend, grant_type: str, *, headers: dict[str, str] | None = None, **kwargs: Any
) -> httpx.Response:
    return httpx.post(
        f"{backend.api_url}/auth/v1/token",
        params={"grant_type": grant_type},
        headers={"apikey": backend.anon_key, **(headers or {})},
        **kwargs,
    )


def wrong_password(backend: RunningBackend, headers: dict[str, str]) -> httpx.Response:
    return post_token(
        backend,
        "password",
        headers=headers,
        json={"email": "alice@example.com", "password": "wrong-password"},
    )


def test_error_with_api_version_uses_string_code(backend: RunningBackend) -> None:
    response = wrong_password(backend, VERSIONED)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"] == "Invalid login credentials"


def test_error_echoes_api_version_header(backend: RunningBackend) -> None:
    response = wrong_password(backend, VERSIONED)

    assert response.headers["X-Supabase-Api-Version"] == "2024-01-01"
    assert response.headers["x-sb-error-code"] == "invalid_credentials"


def test_error_without_api_version_uses_legacy_shape(backend: RunningBackend) -> None:
    response = wrong_password(backend, {})

    assert response.json()["code"] == 400
    assert response.json()["error_code"] == "invalid_credentials"
    assert response.json()["msg"] == "Invalid login credentials"
    assert "X-Supabase-Api-Version" not in response.headers


def test_health_returns_service_name(backend: RunningBackend) -> None:
    response = httpx.get(f"{backend.api_url}/auth/v1/health")

    assert response.status_code == 200
    assert set(response.json()) == {"name", "version", "description"}


def test_unknown_endpoint_is_json_404(backend: RunningBackend) -> None:
    response = httpx.post(
        f"{backend.api_url}/auth/v1/factors", headers={"apikey": backend.anon_key, **VERSIONED}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "POST /factors" in response.json()["message"]


def test_unsupported_method_is_json_405(backend: RunningBackend) -> None:
    response = httpx.delete(
        f"{backend.api_url}/auth/v1/signup", headers={"apikey": backend.anon_key, **VERSIONED}
    )

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "POST"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="malformed"),
        pytest.param(b"", id="empty"),
        pytest.param(b"[1, 2]", id="array"),
        pytest.param(b'{"email": 42, "password": "x"}', id="wrong-type"),
    ],
)
def test_sign_in_bad_body_is_bad_json(backend: RunningBackend, body: bytes) -> None:
    response = post_token(
        backend, "password", headers={"Content-Type": "application/json", **VERSIONED}, content=body
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"


def test_token_unknown_grant_type_fails(backend: RunningBackend) -> None:
    response = post_token(backend, "magic", headers=VERSIONED, json={})

    assert response.status_code == 400
    assert response.json()["message"] == "unsupported_grant_type"


def test_token_expired_authorization_header_is_ignored(backend: RunningBackend) -> None:
    # Clients refresh with the expired access token still in Authorization, so the grant must ignore it.
    response = post_token(
        backend,
        "password",
        headers={"Authorization": "Bearer not-a-valid-token"},
        json={"email": "alice@example.com", "password": "demo-password"},
    )

    assert response.status_code == 200


def test_admin_user_unsupported_method_lists_allowed(backend: RunningBackend) -> None:
    response = httpx.patch(
        f"{backend.api_url}/auth/v1/admin/users/{'0' * 8}-0000-4000-8000-{'0' * 12}",
        headers={"apikey": backend.service_role_key, **VERSIONED},
    )

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "DELETE"}
