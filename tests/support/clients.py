"""Clients and database connections for a running test backend, built the same way in every test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
from supabase import AsyncClient, AsyncClientOptions, Client, ClientOptions, acreate_client, create_client
from supabase_auth import SyncGoTrueAdminAPI

from tests.support.backend import RunningBackend

Connection = psycopg.Connection[tuple[Any, ...]]


def new_client(backend: RunningBackend, key: str | None = None, access_token: str | None = None) -> Client:
    """Create a supabase-py client with the anon key unless another key is given.

    An `access_token`, when given, is sent as the bearer token in place of the key, as for a signed-in user.

    The client keeps no session between calls, never refreshes a token by itself and does not retry
    failed REST requests, so each test gets exactly the responses to its own calls.
    """
    options = ClientOptions(auto_refresh_token=False, persist_session=False, postgrest_client_retry=False)
    if access_token is not None:
        options.headers["Authorization"] = f"Bearer {access_token}"

    return create_client(backend.api_url, key if key is not None else backend.anon_key, options=options)


async def new_async_client(backend: RunningBackend, key: str | None = None) -> AsyncClient:
    """Create supabase-py's async client, set up like `new_client`, with the anon key unless given a key."""
    options = AsyncClientOptions(
        auto_refresh_token=False, persist_session=False, postgrest_client_retry=False
    )
    api_key = key if key is not None else backend.anon_key
    return await acreate_client(backend.api_url, api_key, options=options)


def admin_api(backend: RunningBackend) -> SyncGoTrueAdminAPI:
    """Return the auth admin API of a client that uses the service-role key."""
    return new_client(backend, backend.service_role_key).auth.admin


def rest_http_client(backend: RunningBackend, key: str) -> httpx.Client:
    """Create a plain HTTP client for /rest/v1 that sends `key` as the API key and the bearer token."""
    headers = {"apikey": key, "Authorization": f"Bearer {key}"}
    return httpx.Client(base_url=f"{backend.api_url}/rest/v1", headers=headers)


def connect_db(backend: RunningBackend) -> Connection:
    """Connect to the backend's PostgreSQL as its superuser, with autocommit on."""
    return psycopg.connect(backend.db_url, autocommit=True)


@contextmanager
def temporary_tables(backend: RunningBackend, create_sql: str, drop_sql: str) -> Iterator[Connection]:
    """Run `drop_sql` then `create_sql`, yield the connection, and run `drop_sql` again at the end.

    Dropping first clears what an interrupted earlier run left behind.
    """
    with connect_db(backend) as conn:
        conn.execute(drop_sql)
        conn.execute(create_sql)
        try:
            yield conn
        finally:
            conn.execute(drop_sql)
