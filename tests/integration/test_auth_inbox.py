"""The local inbox at /inbox: every email the auth service would send, as a page and as JSON."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from tests.support.backend import RunningBackend
from tests.support.clients import new_client
from tests.support.inbox import code_in, latest_message, link_in, messages_to

PASSWORD = "correct-horse-battery"


def unique_email() -> str:
    return f"inbox-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="module")
def confirming_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    """A backend where sign-up emails a confirmation instead of confirming at once."""
    return backend_factory(extra_args=["--no-autoconfirm"])


def test_inbox_api_lists_otp_email(backend: RunningBackend) -> None:
    email = unique_email()
    new_client(backend).auth.sign_in_with_otp({"email": email})

    message = latest_message(backend, email)

    assert message["to"] == email
    assert message["subject"] == "Confirm your signup"
    assert message["created_at"]


def test_inbox_email_contains_code_and_link(backend: RunningBackend) -> None:
    email = unique_email()
    new_client(backend).auth.sign_in_with_otp({"email": email})

    message = latest_message(backend, email)

    assert len(code_in(message)) == 6
    assert link_in(message).startswith(f"{backend.api_url}/auth/v1/verify?token=")


def test_inbox_api_filters_by_recipient(backend: RunningBackend) -> None:
    first, second = unique_email(), unique_email()
    new_client(backend).auth.sign_in_with_otp({"email": first})
    new_client(backend).auth.sign_in_with_otp({"email": second})

    messages = messages_to(backend, first)

    assert [message["to"] for message in messages] == [first]


def test_inbox_api_lists_newest_first(backend: RunningBackend) -> None:
    email = unique_email()
    client = new_client(backend)
    client.auth.sign_in_with_otp({"email": email})
    client.auth.sign_in_with_otp({"email": email})

    messages = messages_to(backend, email)

    assert len(messages) == 2
    assert messages[0]["id"] > messages[1]["id"]


def test_inbox_page_shows_messages(backend: RunningBackend) -> None:
    email = unique_email()
    new_client(backend).auth.sign_in_with_otp({"email": email})

    response = httpx.get(f"{backend.api_url}/inbox/", params={"to": email})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert email in response.text
    assert "Confirm your signup" in response.text


def test_inbox_page_needs_no_api_key(backend: RunningBackend) -> None:
    response = httpx.get(f"{backend.api_url}/inbox", follow_redirects=True)

    assert response.status_code == 200


def test_password_reset_email_reaches_inbox(backend: RunningBackend) -> None:
    new_client(backend).auth.reset_password_for_email("dave@example.com")

    message = latest_message(backend, "dave@example.com")

    assert message["subject"] == "Reset your password"
    assert "type=recovery" in link_in(message)


def test_sign_up_without_autoconfirm_emails_confirmation(confirming_backend: RunningBackend) -> None:
    email = unique_email()

    response = new_client(confirming_backend).auth.sign_up({"email": email, "password": PASSWORD})

    assert response.session is None
    assert latest_message(confirming_backend, email)["subject"] == "Confirm your signup"


def test_sign_up_confirmation_code_signs_in(confirming_backend: RunningBackend) -> None:
    email = unique_email()
    client = new_client(confirming_backend)
    client.auth.sign_up({"email": email, "password": PASSWORD})
    code = code_in(latest_message(confirming_backend, email))

    response = client.auth.verify_otp({"email": email, "token": code, "type": "signup"})

    assert response.session is not None
    assert response.user is not None
    assert response.user.email_confirmed_at is not None
