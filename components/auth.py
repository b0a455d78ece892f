"""Sign-in (password, email code, OAuth code), on-demand token refresh and sign-out for one client."""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from typing import Any

import httpx
from supabase import Client
from supabase_auth.errors import AuthApiError, AuthError, AuthSessionMissingError
from supabase_auth.types import Session

from components.errors import (
    SessionEndedError,
    UserFacingError,
    auth_error_message,
    is_network_error,
    unreachable_message,
)
from components.login_store import LoginStore
from components.remembered_login import AuthSession, expires_soon, refresh_remembered
from components.session import REMEMBER_HANDLE, TOKEN_EXPIRES_AT, app_state, clear_app_state

__all__ = ["AuthSession"]

logger = logging.getLogger(__name__)

# Refresh when the access token expires within this many seconds, so a request started
# now does not reach the server with an expired token.
REFRESH_MARGIN_SECONDS = 60


def backend_url(client: Client) -> str:
    return str(client.supabase_url).rstrip("/")


def sign_in_with_password(client: Client, email: str, password: str) -> AuthSession:
    """Sign the client in. Raises UserFacingError with a plain message on any failure."""
    return _auth_session(password_session(client, email, password), email)


def password_session(client: Client, email: str, password: str) -> Session:
    """Sign the client in with a password and return the new session."""
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
    return response.session


def send_email_code(client: Client, email: str, create_user: bool) -> None:
    """Ask the server to email a one-time sign-in code to `email`."""
    email = email.strip()
    if not email:
        raise UserFacingError("Enter your email address.")

    try:
        client.auth.sign_in_with_otp({"email": email, "options": {"should_create_user": create_user}})
    except (AuthError, httpx.HTTPError) as exc:
        logger.info("sending a sign-in code failed: %s", getattr(exc, "code", type(exc).__name__))
        raise UserFacingError(auth_error_message(exc, backend_url(client))) from exc


def verify_email_code(client: Client, email: str, code: str) -> Session:
    """Sign the client in with the emailed code and return the new session."""
    email = email.strip()
    code = code.strip()
    if not email or not code:
        raise UserFacingError("Enter your email address and the code from the email.")

    try:
        response = client.auth.verify_otp({"email": email, "token": code, "type": "email"})
    except (AuthError, httpx.HTTPError) as exc:
        logger.info("a sign-in code was rejected: %s", getattr(exc, "code", type(exc).__name__))
        raise UserFacingError(auth_error_message(exc, backend_url(client))) from exc

    if response.session is None:
        raise UserFacingError("The code was accepted but no session came back. Ask for a new code.")
    return response.session


def exchange_oauth_code(client: Client, code: str, code_verifier: str) -> Session:
    """Finish an OAuth sign-in with the callback's code and the flow's PKCE verifier."""
    try:
        response = client.auth.exchange_code_for_session({"auth_code": code, "code_verifier": code_verifier})
    except (AuthError, httpx.HTTPError) as exc:
        logger.info("an OAuth code exchange failed: %s", getattr(exc, "code", type(exc).__name__))
        raise UserFacingError(auth_error_message(exc, backend_url(client))) from exc

    if response.session is None:
        raise UserFacingError("The sign-in finished without a session. Sign in again.")
    return response.session


def ensure_fresh_session(
    client: Client,
    margin_seconds: int = REFRESH_MARGIN_SECONDS,
    store: LoginStore | None = None,
    state: MutableMapping[str, Any] | None = None,
) -> None:
    """Refresh the access token when it expires within `margin_seconds`.

    With a remembered-login handle in the session state, the refresh uses the store's token
    under the handle's lock, so two tabs of one login never present the same refresh token.
    Raises SessionEndedError when there is no session or the server rejects the refresh,
    and UserFacingError when the server cannot be reached.
    """
    state = app_state(state)
    handle = state.get(REMEMBER_HANDLE)
    try:
        if handle is not None and store is not None:
            if expires_soon(state, margin_seconds):
                session = refresh_remembered(client, handle, store)
                if session is None:
                    raise SessionEndedError()
                state[TOKEN_EXPIRES_AT] = session.expires_at
            return

        session = client.auth.get_session()
        if session is None:
            raise SessionEndedError()
        if session.expires_at is not None and session.expires_at - time.time() < margin_seconds:
            session = client.auth.refresh_session().session or session
        state[TOKEN_EXPIRES_AT] = session.expires_at
    except AuthApiError as exc:
        logger.info("token refresh rejected (%s): the session has ended", exc.code)
        if handle is not None and store is not None:
            store.delete(handle)
        raise SessionEndedError() from exc
    except AuthSessionMissingError as exc:
        raise SessionEndedError() from exc
    except (AuthError, httpx.HTTPError) as exc:
        if is_network_error(exc):
            raise UserFacingError(unreachable_message(backend_url(client))) from exc
        raise UserFacingError(auth_error_message(exc, backend_url(client))) from exc


def sign_out(
    client: Client,
    state: MutableMapping[str, Any] | None = None,
    store: LoginStore | None = None,
    scope: str = "local",
) -> None:
    """Revoke the session at the server, forget its remembered handle, then clear the app's keys.

    `scope` "local" ends this session only, "global" every session of the user.

    The keys are cleared even when the server cannot be reached, because the local sign-out
    has already dropped the tokens from the client.
    """
    state = app_state(state)
    handle = state.get(REMEMBER_HANDLE)
    if handle is not None and store is not None:
        store.delete(handle)

    try:
        # supabase-py already treats 401, 403 and 404 as "already signed out".
        client.auth.sign_out({"scope": "global" if scope == "global" else "local"})
    except AuthSessionMissingError:
        pass
    except (AuthError, httpx.HTTPError) as exc:
        logger.warning(
            "sign-out could not revoke the session at %s: %s", backend_url(client), type(exc).__name__
        )

    clear_app_state(state)


def _auth_session(session: Session, email: str) -> AuthSession:
    return AuthSession(user_id=session.user.id, email=session.user.email or email.strip())
