"""The Orders filter form in AppTest: the count, the table and the large-export path follow the filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from components import exports
from tests.support.backend import RunningBackend
from tests.support.clients import connect_db

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ACME = "20000000-0000-4000-8000-000000000001"


@pytest.fixture
def orders(backend: RunningBackend, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Orders page of alice, an Acme owner, after signing in through the form."""
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["SUPABASE_URL"] = backend.api_url
    at.secrets["SUPABASE_KEY"] = backend.anon_key
    at.run()
    inputs = {widget.label: widget for widget in at.text_input}
    inputs["Email"].input("alice@example.com")
    inputs["Password"].input("demo-password")
    button(at, "Sign in").click()
    return at.run()


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(widget for widget in at.button if widget.label == label)


def widget(widgets, label: str):  # type: ignore[no-untyped-def]
    return next(item for item in widgets if item.label == label)


def page_text(at: AppTest) -> str:
    return "\n".join(element.value for element in [*at.markdown, *at.caption, *at.error])


def count_acme_orders(backend: RunningBackend, status: str, start: dt.date, end: dt.date) -> int:
    with connect_db(backend) as conn:
        row = conn.execute(
            "select count(*) from public.orders"
            " where team_id = %s and status = %s and ordered_on between %s and %s",
            (ACME, status, start, end),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_orders_filter_form_counts_filtered_rows(orders: AppTest, backend: RunningBackend) -> None:
    start, end = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    expected = count_acme_orders(backend, "paid", start, end)

    widget(orders.multiselect, "Status").select("paid")
    widget(orders.date_input, "Ordered from").set_value(start)
    widget(orders.date_input, "Ordered to").set_value(end)
    button(orders, "Apply filters").click()
    orders.run()

    assert not orders.exception
    assert f"{expected:,} rows" in page_text(orders)
    table = orders.dataframe[0].value
    assert set(table["status"]) == {"paid"}
    assert table["ordered_on"].min() >= start
    assert table["ordered_on"].max() <= end


def test_orders_filter_form_search_and_sort(orders: AppTest) -> None:
    widget(orders.text_input, "Search").input("acme-00001")
    widget(orders.selectbox, "Sort by").select("order_no")
    widget(orders.checkbox, "Descending").check()
    button(orders, "Apply filters").click()
    orders.run()

    assert "10 rows" in page_text(orders)
    assert list(orders.dataframe[0].value["order_no"])[:2] == ["ACME-000019", "ACME-000018"]


def test_orders_filter_form_reversed_dates_explained(orders: AppTest) -> None:
    widget(orders.date_input, "Ordered from").set_value(dt.date(2025, 2, 1))
    widget(orders.date_input, "Ordered to").set_value(dt.date(2025, 1, 1))
    button(orders, "Apply filters").click()
    orders.run()

    assert not orders.exception
    assert "is after the end date" in orders.error[0].value
    assert "2,500 rows" in page_text(orders)


def test_orders_large_export_prepared_with_every_row(
    orders: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "SMALL_EXPORT_MAX_ROWS", 1000)
    orders.run()

    button(orders, "Prepare Excel file").click()
    orders.run()

    assert not orders.exception
    assert not orders.error
    prepared = orders.session_state["orders_prepared_files"]["xlsx"]
    try:
        sheet = load_workbook(prepared.path, read_only=True).worksheets[0]
        assert sum(1 for _ in sheet.iter_rows()) == 2500 + 1
    finally:
        exports.remove_file(prepared.path)
