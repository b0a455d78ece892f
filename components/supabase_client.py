"""The Supabase client of one browser session.

Each session gets its own client in st.session_state, never in st.cache_resource or a module
global: a supabase-py client rewrites its own Authorization header at every sign-in, so a
shared one would send one user's token with another user's requests.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from supabase import Client, ClientOptions, create_client

from components.backend import BackendTarget
from components.session import SUPABASE_CLIENT, app_state, clear_app_state

logger = logging.getLogger(__name__)

# httpx logs every request URL at INFO, and PostgREST URLs carry filter values.
logging.getLogger("httpx").setLevel(logging.WARNING)


def new_client(target: BackendTarget) -> Client:
    # Tokens are refreshed on demand by the auth gate, so no timer thread runs per session.
    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    return create_client(target.url, target.key.reveal(), options=options)


def session_client(target: BackendTarget, state: MutableMapping[str, Any] | None = None) -> Client:
    """Return this session's client, creating it on first use.

    A client made for another API URL (a restarted local backend listens on a new port) is
    replaced, and the session's sign-in state goes with it because it belonged to that backend.
    """
    state = app_state(state)
    client: Client | None = state.get(SUPABASE_CLIENT)

    if client is not None and str(client.supabase_url).rstrip("/") == target.url.rstrip("/"):
        return client

    if client is not None:
        logger.info(
            "the API URL changed to %s: starting a new client and signing this session out", target.url
        )
        clear_app_state(state)

    client = new_client(target)
    state[SUPABASE_CLIENT] = client
    return client
