"""The SQL of a table read, shaped like PostgREST's main read query."""

from __future__ import annotations

from dataclasses import dataclass

from .media import ResponseShape
from .query_params import QueryParams
from .schema_cache import Table
from .sql_builder import Snippet, json_body_sql, order_sql, select_list_sql, where_sql


@dataclass(frozen=True)
class ReadPlan:
    table: Table
    params: QueryParams
    # The page size after the max-rows cap, or None for every row.
    limit: int | None
    count: bool
    shape: ResponseShape
    # HEAD requests need the counts only.
    with_body: bool = True


def build_read_query(plan: ReadPlan) -> Snippet:
    """Build one statement returning `total_result_set`, `page_total` and `body` (JSON text).

    The total is counted in a second CTE without limit and offset, and only when a count was requested.
    """
    table = plan.table
    relation = (table.schema, table.name)
    params = plan.params
    filters = where_sql(relation, params.filters, table)

    page = "SELECT " + select_list_sql(relation, params.select, table) + " FROM " + Snippet.ident(*relation)
    page = page + filters + order_sql(relation, params.order, table)
    if plan.limit is not None:
        page = page + " LIMIT " + Snippet.value(plan.limit)
    if params.offset:
        page = page + " OFFSET " + Snippet.value(params.offset)

    query = "WITH pgrst_source AS (" + page + ")"
    if plan.count:
        query = query + ", pgrst_source_count AS (SELECT 1 FROM " + Snippet.ident(*relation) + filters + ")"
        total = Snippet.raw("(SELECT pg_catalog.count(*) FROM pgrst_source_count)")
    else:
        total = Snippet.raw("NULL::bigint")

    if plan.with_body:
        body = json_body_sql(singular=plan.shape.singular, strip_nulls=plan.shape.strip_nulls)
    else:
        body = Snippet.raw("NULL::text")
    return (
        query
        + " SELECT "
        + total
        + " AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, "
        + body
        + " AS body FROM (SELECT * FROM pgrst_source) _postgrest_t"
    )
