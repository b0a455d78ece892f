"""OAuth sign-in with PKCE through a full-page redirect, and the callback that finishes it.

The redirect back to the app opens a new Streamlit session, so the code verifier waits in the
process's FlowStore under a random `state` that rides inside `redirect_to`, and the callback
passes it explicitly to `exchange_code_for_session`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from supabase import Client
from supabase_auth.helpers import generate_pkce_challenge, generate_pkce_verifier
from supabase_auth.types import Session

from components.auth import exchange_oauth_code
from components.errors import UserFacingError
from components.flow_store import FlowStore

logger = logging.getLogger(__name__)

# The query parameters an OAuth or email callback brings, removed from the address bar once read.
CALLBACK_PARAMS = ("code", "state", "token_hash", "type", "error", "error_code", "error_description")
PROVIDER_NAMES = {"github": "GitHub", "google": "Google", "gitlab": "GitLab", "azure": "Azure"}
DEFAULT_LOCAL_PROVIDERS = ("github", "google")
INVALID_CALLBACK = "This sign-in link is invalid, already used or expired. Sign in again."


@dataclass(frozen=True)
class CallbackResult:
    """The outcome of a callback: a session with the place to return to, or a message for the user."""

    session: Session | None
    message: str | None = None
    page_path: str = ""
    query: Mapping[str, str] | None = None
    keep_days: int | None = None


def provider_label(provider: str) -> str:
    return f"Sign in with {PROVIDER_NAMES.get(provider, provider.title())}"


def app_origin(url: str) -> str:
    """Return the scheme, host and port of `url`, such as http://127.0.0.1:8501."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_path_of(url: str | None) -> str:
    """Return the page path of a browser URL without its leading slash, such as "tables"."""
    if not url:
        return ""
    return urlsplit(url).path.strip("/")


def authorize_url(
    backend_url: str,
    provider: str,
    app_url: str,
    store: FlowStore,
    page_path: str = "",
    query: Mapping[str, str] | None = None,
    keep_days: int | None = None,
) -> str:
    """Start a flow in `store` and return the backend's authorize URL that sends the browser to `provider`."""
    verifier = generate_pkce_verifier()
    kept_query = {name: value for name, value in (query or {}).items() if name not in CALLBACK_PARAMS}
    state = store.put(verifier, page_path, kept_query, keep_days)

    redirect_to = f"{app_url.rstrip('/')}/?{urlencode({'state': state})}"
    params = {
        "provider": provider,
        "redirect_to": redirect_to,
        "code_challenge": generate_pkce_challenge(verifier),
        "code_challenge_method": "s256",
    }
    return f"{backend_url.rstrip('/')}/auth/v1/authorize?{urlencode(params)}"


def is_callback(params: Mapping[str, str]) -> bool:
    return any(name in params for name in ("code", "state", "error", "error_code"))


def finish_callback(client: Client, params: Mapping[str, str], store: FlowStore) -> CallbackResult:
    """Exchange the callback's code with the verifier stored under its state.

    An unknown, reused or expired state, a missing code or a provider error returns a message
    and no session. The state's flow is taken in every case, so the URL cannot be replayed.
    """
    state = params.get("state", "")
    flow = store.take(state) if state else None

    if params.get("error") or params.get("error_code"):
        reason = params.get("error_description") or params.get("error") or params.get("error_code")
        logger.info("an OAuth sign-in came back with an error: %s", params.get("error_code") or "unknown")
        return CallbackResult(None, f"The sign-in was cancelled or failed: {reason}. Try again.")

    code = params.get("code", "")
    if flow is None or not code:
        logger.info("an OAuth callback with an unknown, used or expired state was rejected")
        return CallbackResult(None, INVALID_CALLBACK)

    try:
        session = exchange_oauth_code(client, code, flow.code_verifier)
    except UserFacingError as exc:
        return CallbackResult(None, str(exc))
    return CallbackResult(session, None, flow.page_path, flow.query, flow.keep_days)
