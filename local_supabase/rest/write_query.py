"""The SQL of inserts, upserts, updates and deletes, shaped like PostgREST's main write query.

The mutation runs in a CTE with RETURNING, so PostgreSQL applies the table's SELECT policies to the rows it
returns: an insert whose new row the caller may not read fails with 42501 as it does behind PostgREST.
`return=minimal` uses `RETURNING 1`, which reads no column and so needs no SELECT policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .csv_output import body_sql
from .embedding import EmbedPlan, joins_sql, parent_columns, select_sql
from .media import ResponseShape
from .payload import Payload
from .prefer import Preferences
from .query_params import QueryParams
from .query_types import SelectItem
from .schema_cache import Column, Table
from .sql_builder import Snippet, join, order_sql, select_list_sql, where_sql

SOURCE = ("pgrst_source",)
# Upserts count inserted rows in a transaction-local setting: +1 for every incoming row, -1 for every row
# that hit a conflict and was updated instead, as PostgREST does to tell 201 from 200.
_COUNT_INSERTED = (
    "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0)"
    " + 1)::text, true) <> '0'"
)
_COUNT_UPDATED = (
    "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0)"
    " - 1)::text, true) <> '-1'"
)
_INSERTED = "nullif(current_setting('pgrst.inserted', true), '')::int"


@dataclass(frozen=True)
class WritePlan:
    mutation: Literal["insert", "update", "delete"]
    table: Table
    params: QueryParams
    preferences: Preferences
    shape: ResponseShape
    payload: Payload | None = None
    # Embedded resources of the returned rows, from `select=*,rel(*)`.
    embeds: EmbedPlan | None = None

    @property
    def relation(self) -> tuple[str, str]:
        return (self.table.schema, self.table.name)

    @property
    def returns_representation(self) -> bool:
        return self.preferences.representation == "representation"

    @property
    def returns_location(self) -> bool:
        return (
            self.mutation == "insert"
            and self.preferences.representation == "headers-only"
            and bool(self.table.primary_key)
        )

    @property
    def counts_inserted(self) -> bool:
        return (
            self.mutation == "insert"
            and self.preferences.resolution == "merge-duplicates"
            and bool(self.conflict_columns)
        )

    @property
    def conflict_columns(self) -> tuple[str, ...]:
        return self.params.on_conflict or self.table.primary_key

    def written_columns(self) -> list[Column]:
        assert self.payload is not None
        return [self.table.columns[name] for name in self.payload.columns]


def _returned_columns(plan: WritePlan) -> Snippet:
    """List what the mutation returns: the columns the response needs, or `1` when it needs none."""
    if plan.returns_representation:
        if plan.params.selects_all:
            return Snippet.ident(*plan.relation) + ".*"
        names = [item.field.name for item in plan.params.select if isinstance(item, SelectItem)] + [
            term.field.name for term in plan.params.order if term.relation is None
        ]
        if plan.embeds:
            names += parent_columns(plan.embeds.nodes)
        unique = list(dict.fromkeys(names))
        return join(", ", (Snippet.ident(*plan.relation, name) for name in unique))
    if plan.returns_location:
        return join(", ", (Snippet.ident(*plan.relation, name) for name in plan.table.primary_key))
    return Snippet.raw("1")


def _defaults_object(columns: Sequence[Column]) -> Snippet:
    pairs = [
        Snippet.value(column.name) + "::text, " + Snippet.trusted(column.default_expr)
        for column in columns
        if column.default_expr is not None
    ]
    return "jsonb_build_object(" + join(", ", pairs) + ")"


def _body_source(plan: WritePlan, columns: Sequence[Column], *, apply_defaults: bool) -> Snippet:
    """Turn the JSON body into rows named `pgrst_body`, one per object, typed like the table's columns.

    `json_populate_recordset` takes the types from the table's row type when the statement runs, so a column
    whose type changed since the schema cache was loaded still converts correctly. With `missing=default`,
    each object is first laid over an object of the columns' default values, so keys it lacks take the
    column default instead of NULL.
    """
    assert plan.payload is not None
    payload = plan.payload
    json_kind = "jsonb" if apply_defaults else "json"
    source = "FROM (SELECT " + Snippet.value(payload.raw) + f"::{json_kind} AS json_data) pgrst_payload, "
    data = "pgrst_payload.json_data"
    if apply_defaults:
        defaults = _defaults_object(columns)
        if payload.is_object:
            source = (
                source
                + "LATERAL (SELECT "
                + defaults
                + " || pgrst_payload.json_data AS val) pgrst_json_defs, "
            )
        else:
            source = (
                source
                + "LATERAL (SELECT jsonb_agg("
                + defaults
                + " || elem) AS val"
                + " FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, "
            )
        data = "pgrst_json_defs.val"

    if not columns:
        rows = "(VALUES (1)) _" if payload.is_object else f"{json_kind}_array_elements({data}) _"
        return source + f"LATERAL (SELECT FROM {rows}) pgrst_body"

    function = f"{json_kind}_populate_record" if payload.is_object else f"{json_kind}_populate_recordset"
    names = join(", ", (Snippet.ident(column.name) for column in columns))
    row_type = "NULL::" + Snippet.ident(*plan.relation)
    return (
        source + "LATERAL (SELECT " + names + f" FROM {function}(" + row_type + f", {data}) AS _) pgrst_body"
    )


def _insert_sql(plan: WritePlan) -> Snippet:
    assert plan.payload is not None
    columns = plan.written_columns()
    apply_defaults = plan.preferences.missing == "default"
    names = join(", ", (Snippet.ident(column.name) for column in columns))
    body_columns = join(", ", (Snippet.ident("pgrst_body", column.name) for column in columns))

    statement = "INSERT INTO " + Snippet.ident(*plan.relation)
    if columns:
        statement = statement + "(" + names + ")"
    statement = (
        statement
        + " SELECT "
        + body_columns
        + " "
        + _body_source(plan, columns, apply_defaults=apply_defaults)
    )
    if plan.counts_inserted:
        statement = statement + " WHERE " + _COUNT_INSERTED

    resolution = plan.preferences.resolution
    if resolution and plan.conflict_columns:
        target = join(", ", (Snippet.ident(name) for name in plan.conflict_columns))
        statement = statement + " ON CONFLICT(" + target + ") "
        if resolution == "ignore-duplicates" or not columns:
            statement = statement + "DO NOTHING"
        else:
            updates = join(
                ", ", (Snippet.ident(c.name) + " = EXCLUDED." + Snippet.ident(c.name) for c in columns)
            )
            statement = statement + "DO UPDATE SET " + updates + " WHERE " + _COUNT_UPDATED
    return statement + " RETURNING " + _returned_columns(plan)


def _update_sql(plan: WritePlan) -> Snippet:
    assert plan.payload is not None
    columns = plan.written_columns()
    if not columns:
        # `UPDATE ... SET` needs a column, so an empty body updates nothing and returns no rows.
        return "SELECT " + _returned_columns(plan) + " FROM " + Snippet.ident(*plan.relation) + " WHERE false"

    assignments = join(
        ", ", (Snippet.ident(c.name) + " = " + Snippet.ident("pgrst_body", c.name) for c in columns)
    )
    body = _body_source(plan, columns, apply_defaults=plan.preferences.missing == "default")
    return (
        "UPDATE "
        + Snippet.ident(*plan.relation)
        + " SET "
        + assignments
        + " "
        + body
        + where_sql(plan.relation, plan.params.filters, plan.table)
        + " RETURNING "
        + _returned_columns(plan)
    )


def _delete_sql(plan: WritePlan) -> Snippet:
    return (
        "DELETE FROM "
        + Snippet.ident(*plan.relation)
        + where_sql(plan.relation, plan.params.filters, plan.table)
        + " RETURNING "
        + _returned_columns(plan)
    )


def _location_sql(plan: WritePlan) -> Snippet:
    """Build the `key=eq.value` pairs of the one inserted row's primary key, for the Location header."""
    if not plan.returns_location:
        return Snippet.raw("NULL::text[]")
    pairs = (
        "(SELECT array_agg(json_data.key || '=' || coalesce('eq.' || json_data.value, 'is.null'))"
        " FROM (SELECT row_to_json(_) AS row FROM pgrst_source AS _ LIMIT 1) data"
        " CROSS JOIN json_each_text(data.row) AS json_data WHERE json_data.key = ANY("
    )
    return (
        "CASE WHEN pg_catalog.count(_postgrest_t) = 1 THEN "
        + pairs
        + Snippet.value(list(plan.table.primary_key))
        + "::text[])) END"
    )


