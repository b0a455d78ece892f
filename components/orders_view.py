"""The Orders page's filters and sort, turned into a table view of the current team's orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from components.keyset import Condition, SortKey
from components.table_query import TableView, ilike_pattern

ORDER_STATUSES = ("open", "paid", "shipped", "cancelled")
# The search text matches either column.
SEARCH_COLUMNS = ("order_no", "customer_email")
# Columns a person may sort Orders by, with their labels. The key (id) always breaks ties.
SORT_COLUMNS = {
    "id": "Entry order",
    "ordered_on": "Ordered on",
    "order_no": "Order no.",
    "customer_email": "Customer email",
    "amount": "Amount",
    "status": "Status",
}


class FilterError(ValueError):
    """The filter values contradict each other. The message is written for the user."""


@dataclass(frozen=True)
class OrdersFilters:
    """The values of the Orders filter panel. Empty values filter nothing."""

    statuses: tuple[str, ...] = ()
    ordered_from: dt.date | None = None
    ordered_to: dt.date | None = None
    search: str = ""
    sort_column: str = "id"
    descending: bool = False

    def validate(self) -> None:
        """Raise FilterError when the filters cannot match any row by construction or name unknown values."""
        if self.ordered_from and self.ordered_to and self.ordered_from > self.ordered_to:
            raise FilterError(
                f"The start date {self.ordered_from:%Y-%m-%d} is after the end date "
                f"{self.ordered_to:%Y-%m-%d}. Swap them or clear one."
            )
        unknown = [status for status in self.statuses if status not in ORDER_STATUSES]
        if unknown:
            raise FilterError(f"Unknown order status {', '.join(unknown)}.")
        if self.sort_column not in SORT_COLUMNS:
            raise FilterError(f"Orders cannot be sorted by {self.sort_column}.")


def filter_conditions(team_id: str, filters: OrdersFilters) -> tuple[Condition, ...]:
    """Return the AND-combined conditions for the team and the filters, after validating them."""
    filters.validate()
    conditions = [Condition("team_id", "eq", team_id)]
    if filters.statuses:
        conditions.append(Condition("status", "in", tuple(filters.statuses)))
    if filters.ordered_from:
        conditions.append(Condition("ordered_on", "gte", filters.ordered_from.isoformat()))
    if filters.ordered_to:
        conditions.append(Condition("ordered_on", "lte", filters.ordered_to.isoformat()))
    if filters.search.strip():
        pattern = ilike_pattern(filters.search.strip())
        either = tuple(Condition(column, "ilike", pattern) for column in SEARCH_COLUMNS)
        conditions.append(Condition("", "or", either))
    return tuple(conditions)


def orders_view(
    team_id: str, filters: OrdersFilters, columns: tuple[str, ...], key: tuple[str, ...] = ("id",)
) -> TableView:
    sort = (
        None
        if filters.sort_column in key and not filters.descending
        else SortKey(filters.sort_column, filters.descending)
    )
    return TableView(
        table="orders",
        columns=columns,
        key=key,
        filters=filter_conditions(team_id, filters),
        sort=sort,
    )


def describe_filters(filters: OrdersFilters) -> str:
    """Return the filters and sort as one sentence for the first sheet of a workbook."""
    parts = []
    if filters.statuses:
        parts.append(f"status is {' or '.join(filters.statuses)}")
    if filters.ordered_from:
        parts.append(f"ordered on or after {filters.ordered_from:%Y-%m-%d}")
    if filters.ordered_to:
        parts.append(f"ordered on or before {filters.ordered_to:%Y-%m-%d}")
    if filters.search.strip():
        parts.append(f"order no. or customer email contains {filters.search.strip()!r}")
    direction = "descending" if filters.descending else "ascending"
    sort = f"sorted by {SORT_COLUMNS[filters.sort_column]}, {direction}"
    return f"Orders where {' and '.join(parts)}, {sort}." if parts else f"All orders, {sort}."
