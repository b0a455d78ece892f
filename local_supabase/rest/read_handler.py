"""GET and HEAD on a table or view."""

from __future__ import annotations

from starlette.responses import Response

from .errors import error_response, invalid_range, singularity_error
from .media import negotiate
from .ranges import content_range, read_status
from .read_query import ReadPlan, build_read_query
from .rest_request import RestRequest, fetch_one


def _page_limit(requested: int | None, max_rows: int) -> int | None:
    """Cap the page at max rows (db-max-rows), whatever limit the request asked for."""
    if max_rows <= 0:
        return requested
    return max_rows if requested is None else min(requested, max_rows)


async def read_rows(rest: RestRequest, *, head: bool) -> Response:
    table = await rest.find_table()
    shape = negotiate(rest.request.headers.get("accept"))
    params = rest.params
    # NOTE: count=planned and count=estimated return the exact count, which PostgREST only approximates
    # from the planner's statistics.
    plan = ReadPlan(
        table=table,
        params=params,
        limit=_page_limit(params.limit, rest.ctx.config.max_rows),
        count=rest.preferences.count is not None,
        shape=shape,
        with_body=not head,
    )
    query = build_read_query(plan)

    async with rest.transaction(read_only=True) as conn:
        row = await fetch_one(conn, query)
    total: int | None = row["total_result_set"]
    row_count: int = row["page_total"]

    if shape.singular and row_count != 1:
        raise singularity_error(row_count)

    headers = {"Content-Range": content_range(params.offset, params.offset + row_count - 1, total)}
    applied = rest.preferences.applied(include_resolution=False, include_missing=False, include_return=False)
    if applied:
        headers["Preference-Applied"] = applied

    status = read_status(params.offset, row_count, total)
    if status == 416:
        error = invalid_range(f"An offset of {params.offset} was requested, but there are only {total} rows.")
        error.headers.update(headers)
        return error_response(error, include_body=not head)

    body = b"" if head else str(row["body"]).encode()
    response = Response(body, status_code=status, headers=headers, media_type=shape.content_type)
    if head:
        # A HEAD response has no body but keeps the headers of the GET it stands for.
        del response.headers["content-length"]
    return response
