"""Filter a view in Chromium, download it, and open the file: the workbook matches the view."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.backend import REPO_ROOT, RunningBackend
from tests.support.clients import connect_db
from tests.support.streamlit_server import StreamlitServer, start_streamlit

pytestmark = pytest.mark.e2e

ACME = "20000000-0000-4000-8000-000000000001"
FIXTURES = REPO_ROOT / "tests" / "fixtures"
TRICKY_PROJECT = FIXTURES / "tricky_project"
TRICKY_ROWS = FIXTURES / "export" / "tricky_rows.json"


@pytest.fixture
def app_on_shared_backend(backend: RunningBackend, tmp_path: Path) -> Iterator[StreamlitServer]:
    server = start_streamlit(
        {"SUPABASE_URL": backend.api_url, "SUPABASE_KEY": backend.anon_key}, tmp_path / "streamlit.log"
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tricky_backend(
    backend_factory: Callable[..., RunningBackend], tmp_path_factory: pytest.TempPathFactory
) -> RunningBackend:
    """A backend with the app's schema and seed plus a tricky_rows table holding the fixture rows."""
    project = tmp_path_factory.mktemp("tricky_project")
    migrations = project / "supabase" / "migrations"
    shutil.copytree(REPO_ROOT / "supabase" / "migrations", migrations)
    shutil.copy(REPO_ROOT / "supabase" / "seed.sql", project / "supabase" / "seed.sql")
    shutil.copy(TRICKY_PROJECT / "tricky_rows.sql", migrations / "99990101000000_tricky_rows.sql")
    running = backend_factory(project)

    with connect_db(running) as conn:
        conn.execute(
            """
            insert into public.tricky_rows (id, label, created_at, tags, meta)
            select id, label, created_at, tags, meta
            from jsonb_populate_recordset(null::public.tricky_rows, %s::jsonb)
            """,
            (TRICKY_ROWS.read_text(encoding="utf-8"),),
        )
    return running


@pytest.fixture
def app_on_tricky_backend(tricky_backend: RunningBackend, tmp_path: Path) -> Iterator[StreamlitServer]:
    server = start_streamlit(
        {
            "SUPABASE_URL": tricky_backend.api_url,
            "SUPABASE_KEY": tricky_backend.anon_key,
            "DASHBOARD_CONFIG": str(TRICKY_PROJECT / "dashboard.toml"),
        },
        tmp_path / "streamlit.log",
    )
    try:
        yield server
    finally:
        server.stop()


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()


def enter_date(page: Page, label: str, day: dt.date) -> None:
    """Type a date into st.date_input, whose year, month and day are separate spin buttons."""
    for part, text in (("year", f"{day:%Y}"), ("month", f"{day:%m}"), ("day", f"{day:%d}")):
        page.get_by_role("spinbutton", name=f"{part}, {label}").click()
        page.keyboard.type(text)


def download(page: Page, button: str, target_dir: Path) -> Path:
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name=button).click()
    path = target_dir / download_info.value.suggested_filename
    download_info.value.save_as(path)
    return path


def paid_acme_order_numbers(backend: RunningBackend, start: dt.date, end: dt.date) -> set[str]:
    with connect_db(backend) as conn:
        rows = conn.execute(
            "select order_no from public.orders"
            " where team_id = %s and status = 'paid' and ordered_on between %s and %s",
            (ACME, start, end),
        ).fetchall()
    return {row[0] for row in rows}


def test_filtered_orders_download_matches_view(
    browser: Browser,
    backend: RunningBackend,
    app_on_shared_backend: StreamlitServer,
    artifacts_dir: Path,
    tmp_path: Path,
) -> None:
    start, end = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    expected = paid_acme_order_numbers(backend, start, end)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    sign_in(page, app_on_shared_backend.url, "alice@example.com")
    expect(page.get_by_text("2,500 rows")).to_be_visible(timeout=60_000)

    page.get_by_label("Status").click()
    page.get_by_role("option", name="paid").click()
    page.keyboard.press("Escape")
    for label, day in (("Ordered from", start), ("Ordered to", end)):
        enter_date(page, label, day)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(f"{len(expected):,} rows", exact=True)).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "orders-filtered.png"), full_page=True)

    workbook_path = download(page, "Download Excel", tmp_path)
    context.close()

    sheet = openpyxl.load_workbook(workbook_path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    order_numbers = [row[header.index("order_no")] for row in data]
    assert len(data) == len(expected)
    assert set(order_numbers) == expected
    assert {row[header.index("status")] for row in data} == {"paid"}


def test_tricky_rows_download_in_berlin_time(
    browser: Browser, app_on_tricky_backend: StreamlitServer, artifacts_dir: Path, tmp_path: Path
) -> None:
    context = browser.new_context(
        accept_downloads=True, timezone_id="Europe/Berlin", viewport={"width": 1400, "height": 1000}
    )
    page = context.new_page()
    sign_in(page, app_on_tricky_backend.url, "alice@example.com")
    expect(page.get_by_text("2,500 rows")).to_be_visible(timeout=60_000)
    # Through the menu, because a page load starts a new session, which is signed out.
    page.get_by_role("link", name="Tables").click()
    expect(page.get_by_text("10 rows", exact=True)).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "tables-tricky-rows.png"), full_page=True)

    workbook_path = download(page, "Download Excel", tmp_path)
    context.close()

    sheet = openpyxl.load_workbook(workbook_path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == ["id", "label", "created_at (Europe/Berlin)", "tags", "meta"]
    # Ids up to 2^53 are number cells, and the larger one is a text cell that keeps every digit.
    rows = {
        row[0].value if isinstance(row[0].value, str) else str(int(row[0].value)): row
        for row in sheet.iter_rows(min_row=2)
    }
    assert len(rows) == len(json.loads(TRICKY_ROWS.read_text(encoding="utf-8")))
    # Summer time on 2024-03-31 from 01:00 UTC, winter time on 2024-10-27 from 01:00 UTC.
    assert rows["1"][2].value == dt.datetime(2024, 4, 1, 1, 30)
    assert rows["2"][2].value == dt.datetime(2024, 10, 27, 0, 30)
    assert rows["3"][2].value == dt.datetime(2024, 6, 1, 21, 0)
    assert rows["5"][2].value == dt.datetime(2024, 1, 1, 1, 0)
    assert rows["4"][2].value is None
    assert rows["1"][1].data_type == "s"
    assert rows["9007199254740993"][0].value == "9007199254740993"
