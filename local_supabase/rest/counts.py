"""The total row count behind `Prefer: count=exact|planned|estimated`, computed as PostgREST computes it.

- `exact` counts every matching row in the main query.
- `planned` reads the planner's estimate, the `Plan Rows` of `EXPLAIN (FORMAT JSON)` on the count query, so
  the cost does not grow with the table. The figure is only as good as the table's statistics (ANALYZE,
  autovacuum).
- `estimated` counts exactly up to max rows + 1. When the result is larger than max rows, the total is the
  larger of that count and the planner's figure, so small results stay exact and large ones stay cheap.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import psycopg

from .prefer import CountMethod
from .sql_builder import Snippet

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CountPlan:
    """The counting part of the main query: whether it counts at all, and the row limit of that count."""

    in_query: bool
    limit: int | None = None


def plan_count(method: CountMethod | None, max_rows: int) -> CountPlan:
    if method == "exact":
        return CountPlan(in_query=True)
    if method == "estimated":
        # Without a max-rows setting there is no threshold, so the count stays exact.
        return CountPlan(in_query=True, limit=max_rows + 1 if max_rows > 0 else None)
    return CountPlan(in_query=False)


async def planned_rows(conn: psycopg.AsyncConnection[dict[str, Any]], count_query: Snippet) -> int | None:
    """Return the planner's row estimate for `count_query`, run in the request's transaction and role."""
    statement = Snippet.raw("EXPLAIN (FORMAT JSON) ") + count_query
    cursor = await conn.execute(statement.composed(), statement.params)
    row = await cursor.fetchone()
    if row is None:
        return None

    plan = next(iter(row.values()))
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        logger.warning("EXPLAIN returned no row estimate, so the planned count is unknown")
        return None


async def settle_total(
    conn: psycopg.AsyncConnection[dict[str, Any]],
    method: CountMethod | None,
    counted: int | None,
    count_query: Snippet,
    max_rows: int,
) -> int | None:
    """Return the total for the response from the main query's count and, where needed, the planner."""
    if method == "planned":
        return await planned_rows(conn, count_query)
    if method == "estimated" and counted is not None and max_rows > 0 and counted > max_rows:
        planned = await planned_rows(conn, count_query)
        return counted if planned is None else max(counted, planned)
    return counted
