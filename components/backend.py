"""The choice between a configured Supabase project and the local backend.

With SUPABASE_URL and SUPABASE_KEY set, the app always uses that project. Without them it starts
the local backend only when it is served on loopback or LOCAL_BACKEND=1, so a misconfigured
deployment shows a set-up page instead of demo data.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from components.local_backend import LocalBackendError, ensure_local_backend
from components.settings import Secret, Settings


@dataclass(frozen=True)
class BackendTarget:
    """The Supabase API the app talks to."""

    url: str
    key: Secret
    is_local: bool


@dataclass(frozen=True)
class BackendDecision:
    """The backend choice: a configured project, the local backend, or none until set-up is done."""

    target: BackendTarget | None
    use_local: bool
    missing_settings: tuple[str, ...] = ()


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_served_on_loopback(server_address: str | None, browser_url: str | None) -> bool:
    """Return True when the app is served on a loopback address.

    A set `server.address` decides alone. When it is unset, Streamlit listens on every
    interface, so the host in the browser's address bar decides.
    """
    if server_address:
        return is_loopback_host(server_address)
    if not browser_url:
        return False
    return is_loopback_host(urlsplit(browser_url).hostname)


def decide_backend(settings: Settings, served_on_loopback: bool) -> BackendDecision:
    if settings.supabase_url is not None and settings.supabase_key is not None:
        target = BackendTarget(url=settings.supabase_url, key=settings.supabase_key, is_local=False)
        return BackendDecision(target=target, use_local=False)

    if served_on_loopback or settings.local_backend_allowed:
        return BackendDecision(target=None, use_local=True)

    return BackendDecision(
        target=None, use_local=False, missing_settings=tuple(settings.missing_supabase_settings())
    )


def resolve_target(decision: BackendDecision) -> BackendTarget:
    """Return the configured target, or start the local backend and return it as the target."""
    if decision.target is not None:
        return decision.target
    if not decision.use_local:
        raise LocalBackendError(
            "No Supabase project is configured and the local backend is not allowed here."
        )

    info = ensure_local_backend()
    return BackendTarget(url=info.api_url, key=info.anon_key, is_local=True)


def setup_message(decision: BackendDecision) -> str:
    """Explain to the person deploying the app which settings are missing and how to proceed."""
    names = " and ".join(decision.missing_settings) or "SUPABASE_URL and SUPABASE_KEY"
    return (
        f"Missing settings: {names}. The app is not served on a loopback address, so it does not "
        "start the local demo backend. Set them in .streamlit/secrets.toml or as environment "
        "variables (.streamlit/secrets.toml.example lists them), or set LOCAL_BACKEND=1 to use "
        "the local demo backend anyway."
    )
