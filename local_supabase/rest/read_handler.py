"""GET and HEAD on a table or view."""

from __future__ import annotations

from starlette.responses import Response

from .counts import plan_count, settle_total
from .embedding import plan_embeds_with_reload
from .errors import error_response, invalid_range, singularity_error
from .media import negotiate
from .ranges import content_range, read_status
from .read_query import ReadPlan, build_count_query, build_read_query
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
    max_rows = rest.ctx.config.max_rows
    counting = plan_count(rest.preferences.count, max_rows)
    plan = ReadPlan(
        table=table,
        params=params,
        limit=_page_limit(params.limit, max_rows),
        count=counting.in_query,
        shape=shape,
        with_body=not head,
        count_limit=counting.limit,
        embeds=await plan_embeds_with_reload(rest.schema_cache, table, params),
    )
    query = build_read_query(plan)

    async with rest.transaction(read_only=True) as conn:
        row = await fetch_one(conn, query)
        total = await settle_total(
            conn, rest.preferences.count, row["total_result_set"], build_count_query(plan), max_rows
        )
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
