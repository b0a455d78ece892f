"""Exports of filtered, sorted views against a backend with max-rows 1000: every row, exactly once."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from openpyxl import load_workbook
from postgrest.exceptions import APIError
from supabase import Client

from components.auth import sign_in_with_password
from components.backend import BackendTarget
from components.dashboard_config import load_dashboard_config
from components.exports import ViewExport, WorkbookContext, build_team_workbook_bytes, build_view_bytes
from components.orders_view import OrdersFilters, describe_filters, orders_view
from components.settings import Secret
from components.supabase_client import new_client
from components.table_columns import read_readable_tables, read_table_columns, table_layout
from components.table_query import fetch_page, iter_view_rows
from tests.support.backend import RunningBackend
from tests.support.clients import Connection, connect_db
from tests.support.clients import new_client as anon_client

GLOBEX = "20000000-0000-4000-8000-000000000002"
SEEDED_GLOBEX_ORDERS = 1200
ADDED_ORDERS = 300


@pytest.fixture(scope="module")
def capped_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    """A backend of its own, because these tests add orders that other tests would count."""
    return backend_factory(extra_args=["--max-rows", "1000"])


@pytest.fixture(scope="module")
def db(capped_backend: RunningBackend) -> Iterator[Connection]:
    with connect_db(capped_backend) as conn:
        # Globex gets 1,500 orders, on dates that repeat so many rows tie on the sort column.
        conn.execute(
            """
            insert into public.orders (team_id, order_no, ordered_on, amount, status)
            select %s, format('GLX-EXTRA-%%s', to_char(n, 'FM0000')), date '2024-01-01' + (n %% 40), n, 'paid'
            from generate_series(1, %s) as n
            """,
            (GLOBEX, ADDED_ORDERS),
        )
        yield conn


@pytest.fixture(scope="module")
def carol(capped_backend: RunningBackend, db: Connection) -> Iterator[Client]:
    """A client signed in as carol, an admin of Globex only."""
    client = new_client(
        BackendTarget(url=capped_backend.api_url, key=Secret(capped_backend.anon_key), is_local=True)
    )
    sign_in_with_password(client, "carol@example.com", "demo-password")
    yield client
    client.auth.sign_out({"scope": "local"})


def globex_view(client: Client, filters: OrdersFilters):  # type: ignore[no-untyped-def]
    layout = table_layout(client, load_dashboard_config(), "orders")
    return orders_view(GLOBEX, filters, layout.columns, layout.key), layout


def test_view_count_and_last_page_past_max_rows(carol: Client) -> None:
    view, _ = globex_view(carol, OrdersFilters())

    first = fetch_page(carol, view, 0)
    last = fetch_page(carol, view, first.page_count - 1)

    assert first.total == SEEDED_GLOBEX_ORDERS + ADDED_ORDERS
    assert len(last.rows) == 50
    assert last.rows[-1]["order_no"] == f"GLX-EXTRA-{ADDED_ORDERS:04d}"


def test_view_export_reads_every_row_past_max_rows(carol: Client) -> None:
    view, _ = globex_view(carol, OrdersFilters(sort_column="ordered_on", descending=True))
    id_index = view.columns.index("id")
    date_index = view.columns.index("ordered_on")

    rows = list(iter_view_rows(carol, view))

    assert len(rows) == SEEDED_GLOBEX_ORDERS + ADDED_ORDERS
    assert len({row[id_index] for row in rows}) == len(rows)
    dates = [row[date_index] for row in rows]
    assert dates == sorted(dates, reverse=True)


def test_view_export_workbook_has_every_row(carol: Client) -> None:
    view, layout = globex_view(carol, OrdersFilters(sort_column="amount"))

    data = build_view_bytes(carol, ViewExport(view, layout.specs, "Orders"), "xlsx", "Europe/Berlin")

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == SEEDED_GLOBEX_ORDERS + ADDED_ORDERS + 1


def test_view_export_filtered_matches_count(carol: Client) -> None:
    filters = OrdersFilters(
        statuses=("paid",), ordered_from=dt.date(2024, 1, 1), ordered_to=dt.date(2024, 1, 20)
    )
    view, _ = globex_view(carol, filters)

    rows = list(iter_view_rows(carol, view))

    assert len(rows) == fetch_page(carol, view, 0).total
    assert len(rows) > 0


def test_view_export_search_matches_either_column(carol: Client) -> None:
    view, _ = globex_view(carol, OrdersFilters(search="extra-00"))

    rows = list(iter_view_rows(carol, view))

    assert len(rows) == 99
    assert all(str(row[0]).startswith("GLX-EXTRA-00") for row in rows)


def test_view_export_keeps_rows_when_rows_inserted(carol: Client, db: Connection) -> None:
    view, _ = globex_view(carol, OrdersFilters(sort_column="ordered_on"))
    id_index = view.columns.index("id")
    present = {row[0] for row in db.execute("select id from public.orders where team_id = %s", (GLOBEX,))}
    rows = iter_view_rows(carol, view)
    seen = [next(rows)[id_index] for _ in range(1000)]

    # New rows sort before, inside and after the rows read so far.
    inserted = db.execute(
        """
        insert into public.orders (team_id, order_no, ordered_on, amount, status)
        select %s, format('GLX-LATE-%%s', n), date '2023-06-01' + n * 20, 1, 'open'
        from generate_series(1, 60) as n
        returning id
        """,
        (GLOBEX,),
    ).fetchall()
    try:
        seen += [row[id_index] for row in rows]
    finally:
        db.execute("delete from public.orders where order_no like 'GLX-LATE-%%'")

    counts = Counter(seen)
    assert {row_id for row_id in present if counts[row_id] != 1} == set()
    assert max(counts.values()) == 1
    assert len(inserted) == 60


def test_dashboard_columns_lists_key_and_types(carol: Client) -> None:
    columns = {column.name: column for column in read_table_columns(carol, "orders") or []}

    assert columns["id"].key_position == 1
    assert columns["created_at"].data_type == "timestamp with time zone"
    assert columns["order_no"].key_position is None


def test_dashboard_tables_lists_team_tables(carol: Client) -> None:
    tables = read_readable_tables(carol) or []

    assert {"orders", "customers", "account_groups", "memberships", "invited_users"} <= set(tables)


def test_dashboard_columns_closed_to_anon(capped_backend: RunningBackend) -> None:
    with pytest.raises(APIError) as raised:
        anon_client(capped_backend).rpc("dashboard_columns", {"table_name": "orders"}).execute()

    assert raised.value.code == "42501"


def test_team_workbook_has_about_sheet_and_team_tables(carol: Client, capped_backend: RunningBackend) -> None:
    view, _ = globex_view(carol, OrdersFilters(statuses=("paid",)))
    context = WorkbookContext(
        email="carol@example.com",
        team_name="Globex",
        project_url=capped_backend.api_url,
        filters=describe_filters(OrdersFilters(statuses=("paid",))),
    )

    data = build_team_workbook_bytes(carol, load_dashboard_config(), GLOBEX, context, "Europe/Berlin", view)

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["About", "Orders", "Customers", "Teams", "Memberships", "Invitations"]
    about = dict(workbook["About"].iter_rows(min_row=2, values_only=True))
    assert about["Exported by"] == "carol@example.com"
    assert about["Project"] == capped_backend.api_url
    assert about["Orders filters"] == "Orders where status is paid, sorted by Entry order, ascending."
    assert str(about["Exported at"]).endswith("(Europe/Berlin)")
    orders = list(workbook["Orders"].iter_rows(values_only=True))
    assert len(orders) - 1 == fetch_page(carol, view, 0).total
    teams = list(workbook["Teams"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in teams] == ["Globex"]
