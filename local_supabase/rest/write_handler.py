"""POST (insert and upsert), PATCH (update) and DELETE on a table or view."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from starlette.responses import Response

from .embedding import has_embeds, plan_embeds_with_reload
from .errors import column_not_found, max_affected_exceeded, not_implemented, singularity_error
from .media import negotiate
from .payload import parse_payload
from .ranges import content_range
from .rest_request import RestRequest, fetch_one
from .write_query import WritePlan, build_write_query

Mutation = Literal["insert", "update", "delete"]
MUTATIONS: dict[str, Mutation] = {"POST": "insert", "PATCH": "update", "DELETE": "delete"}


def _location(table_name: str, pairs: list[str] | None) -> str | None:
    if not pairs:
        return None
    encoded = []
    for pair in pairs:
        key, _, value = pair.partition("=")
        encoded.append(f"{quote(key, safe='')}={quote(value, safe='')}")
    return f"/{table_name}?{'&'.join(encoded)}"


async def write_rows(rest: RestRequest) -> Response:
    method = rest.request.method
    mutation = MUTATIONS[method]
    params = rest.params
    if mutation != "insert" and (params.limit is not None or params.offset):
        raise not_implemented("limit and offset on PATCH and DELETE")

    table = await rest.find_table()
    shape = negotiate(rest.request.headers.get("accept"))

    payload = None
    if mutation != "delete":
        # DELETE requests from supabase-py carry a `{}` body, which PostgREST ignores, so it is not read.
        payload = parse_payload(
            await rest.request.body(), rest.request.headers.get("content-type"), params.columns
        )
        table, missing = await rest.schema_cache.find_columns(table, list(payload.columns))
        if missing is not None:
            raise column_not_found(table.name, missing)

    # Embedded resources shape the returned rows only. The write's own filters stay as they came.
    embeds = await plan_embeds_with_reload(rest.schema_cache, table, params) if has_embeds(params) else None
    plan = WritePlan(mutation, table, params, rest.preferences, shape, payload, embeds)
    query = build_write_query(plan)

    async with rest.transaction(read_only=False) as conn:
        row = await fetch_one(conn, query)
        row_count: int = row["page_total"]
        if shape.singular and row_count != 1:
            # Raising inside the transaction rolls the write back.
            raise singularity_error(row_count)
        preferences = rest.preferences
        limited = mutation != "insert" and preferences.enforces_max_affected
        if limited and row_count > (preferences.max_affected or 0):
            raise max_affected_exceeded(row_count)

    total = row_count if rest.preferences.count is not None else None
    if mutation == "update":
        headers = {"Content-Range": content_range(0, row_count - 1, total)}
    else:
        headers = {"Content-Range": content_range(1, 0, total)}

    applied = rest.preferences.applied(
        include_resolution=mutation == "insert" and bool(plan.conflict_columns),
        include_missing=mutation != "delete",
        include_return=True,
    )
    if applied:
        headers["Preference-Applied"] = applied
    location = _location(table.name, row["location"])
    if location:
        headers["Location"] = location

    if mutation == "insert":
        # A merging upsert that inserted no new row (it only updated, or got no rows) returns 200.
        status = 200 if plan.counts_inserted and (row["inserted"] or 0) <= 0 else 201
    else:
        status = 200 if plan.returns_representation else 204

    if not plan.returns_representation:
        return Response(status_code=status, headers=headers)
    return Response(
        str(row["body"]).encode(), status_code=status, headers=headers, media_type=shape.content_type
    )
