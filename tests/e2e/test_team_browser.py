"""Team administration in Debian's Chromium: invite a new address, and lower a role while its user works."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_client
from tests.support.streamlit_server import StreamlitServer, start_streamlit

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-password"
ACME = "20000000-0000-4000-8000-000000000001"
BOB = "10000000-0000-4000-8000-000000000002"


@pytest.fixture(scope="module")
def closed_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    """A backend of its own with sign-up off, because these tests change memberships."""
    return backend_factory(extra_args=["--no-signup"])


@pytest.fixture
def app(closed_backend: RunningBackend, tmp_path: Path) -> Iterator[StreamlitServer]:
    env = {"SUPABASE_URL": closed_backend.api_url, "SUPABASE_KEY": closed_backend.anon_key}
    server = start_streamlit(env, tmp_path / "streamlit.log")
    try:
        yield server
    finally:
        server.stop()


def sign_in(page: Page, url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Email").fill(email)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Orders")).to_be_visible(timeout=60_000)


def open_team_page(page: Page) -> None:
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Pending invitations")).to_be_visible(timeout=30_000)


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_invited_viewer_signs_up_and_sees_team_orders(
    browser: Browser, app: StreamlitServer, closed_backend: RunningBackend
) -> None:
    address = f"newcomer-{uuid.uuid4().hex[:8]}@example.com"
    alice = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(alice, app.url, "alice@example.com")
    open_team_page(alice)

    alice.get_by_role("textbox", name="Email").fill(address)
    choose(alice, "Role", "viewer")
    alice.get_by_role("button", name="Invite").click()
    expect(alice.get_by_text(f"Invited {address} as viewer.")).to_be_visible(timeout=30_000)
    # Once in the message and once in the list of pending invitations.
    expect(alice.get_by_role("link", name=address)).to_have_count(2)

    # The app has no sign-up form, so the newcomer signs up through the API, with sign-up off.
    new_client(closed_backend).auth.sign_up({"email": address, "password": DEMO_PASSWORD})
    newcomer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(newcomer, app.url, address)

    expect(newcomer.get_by_text("2,500 rows")).to_be_visible(timeout=30_000)
    expect(newcomer.get_by_text("Acme · your role: viewer")).to_be_visible()
    expect(newcomer.get_by_role("link", name="Team")).to_have_count(0)


def test_lowered_role_applies_at_next_action(
    browser: Browser, app: StreamlitServer, closed_backend: RunningBackend
) -> None:
    with connect_db(closed_backend) as db:
        db.execute(
            "update public.memberships set role = 'admin' where team_id = %s and user_id = %s", [ACME, BOB]
        )
    bob = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(bob, app.url, "bob@example.com")
    open_team_page(bob)
    alice = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(alice, app.url, "alice@example.com")
    open_team_page(alice)

    choose(alice, "Role of bob@example.com", "viewer")
    expect(alice.get_by_text("bob@example.com is now viewer.")).to_be_visible(timeout=30_000)

    # Bob's open Team page still shows the form, but his next click runs with the new role.
    refused = f"refused-{uuid.uuid4().hex[:8]}@example.com"
    bob.get_by_role("textbox", name="Email").fill(refused)
    bob.get_by_role("button", name="Invite").click()

    expect(bob.get_by_text("Acme · your role: viewer")).to_be_visible(timeout=30_000)
    expect(bob.get_by_role("link", name="Team")).to_have_count(0)
    with connect_db(closed_backend) as db:
        invited = db.execute(
            "select count(*) from public.invited_users where email = %s", [refused]
        ).fetchone()
    assert invited == (0,)
