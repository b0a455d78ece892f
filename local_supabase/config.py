"""Settings of one local backend instance, from CLI flags and LOCAL_SUPABASE_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 54321
DEFAULT_MAX_ROWS = 1000
# Maximum request target (path and query) accepted, in bytes. Kong, the gateway in front of hosted Supabase,
# runs on nginx, whose default `large_client_header_buffers 4 8k` rejects a longer request line with 414.
# NOTE: an estimate, because hosted Supabase does not publish its own limit.
DEFAULT_MAX_URL_LENGTH = 8192
DEFAULT_SCHEMAS = ("public",)
DEFAULT_JWT_EXPIRY_SECONDS = 3600
# The Supabase CLI's defaults: site_url, otp_expiry (seconds).
DEFAULT_SITE_URL = "http://127.0.0.1:3000"
DEFAULT_OTP_EXPIRY_SECONDS = 3600
# Redirect patterns allowed besides the site URL: any port and path on a loopback host.
DEFAULT_REDIRECT_URLS = (
    "http://localhost:*",
    "http://localhost:*/**",
    "http://127.0.0.1:*",
    "http://127.0.0.1:*/**",
    "http://[::1]:*",
    "http://[::1]:*/**",
)
# OAuth providers that the stand-in provider page accepts.
DEFAULT_AUTH_PROVIDERS = ("github", "google")

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def split_list(raw: str) -> tuple[str, ...]:
    """Split a comma-separated setting into its non-empty items."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    return default if raw is None else split_list(raw)


@dataclass(frozen=True)
class BackendConfig:
    """Settings of one backend: its state folder, project, port and API limits."""

    data_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("LOCAL_SUPABASE_DATA_DIR", ".local_supabase"))
    )
    project_dir: Path = field(default_factory=lambda: Path(os.environ.get("LOCAL_SUPABASE_PROJECT_DIR", ".")))
    host: str = "127.0.0.1"
    port: int = field(default_factory=lambda: _env_int("LOCAL_SUPABASE_PORT", DEFAULT_PORT))
    max_rows: int = field(default_factory=lambda: _env_int("LOCAL_SUPABASE_MAX_ROWS", DEFAULT_MAX_ROWS))
    jwt_expiry_seconds: int = field(
        default_factory=lambda: _env_int("LOCAL_SUPABASE_JWT_EXPIRY", DEFAULT_JWT_EXPIRY_SECONDS)
    )
    # An existing PostgreSQL server to use instead of the embedded one.
    database_url: str | None = field(default_factory=lambda: os.environ.get("LOCAL_SUPABASE_DB_URL") or None)
    # Schemas the REST API serves, as PostgREST's db-schemas: the first is the default one.
    exposed_schemas: tuple[str, ...] = field(
        default_factory=lambda: _env_list("LOCAL_SUPABASE_SCHEMAS", DEFAULT_SCHEMAS) or DEFAULT_SCHEMAS
    )
    max_url_length: int = field(
        default_factory=lambda: _env_int("LOCAL_SUPABASE_MAX_URL_LENGTH", DEFAULT_MAX_URL_LENGTH)
    )

    # Auth: where email links and OAuth redirects may lead, and who may sign up.
    site_url: str = field(
        default_factory=lambda: os.environ.get("LOCAL_SUPABASE_SITE_URL") or DEFAULT_SITE_URL
    )
    # Glob patterns as GoTrue's uri_allow_list takes them: `*` stops at `.` and `/`, `**` does not.
    redirect_urls: tuple[str, ...] = field(
        default_factory=lambda: _env_list("LOCAL_SUPABASE_REDIRECT_URLS", DEFAULT_REDIRECT_URLS)
    )
    otp_expiry_seconds: int = field(
        default_factory=lambda: _env_int("LOCAL_SUPABASE_OTP_EXPIRY", DEFAULT_OTP_EXPIRY_SECONDS)
    )
    auth_providers: tuple[str, ...] = field(
        default_factory=lambda: _env_list("LOCAL_SUPABASE_AUTH_PROVIDERS", DEFAULT_AUTH_PROVIDERS)
    )
    autoconfirm: bool = field(default_factory=lambda: env_flag("LOCAL_SUPABASE_AUTOCONFIRM", True))
    signup_enabled: bool = field(default_factory=lambda: env_flag("LOCAL_SUPABASE_SIGNUP_ENABLED", True))
    # Emails per address per hour, and sign-in or sign-up requests per IP address per 5 minutes.
    # 0 turns a limit off.
    email_rate_limit: int = field(default_factory=lambda: _env_int("LOCAL_SUPABASE_RATE_LIMIT_EMAIL_SENT", 0))
    sign_in_rate_limit: int = field(default_factory=lambda: _env_int("LOCAL_SUPABASE_RATE_LIMIT_SIGN_IN", 0))

    @property
    def migrations_dir(self) -> Path:
        return self.project_dir / "supabase" / "migrations"

    @property
    def seed_file(self) -> Path:
        return self.project_dir / "supabase" / "seed.sql"
