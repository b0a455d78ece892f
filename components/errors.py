"""Plain messages for the errors that Supabase calls raise, saying what failed and what to do."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from postgrest.exceptions import APIError
from supabase_auth.errors import AuthApiError, AuthError, AuthRetryableError

AUTH_MESSAGES = {
    "invalid_credentials": "Wrong email or password.",
    "email_not_confirmed": (
        "This email address is not confirmed yet. Open the link in the confirmation email, then sign in."
    ),
    "over_request_rate_limit": "Too many sign-in attempts. Wait a minute, then try again.",
    "user_banned": "This account is blocked. Ask a team admin.",
    "otp_expired": "That code is wrong or has expired. Ask for a new code.",
    "otp_disabled": "No account uses this email address. Ask a team admin to invite you.",
    "over_email_send_rate_limit": (
        "Too many emails were sent to this address. Wait a few minutes, then try again."
    ),
    "flow_state_not_found": "This sign-in link was already used or is unknown. Sign in again.",
    "flow_state_expired": "This sign-in link has expired. Sign in again.",
    "bad_code_verifier": "This sign-in link does not belong to this sign-in. Sign in again.",
    "same_password": "The new password must differ from the current one.",
    "weak_password": "The new password is too short. Use at least 6 characters.",
}
SESSION_ENDED = "Your session ended. Sign in again."
# PostgREST codes for a missing, invalid or expired JWT.
JWT_ERROR_CODES = frozenset({"PGRST301", "PGRST302", "PGRST303"})


class UserFacingError(Exception):
    """An error whose message is written for the person using the app."""


class SessionEndedError(UserFacingError):
    """The session can no longer be refreshed, so the user has to sign in again."""

    def __init__(self) -> None:
        super().__init__(SESSION_ENDED)


def unreachable_message(backend_url: str) -> str:
    return (
        f"The Supabase API at {backend_url} is unreachable. Check that the server is running "
        "and that SUPABASE_URL is right, then try again."
    )


def is_network_error(exc: BaseException) -> bool:
    """True for a failure to reach the server, as opposed to an error response from it."""
    # supabase_auth wraps transport failures in AuthRetryableError with status 0.
    if isinstance(exc, AuthRetryableError) and exc.status == 0:
        return True
    return isinstance(exc, httpx.TransportError)


def auth_error_message(exc: Exception, backend_url: str) -> str:
    """Return the sign-in error as a sentence for the user."""
    if is_network_error(exc):
        return unreachable_message(backend_url)

    if isinstance(exc, AuthRetryableError):
        return f"The Supabase API at {backend_url} is unavailable (HTTP {exc.status}). Try again in a minute."

    if isinstance(exc, AuthApiError):
        if exc.code in AUTH_MESSAGES:
            return AUTH_MESSAGES[exc.code]
        return f"Sign-in failed: {exc.message}"

    if isinstance(exc, AuthError):
        return f"Sign-in failed because the server sent an unexpected response: {exc.message}"

    return f"Sign-in failed: {type(exc).__name__}."


def data_error_message(exc: Exception, backend_url: str) -> str:
    """Return a failed table request as a sentence for the user."""
    if is_network_error(exc):
        return unreachable_message(backend_url)

    if isinstance(exc, APIError):
        if exc.code in JWT_ERROR_CODES:
            return SESSION_ENDED
        if exc.code == "42501":
            return "You do not have permission to do this in this team."
        return f"The request failed: {exc.message or exc.code or 'no reason given'}."

    return f"The request failed: {type(exc).__name__}."


@dataclass(frozen=True)
class AppProblem:
    """Why the app cannot show its pages, for the set-up page: a short title and what to do."""

    title: str
    message: str
