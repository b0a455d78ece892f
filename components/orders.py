"""Queries on the orders table: one page for the table view, and every row for an export."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from postgrest.exceptions import APIError
from postgrest.types import CountMethod
from supabase import Client

from components.rest import json_rows

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
# Hosted Supabase returns at most 1000 rows per read (the `max_rows` API setting), whatever the limit.
EXPORT_BATCH_SIZE = 1000

PAGE_COLUMNS = ["order_no", "ordered_on", "customer_email", "amount", "status", "note", "id"]
EXPORT_COLUMNS = [
    "order_no",
    "ordered_on",
    "customer_email",
    "amount",
    "status",
    "note",
    "created_at",
    "updated_at",
    "id",
]
# Excel number formats for the columns that need more than the type's default.
EXCEL_NUMBER_FORMATS = {"amount": "#,##0.00", "id": "0"}


class PageOutOfRangeError(Exception):
    """The requested page starts after the last row, for example because rows were deleted."""


class ExportIncompleteError(Exception):
    """The export read fewer rows than the count the server reported at its start."""


@dataclass(frozen=True)
class OrdersPage:
    """One page of a team's orders and the team's total order count."""

    rows: pd.DataFrame
    total: int
    page: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def fetch_orders_page(client: Client, team_id: str, page: int) -> OrdersPage:
    """Return page `page` (0-based) of the team's orders, ordered by id. Raises PageOutOfRangeError."""
    offset = page * PAGE_SIZE
    try:
        response = (
            client.table("orders")
            .select(", ".join(PAGE_COLUMNS), count=CountMethod.exact)
            .eq("team_id", team_id)
            .order("id")
            .range(offset, offset + PAGE_SIZE - 1)
            .execute()
        )
    except APIError as exc:
        # PostgREST returns 416 with code PGRST103 when the offset is past the counted total.
        if exc.code == "PGRST103":
            raise PageOutOfRangeError(f"page {page} starts after the last order") from exc
        raise

    total = response.count if response.count is not None else offset + len(response.data)
    return OrdersPage(rows=orders_frame(json_rows(response.data), PAGE_COLUMNS), total=total, page=page)


def fetch_all_orders(client: Client, team_id: str) -> pd.DataFrame:
    """Return every order of the team, paging by id so the server's row cap never truncates the result.

    Each request selects the rows after the last id seen. The loop ends on an empty page, or on a
    short page once the rows read reach the count from the first request, so it also works when
    the server caps reads below EXPORT_BATCH_SIZE. Raises ExportIncompleteError when fewer rows
    arrive than that count, which happens when rows are deleted during the export.
    """
    rows: list[dict[str, Any]] = []
    last_id: int | None = None
    expected: int | None = None

    while True:
        query = client.table("orders").select(
            ", ".join(EXPORT_COLUMNS), count=CountMethod.exact if expected is None else None
        )
        query = query.eq("team_id", team_id)
        if last_id is not None:
            query = query.gt("id", last_id)
        response = query.order("id").limit(EXPORT_BATCH_SIZE).execute()

        if expected is None:
            expected = response.count
        batch = json_rows(response.data)
        rows.extend(batch)
        if not batch:
            break
        last_id = int(batch[-1]["id"])
        if len(batch) < EXPORT_BATCH_SIZE and (expected is None or len(rows) >= expected):
            break

    if expected is not None and len(rows) < expected:
        raise ExportIncompleteError(f"read {len(rows)} of {expected} orders")
    logger.info("read %d orders of team %s for export", len(rows), team_id)
    return orders_frame(rows, EXPORT_COLUMNS)


def orders_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Build a DataFrame with typed columns from PostgREST JSON rows.

    `ordered_on` contains datetime.date values, `amount` floats (numeric(12,2) fits in a float's
    15 significant digits, and the JSON number arrives as a float anyway), timestamps are
    timezone-aware UTC, and `id` is a nullable integer.
    """
    frame = pd.DataFrame.from_records(rows, columns=columns)

    if "ordered_on" in frame:
        dates = pd.to_datetime(frame["ordered_on"], format="ISO8601").dt.date
        frame["ordered_on"] = dates.astype(object).where(dates.notna(), None)
    if "amount" in frame:
        frame["amount"] = pd.to_numeric(frame["amount"]).astype("float64")
    for column in ("created_at", "updated_at"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    if "id" in frame:
        frame["id"] = frame["id"].astype("Int64")
    return frame
