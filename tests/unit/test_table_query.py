"""Query building for table views: the PostgREST parameters a view and its filters produce."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from postgrest import SyncPostgrestClient

from components.keyset import Condition, SortKey
from components.orders_view import (
    FilterError,
    OrdersFilters,
    describe_filters,
    filter_conditions,
    orders_view,
)
from components.table_query import TableView, apply_conditions, apply_order, ilike_pattern, quote_logic_value

TEAM = "20000000-0000-4000-8000-000000000001"
COLUMNS = ("order_no", "ordered_on", "amount")


def query_params(conditions: tuple[Condition, ...], order: tuple[SortKey, ...] = ()) -> list[tuple[str, str]]:
    # The client only builds the request here. Nothing is sent to the unreachable port.
    query: Any = SyncPostgrestClient("http://127.0.0.1:9").from_("orders").select("id")
    query = apply_order(apply_conditions(query, conditions), order)
    return [pair for pair in query.request.params.multi_items() if pair[0] != "select"]


def test_view_order_ends_with_key() -> None:
    view = TableView("orders", COLUMNS, sort=SortKey("ordered_on", descending=True))

    assert view.order == (SortKey("ordered_on", descending=True), SortKey("id"))


def test_view_order_on_key_has_one_term() -> None:
    view = TableView("orders", COLUMNS, sort=SortKey("id", descending=True))

    assert view.order == (SortKey("id", descending=True),)


def test_view_selects_order_columns_it_lacks() -> None:
    view = TableView("memberships", ("role",), key=("user_id", "team_id"))

    assert view.select_columns == ("role", "user_id", "team_id")


def test_apply_conditions_builds_postgrest_filters() -> None:
    conditions = (
        Condition("status", "in", ("paid", "open")),
        Condition("ordered_on", "gte", "2024-01-01"),
        Condition("ordered_on", "lte", "2024-03-31"),
        Condition("note", "is", None),
    )

    assert query_params(conditions) == [
        ("status", "in.(paid,open)"),
        ("ordered_on", "gte.2024-01-01"),
        ("ordered_on", "lte.2024-03-31"),
        ("note", "is.null"),
    ]


def test_apply_conditions_quotes_or_values() -> None:
    either = (Condition("order_no", "ilike", '*a,b"c)*'), Condition("customer_email", "ilike", "*x*"))

    assert query_params((Condition("", "or", either),)) == [
        ("or", '(order_no.ilike."*a,b\\"c)*",customer_email.ilike."*x*")')
    ]


def test_apply_order_puts_nulls_last() -> None:
    params = query_params((), (SortKey("ordered_on", descending=True), SortKey("id")))

    assert params == [("order", "ordered_on.desc.nullslast,id.asc.nullslast")]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        pytest.param("ACME", "*ACME*", id="plain"),
        pytest.param("50%", "*50\\%*", id="percent"),
        pytest.param("a_b", "*a\\_b*", id="underscore"),
        pytest.param("c:\\x", "*c:\\\\x*", id="backslash"),
    ],
)
def test_ilike_pattern_escapes_like_wildcards(text: str, pattern: str) -> None:
    assert ilike_pattern(text) == pattern


def test_quote_logic_value_escapes_quote_and_backslash() -> None:
    assert quote_logic_value('a"b\\c') == '"a\\"b\\\\c"'


def test_filter_conditions_cover_every_filter() -> None:
    filters = OrdersFilters(
        statuses=("paid",), ordered_from=dt.date(2024, 1, 1), ordered_to=dt.date(2024, 6, 30), search=" acme "
    )

    conditions = filter_conditions(TEAM, filters)

    assert conditions[:4] == (
        Condition("team_id", "eq", TEAM),
        Condition("status", "in", ("paid",)),
        Condition("ordered_on", "gte", "2024-01-01"),
        Condition("ordered_on", "lte", "2024-06-30"),
    )
    assert conditions[4] == Condition(
        "",
        "or",
        (Condition("order_no", "ilike", "*acme*"), Condition("customer_email", "ilike", "*acme*")),
    )


def test_filter_conditions_reject_reversed_dates() -> None:
    filters = OrdersFilters(ordered_from=dt.date(2024, 2, 1), ordered_to=dt.date(2024, 1, 1))

    with pytest.raises(FilterError, match="after the end date"):
        filter_conditions(TEAM, filters)


def test_filter_conditions_reject_unknown_status() -> None:
    with pytest.raises(FilterError, match="Unknown order status"):
        filter_conditions(TEAM, OrdersFilters(statuses=("lost",)))


def test_orders_view_default_sort_is_key() -> None:
    view = orders_view(TEAM, OrdersFilters(), COLUMNS)

    assert view.order == (SortKey("id"),)


def test_orders_view_sort_column_then_key() -> None:
    view = orders_view(TEAM, OrdersFilters(sort_column="amount", descending=True), COLUMNS)

    assert view.order == (SortKey("amount", descending=True), SortKey("id"))


def test_describe_filters_names_each_filter() -> None:
    filters = OrdersFilters(statuses=("paid", "shipped"), ordered_from=dt.date(2024, 1, 1), search="acme")

    text = describe_filters(filters)

    assert text == (
        "Orders where status is paid or shipped and ordered on or after 2024-01-01 and "
        "order no. or customer email contains 'acme', sorted by Entry order, ascending."
    )


def test_describe_filters_without_filters() -> None:
    assert describe_filters(OrdersFilters()) == "All orders, sorted by Entry order, ascending."
