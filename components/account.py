"""The signed-in user's own account: display name and password."""

from __future__ import annotations

import logging

import httpx
from supabase import Client
from supabase_auth.errors import AuthError

from components.auth import backend_url
from components.errors import UserFacingError, auth_error_message

logger = logging.getLogger(__name__)

# supabase-py and the Supabase dashboard read the display name from this user_metadata key.
DISPLAY_NAME_KEY = "full_name"
MIN_PASSWORD_LENGTH = 6


def display_name(client: Client) -> str:
    """Return the display name stored in the user's metadata, or "" when none is set."""
    session = client.auth.get_session()
    if session is None:
        return ""
    value = (session.user.user_metadata or {}).get(DISPLAY_NAME_KEY)
    return value if isinstance(value, str) else ""


def set_display_name(client: Client, name: str) -> None:
    name = name.strip()
    if not name:
        raise UserFacingError("Enter a display name.")
    _update_user(client, {"data": {DISPLAY_NAME_KEY: name}})


def change_password(client: Client, new_password: str, repeated: str) -> None:
    if new_password != repeated:
        raise UserFacingError("The two passwords differ. Type the same new password twice.")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise UserFacingError(
            f"The new password is too short. Use at least {MIN_PASSWORD_LENGTH} characters."
        )
    _update_user(client, {"password": new_password})


def _update_user(client: Client, attributes: dict[str, object]) -> None:
    try:
        client.auth.update_user(attributes)  # type: ignore[arg-type]
    except (AuthError, httpx.HTTPError) as exc:
        logger.info("an account update failed: %s", getattr(exc, "code", type(exc).__name__))
        message = auth_error_message(exc, backend_url(client)).replace("Sign-in failed", "The update failed")
        raise UserFacingError(message) from exc
