"""OAuth through the stand-in provider page and the PKCE grant: GET /authorize, GET /callback and
POST /token?grant_type=pkce, driven by supabase-py's sign_in_with_oauth and exchange_code_for_session.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from supabase import Client
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_client

APP_URL = "http://127.0.0.1:8501/callback"
SITE_URL = "http://127.0.0.1:3000"
ALICE_ID = "10000000-0000-4000-8000-000000000001"
FORM_ACTION = re.compile(r"<form method='get' action='([^']+)'>")
STATE = re.compile(r"name='state' value='([^']+)'")


def unique_email() -> str:
    return f"oauth-{uuid.uuid4().hex[:12]}@example.com"


def submit_stand_in_form(page: httpx.Response, **fields: str) -> httpx.Response:
    """Submit the stand-in provider's form as a browser would, without following the redirect."""
    action = FORM_ACTION.search(page.text)
    state = STATE.search(page.text)
    assert action is not None and state is not None, page.text
    return httpx.get(
        html.unescape(action.group(1)), params={"state": html.unescape(state.group(1)), **fields}
    )


def authorize_page(client: Client, provider: str = "github", redirect_to: str = APP_URL) -> httpx.Response:
    options = {"provider": provider, "options": {"redirect_to": redirect_to}}
    return httpx.get(client.auth.sign_in_with_oauth(options).url)  # type: ignore[arg-type]


def redirect_code(redirect: httpx.Response) -> str:
    """Return the auth code in the query of the callback's redirect."""
    assert redirect.status_code == 303, redirect.text
    return parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]


def oauth_code(client: Client, email: str, provider: str = "github") -> str:
    """Go through the stand-in page as `email` and return the auth code the redirect carries."""
    return redirect_code(submit_stand_in_form(authorize_page(client, provider), email=email))


def token_request(backend: RunningBackend, auth_code: str, code_verifier: str) -> httpx.Response:
    return httpx.post(
        f"{backend.api_url}/auth/v1/token",
        params={"grant_type": "pkce"},
        headers={"apikey": backend.anon_key, "X-Supabase-Api-Version": "2024-01-01"},
        json={"auth_code": auth_code, "code_verifier": code_verifier},
    )


@pytest.fixture(scope="module")
def strict_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    """Only GitHub, and only redirects to the site URL's host or to app.example.com."""
    return backend_factory(
        extra_args=[
            "--auth-providers=github",
            "--redirect-urls=https://app.example.com/**",
            "--site-url=https://dashboard.example.com",
        ]
    )


def test_oauth_code_exchange_returns_session(backend: RunningBackend) -> None:
    client = new_client(backend)
    email = unique_email()
    code = oauth_code(client, email)

    response = client.auth.exchange_code_for_session({"auth_code": code})

    assert response.session is not None
    assert response.session.user.email == email


def test_oauth_new_email_gets_provider_identity(backend: RunningBackend) -> None:
    client = new_client(backend)
    code = oauth_code(client, unique_email())

    user = client.auth.exchange_code_for_session({"auth_code": code}).user

    assert user is not None
    assert [identity.provider for identity in user.identities or []] == ["github"]
    assert user.app_metadata["provider"] == "github"
    assert user.email_confirmed_at is not None


def test_oauth_existing_email_signs_in_that_user(backend: RunningBackend) -> None:
    client = new_client(backend)
    code = oauth_code(client, "alice@example.com", provider="google")

    user = client.auth.exchange_code_for_session({"auth_code": code}).user

    assert user is not None
    assert user.id == ALICE_ID
    assert "google" in user.app_metadata["providers"]


def test_oauth_verifier_works_in_new_client(backend: RunningBackend) -> None:
    client = new_client(backend)
    code = oauth_code(client, unique_email())
    verifier = client.auth._storage.get_item("supabase.auth.token-code-verifier")
    assert verifier is not None

    response = new_client(backend).auth.exchange_code_for_session(
        {"auth_code": code, "code_verifier": verifier}
    )

    assert response.session is not None


def test_oauth_code_reuse_fails(backend: RunningBackend) -> None:
    client = new_client(backend)
    code = oauth_code(client, unique_email())
    verifier = client.auth._storage.get_item("supabase.auth.token-code-verifier")
    assert verifier is not None
    client.auth.exchange_code_for_session({"auth_code": code, "code_verifier": verifier})

    with pytest.raises(AuthApiError) as raised:
        client.auth.exchange_code_for_session({"auth_code": code, "code_verifier": verifier})

    assert raised.value.status == 404
    assert raised.value.code == "flow_state_not_found"


def test_oauth_expired_flow_state_fails(backend: RunningBackend) -> None:
    client = new_client(backend)
    code = oauth_code(client, unique_email())
    with connect_db(backend) as conn:
        conn.execute(
            "update auth.flow_state set created_at = created_at - interval '301 seconds'"
            " where auth_code = %s",
            (code,),
        )

    with pytest.raises(AuthApiError) as raised:
        client.auth.exchange_code_for_session({"auth_code": code})

    assert raised.value.status == 422
    assert raised.value.code == "flow_state_expired"