def build_write_query(plan: WritePlan) -> Snippet:
    """Build one statement returning `page_total`, `body` (JSON text), `location` and `inserted`."""
    builders = {"insert": _insert_sql, "update": _update_sql, "delete": _delete_sql}
    mutation = builders[plan.mutation](plan)

    if plan.returns_representation and plan.embeds and plan.embeds.nodes:
        columns = [item for item in plan.params.select if isinstance(item, SelectItem)]
        rows = (
            "SELECT "
            + select_sql(SOURCE, columns, plan.table, plan.embeds.nodes)
            + " FROM pgrst_source"
            + joins_sql(plan.embeds.nodes, SOURCE)
            + order_sql(SOURCE, plan.embeds.order, plan.table)
        )
        body = body_sql(plan.shape)
    elif plan.returns_representation:
        rows = (
            "SELECT "
            + select_list_sql(SOURCE, plan.params.select, plan.table)
            + " FROM pgrst_source"
            + order_sql(SOURCE, plan.params.order, plan.table)
        )
        body = body_sql(plan.shape)
    else:
        rows = Snippet.raw("SELECT * FROM pgrst_source")
        body = Snippet.raw("NULL::text")
    inserted = Snippet.raw(_INSERTED if plan.counts_inserted else "NULL::int")

    return (
        "WITH pgrst_source AS ("
        + mutation
        + ") SELECT pg_catalog.count(_postgrest_t) AS page_total, "
        + body
        + " AS body, "
        + _location_sql(plan)
        + " AS location, "
        + inserted
        + " AS inserted FROM ("
        + rows
        + ") _postgrest_t"
    )
