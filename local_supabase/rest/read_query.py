"""The SQL of a table read, shaped like PostgREST's main read query."""

from __future__ import annotations

from dataclasses import dataclass

from .csv_output import body_sql
from .embedding import EmbedPlan, joins_sql, select_sql
from .media import ResponseShape
from .query_params import QueryParams
from .query_types import Condition, OrderTerm, SelectItem
from .schema_cache import Table
from .sql_builder import Snippet, order_sql, select_list_sql, where_sql


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
    # Counts stop at this many rows (count=estimated), or count every row when None.
    count_limit: int | None = None
    # Embedded resources, and the top-level filters and order rewritten to refer to them.
    embeds: EmbedPlan | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.embeds.conditions if self.embeds else self.params.filters

    @property
    def order(self) -> tuple[OrderTerm, ...]:
        return self.embeds.order if self.embeds else self.params.order


def build_count_query(plan: ReadPlan) -> Snippet:
    """Build the query whose rows the total counts: the filtered table, without limit and offset."""
    table = plan.table
    relation = (table.schema, table.name)
    joins = plan.embeds.count_joins() if plan.embeds else Snippet()
    return "SELECT 1 FROM " + Snippet.ident(*relation) + joins + where_sql(relation, plan.conditions, table)


def build_read_query(plan: ReadPlan) -> Snippet:
    """Build one statement returning `total_result_set`, `page_total` and `body` (JSON text).

    The total is counted in a second CTE without limit and offset, and only when a count was requested.
    """
    table = plan.table
    relation = (table.schema, table.name)
    params = plan.params
    filters = where_sql(relation, plan.conditions, table)

    if plan.embeds and plan.embeds.nodes:
        columns = [item for item in params.select if isinstance(item, SelectItem)]
        selected = select_sql(relation, columns, table, plan.embeds.nodes)
        source = Snippet.ident(*relation) + joins_sql(plan.embeds.nodes)
    else:
        selected = select_list_sql(relation, params.select, table)
        source = Snippet.ident(*relation)
    page = "SELECT " + selected + " FROM " + source
    page = page + filters + order_sql(relation, plan.order, table)
    if plan.limit is not None:
        page = page + " LIMIT " + Snippet.value(plan.limit)
    if params.offset:
        page = page + " OFFSET " + Snippet.value(params.offset)

    query = "WITH pgrst_source AS (" + page + ")"
    if plan.count:
        count_query = build_count_query(plan)
        if plan.count_limit is not None:
            count_query = count_query + " LIMIT " + Snippet.value(plan.count_limit)
        query = query + ", pgrst_source_count AS (" + count_query + ")"
        total = Snippet.raw("(SELECT pg_catalog.count(*) FROM pgrst_source_count)")
    else:
        total = Snippet.raw("NULL::bigint")

    if plan.with_body:
        body = body_sql(plan.shape)
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
