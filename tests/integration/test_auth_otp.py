"""Email one-time codes: POST /otp sends a code and a link, POST /verify and GET /verify use them once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_client
from tests.support.inbox import code_in, latest_message, link_in, link_token, messages_to

APP_URL = "http://127.0.0.1:8501/callback"
# The backend's default site URL, where a redirect that is not allowed goes instead.
SITE_URL = "http://127.0.0.1:3000"


def unique_email() -> str:
    return f"otp-{uuid.uuid4().hex[:12]}@example.com"


def send_code(backend: RunningBackend, email: str) -> dict[str, str]:
    new_client(backend).auth.sign_in_with_otp({"email": email})
    return latest_message(backend, email)


def send_implicit_link(backend: RunningBackend, email: str, redirect_to: str = APP_URL) -> str:
    """Request a code without a PKCE challenge, as a client using the implicit flow does."""
    response = httpx.post(
        f"{backend.api_url}/auth/v1/otp",
        params={"redirect_to": redirect_to},
        headers={"apikey": backend.anon_key},
        json={"email": email, "create_user": True},
    )
    assert response.status_code == 200
    return link_in(latest_message(backend, email))


@pytest.fixture(scope="module")
def closed_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    return backend_factory(extra_args=["--no-signup"])


def test_otp_returns_empty_response(backend: RunningBackend) -> None:
    response = httpx.post(
        f"{backend.api_url}/auth/v1/otp",
        headers={"apikey": backend.anon_key},
        json={"email": unique_email(), "create_user": True},
    )

    assert response.status_code == 200
    assert response.json() == {}


def test_otp_code_signs_in_new_user(backend: RunningBackend) -> None:
    email = unique_email()
    client = new_client(backend)
    client.auth.sign_in_with_otp({"email": email})
    code = code_in(latest_message(backend, email))

    response = client.auth.verify_otp({"email": email, "token": code, "type": "email"})

    assert response.session is not None
    assert response.user is not None
    assert response.user.email == email
    assert response.user.email_confirmed_at is not None


def test_otp_code_signs_in_existing_user(backend: RunningBackend) -> None:
    client = new_client(backend)
    client.auth.sign_in_with_otp({"email": "erin@example.com", "options": {"should_create_user": False}})
    code = code_in(latest_message(backend, "erin@example.com"))

    response = client.auth.verify_otp({"email": "erin@example.com", "token": code, "type": "email"})

    assert response.user is not None
    assert response.user.id == "10000000-0000-4000-8000-000000000005"


def test_otp_existing_user_gets_sign_in_email(backend: RunningBackend) -> None:
    message = send_code(backend, "frank@example.com")

    assert message["subject"] == "Your sign-in code"
    assert "type=magiclink" in link_in(message)


def test_otp_without_create_user_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.sign_in_with_otp(
            {"email": unique_email(), "options": {"should_create_user": False}}
        )

    assert raised.value.status == 422
    assert raised.value.code == "otp_disabled"
    assert raised.value.message == "Signups not allowed for otp"


def test_otp_disabled_sends_no_email(backend: RunningBackend) -> None:
    email = unique_email()
    with pytest.raises(AuthApiError):
        new_client(backend).auth.sign_in_with_otp({"email": email, "options": {"should_create_user": False}})

    assert messages_to(backend, email) == []


def test_otp_code_is_single_use(backend: RunningBackend) -> None:
    email = unique_email()
    code = code_in(send_code(backend, email))
    new_client(backend).auth.verify_otp({"email": email, "token": code, "type": "email"})

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.verify_otp({"email": email, "token": code, "type": "email"})

    assert raised.value.status == 403
    assert raised.value.code == "otp_expired"


def test_otp_wrong_code_is_otp_expired(backend: RunningBackend) -> None:
    email = unique_email()
    code = code_in(send_code(backend, email))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.verify_otp({"email": email, "token": wrong, "type": "email"})

    assert raised.value.status == 403
    assert raised.value.code == "otp_expired"
    assert raised.value.message == "Token has expired or is invalid"


def test_otp_expired_code_is_otp_expired(backend: RunningBackend) -> None:
    email = unique_email()
    code = code_in(send_code(backend, email))
    with connect_db(backend) as conn:
        conn.execute(
            "update auth.one_time_tokens set created_at = created_at - interval '61 minutes' "
            "where relates_to = %s",
            (email,),
        )

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.verify_otp({"email": email, "token": code, "type": "email"})

    assert raised.value.status == 403
    assert raised.value.code == "otp_expired"


def test_otp_new_code_replaces_previous(backend: RunningBackend) -> None:
    email = unique_email()
    first = code_in(send_code(backend, email))
    second = code_in(send_code(backend, email))
    if first == second:
        pytest.skip("both random codes were equal")

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.verify_otp({"email": email, "token": first, "type": "email"})

    assert raised.value.code == "otp_expired"


def test_otp_code_stored_only_as_hash(backend: RunningBackend) -> None:
    email = unique_email()
    code = code_in(send_code(backend, email))

    with connect_db(backend) as conn:
        row = conn.execute(
            "select token_hash from auth.one_time_tokens where relates_to = %s", (email,)
        ).fetchone()

    assert row is not None
    assert code not in row[0]


def test_verify_token_hash_signs_in(backend: RunningBackend) -> None:
    email = unique_email()
    token_hash = link_token(link_in(send_code(backend, email)))

    response = new_client(backend).auth.verify_otp({"token_hash": token_hash, "type": "signup"})

    assert response.session is not None


def test_verify_token_hash_of_wrong_type_fails(backend: RunningBackend) -> None:
    email = unique_email()
    token_hash = link_token(link_in(send_code(backend, email)))

    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.verify_otp({"token_hash": token_hash, "type": "recovery"})

    assert raised.value.code == "otp_expired"


def test_verify_link_implicit_redirects_with_tokens(backend: RunningBackend) -> None:
    link = send_implicit_link(backend, unique_email())

    response = httpx.get(link)

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == APP_URL
    fragment = parse_qs(location.fragment)
    assert fragment["token_type"] == ["bearer"]
    assert fragment["type"] == ["signup"]
    assert new_client(backend).auth.get_user(fragment["access_token"][0]) is not None


def test_verify_link_pkce_redirects_with_code(backend: RunningBackend) -> None:
    email = unique_email()
    client = new_client(backend)
    client.auth.sign_in_with_otp({"email": email, "options": {"email_redirect_to": APP_URL}})
    link = link_in(latest_message(backend, email))
    assert link_token(link).startswith("pkce_")

    response = httpx.get(link)

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/callback"
    code = parse_qs(location.query)["code"][0]
    session = client.auth.exchange_code_for_session({"auth_code": code}).session
    assert session is not None
    assert session.user.email == email


def test_verify_link_used_twice_redirects_with_error(backend: RunningBackend) -> None:
    link = send_implicit_link(backend, unique_email())
    httpx.get(link)

    response = httpx.get(link)

    assert response.status_code == 303
    fragment = parse_qs(urlsplit(response.headers["location"]).fragment)
    assert fragment["error"] == ["access_denied"]
    assert fragment["error_code"] == ["otp_expired"]
    assert "access_token" not in fragment


def test_verify_link_pkce_error_is_in_query(backend: RunningBackend) -> None:
    email = unique_email()
    new_client(backend).auth.sign_in_with_otp({"email": email, "options": {"email_redirect_to": APP_URL}})
    link = link_in(latest_message(backend, email))
    httpx.get(link)

    response = httpx.get(link)

    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error_code"] == ["otp_expired"]
    assert "code" not in query


def test_verify_link_unlisted_redirect_uses_site_url(backend: RunningBackend) -> None:
    link = send_implicit_link(backend, unique_email(), redirect_to="https://elsewhere.example/callback")

    response = httpx.get(link)

    assert response.headers["location"].startswith(f"{SITE_URL}#access_token=")


def test_verify_unsupported_type_fails(backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(backend).auth.verify_otp({"token_hash": "0" * 56, "type": "sms"})

    assert raised.value.status == 400
    assert raised.value.code == "validation_failed"


def test_otp_sign_up_disabled_rejects_new_email(closed_backend: RunningBackend) -> None:
    with pytest.raises(AuthApiError) as raised:
        new_client(closed_backend).auth.sign_in_with_otp({"email": unique_email()})

    assert raised.value.status == 422
    assert raised.value.code == "signup_disabled"


def test_otp_sign_up_disabled_still_signs_in_users(closed_backend: RunningBackend) -> None:
    client = new_client(closed_backend)
    client.auth.sign_in_with_otp({"email": "gina@example.com"})
    code = code_in(latest_message(closed_backend, "gina@example.com"))

    response = client.auth.verify_otp({"email": "gina@example.com", "token": code, "type": "email"})

    assert response.session is not None
