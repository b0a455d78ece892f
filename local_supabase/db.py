"""The connection pool and the per-request transaction that sets role and JWT claims as PostgREST does."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

logger = logging.getLogger(__name__)

# The API roles a request may switch to. A token naming any other role is rejected before SQL runs.
API_ROLES = frozenset({"anon", "authenticated", "service_role"})


class Database:
    """An async pool of connections to the project database, opened by `open()`."""

    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10) -> None:
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[DictRow]] = AsyncConnectionPool(
            url,
            connection_class=psycopg.AsyncConnection[DictRow],
            min_size=min_size,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True, "row_factory": dict_row},
            name="local_supabase",
        )

    async def open(self) -> None:
        await self._pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[DictRow]]:
        """Yield a pooled connection in autocommit mode, for the auth service's own statements."""
        async with self._pool.connection() as conn:
            yield conn

    @asynccontextmanager
    async def request_transaction(
        self,
        *,
        role: str,
        claims: Mapping[str, Any],
        method: str = "GET",
        path: str = "/",
        headers: Mapping[str, str] | None = None,
        schema: str = "public",
        read_only: bool = False,
        timezone: str | None = None,
    ) -> AsyncIterator[psycopg.AsyncConnection[DictRow]]:
        """Yield a connection inside one transaction running as `role` with `claims` set.

        All settings are transaction-local, so nothing leaks to the next request on the same connection.
        The transaction commits when the block ends normally and rolls back on any exception.
        """
        if role not in API_ROLES:
            raise ValueError(f"unknown API role {role!r}")

        claims_json = json.dumps({**claims, "role": role})
        headers_json = json.dumps({k.lower(): v for k, v in (headers or {}).items()})

        async with self._pool.connection() as conn:
            async with conn.transaction():
                if read_only:
                    await conn.execute("set transaction read only")
                await conn.execute(
                    "select set_config('search_path', %s, true),"
                    " set_config('role', %s, true),"
                    " set_config('request.jwt.claims', %s, true),"
                    " set_config('request.jwt.claim.sub', %s, true),"
                    " set_config('request.jwt.claim.role', %s, true),"
                    " set_config('request.method', %s, true),"
                    " set_config('request.path', %s, true),"
                    " set_config('request.headers', %s, true)",
                    (
                        f'"{schema}", extensions',
                        role,
                        claims_json,
                        str(claims.get("sub") or ""),
                        role,
                        method,
                        path,
                        headers_json,
                    ),
                )
                if timezone:
                    # Timestamps are rendered in the session time zone, as with PostgREST's Prefer: timezone.
                    await conn.execute("select set_config('timezone', %s, true)", (timezone,))
                yield conn
