"""Table views as PostgREST queries: one page with its count for the table, every row for an export.

A view is a table, the columns to read, its key, AND-combined filters and an optional sort column.
Reads always order by the sort column and then by the key, so pages and exports have one stable
order and the export can page by keyset (see components.keyset).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from postgrest.exceptions import APIError
from postgrest.types import CountMethod
from supabase import Client

from components.keyset import Batch, Condition, SortKey, keyset_batches
from components.rest import json_rows

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
# Hosted Supabase returns at most 1000 rows per read (the `max_rows` API setting), whatever the limit.
EXPORT_BATCH_SIZE = 1000


class PageOutOfRangeError(Exception):
    """The requested page starts after the last row, for example because rows were deleted."""


@dataclass(frozen=True)
class TableView:
    """A table read with filters and a sort, as the user set them on a page."""

    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...] = ("id",)
    filters: tuple[Condition, ...] = ()
    sort: SortKey | None = None

    @property
    def order(self) -> tuple[SortKey, ...]:
        """The sort column, then the key columns in ascending order as the tie-breaker."""
        terms = [self.sort] if self.sort is not None else []
        terms += [SortKey(column) for column in self.key if self.sort is None or column != self.sort.column]
        return tuple(terms)

    @property
    def select_columns(self) -> tuple[str, ...]:
        """The view's columns plus any order column they lack, because keyset paging reads its values."""
        extra = [term.column for term in self.order if term.column not in self.columns]
        return (*self.columns, *extra)


@dataclass(frozen=True)
class TablePage:
    """One page of a view's rows and the count of every row the view matches."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int = PAGE_SIZE

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class ExportProgress:
    """The rows read so far by one export, for a progress bar."""

    read: int = 0
    expected: int | None = field(default=None)


def ilike_pattern(text: str) -> str:
    """Return a PostgREST ilike pattern that finds `text` anywhere, with LIKE's `%` and `_` taken literally.

    PostgREST turns every `*` into `%`, so a `*` the user types still matches any text.
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"*{escaped}*"


def quote_logic_value(value: Any) -> str:
    """Quote a value inside PostgREST's `or=(...)`, where commas and parentheses would end it."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def logic_term(condition: Condition) -> str:
    """Return `column.operator.value` for use inside `or=(...)`."""
    if condition.operator in ("in", "or"):
        raise ValueError(f"{condition.operator} cannot be nested in an or filter here")
    if condition.operator == "is":
        keyword = {None: "null", True: "true", False: "false"}[condition.value]
        return f"{condition.column}.is.{keyword}"
    return f"{condition.column}.{condition.operator}.{quote_logic_value(condition.value)}"


def apply_conditions(query: Any, conditions: Sequence[Condition]) -> Any:
    """Add each condition to a supabase-py filter builder; its methods quote the values."""
    for condition in conditions:
        column, operator, value = condition.column, condition.operator, condition.value
        if operator == "or":
            query = query.or_(",".join(logic_term(term) for term in value))
        elif operator == "in":
            query = query.in_(column, list(value))
        elif operator == "is":
            query = query.is_(column, value)
        else:
            query = getattr(query, operator)(column, value)
    return query


def apply_order(query: Any, order: Sequence[SortKey]) -> Any:
    for term in order:
        query = query.order(term.column, desc=term.descending, nullsfirst=False)
    return query


def fetch_page(client: Client, view: TableView, page: int, page_size: int = PAGE_SIZE) -> TablePage:
    """Return page `page` (0-based) of the view with the exact count. Raises PageOutOfRangeError."""
    offset = page * page_size
    query = client.table(view.table).select(", ".join(view.select_columns), count=CountMethod.exact)
    query = apply_order(apply_conditions(query, view.filters), view.order)
    try:
        response = query.range(offset, offset + page_size - 1).execute()
    except APIError as exc:
        # PostgREST returns 416 with code PGRST103 when the offset is past the counted total.
        if exc.code == "PGRST103":
            raise PageOutOfRangeError(f"page {page} starts after the last row of {view.table}") from exc
        raise

    total = response.count if response.count is not None else offset + len(response.data)
    return TablePage(rows=json_rows(response.data), total=total, page=page, page_size=page_size)


def count_rows(client: Client, view: TableView) -> int:
    """Return the exact number of rows the view matches, reading no rows."""
    query = client.table(view.table).select(view.key[0], count=CountMethod.exact)
    response = apply_conditions(query, view.filters).limit(1).execute()
    return int(response.count or 0)


def iter_view_rows(
    client: Client,
    view: TableView,
    batch_size: int = EXPORT_BATCH_SIZE,
    progress: ExportProgress | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Yield every row of the view as a tuple in `view.columns` order, paging by keyset.

    The rows are read lazily, one batch at a time, so memory use is bounded by one batch.
    Raises ExportIncompleteError when rows vanish during the read (see keyset_batches).
    """
    select = ", ".join(view.select_columns)

    def fetch(
        conditions: tuple[Condition, ...], order: tuple[SortKey, ...], limit: int, with_count: bool
    ) -> Batch:
        query = client.table(view.table).select(select, count=CountMethod.exact if with_count else None)
        query = apply_order(apply_conditions(query, (*view.filters, *conditions)), order)
        response = query.limit(limit).execute()
        if with_count and progress is not None:
            progress.expected = response.count
        return Batch(rows=json_rows(response.data), count=response.count)

    read = 0
    for batch in keyset_batches(fetch, view.order, batch_size, not_null=view.key):
        for row in batch:
            yield tuple(row.get(column) for column in view.columns)
        read += len(batch)
        if progress is not None:
            progress.read = read
    logger.info("read %d rows of %s for export", read, view.table)
