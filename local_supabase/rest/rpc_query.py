"""The SQL of a function call through `/rpc/<name>`, shaped like PostgREST's main call query.

The call runs once in the `pgrst_call_result` CTE. Select, filters, order, limit and offset then apply to its
rows like to a table's, and the count reads the same CTE, so a counted call does not run the function twice.
Arguments are bound by name (`"a" := ...`) and always travel as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from .csv_output import csv_body_sql
from .media import ResponseShape
from .query_params import QueryParams
from .rpc_call import CallArguments
from .rpc_catalogue import Routine, RoutineParam
from .sql_builder import Snippet, join, order_sql, select_list_sql, where_sql

CALL_RESULT = ("pgrst_call_result",)


@dataclass(frozen=True)
class CallPlan:
    routine: Routine
    arguments: CallArguments
    params: QueryParams
    # The page size after the max-rows cap, or None for every row.
    limit: int | None
    count: bool
    shape: ResponseShape
    with_body: bool = True


def _named(param: RoutineParam, value: Snippet) -> Snippet:
    prefix = "VARIADIC " if param.variadic else ""
    return prefix + Snippet.ident(param.name) + " := " + value


def _function(routine: Routine) -> Snippet:
    return Snippet.ident(routine.schema, routine.name)


def _call_from_text(routine: Routine, values: dict[str, list[str]]) -> tuple[Snippet, Snippet]:
    """Call with GET arguments: each text value is cast to its parameter's type, as PostgREST sends them."""
    arguments = []
    for param in routine.params:
        texts = values.get(param.name)
        if not texts:
            continue
        # A variadic parameter takes every value of its repeated key, and any other takes the first.
        value = Snippet.value(texts) if param.variadic else Snippet.value(texts[0])
        arguments.append(_named(param, "CAST(" + value + " AS " + Snippet.trusted(param.type_sql) + ")"))
    return Snippet(), _function(routine) + "(" + join(", ", arguments) + ")"


def _call_from_json(routine: Routine, arguments: CallArguments) -> tuple[Snippet, Snippet]:
    """Call with a POST body: the JSON is turned into one typed record per object, then passed by name.

    Returns the FROM items that must come before the call, and the call itself.
    """
    assert arguments.json_body is not None
    body = Snippet.value(arguments.json_body)
    if routine.single_unnamed_json_param:
        json_type = Snippet.trusted(routine.params[0].type_sql)
        return Snippet(), _function(routine) + "(" + body + "::" + json_type + ")"

    passed = [param for param in routine.params if param.name in arguments.keys]
    if not passed:
        return Snippet(), _function(routine) + "()"

    to_record = "json_to_recordset" if arguments.body_is_array else "json_to_record"
    columns = join(", ", (Snippet.ident(p.name) + " " + Snippet.trusted(p.type_sql) for p in passed))
    source = f"{to_record}(" + body + "::json) AS pgrst_body(" + columns + "), LATERAL "
    named = join(", ", (_named(p, Snippet.ident("pgrst_body", p.name)) for p in passed))
    call = _function(routine) + "(" + named + ")"
    return source, call


def _call_result_sql(plan: CallPlan) -> Snippet:
    routine = plan.routine
    if plan.arguments.text_values is not None:
        source, call = _call_from_text(routine, plan.arguments.text_values)
    else:
        source, call = _call_from_json(routine, plan.arguments)

    if routine.result in ("scalar", "set_of_scalars", "void"):
        scalar_call = "(SELECT " + call + " AS pgrst_scalar) pgrst_call"
        return "SELECT pgrst_call.pgrst_scalar FROM " + source + scalar_call
    return "SELECT pgrst_call.* FROM " + source + call + " pgrst_call"


def _body_sql(plan: CallPlan) -> Snippet:
    result = plan.routine.result
    if not plan.with_body or result == "void":
        return Snippet.raw("NULL::text")
    if plan.shape.csv:
        return csv_body_sql()
    if result == "scalar" or (result == "set_of_scalars" and plan.shape.singular):
        return Snippet.raw("coalesce((json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null')")
    if result == "set_of_scalars":
        return Snippet.raw("coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')::text")

    single = result == "composite" or plan.shape.singular
    aggregate = "json_agg(_postgrest_t)->0" if single else "json_agg(_postgrest_t)"
    if plan.shape.strip_nulls:
        aggregate = f"json_strip_nulls({aggregate})"
    empty = "'null'" if single else "'[]'"
    return Snippet.raw(f"coalesce(({aggregate})::text, {empty})")


def build_call_query(plan: CallPlan) -> Snippet:
    """Build one statement returning `total_result_set`, `page_total` and `body` for the call."""
    params = plan.params
    returns_rows = plan.routine.result in ("composite", "set_of_rows")
    filters = where_sql(CALL_RESULT, params.filters, None) if returns_rows else Snippet()

    if returns_rows:
        page = "SELECT " + select_list_sql(CALL_RESULT, params.select, None) + " FROM pgrst_call_result"
        page = page + filters + order_sql(CALL_RESULT, params.order, None)
    else:
        page = Snippet.raw("SELECT pgrst_call_result.pgrst_scalar FROM pgrst_call_result")
    if plan.limit is not None:
        page = page + " LIMIT " + Snippet.value(plan.limit)
    if params.offset:
        page = page + " OFFSET " + Snippet.value(params.offset)

    query = "WITH pgrst_call_result AS (" + _call_result_sql(plan) + "), pgrst_source AS (" + page + ")"
    if plan.count:
        query = query + ", pgrst_source_count AS (SELECT 1 FROM pgrst_call_result" + filters + ")"
        total = Snippet.raw("(SELECT pg_catalog.count(*) FROM pgrst_source_count)")
    else:
        total = Snippet.raw("NULL::bigint")
    # A function that returns one value or one row yields exactly one result, even a NULL one.
    page_total = "1" if plan.routine.returns_single else "pg_catalog.count(_postgrest_t)"

    return (
        query
        + " SELECT "
        + total
        + f" AS total_result_set, {page_total} AS page_total, "
        + _body_sql(plan)
        + " AS body FROM (SELECT * FROM pgrst_source) _postgrest_t"
    )
