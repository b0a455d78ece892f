"""The keys this app owns in st.session_state, initialised and cleared in one place.

App-wide keys are listed in APP_KEY_DEFAULTS. Page-local keys start with the page's name
(`orders_`, `tables_`, `sign_in_`, `setup_`, `account_`, `team_`, `no_team_`) and the sidebar's
keys with `sidebar_`, so sign-out can clear them without touching keys it does not own.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, cast

import streamlit as st

AUTH_SESSION = "auth_session"
SUPABASE_CLIENT = "supabase_client"
CURRENT_TEAM_ID = "current_team_id"
TEAMS = "teams"
BACKEND_TARGET = "backend_target"
# The remembered-login cookie handle of this session, when the user is signed in through one.
REMEMBER_HANDLE = "remember_handle"
# When this session's access token expires, in Unix seconds.
TOKEN_EXPIRES_AT = "token_expires_at"
# A cookie change (set or delete) for the next script run to send to the browser.
PENDING_COOKIE = "pending_cookie"
# True once this session has tried the remembered-login cookie, so reruns do not try again.
COOKIE_TRIED = "cookie_tried"
# The page path and query parameters to open after an OAuth sign-in.
RETURN_TO = "return_to"

APP_KEY_DEFAULTS: dict[str, Any] = {
    AUTH_SESSION: None,
    SUPABASE_CLIENT: None,
    CURRENT_TEAM_ID: None,
    TEAMS: None,
    BACKEND_TARGET: None,
    REMEMBER_HANDLE: None,
    TOKEN_EXPIRES_AT: None,
    COOKIE_TRIED: False,
    RETURN_TO: None,
}
PAGE_KEY_PREFIXES = ("orders_", "tables_", "sign_in_", "sidebar_", "setup_", "account_", "team_", "no_team_")

# A message for the sign-in page to show once, such as why the user was signed out.
SIGN_IN_NOTICE = "sign_in_notice"
# The AppProblem the set-up page shows when the app cannot reach a usable backend.
SETUP_PROBLEM = "setup_problem"


def app_state(state: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
    return cast(MutableMapping[str, Any], st.session_state) if state is None else state


def init_app_state(state: MutableMapping[str, Any] | None = None) -> None:
    state = app_state(state)
    for key, default in APP_KEY_DEFAULTS.items():
        if key not in state:
            state[key] = default


def clear_app_state(state: MutableMapping[str, Any] | None = None) -> None:
    """Reset the app-wide keys to their defaults and delete every page-local key."""
    state = app_state(state)
    for key in list(state.keys()):
        if key.startswith(PAGE_KEY_PREFIXES):
            del state[key]
    for key, default in APP_KEY_DEFAULTS.items():
        state[key] = default
