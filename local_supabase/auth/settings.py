"""Auth settings that the backend-wide configuration does not carry, read from LOCAL_SUPABASE_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# The Supabase CLI's defaults (supabase/config.toml): minimum_password_length = 6 and
# refresh_token_reuse_interval = 10.
DEFAULT_PASSWORD_MIN_LENGTH = 6
DEFAULT_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 10
# GoTrue's default GOTRUE_JWT_ADMIN_ROLES: tokens with these role claims may call /admin/*.
DEFAULT_ADMIN_ROLES = frozenset({"service_role", "supabase_admin"})

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class AuthSettings:
    """Rules of the auth service for sign-ups, passwords and refresh tokens."""

    # LOCAL_SUPABASE_SIGNUP_ENABLED: when false, POST /signup fails with 422 signup_disabled.
    signup_enabled: bool = field(default_factory=lambda: env_flag("LOCAL_SUPABASE_SIGNUP_ENABLED", True))
    # LOCAL_SUPABASE_AUTOCONFIRM: when true, sign-up confirms the email at once and returns a session.
    autoconfirm: bool = field(default_factory=lambda: env_flag("LOCAL_SUPABASE_AUTOCONFIRM", True))
    password_min_length: int = DEFAULT_PASSWORD_MIN_LENGTH
    # How long a rotated refresh token may still be presented, for clients that lost the last response.
    refresh_token_reuse_interval_seconds: int = DEFAULT_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS
    admin_roles: frozenset[str] = DEFAULT_ADMIN_ROLES
