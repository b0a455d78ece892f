"""Keyset paging over an ordered, filtered table without PostgREST's `or=(...)` filter.

A keyset page after the boundary row (v1, ..., vn) of the order (t1, ..., tn) needs
`(t1, ..., tn) > (v1, ..., vn)`, which PostgREST can only send as an `or=(...)` filter. The same
rows are the union of one plain, AND-combined request per order term k, from the last term to
the first: `t1 = v1 and ... and t(k-1) = v(k-1) and tk > vk`, ordered by tk, ..., tn. Each of
those requests is one "step". NULLs sort last in every direction, so each term also gets a step
for `tk is null` after its `tk > vk` step.

The last order terms must form a unique key (the primary key), so the boundary names exactly one
row. A row present from the first request to the last is then read exactly once, whatever is
inserted or deleted meanwhile, provided its order values do not change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

logger = logging.getLogger(__name__)

Operator = Literal["eq", "neq", "gt", "gte", "lt", "lte", "ilike", "in", "is", "or"]
Row = Mapping[str, Any]


@dataclass(frozen=True)
class Condition:
    """One PostgREST filter: `column=operator.value`.

    For "in" the value is a tuple, for "is" None, True or False. For "or" the column is unused and
    the value is a tuple of conditions of which at least one must hold.
    """

    column: str
    operator: Operator
    value: Any = None


@dataclass(frozen=True)
class SortKey:
    """One order term. NULLs always sort last, in both directions."""

    column: str
    descending: bool = False


@dataclass(frozen=True)
class Batch:
    """The rows of one request, and the exact count when the request asked for it."""

    rows: Sequence[Row]
    count: int | None = None


# fetch(conditions, order, limit, with_count) returns at most `limit` rows matching the view's own
# filters and `conditions`, ordered by `order`.
Fetch = Callable[[tuple[Condition, ...], tuple[SortKey, ...], int, bool], Batch]


class ExportIncompleteError(Exception):
    """The export read fewer rows than the count the server reported at its start."""


def equal_condition(column: str, value: Any) -> Condition:
    # `column=eq.null` compares with the text "null", so a NULL boundary value needs `is.null`.
    if value is None:
        return Condition(column, "is", None)
    return Condition(column, "eq", value)


def keyset_steps(
    order: Sequence[SortKey], boundary: Sequence[Any], not_null: Collection[str] = ()
) -> list[tuple[tuple[Condition, ...], tuple[SortKey, ...]]]:
    """Return the requests that together read every row after `boundary`, in order.

    Each request is (conditions, order). See the module docstring for why there are several.
    Columns in `not_null` (such as the primary key) get no `is null` step.
    """
    steps: list[tuple[tuple[Condition, ...], tuple[SortKey, ...]]] = []
    for level in range(len(order) - 1, -1, -1):
        prefix = tuple(equal_condition(order[j].column, boundary[j]) for j in range(level))
        term = order[level]
        value = boundary[level]
        if value is None:
            # NULLs sort last, so nothing on this level comes after a NULL boundary value.
            continue

        after = Condition(term.column, "lt" if term.descending else "gt", value)
        steps.append((prefix + (after,), tuple(order[level:])))
        if term.column not in not_null:
            steps.append((prefix + (Condition(term.column, "is", None),), tuple(order[level + 1 :])))
    return steps


def keyset_batches(
    fetch: Fetch, order: Sequence[SortKey], batch_size: int, not_null: Collection[str] = ()
) -> Iterator[Sequence[Row]]:
    """Yield the view's rows in `order`, batch by batch, reading past any server row cap.

    The first request also requests the exact count. When it returns fewer rows than both the
    batch size and that count, the server caps reads below `batch_size`, and the cap becomes the
    batch size. Raises ExportIncompleteError at the end when fewer rows arrived than the count,
    which happens when rows are deleted or their order values change during the read.
    """
    order = tuple(order)
    first = fetch((), order, batch_size, True)
    expected = first.count
    if expected is not None and 0 < len(first.rows) < min(batch_size, expected):
        logger.info("the server returns at most %d rows per read; paging by that", len(first.rows))
        batch_size = len(first.rows)

    read = 0
    rows = first.rows
    pending: list[tuple[tuple[Condition, ...], tuple[SortKey, ...]]] = []
    while True:
        if rows:
            read += len(rows)
            yield rows

        if len(rows) >= batch_size:
            # A full batch may have more rows right after it, on the deepest level first.
            boundary = [rows[-1][term.column] for term in order]
            pending = keyset_steps(order, boundary, not_null)
        if not pending:
            break

        conditions, step_order = pending.pop(0)
        rows = fetch(conditions, step_order, batch_size, False).rows

    if expected is not None and read < expected:
        raise ExportIncompleteError(f"read {read:,} of {expected:,} rows")
    logger.debug("keyset read of %d rows finished", read)
