"""Checks on the PKCE parameters (RFC 7636) that supabase-py sends with sign-ups, as GoTrue applies them."""

from __future__ import annotations

import re

from .errors import AuthError

MIN_CODE_CHALLENGE_LENGTH = 43
MAX_CODE_CHALLENGE_LENGTH = 128
CODE_CHALLENGE = re.compile(r"^[a-zA-Z._~0-9-]+$")
CODE_CHALLENGE_METHODS = frozenset({"s256", "plain"})


def validate_pkce_params(method: str, challenge: str) -> None:
    """Accept both parameters empty or both valid; the method is compared without regard to case."""
    if bool(method) != bool(challenge):
        raise AuthError(
            400, "validation_failed", "PKCE flow requires code_challenge_method and code_challenge"
        )
    if not challenge:
        return

    if not MIN_CODE_CHALLENGE_LENGTH <= len(challenge) <= MAX_CODE_CHALLENGE_LENGTH:
        raise AuthError(
            400,
            "validation_failed",
            f"code challenge has to be between {MIN_CODE_CHALLENGE_LENGTH} and {MAX_CODE_CHALLENGE_LENGTH}"
            " characters",
        )
    if CODE_CHALLENGE.match(challenge) is None:
        raise AuthError(
            400,
            "validation_failed",
            "code challenge can only contain alphanumeric characters, hyphens, periods, underscores"
            " and tildes",
        )
    if method.lower() not in CODE_CHALLENGE_METHODS:
        raise AuthError(
            400, "validation_failed", f"code challenge method {method!r} is not supported, use s256 or plain"
        )
