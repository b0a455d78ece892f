"""Sign-in flows in Debian's Chromium against `streamlit run app.py` and its own local backend.

Covers password, emailed code, OAuth through the backend's stand-in provider, the remembered-login
cookie across a browser refresh, sign-out, and refusal of forged or replayed callbacks.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from supabase_auth.helpers import generate_pkce_challenge, generate_pkce_verifier

from tests.support.backend import RunningBackend
from tests.support.inbox import code_in, latest_message
from tests.support.streamlit_server import StreamlitServer, start_streamlit

pytestmark = pytest.mark.e2e

COOKIE_NAME = "dashboard_login"
ACME_ROWS = "2,500 rows"
GLOBEX_ROWS = "1,200 rows"
# The first page load also starts the app's own local backend, which takes several seconds.
FIRST_LOAD_MS = 90_000
LOAD_MS = 30_000
SECRET_PARAMS = ("code", "token", "access_token", "refresh_token", "state")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app with no Supabase settings, so it starts its own local backend."""
    folder = tmp_path_factory.mktemp("auth_browser")
    server = start_streamlit({"LOCAL_SUPABASE_DATA_DIR": str(folder / "backend")}, folder / "streamlit.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context
    finally:
        context.close()


def backend_url(server: StreamlitServer) -> str:
    """Return the API URL of the backend the app started, from the app's log or the backend's state file."""
    log = server.log_path.read_text()
    match = re.search(r"the local backend is ready at (\S+)", log)
    if match:
        return match.group(1)
    state_file = server.log_path.parent / "backend" / "server.json"
    return str(json.loads(state_file.read_text())["api_url"]).rstrip("/")


def sign_in_with_password(page: Page, url: str, email: str, keep: bool = False) -> None:
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=FIRST_LOAD_MS)
    if keep:
        page.get_by_text("Keep me signed in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()


def assert_clean_url(page: Page) -> None:
    params = parse_qs(urlsplit(page.url).query)
    assert not [name for name in SECRET_PARAMS if name in params], page.url
    assert "access_token" not in page.url


def login_cookie(context: BrowserContext) -> dict | None:
    return next((cookie for cookie in context.cookies() if cookie["name"] == COOKIE_NAME), None)


def wait_for_cookie(page: Page, context: BrowserContext) -> dict:
    page.wait_for_function(f"document.cookie.includes('{COOKIE_NAME}=')", timeout=LOAD_MS)
    cookie = login_cookie(context)
    assert cookie is not None
    return cookie


def test_password_sign_in_survives_reload_on_tables(app_server: StreamlitServer, context: BrowserContext):
    page = context.new_page()
    sign_in_with_password(page, app_server.url, "alice@example.com")
    expect(page.get_by_text(ACME_ROWS)).to_be_visible(timeout=FIRST_LOAD_MS)
    wait_for_cookie(page, context)

    page.get_by_role("link", name="Tables").click()
    expect(page.get_by_role("heading", name="Tables")).to_be_visible(timeout=LOAD_MS)
    page.reload()

    expect(page.get_by_role("heading", name="Tables")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text("Signed in as alice@example.com")).to_be_visible()
    assert urlsplit(page.url).path.rstrip("/").endswith("/tables")
    assert_clean_url(page)


def test_remembered_login_opens_in_new_tab(app_server: StreamlitServer, context: BrowserContext):
    page = context.new_page()
    sign_in_with_password(page, app_server.url, "bob@example.com")
    expect(page.get_by_text(ACME_ROWS)).to_be_visible(timeout=FIRST_LOAD_MS)
    wait_for_cookie(page, context)

    second = context.new_page()
    second.goto(f"{app_server.url}/tables")

    expect(second.get_by_role("heading", name="Tables")).to_be_visible(timeout=LOAD_MS)
    expect(second.get_by_text("Signed in as bob@example.com")).to_be_visible()


def test_login_cookie_is_browser_session_cookie_by_default(
    app_server: StreamlitServer, context: BrowserContext
):
    page = context.new_page()
    sign_in_with_password(page, app_server.url, "dave@example.com")
    expect(page.get_by_text(ACME_ROWS)).to_be_visible(timeout=FIRST_LOAD_MS)

    cookie = wait_for_cookie(page, context)

    assert cookie["expires"] == -1


def test_keep_me_signed_in_sets_fourteen_day_cookie(app_server: StreamlitServer, context: BrowserContext):
    page = context.new_page()
    sign_in_with_password(page, app_server.url, "dave@example.com", keep=True)
    expect(page.get_by_text(ACME_ROWS)).to_be_visible(timeout=FIRST_LOAD_MS)

    cookie = wait_for_cookie(page, context)
    lifetime_days = (cookie["expires"] - page.evaluate("Date.now() / 1000")) / 86400

    assert 13.9 < lifetime_days <= 14.01


def test_sign_out_then_reload_shows_sign_in(app_server: StreamlitServer, context: BrowserContext):
    page = context.new_page()
    sign_in_with_password(page, app_server.url, "carol@example.com")
    expect(page.get_by_text(GLOBEX_ROWS)).to_be_visible(timeout=FIRST_LOAD_MS)
    old_cookie = wait_for_cookie(page, context)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_MS)
    page.wait_for_function(f"!document.cookie.includes('{COOKIE_NAME}=')", timeout=LOAD_MS)
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_MS)

    context.add_cookies([old_cookie])
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_email_code_from_inbox_signs_in(app_server: StreamlitServer, context: BrowserContext):
    page = context.new_page()
    page.goto(app_server.url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=FIRST_LOAD_MS)

    page.get_by_text("With a one-time code").click()
    expect(page.get_by_role("button", name="Email me a code")).to_be_visible(timeout=LOAD_MS)
    # The password form stays on the page, stale, until the rerun has finished.
    expect(page.get_by_label("Password", exact=True)).to_have_count(0, timeout=LOAD_MS)
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_label("Code", exact=True)).to_be_visible(timeout=LOAD_MS)
    backend = RunningBackend.__new__(RunningBackend)
    backend.api_url = backend_url(app_server)
    code = code_in(latest_message(backend, "erin@example.com"))
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Verify code").click()

    expect(page.get_by_text(GLOBEX_ROWS)).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text("Signed in as erin@example.com")).to_be_visible()
    assert_clean_url(page)