def test_oauth_wrong_verifier_fails(backend: RunningBackend) -> None:
    client = new_client(backend)
    code = oauth_code(client, unique_email())

    with pytest.raises(AuthApiError) as raised:
        client.auth.exchange_code_for_session({"auth_code": code, "code_verifier": "x" * 64})

    assert raised.value.status == 400
    assert raised.value.code == "bad_code_verifier"


def test_pkce_grant_empty_verifier_fails(backend: RunningBackend) -> None:
    code = oauth_code(new_client(backend), unique_email())

    response = token_request(backend, code, "")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"


def test_pkce_grant_unknown_code_fails(backend: RunningBackend) -> None:
    response = token_request(backend, str(uuid.uuid4()), "x" * 64)

    assert response.status_code == 404
    assert response.json()["code"] == "flow_state_not_found"


def test_two_oauth_sign_ins_finished_in_reverse_order(backend: RunningBackend) -> None:
    first_client, second_client = new_client(backend), new_client(backend)
    first_email, second_email = unique_email(), unique_email()
    first_page = authorize_page(first_client)
    second_page = authorize_page(second_client)

    second_code = redirect_code(submit_stand_in_form(second_page, email=second_email))
    first_code = redirect_code(submit_stand_in_form(first_page, email=first_email))
    second_user = second_client.auth.exchange_code_for_session({"auth_code": second_code}).user
    first_user = first_client.auth.exchange_code_for_session({"auth_code": first_code}).user

    assert first_user is not None and first_user.email == first_email
    assert second_user is not None and second_user.email == second_email


def test_authorize_page_lists_demo_users(backend: RunningBackend) -> None:
    page = authorize_page(new_client(backend))

    assert page.status_code == 200
    assert "Continue as" in page.text
    assert "alice@example.com" in page.text
    assert "name='email'" in page.text


def test_authorize_unknown_provider_fails(backend: RunningBackend) -> None:
    response = httpx.get(f"{backend.api_url}/auth/v1/authorize", params={"provider": "gitlab"})

    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_failed"
    assert response.json()["msg"] == "Unsupported provider: Provider gitlab could not be found"


def test_authorize_unlisted_redirect_uses_site_url(backend: RunningBackend) -> None:
    page = authorize_page(new_client(backend), redirect_to="https://elsewhere.example/callback")

    redirect = submit_stand_in_form(page, email=unique_email())

    assert redirect.headers["location"].startswith(f"{SITE_URL}?code=")


def test_callback_forged_state_fails(backend: RunningBackend) -> None:
    response = httpx.get(
        f"{backend.api_url}/auth/v1/callback", params={"state": "not-a-state", "email": unique_email()}
    )

    assert response.status_code == 400
    assert response.json()["error_code"] == "bad_oauth_state"


def test_callback_replayed_state_fails(backend: RunningBackend) -> None:
    page = authorize_page(new_client(backend))
    submit_stand_in_form(page, email=unique_email())

    replay = submit_stand_in_form(page, email=unique_email())

    query = parse_qs(urlsplit(replay.headers["location"]).query)
    assert query["error_code"] == ["flow_state_not_found"]
    assert "code" not in query


def test_callback_cancel_redirects_with_error(backend: RunningBackend) -> None:
    page = authorize_page(new_client(backend))

    redirect = submit_stand_in_form(page, error="access_denied")

    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["error"] == ["access_denied"]


def test_oauth_implicit_flow_returns_tokens_in_fragment(backend: RunningBackend) -> None:
    page = httpx.get(
        f"{backend.api_url}/auth/v1/authorize", params={"provider": "github", "redirect_to": APP_URL}
    )

    redirect = submit_stand_in_form(page, email=unique_email())

    fragment = parse_qs(urlsplit(redirect.headers["location"]).fragment)
    assert fragment["token_type"] == ["bearer"]
    assert fragment["access_token"]


def test_provider_not_enabled_fails(strict_backend: RunningBackend) -> None:
    response = httpx.get(f"{strict_backend.api_url}/auth/v1/authorize", params={"provider": "google"})

    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_failed"


def test_allow_list_pattern_accepts_matching_redirect(strict_backend: RunningBackend) -> None:
    page = authorize_page(new_client(strict_backend), redirect_to="https://app.example.com/auth/callback")

    redirect = submit_stand_in_form(page, email=unique_email())

    assert redirect.headers["location"].startswith("https://app.example.com/auth/callback?code=")


def test_allow_list_without_loopback_rejects_loopback(strict_backend: RunningBackend) -> None:
    page = authorize_page(new_client(strict_backend), redirect_to=APP_URL)

    redirect = submit_stand_in_form(page, email=unique_email())

    assert redirect.headers["location"].startswith("https://dashboard.example.com?code=")


def test_allow_list_accepts_site_url_host(strict_backend: RunningBackend) -> None:
    page = authorize_page(new_client(strict_backend), redirect_to="https://dashboard.example.com/orders")

    redirect = submit_stand_in_form(page, email=unique_email())

    assert redirect.headers["location"].startswith("https://dashboard.example.com/orders?code=")
