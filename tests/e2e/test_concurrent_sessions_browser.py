"""Eight people of two teams sign in and read at the same moment, and each gets only their own team's rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.streamlit_server import StreamlitServer, start_streamlit

pytestmark = pytest.mark.e2e

# Acme and Globex users, interleaved so the two teams sign in side by side.
USERS = [
    ("alice@example.com", "ACME-", "2,500 rows"),
    ("carol@example.com", "GLX-", "1,200 rows"),
    ("bob@example.com", "ACME-", "2,500 rows"),
    ("erin@example.com", "GLX-", "1,200 rows"),
    ("dave@example.com", "ACME-", "2,500 rows"),
    ("frank@example.com", "GLX-", "1,200 rows"),
    ("alice@example.com", "ACME-", "2,500 rows"),
    ("carol@example.com", "GLX-", "1,200 rows"),
]


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[StreamlitServer]:
    server = start_streamlit(
        {"LOCAL_SUPABASE_DATA_DIR": str(tmp_path / "backend")}, tmp_path / "streamlit.log"
    )
    try:
        yield server
    finally:
        server.stop()


def test_eight_sessions_see_only_own_team(app_server: StreamlitServer, browser: Browser) -> None:
    contexts: list[BrowserContext] = [
        browser.new_context(viewport={"width": 1400, "height": 900}) for _ in USERS
    ]
    try:
        pages: list[Page] = [context.new_page() for context in contexts]
        for page in pages:
            page.goto(app_server.url)
        for page in pages:
            expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=90_000)

        # Fill every form first and then submit them all, so the sign-ins overlap on the server.
        for page, (email, _, _) in zip(pages, USERS, strict=True):
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password", exact=True).fill("demo-password")
        for page in pages:
            page.get_by_role("button", name="Sign in").click()

        for page, (email, prefix, count) in zip(pages, USERS, strict=True):
            expect(page.get_by_text(count, exact=True)).to_be_visible(timeout=90_000)
            cells = page.locator("[role=gridcell]")
            expect(cells.filter(has_text=prefix).first).to_be_attached(timeout=30_000)
            other_prefix = "GLX-" if prefix == "ACME-" else "ACME-"
            assert cells.filter(has_text=other_prefix).count() == 0, email

        # Each session pages on: its next page still belongs to its own team.
        for page in pages:
            page.get_by_role("button", name="Next").click()
        for page, (email, prefix, _) in zip(pages, USERS, strict=True):
            expect(page.get_by_text("Page 2 of", exact=False)).to_be_visible(timeout=60_000)
            cells = page.locator("[role=gridcell]")
            expect(cells.filter(has_text=prefix).first).to_be_attached(timeout=30_000)
            other_prefix = "GLX-" if prefix == "ACME-" else "ACME-"
            assert cells.filter(has_text=other_prefix).count() == 0, email
    finally:
        for context in contexts:
            context.close()
