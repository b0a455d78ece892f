"""Rate limits: emails per address per hour and sign-in or sign-up requests per IP address per 5 minutes.

The limits are off by default, and `limited_backend` turns them on with the CLI flags. Every test request
comes from 127.0.0.1, so the sign-in limit is counted for the whole module on that backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import new_client
from tests.support.inbox import messages_to

EMAILS_PER_HOUR = 2
SIGN_INS_PER_5_MINUTES = 3


def unique_email() -> str:
    return f"limits-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="module")
def limited_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    return backend_factory(
        extra_args=[
            f"--rate-limit-email-sent={EMAILS_PER_HOUR}",
            f"--rate-limit-sign-in={SIGN_INS_PER_5_MINUTES}",
        ]
    )


def test_email_rate_limit_rejects_extra_email(limited_backend: RunningBackend) -> None:
    client = new_client(limited_backend)
    for _ in range(EMAILS_PER_HOUR):
        client.auth.reset_password_for_email("alice@example.com")

    with pytest.raises(AuthApiError) as raised:
        client.auth.reset_password_for_email("alice@example.com")

    assert raised.value.status == 429
    assert raised.value.code == "over_email_send_rate_limit"
    assert len(messages_to(limited_backend, "alice@example.com")) == EMAILS_PER_HOUR


def test_email_rate_limit_counts_each_address(limited_backend: RunningBackend) -> None:
    client = new_client(limited_backend)
    for _ in range(EMAILS_PER_HOUR):
        client.auth.reset_password_for_email("bob@example.com")

    client.auth.reset_password_for_email("carol@example.com")

    assert len(messages_to(limited_backend, "carol@example.com")) == 1


def test_sign_in_rate_limit_rejects_requests(limited_backend: RunningBackend) -> None:
    # One test, because the count per IP address is shared by every request of this module.
    client = new_client(limited_backend)
    for _ in range(SIGN_INS_PER_5_MINUTES):
        client.auth.sign_in_with_password({"email": "dave@example.com", "password": "demo-password"})

    with pytest.raises(AuthApiError) as sign_in:
        client.auth.sign_in_with_password({"email": "dave@example.com", "password": "demo-password"})
    with pytest.raises(AuthApiError) as sign_up:
        client.auth.sign_up({"email": unique_email(), "password": "long-enough"})

    assert sign_in.value.status == 429
    assert sign_in.value.code == "over_request_rate_limit"
    assert sign_up.value.status == 429
    assert sign_up.value.code == "over_request_rate_limit"


def test_rate_limits_off_by_default(backend: RunningBackend) -> None:
    client = new_client(backend)
    for _ in range(EMAILS_PER_HOUR + 2):
        client.auth.reset_password_for_email("frank@example.com")

    assert len(messages_to(backend, "frank@example.com")) >= EMAILS_PER_HOUR + 2
