"""Rules of the auth service, from the backend configuration (CLI flags and LOCAL_SUPABASE_* variables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import (
    DEFAULT_AUTH_PROVIDERS,
    DEFAULT_OTP_EXPIRY_SECONDS,
    DEFAULT_REDIRECT_URLS,
    DEFAULT_SITE_URL,
    BackendConfig,
    env_flag,
)

__all__ = ["AuthSettings", "env_flag"]

# The Supabase CLI's defaults (supabase/config.toml): minimum_password_length = 6 and
# refresh_token_reuse_interval = 10.
DEFAULT_PASSWORD_MIN_LENGTH = 6
DEFAULT_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 10
# GoTrue's default GOTRUE_JWT_ADMIN_ROLES: tokens with these role claims may call /admin/*.
DEFAULT_ADMIN_ROLES = frozenset({"service_role", "supabase_admin"})
# GoTrue's GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION default: a PKCE auth code works for 5 minutes.
DEFAULT_FLOW_STATE_EXPIRY_SECONDS = 300


@dataclass(frozen=True)
class AuthSettings:
    """Rules of the auth service for sign-ups, passwords, refresh tokens, emails and redirects."""

    # When false, POST /signup and new users through /otp and OAuth fail with 422 signup_disabled.
    signup_enabled: bool = field(default_factory=lambda: env_flag("LOCAL_SUPABASE_SIGNUP_ENABLED", True))
    # When true, sign-up confirms the email at once and returns a session.
    autoconfirm: bool = field(default_factory=lambda: env_flag("LOCAL_SUPABASE_AUTOCONFIRM", True))
    password_min_length: int = DEFAULT_PASSWORD_MIN_LENGTH
    # How long a rotated refresh token may still be presented, for clients that lost the last response.
    refresh_token_reuse_interval_seconds: int = DEFAULT_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS
    admin_roles: frozenset[str] = DEFAULT_ADMIN_ROLES
    site_url: str = DEFAULT_SITE_URL
    redirect_urls: tuple[str, ...] = DEFAULT_REDIRECT_URLS
    otp_expiry_seconds: int = DEFAULT_OTP_EXPIRY_SECONDS
    flow_state_expiry_seconds: int = DEFAULT_FLOW_STATE_EXPIRY_SECONDS
    providers: tuple[str, ...] = DEFAULT_AUTH_PROVIDERS
    # 0 turns a limit off.
    emails_per_address_per_hour: int = 0
    sign_ins_per_ip_per_5_minutes: int = 0

    @classmethod
    def from_config(cls, config: BackendConfig) -> AuthSettings:
        return cls(
            signup_enabled=config.signup_enabled,
            autoconfirm=config.autoconfirm,
            site_url=config.site_url,
            redirect_urls=config.redirect_urls,
            otp_expiry_seconds=config.otp_expiry_seconds,
            providers=tuple(provider.lower() for provider in config.auth_providers),
            emails_per_address_per_hour=config.email_rate_limit,
            sign_ins_per_ip_per_5_minutes=config.sign_in_rate_limit,
        )
