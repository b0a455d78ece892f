"""Token refresh and session end in the browser, against a backend whose access tokens live 60 seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.backend import RunningBackend
from tests.support.streamlit_server import StreamlitServer, start_streamlit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

JWT_SECONDS = 60
LOAD_MS = 60_000


@pytest.fixture(scope="module")
def short_token_app(
    backend_factory: Callable[..., RunningBackend], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    backend = backend_factory(extra_args=["--jwt-expiry", str(JWT_SECONDS)])
    folder = tmp_path_factory.mktemp("refresh_browser")
    server = start_streamlit(
        {"SUPABASE_URL": backend.api_url, "SUPABASE_KEY": backend.anon_key}, folder / "streamlit.log"
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
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible(timeout=LOAD_MS)
    page.wait_for_function("document.cookie.includes('dashboard_login=')", timeout=LOAD_MS)


def test_two_tabs_survive_idle_refresh(browser: Browser, short_token_app: StreamlitServer):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        first = context.new_page()
        sign_in(first, short_token_app.url, "alice@example.com")
        second = context.new_page()
        second.goto(f"{short_token_app.url}/tables")
        expect(second.get_by_text("Signed in as alice@example.com")).to_be_visible(timeout=LOAD_MS)

        # Both access tokens expire while the tabs are idle.
        time.sleep(2 * JWT_SECONDS)
        first.get_by_role("link", name="Tables").click()
        second.get_by_role("link", name="Orders").click()

        expect(first.get_by_role("heading", name="Tables")).to_be_visible(timeout=LOAD_MS)
        expect(second.get_by_text("2,500 rows")).to_be_visible(timeout=LOAD_MS)
        expect(first.get_by_text("Signed in as alice@example.com")).to_be_visible()
        expect(second.get_by_text("Signed in as alice@example.com")).to_be_visible()
        expect(first.get_by_text("Your session ended")).to_have_count(0)
        expect(second.get_by_text("Your session ended")).to_have_count(0)
    finally:
        context.close()


def test_sign_out_everywhere_ends_other_browser_session(browser: Browser, short_token_app: StreamlitServer):
    laptop = browser.new_context(viewport={"width": 1400, "height": 1000})
    phone = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        laptop_page = laptop.new_page()
        phone_page = phone.new_page()
        sign_in(laptop_page, short_token_app.url, "carol@example.com")
        sign_in(phone_page, short_token_app.url, "carol@example.com")

        laptop_page.get_by_role("link", name="Account").click()
        laptop_page.get_by_role("button", name="Sign out everywhere").click()
        expect(laptop_page.get_by_text("You are signed out on every device.")).to_be_visible(timeout=LOAD_MS)

        # Access tokens live 60 seconds and are refreshed when they expire within 60, so the phone's
        # next click refreshes, and the server rejects that refresh.
        time.sleep(5)
        phone_page.get_by_role("link", name="Tables").click()
        expect(phone_page.get_by_text("Your session ended. Sign in again.")).to_be_visible(timeout=LOAD_MS)
        expect(phone_page.get_by_role("button", name="Sign in")).to_be_visible()

        phone_page.reload()
        expect(phone_page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_MS)
        expect(phone_page.get_by_text("Signed in as")).to_have_count(0)
    finally:
        laptop.close()
        phone.close()
