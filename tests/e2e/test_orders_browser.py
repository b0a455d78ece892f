"""Sign in, browse Orders and download them as Excel, in Debian's Chromium against `streamlit run app.py`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import psutil
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.backend import RunningBackend
from tests.support.streamlit_server import StreamlitServer, start_streamlit

pytestmark = pytest.mark.e2e

ACME_ORDER_COUNT = 2500
GLOBEX_ORDER_COUNT = 1200


@pytest.fixture
def app_on_own_backend(tmp_path: Path) -> Iterator[tuple[StreamlitServer, Path]]:
    """The app with no Supabase settings, so it starts its own local backend in `data_dir`."""
    data_dir = tmp_path / "backend"
    server = start_streamlit({"LOCAL_SUPABASE_DATA_DIR": str(data_dir)}, tmp_path / "streamlit.log")
    try:
        yield server, data_dir
    finally:
        server.stop()


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()


def test_orders_download_contains_only_team_rows(
    browser: Browser, app_on_own_backend: tuple[StreamlitServer, Path], artifacts_dir: Path, tmp_path: Path
) -> None:
    server, _ = app_on_own_backend
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    sign_in(page, server.url, "alice@example.com")
    # Startup of the local backend on first use can take several seconds.
    expect(page.get_by_text(f"{ACME_ORDER_COUNT:,} rows")).to_be_visible(timeout=90_000)
    assert page.url.rstrip("/").endswith("/orders")
    expect(page.locator("[role=gridcell]", has_text="ACME-000001")).to_be_attached(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "orders-page.png"), full_page=True)

    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download Excel").click()
    workbook_path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(workbook_path)
    context.close()

    sheet = openpyxl.load_workbook(workbook_path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    order_numbers = [row[header.index("order_no")] for row in data]
    assert len(data) == ACME_ORDER_COUNT
    assert len(set(order_numbers)) == ACME_ORDER_COUNT
    assert not [number for number in order_numbers if not str(number).startswith("ACME-")]


def test_sign_in_error_visible_and_offline(
    browser: Browser, app_on_own_backend: tuple[StreamlitServer, Path]
) -> None:
    server, _ = app_on_own_backend
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside_requests.append(request.url)
            if urlsplit(request.url).hostname not in (None, "127.0.0.1", "localhost")
            else None
        ),
    )

    page.goto(server.url)
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Wrong email or password.")).to_be_in_viewport(timeout=90_000)
    page.close()
    assert outside_requests == []


def test_app_stops_own_backend_on_exit(
    browser: Browser, app_on_own_backend: tuple[StreamlitServer, Path]
) -> None:
    server, data_dir = app_on_own_backend
    page = browser.new_page()
    sign_in(page, server.url, "bob@example.com")
    expect(page.get_by_text(f"{ACME_ORDER_COUNT:,} rows")).to_be_visible(timeout=90_000)
    page.close()
    assert (data_dir / "pgdata" / "postmaster.pid").exists()

    server.stop()

    assert not (data_dir / "pgdata" / "postmaster.pid").exists()
    assert not (data_dir / "server.json").exists()


def test_configured_app_uses_given_backend(browser: Browser, backend: RunningBackend, tmp_path: Path) -> None:
    unused_data_dir = tmp_path / "must-stay-unused"
    server = start_streamlit(
        {
            "SUPABASE_URL": backend.api_url,
            "SUPABASE_KEY": backend.anon_key,
            "LOCAL_SUPABASE_DATA_DIR": str(unused_data_dir),
        },
        tmp_path / "streamlit.log",
    )
    try:
        page = browser.new_page()
        sign_in(page, server.url, "carol@example.com")
        expect(page.get_by_text(f"{GLOBEX_ORDER_COUNT:,} rows")).to_be_visible(timeout=60_000)
        page.close()

        children = psutil.Process(server.process.pid).children(recursive=True)
        assert not [child for child in children if "local_supabase" in " ".join(child.cmdline())]
        assert not unused_data_dir.exists()
    finally:
        server.stop()
