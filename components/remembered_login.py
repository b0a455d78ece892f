"""Remembered login: the cookie that survives a browser refresh, and the process-wide stores behind it.

The cookie holds only an opaque random handle. The refresh token stays in the server-side store
(in memory, or in the database with SESSION_STORE = "database"), so a stolen cookie is useless
once the user signs out, and a copied token never reaches the browser.

The cookie is written by a script in the page (`st.html` with JavaScript), so it cannot be
HttpOnly. Streamlit 1.67's `st.App` could set an HttpOnly cookie from a route, but `AppTest`
runs the script without that ASGI app, so the sign-in forms would need two code paths.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from supabase import Client, ClientOptions, create_client
from supabase_auth.errors import AuthApiError
from supabase_auth.types import Session

from components.flow_store import FlowStore
from components.login_store import LoginStore, RememberedLoginStore
from components.login_store_db import DatabaseLoginStore
from components.session import AUTH_SESSION, PENDING_COOKIE, REMEMBER_HANDLE, TOKEN_EXPIRES_AT, app_state
from components.settings import Settings

logger = logging.getLogger(__name__)

COOKIE_NAME = "dashboard_login"
# A handle behind a browser-session cookie is kept this long on the server, because the
# server cannot see when the browser session ends.
SESSION_COOKIE_SECONDS = 24 * 60 * 60
DAY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class AuthSession:
    """The signed-in user of a session. The tokens stay inside the session's client."""

    user_id: str
    email: str


@dataclass(frozen=True)
class CookieChange:
    """A cookie value to set for `max_age_seconds` (None: until the browser closes), or "" to delete it."""

    value: str
    max_age_seconds: int | None
    secure: bool


@st.cache_resource
def flow_store() -> FlowStore:
    """Return the process's OAuth flow store, shared on purpose by every session. It holds no client."""
    return FlowStore()


@st.cache_resource
def login_store(encryption_key: str | None) -> RememberedLoginStore:
    """Return the process's remembered-login store, shared on purpose by every session.

    Without SESSION_ENCRYPTION_KEY a new key is made per process, which matches the lifetime of
    this in-memory store.
    """
    return RememberedLoginStore(encryption_key.encode() if encryption_key else None)


@st.cache_resource
def database_login_store(url: str, api_key: str, encryption_key: str) -> DatabaseLoginStore:
    """Return the process's database-backed remembered-login store, shared on purpose by every session.

    The store keeps no supabase client: each call builds a short-lived one, because a client shared
    between sessions could carry one user's token into another's request.
    """

    def client_for(access_token: str | None) -> Client:
        return _store_client(url, api_key, access_token)

    return DatabaseLoginStore(encryption_key.encode(), client_for)


def _store_client(url: str, api_key: str, access_token: str | None) -> Client:
    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    if access_token is not None:
        options.headers["Authorization"] = f"Bearer {access_token}"
    return create_client(url, api_key, options=options)


def settings_login_store(settings: Settings) -> LoginStore:
    """Return the remembered-login store that SESSION_STORE selects."""
    key = settings.session_encryption_key
    if settings.session_store == "database":
        # load_settings rejects "database" without these three settings.
        assert settings.supabase_url is not None
        assert settings.supabase_key is not None
        assert key is not None
        return database_login_store(settings.supabase_url, settings.supabase_key.reveal(), key.reveal())
    return login_store(key.reveal() if key is not None else None)


def start_session(
    session: Session,
    store: LoginStore,
    keep_days: int | None,
    secure_cookie: bool,
    state: MutableMapping[str, Any] | None = None,
) -> AuthSession:
    """Record a new sign-in in the session state and remember it behind a new cookie handle.

    `keep_days` None gives a browser-session cookie, a number a cookie kept that many days.
    """
    state = app_state(state)
    lifetime = keep_days * DAY_SECONDS if keep_days else SESSION_COOKIE_SECONDS
    handle = store.create(session.refresh_token, lifetime, session.access_token)

    auth_session = AuthSession(user_id=session.user.id, email=session.user.email or "")
    state[AUTH_SESSION] = auth_session
    state[TOKEN_EXPIRES_AT] = session.expires_at
    state[REMEMBER_HANDLE] = handle
    state[PENDING_COOKIE] = CookieChange(handle, lifetime if keep_days else None, secure_cookie)
    return auth_session


def restore_session(
    client: Client, handle: str, store: LoginStore, state: MutableMapping[str, Any] | None = None
) -> AuthSession | None:
    """Sign the client in from a remembered handle, or return None when the handle no longer works."""
    state = app_state(state)
    with store.checkout(handle) as slot:
        if slot is None:
            return None
        try:
            response = client.auth.refresh_session(slot.refresh_token)
        except AuthApiError as exc:
            logger.info("a remembered login was rejected (%s) and is forgotten", exc.code)
            store.delete(handle)
            return None
        session = response.session
        if session is None:
            return None
        slot.replace(session.refresh_token)

    auth_session = AuthSession(user_id=session.user.id, email=session.user.email or "")
    state[AUTH_SESSION] = auth_session
    state[TOKEN_EXPIRES_AT] = session.expires_at
    state[REMEMBER_HANDLE] = handle
    return auth_session


def refresh_remembered(client: Client, handle: str, store: LoginStore) -> Session | None:
    """Refresh the client with the handle's stored token under its lock and store the rotated token.

    Returns None when the handle is gone. Raises AuthApiError when the server rejects the token.
    """
    with store.checkout(handle) as slot:
        if slot is None:
            return None
        response = client.auth.refresh_session(slot.refresh_token)
        if response.session is not None:
            slot.replace(response.session.refresh_token)
        return response.session


def cookie_script(change: CookieChange) -> str:
    """Return the script that sets or deletes the login cookie for the whole app."""
    parts = [f"{COOKIE_NAME}={change.value}", "Path=/", "SameSite=Lax"]
    if not change.value:
        parts.append("Max-Age=0")
    elif change.max_age_seconds is not None:
        parts.append(f"Max-Age={change.max_age_seconds}")
    if change.secure:
        parts.append("Secure")
    return f"<script>document.cookie = {json.dumps('; '.join(parts))};</script>"


def write_pending_cookie(state: MutableMapping[str, Any] | None = None) -> None:
    """Send the pending cookie change, if any, to the browser with this script run.

    The change stays pending until `clear_pending_cookie` runs at the end of a complete run,
    because st.switch_page and st.rerun drop the elements of the run they interrupt.
    """
    state = app_state(state)
    change = state.get(PENDING_COOKIE)
    if change is not None:
        st.html(cookie_script(change), unsafe_allow_javascript=True)


def clear_pending_cookie(state: MutableMapping[str, Any] | None = None) -> None:
    app_state(state).pop(PENDING_COOKIE, None)


def expires_soon(state: MutableMapping[str, Any], margin_seconds: int) -> bool:
    expires_at = state.get(TOKEN_EXPIRES_AT)
    return expires_at is None or expires_at - time.time() < margin_seconds
