"""Typed settings read from st.secrets first, then the environment, under the same names."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from cryptography.fernet import Fernet
from streamlit.errors import StreamlitSecretNotFoundError

logger = logging.getLogger(__name__)

WHERE_TO_SET = ".streamlit/secrets.toml or as an environment variable"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})
SESSION_STORES = ("memory", "database")
DEFAULT_REMEMBER_LOGIN_DAYS = 14
# SUPABASE_URL hosts of a backend on this machine, which keep the in-memory store by default.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class SettingError(ValueError):
    """A setting is missing or invalid. The message names it and where to set it."""


class Secret:
    """A secret string whose repr and str hide the value, so logs and tracebacks never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """The app's settings. None means unset."""

    supabase_url: str | None = None
    supabase_key: Secret | None = None
    service_role_key: Secret | None = None
    local_backend_allowed: bool = False
    # The app's public address for OAuth redirects. None means the browser's address (st.context.url).
    app_url: str | None = None
    # OAuth providers to offer. None means unset, so the local backend's stand-ins are offered.
    auth_providers: tuple[str, ...] | None = None
    auth_signup_enabled: bool = False
    # "memory" keeps remembered logins in this process, "database" in the project for every replica.
    session_store: str = "memory"
    remember_login_days: int = DEFAULT_REMEMBER_LOGIN_DAYS
    # A Fernet key for the refresh tokens in the remembered-login store. None means one key per process.
    session_encryption_key: Secret | None = None

    @property
    def supabase_configured(self) -> bool:
        return self.supabase_url is not None and self.supabase_key is not None

    def missing_supabase_settings(self) -> list[str]:
        """Names of the two connection settings that are unset, in documentation order."""
        missing = []
        if self.supabase_url is None:
            missing.append("SUPABASE_URL")
        if self.supabase_key is None:
            missing.append("SUPABASE_KEY")
        return missing

    def require_service_role_key(self) -> Secret:
        if self.service_role_key is None:
            raise SettingError(missing_message("SUPABASE_SERVICE_ROLE_KEY"))
        return self.service_role_key


def missing_message(name: str) -> str:
    return f"{name} is missing. Set it in {WHERE_TO_SET}."


def read_streamlit_secrets() -> Mapping[str, Any]:
    """Return st.secrets as a plain dict, or an empty one when no secrets.toml exists."""
    # Reading st.secrets when no file exists raises instead of returning nothing.
    # st.secrets is looked up at call time because AppTest replaces it on the module.
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        logger.debug("no secrets file: %s", exc)
        return {}


