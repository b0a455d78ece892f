"""The `Content-Range` header and the status of a page of rows, as PostgREST's RangeQuery computes them."""

from __future__ import annotations


def content_range(first: int, last: int, total: int | None) -> str:
    """Write `first-last/total`, with `*` for the range when it is empty and for an unknown total."""
    range_part = f"{first}-{last}" if total != 0 and first <= last else "*"
    return f"{range_part}/{'*' if total is None else total}"


def read_status(offset: int, row_count: int, total: int | None) -> int:
    """200 for a whole result, 206 for part of a counted one, 416 for an offset past the counted total."""
    if total is None:
        return 200
    if offset > total:
        return 416
    if row_count < total:
        return 206
    return 200