def open_provider_page(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Sign in with GitHub").click(timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("heading", name=re.compile("Sign in with Github"))).to_be_visible(timeout=LOAD_MS)


def continue_as(page: Page, email: str) -> None:
    page.get_by_role("button", name=re.compile(re.escape(f"({email})"))).click()


def test_oauth_two_tabs_finished_in_opposite_order(app_server: StreamlitServer, browser: Browser):
    first_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    second_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        first = first_context.new_page()
        second = second_context.new_page()
        open_provider_page(first, f"{app_server.url}/tables")
        open_provider_page(second, app_server.url)

        continue_as(second, "carol@example.com")
        continue_as(first, "alice@example.com")

        expect(second.get_by_text("Signed in as carol@example.com")).to_be_visible(timeout=LOAD_MS)
        expect(second.get_by_text(GLOBEX_ROWS)).to_be_visible(timeout=LOAD_MS)
        expect(first.get_by_text("Signed in as alice@example.com")).to_be_visible(timeout=LOAD_MS)
        expect(first.get_by_role("heading", name="Tables")).to_be_visible(timeout=LOAD_MS)
        assert urlsplit(first.url).path.rstrip("/").endswith("/tables")
        assert_clean_url(first)
        assert_clean_url(second)
    finally:
        first_context.close()
        second_context.close()


def forged_callback_url(server: StreamlitServer, email: str) -> str:
    """Return a callback URL with a real authorization code but a state the app never issued.

    The stand-in provider's two steps run here over HTTP, without following the last redirect.
    """
    verifier = generate_pkce_verifier()
    params = {
        "provider": "github",
        "redirect_to": f"{server.url}/?state=forged-state",
        "code_challenge": generate_pkce_challenge(verifier),
        "code_challenge_method": "s256",
    }
    api_url = backend_url(server)
    provider_page = httpx.get(f"{api_url}/auth/v1/authorize", params=params)
    provider_page.raise_for_status()
    state = re.search(r"name='state' value='([^']+)'", provider_page.text)
    assert state is not None
    callback = httpx.get(
        f"{api_url}/auth/v1/callback", params={"state": html.unescape(state.group(1)), "email": email}
    )
    assert callback.status_code in (302, 303)
    location = callback.headers["location"]
    assert "code=" in location
    return location


def test_oauth_forged_state_is_refused(app_server: StreamlitServer, context: BrowserContext):
    page = context.new_page()
    page.goto(app_server.url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=FIRST_LOAD_MS)

    page.goto(forged_callback_url(app_server, "alice@example.com"))

    expect(page.get_by_text("This sign-in link is invalid, already used or expired.")).to_be_visible(
        timeout=LOAD_MS
    )
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert_clean_url(page)


def test_oauth_replayed_callback_is_refused(app_server: StreamlitServer, browser: Browser):
    first_context = browser.new_context()
    callback_urls: list[str] = []
    try:
        page = first_context.new_page()
        page.on(
            "framenavigated",
            lambda frame: callback_urls.append(frame.url) if "code=" in frame.url else None,
        )
        open_provider_page(page, app_server.url)
        continue_as(page, "bob@example.com")
        expect(page.get_by_text("Signed in as bob@example.com")).to_be_visible(timeout=LOAD_MS)
    finally:
        first_context.close()
    assert callback_urls

    replay_context = browser.new_context()
    try:
        replay = replay_context.new_page()
        replay.goto(callback_urls[0])

        expect(replay.get_by_text("This sign-in link is invalid, already used or expired.")).to_be_visible(
            timeout=LOAD_MS
        )
        expect(replay.get_by_text("Signed in as")).to_have_count(0)
        assert_clean_url(replay)
    finally:
        replay_context.close()