def load_settings(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build the settings from secrets first, then the environment.

    A `[connections.supabase]` table with `url` and `key` is read after the top-level
    SUPABASE_URL and SUPABASE_KEY secrets and before the environment. Empty strings count
    as unset. Raises SettingError when only one of SUPABASE_URL and SUPABASE_KEY is set,
    because the app then cannot tell whether the local backend was meant.
    """
    if secrets is None:
        secrets = read_streamlit_secrets()
    if environ is None:
        environ = os.environ

    connection = _connection_table(secrets)
    url = _first_text(
        ("SUPABASE_URL", secrets.get("SUPABASE_URL")),
        ("[connections.supabase] url", connection.get("url")),
        ("SUPABASE_URL", environ.get("SUPABASE_URL")),
    )
    key = _first_text(
        ("SUPABASE_KEY", secrets.get("SUPABASE_KEY")),
        ("[connections.supabase] key", connection.get("key")),
        ("SUPABASE_KEY", environ.get("SUPABASE_KEY")),
    )
    service_role_key = _first_text(
        ("SUPABASE_SERVICE_ROLE_KEY", secrets.get("SUPABASE_SERVICE_ROLE_KEY")),
        ("SUPABASE_SERVICE_ROLE_KEY", environ.get("SUPABASE_SERVICE_ROLE_KEY")),
    )
    local_backend = secrets.get("LOCAL_BACKEND", environ.get("LOCAL_BACKEND"))
    app_url = _first_text(("APP_URL", secrets.get("APP_URL")), ("APP_URL", environ.get("APP_URL")))
    encryption_key = _first_text(
        ("SESSION_ENCRYPTION_KEY", secrets.get("SESSION_ENCRYPTION_KEY")),
        ("SESSION_ENCRYPTION_KEY", environ.get("SESSION_ENCRYPTION_KEY")),
    )

    settings = Settings(
        supabase_url=url.rstrip("/") if url else None,
        supabase_key=Secret(key) if key else None,
        service_role_key=Secret(service_role_key) if service_role_key else None,
        local_backend_allowed=_parse_flag("LOCAL_BACKEND", local_backend),
        app_url=app_url.rstrip("/") if app_url else None,
        auth_providers=_parse_providers(secrets.get("AUTH_PROVIDERS", environ.get("AUTH_PROVIDERS"))),
        auth_signup_enabled=_parse_flag(
            "AUTH_SIGNUP_ENABLED", secrets.get("AUTH_SIGNUP_ENABLED", environ.get("AUTH_SIGNUP_ENABLED"))
        ),
        session_store=_parse_session_store(
            secrets.get("SESSION_STORE", environ.get("SESSION_STORE")), hosted=is_hosted_url(url)
        ),
        remember_login_days=_parse_days(
            "REMEMBER_LOGIN_DAYS", secrets.get("REMEMBER_LOGIN_DAYS", environ.get("REMEMBER_LOGIN_DAYS"))
        ),
        session_encryption_key=_parse_fernet_key(encryption_key),
    )

    if url and not key:
        raise SettingError(f"SUPABASE_KEY is missing while SUPABASE_URL is set. Set it in {WHERE_TO_SET}.")
    if key and not url:
        raise SettingError(f"SUPABASE_URL is missing while SUPABASE_KEY is set. Set it in {WHERE_TO_SET}.")
    _check_database_store(settings)
    return settings


def _connection_table(secrets: Mapping[str, Any]) -> Mapping[str, Any]:
    connections = secrets.get("connections")
    if not isinstance(connections, Mapping):
        return {}
    table = connections.get("supabase")
    return table if isinstance(table, Mapping) else {}


def _first_text(*candidates: tuple[str, Any]) -> str | None:
    """Return the first candidate that is a non-empty string once stripped."""
    for name, value in candidates:
        if value is None:
            continue
        if not isinstance(value, str):
            raise SettingError(
                f"{name} must be a string, got {type(value).__name__}. Fix it in {WHERE_TO_SET}."
            )
        if value.strip():
            return value.strip()
    return None


def _parse_flag(name: str, value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(f"{name} must be 1 or 0, got {str(value)!r}. Fix it in {WHERE_TO_SET}.")


def _parse_providers(value: Any) -> tuple[str, ...] | None:
    """Read AUTH_PROVIDERS from a TOML list or a comma-separated string such as "github,google"."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise SettingError(
            f'AUTH_PROVIDERS must be a list of provider names such as ["github"]. Fix it in {WHERE_TO_SET}.'
        )
    return tuple(item.strip().lower() for item in value if item.strip())


def is_hosted_url(url: str | None) -> bool:
    """Return whether `url` is a project on another machine, not a backend on this one (loopback)."""
    if url is None:
        return False
    host = urlsplit(url).hostname or ""
    return host not in LOOPBACK_HOSTS


def _parse_session_store(value: Any, hosted: bool) -> str:
    """Read SESSION_STORE. Unset means "database" for a hosted project and "memory" for the local backend."""
    if value is None or str(value).strip() == "":
        return "database" if hosted else "memory"

    word = str(value).strip().lower()
    if word not in SESSION_STORES:
        raise SettingError(
            f'SESSION_STORE must be "memory" or "database", got {word!r}. Fix it in {WHERE_TO_SET}.'
        )
    return word


def _check_database_store(settings: Settings) -> None:
    """Raise SettingError when the database store lacks the settings every replica must share."""
    if settings.session_store != "database":
        return
    if settings.supabase_url is None:
        raise SettingError(
            f'SESSION_STORE = "database" needs SUPABASE_URL and SUPABASE_KEY. Set them in {WHERE_TO_SET}, '
            'or set SESSION_STORE = "memory" for the local backend.'
        )
    if settings.session_encryption_key is None:
        raise SettingError(
            'SESSION_ENCRYPTION_KEY is missing, and SESSION_STORE = "database" needs it because every app '
            "replica must decrypt the same stored tokens. Make one with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
            f'and set it in {WHERE_TO_SET}, or set SESSION_STORE = "memory" to run one replica.'
        )


def _parse_days(name: str, value: Any) -> int:
    if value is None or value == "":
        return DEFAULT_REMEMBER_LOGIN_DAYS
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if days < 1:
        raise SettingError(f"{name} must be a whole number of days, 1 or more. Fix it in {WHERE_TO_SET}.")
    return days


def _parse_fernet_key(value: str | None) -> Secret | None:
    if value is None:
        return None
    try:
        Fernet(value.encode())
    except ValueError:
        raise SettingError(
            "SESSION_ENCRYPTION_KEY must be a Fernet key: 32 bytes in URL-safe base64. Make one with "
            "cryptography.fernet.Fernet.generate_key() and set it in " + WHERE_TO_SET + "."
        ) from None
    return Secret(value)
