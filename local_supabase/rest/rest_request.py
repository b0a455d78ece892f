"""The state of one REST request that every handler uses: role, schema, target and parsed parameters."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from starlette.requests import Request

from ..context import ServiceContext
from .errors import table_not_found
from .prefer import Preferences
from .query_params import QueryParams
from .request_role import RequestRole
from .schema_cache import SchemaCache, Table
from .sql_builder import Snippet

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestRequest:
    ctx: ServiceContext
    schema_cache: SchemaCache
    request: Request
    role: RequestRole
    schema: str
    table_name: str
    params: QueryParams
    preferences: Preferences

    async def find_table(self) -> Table:
        table = await self.schema_cache.find_table(self.schema, self.table_name)
        if table is None:
            suggestion = await self.schema_cache.similar_table(self.schema, self.table_name)
            raise table_not_found(self.schema, self.table_name, suggestion)
        return table

    @asynccontextmanager
    async def transaction(self, *, read_only: bool) -> AsyncIterator[psycopg.AsyncConnection[dict[str, Any]]]:
        """Open the request's transaction with its role and claims set, as PostgREST does."""
        async with self.ctx.db.request_transaction(
            role=self.role.role,
            claims=self.role.claims,
            method=self.request.method,
            path=self.request.url.path,
            headers=dict(self.request.headers),
            schema=self.schema,
            read_only=read_only,
            timezone=self.preferences.timezone,
        ) as conn:
            yield conn


async def fetch_one(conn: psycopg.AsyncConnection[dict[str, Any]], query: Snippet) -> dict[str, Any]:
    statement = query.composed()
    if logger.isEnabledFor(logging.DEBUG):
        # The statement only: parameters are request values and may be personal data.
        logger.debug("SQL: %s", statement.as_string(conn))
    cursor = await conn.execute(statement, query.params)
    row = await cursor.fetchone()
    assert row is not None, "the main query of a request always returns one row"
    return row
