"""The parts of the auth gate that sign a new session in without a form: OAuth callback and cookie."""

from __future__ import annotations

import logging

import httpx
import streamlit as st
from supabase import Client
from supabase_auth.errors import AuthError

from components.login_store import LoginStore
from components.oauth import (
    CALLBACK_PARAMS,
    DEFAULT_LOCAL_PROVIDERS,
    app_origin,
    finish_callback,
    is_callback,
)
from components.remembered_login import (
    COOKIE_NAME,
    CookieChange,
    flow_store,
    restore_session,
    start_session,
)
from components.session import (
    AUTH_SESSION,
    BACKEND_TARGET,
    COOKIE_TRIED,
    PENDING_COOKIE,
    RETURN_TO,
    SIGN_IN_NOTICE,
)
from components.settings import Settings

logger = logging.getLogger(__name__)

# Used when neither APP_URL nor the browser's address is known, as in AppTest.
FALLBACK_APP_URL = "http://localhost:8501"


def app_url(settings: Settings) -> str:
    """Return APP_URL, or the origin of the browser's address when APP_URL is unset."""
    if settings.app_url:
        return settings.app_url
    return app_origin(st.context.url) if st.context.url else FALLBACK_APP_URL


def secure_cookie(settings: Settings) -> bool:
    return app_url(settings).startswith("https://")


def offered_providers(settings: Settings) -> tuple[str, ...]:
    """Return AUTH_PROVIDERS, or the local backend's stand-in providers when it is unset there."""
    if settings.auth_providers is not None:
        return settings.auth_providers
    target = st.session_state[BACKEND_TARGET]
    return DEFAULT_LOCAL_PROVIDERS if target is not None and target.is_local else ()


def sign_in_without_form(client: Client, settings: Settings, store: LoginStore) -> None:
    """Finish an OAuth callback in the URL, or else restore a remembered login from the cookie once.

    A callback that reaches an already signed-in session is only removed from the address bar.
    """
    params = st.query_params.to_dict()
    if is_callback(params) and st.session_state[AUTH_SESSION] is not None:
        remove_callback_params()
        return
    if is_callback(params):
        finish_oauth_callback(client, settings, store, params)
        return
    if st.session_state[AUTH_SESSION] is not None:
        return

    if st.session_state[COOKIE_TRIED]:
        return
    st.session_state[COOKIE_TRIED] = True
    handle = st.context.cookies.get(COOKIE_NAME)
    # AppTest's session has no real request, so its cookie values are not strings.
    if not isinstance(handle, str) or not handle:
        return

    try:
        restored = restore_session(client, handle, store)
    except (AuthError, httpx.HTTPError) as exc:
        logger.warning("a remembered login could not be restored: %s", type(exc).__name__)
        return
    if restored is None:
        # The handle is unknown here (signed out, expired or from before a restart): drop the cookie.
        st.session_state[PENDING_COOKIE] = CookieChange("", None, secure_cookie(settings))


def finish_oauth_callback(
    client: Client, settings: Settings, store: LoginStore, params: dict[str, str]
) -> None:
    result = finish_callback(client, params, flow_store())

    # The code and state are single-use, so they leave the address bar whatever the outcome.
    remove_callback_params()

    if result.session is None:
        st.session_state[SIGN_IN_NOTICE] = result.message
        return

    start_session(result.session, store, result.keep_days, secure_cookie(settings))
    st.session_state[RETURN_TO] = (result.page_path, dict(result.query or {}))


def remove_callback_params() -> None:
    for name in CALLBACK_PARAMS:
        if name in st.query_params:
            del st.query_params[name]
