"""Calls of database functions: `POST`, `GET` and `HEAD` on `/rpc/<name>`.

A POST runs read-write when the function is VOLATILE and read-only when it is STABLE or IMMUTABLE. A GET or
HEAD always runs read-only, so a function that writes fails there with 25006 (405), as behind PostgREST.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..context import ServiceContext
from .counts import plan_count
from .errors import ApiError, error_response, invalid_range, not_implemented, singularity_error
from .media import negotiate
from .prefer import Preferences
from .query_params import parse_query_string
from .query_types import SelectItem
from .ranges import content_range, read_status
from .request_role import RequestRole
from .rest_request import fetch_one
from .rpc_call import CallArguments, choose_routine, read_body_arguments, split_query_arguments
from .rpc_catalogue import Routine, RoutineCache
from .rpc_query import CallPlan, build_call_query


def _page_limit(requested: int | None, max_rows: int) -> int | None:
    if max_rows <= 0:
        return requested
    return max_rows if requested is None else min(requested, max_rows)


async def _find_routine(routines: RoutineCache, schema: str, name: str, arguments: CallArguments) -> Routine:
    """Choose the function to call, reloading the function cache once when the cached overloads do not fit."""

    def similar_name() -> str | None:
        return routines.similar_name(schema, name)

    overloads = await routines.overloads(schema, name)
    try:
        return choose_routine(schema, name, overloads, arguments, similar_name)
    except ApiError:
        if not overloads:
            raise
    # The function may have been replaced since the cache was loaded, for example with new parameters.
    await routines.reload()
    return choose_routine(schema, name, await routines.overloads(schema, name), arguments, similar_name)


async def call_function(
    ctx: ServiceContext,
    routines: RoutineCache,
    request: Request,
    role: RequestRole,
    schema: str,
    name: str,
    preferences: Preferences,
) -> Response:
    method = request.method
    shape = negotiate(request.headers.get("accept"))

    if method == "POST":
        arguments = read_body_arguments(await request.body(), request.headers.get("content-type"))
        query_string = request.url.query
    else:
        values, query_string = split_query_arguments(request.url.query)
        arguments = CallArguments(keys=frozenset(values), text_values=values)
    params = parse_query_string(query_string)
    if params.embedded or any(not isinstance(item, SelectItem) for item in params.select):
        raise not_implemented("resource embedding on function results (rpc/<function>?select=rel(...))")

    routine = await _find_routine(routines, schema, name, arguments)

    # Like PostgREST, a planned count is not computed for function results, and an estimated one is exact.
    counting = plan_count("exact" if preferences.count == "estimated" else preferences.count, 0)
    max_rows = ctx.config.max_rows
    plan = CallPlan(
        routine=routine,
        arguments=arguments,
        params=params,
        limit=_page_limit(params.limit, max_rows),
        count=counting.in_query,
        shape=shape,
        with_body=method != "HEAD",
    )
    read_only = method != "POST" or routine.volatility != "volatile"

    async with ctx.db.request_transaction(
        role=role.role,
        claims=role.claims,
        method=method,
        path=request.url.path,
        headers=dict(request.headers),
        schema=schema,
        read_only=read_only,
        timezone=preferences.timezone,
    ) as conn:
        row = await fetch_one(conn, build_call_query(plan))
        row_count: int = row["page_total"]
        if shape.singular and row_count != 1:
            # Raising inside the transaction rolls back what the function wrote.
            raise singularity_error(row_count)
    total: int | None = row["total_result_set"]

    headers = {"Content-Range": content_range(params.offset, params.offset + row_count - 1, total)}
    applied = preferences.applied(include_resolution=False, include_missing=False, include_return=False)
    if applied:
        headers["Preference-Applied"] = applied

    if routine.result == "void":
        return Response(status_code=204, headers=headers)

    status = read_status(params.offset, row_count, total)
    if status == 416:
        error = invalid_range(f"An offset of {params.offset} was requested, but there are only {total} rows.")
        error.headers.update(headers)
        return error_response(error, include_body=method != "HEAD")

    body = b"" if method == "HEAD" else str(row["body"]).encode()
    response = Response(body, status_code=status, headers=headers, media_type=shape.content_type)
    if method == "HEAD":
        del response.headers["content-length"]
    return response
