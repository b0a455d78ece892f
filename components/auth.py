"""Email and password sign-in, on-demand token refresh and sign-out for one session's client."""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import httpx
from supabase import Client
from supabase_auth.errors import AuthApiError, AuthError, AuthSessionMissingError

from components.errors import (
    SessionEndedError,
    UserFacingError,
    auth_error_message,
    is_network_error,
    unreachable_message,
)
from components.session import clear_app_state

logger = logging.getLogger(__name__)

# Refresh when the access token expires within this many seconds, so a request started
# now does not reach the server with an expired token.
REFRESH_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class AuthSession:
    """The signed-in user of a session. The tokens stay inside the session's client."""

    user_id: str
    email: str


def backend_url(client: Client) -> str:
    return str(client.supabase_url).rstrip("/")


def sign_in_with_password(client: Client, email: str, password: str) -> AuthSession:
    """Sign the client in. Raises UserFacingError with a plain message on any failure."""
    email = email.strip()
    if not email or not password:
        raise UserFacingError("Enter your email and password.")

    try:
        response = client.auth.sign_in_with_password({"email": email, "password": password})
    except (AuthError, httpx.HTTPError) as exc:
        logger.info("sign-in failed for a user: %s", type(exc).__name__)
        raise UserFacingError(auth_error_message(exc, backend_url(client))) from exc

    if response.session is None or response.user is None:
        raise UserFacingError("Sign-in did not return a session. Confirm your email address, then try again.")
    return AuthSession(user_id=response.user.id, email=response.user.email or email)


def ensure_fresh_session(client: Client, margin_seconds: int = REFRESH_MARGIN_SECONDS) -> None:
    """Refresh the access token when it expires within `margin_seconds`.

    Raises SessionEndedError when there is no session or the server rejects the refresh,
    and UserFacingError when the server cannot be reached.
    """
    try:
        session = client.auth.get_session()
        if session is None:
            raise SessionEndedError()
        if session.expires_at is not None and session.expires_at - time.time() < margin_seconds:
            client.auth.refresh_session()
    except AuthApiError as exc:
        logger.info("token refresh rejected (%s): the session has ended", exc.code)
        raise SessionEndedError() from exc
    except AuthSessionMissingError as exc:
        raise SessionEndedError() from exc
    except (AuthError, httpx.HTTPError) as exc:
        if is_network_error(exc):
            raise UserFacingError(unreachable_message(backend_url(client))) from exc
        raise UserFacingError(auth_error_message(exc, backend_url(client))) from exc


def sign_out(client: Client, state: MutableMapping[str, Any] | None = None) -> None:
    """Revoke this session at the server, then clear the app's session keys.

    The keys are cleared even when the server cannot be reached, because the local sign-out
    has already dropped the tokens from the client.
    """
    try:
        # supabase-py already treats 401, 403 and 404 as "already signed out".
        client.auth.sign_out({"scope": "local"})
    except AuthSessionMissingError:
        pass
    except (AuthError, httpx.HTTPError) as exc:
        logger.warning(
            "sign-out could not revoke the session at %s: %s", backend_url(client), type(exc).__name__
        )

    clear_app_state(state)
