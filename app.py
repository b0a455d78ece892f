"""Entry point: page config, settings, backend choice, auth gate and navigation.

Run locally with `streamlit run app.py --server.address 127.0.0.1`. Without SUPABASE_URL and
SUPABASE_KEY the app then starts the local demo backend.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import httpx
import streamlit as st
from postgrest.exceptions import APIError

from components.auth import backend_url, ensure_fresh_session, sign_out
from components.backend import decide_backend, is_served_on_loopback, resolve_target, setup_message
from components.errors import AppProblem, SessionEndedError, UserFacingError, data_error_message
from components.local_backend import LocalBackendError
from components.remembered_login import (
    CookieChange,
    clear_pending_cookie,
    settings_login_store,
    write_pending_cookie,
)
from components.session import (
    AUTH_SESSION,
    BACKEND_TARGET,
    CURRENT_TEAM_ID,
    PENDING_COOKIE,
    RETURN_TO,
    SETUP_PROBLEM,
    SIGN_IN_NOTICE,
    TEAMS,
    clear_app_state,
    init_app_state,
)
from components.settings import SettingError, Settings, load_settings
from components.sign_in_gate import secure_cookie, sign_in_without_form
from components.supabase_client import session_client
from components.team_admin import can_manage
from components.teams import list_teams, pick_current_team

FAVICON = Path(__file__).parent / "assets" / "favicon.png"
# A local file, because an emoji or Material icon as page_icon makes the browser fetch the favicon
# from an outside host, which fails offline.
st.set_page_config(page_title="Team dashboard", page_icon=str(FAVICON), layout="wide")
init_app_state()


@dataclass(frozen=True)
class PageSpec:
    """A page script with its menu title and icon."""

    script: str
    title: str
    icon: str


# The app's pages by URL path. The scripts live in app_pages/ and not in pages/, because
# Streamlit 1.67 runs a script in pages/ by its file name, bypassing this gate, until some run
# of the process has called st.navigation. AppTest resets that state on every run.
PAGES = {
    "sign_in": PageSpec("app_pages/sign_in.py", "Sign in", ":material/login:"),
    "orders": PageSpec("app_pages/orders.py", "Orders", ":material/receipt_long:"),
    "tables": PageSpec("app_pages/tables.py", "Tables", ":material/table_view:"),
    "account": PageSpec("app_pages/account.py", "Account", ":material/person:"),
    "team": PageSpec("app_pages/team.py", "Team", ":material/group:"),
    "no_team": PageSpec("app_pages/no_team.py", "No team", ":material/group_off:"),
    "setup": PageSpec("app_pages/setup.py", "Set-up", ":material/settings:"),
}


def page(url_path: str, **options: Any) -> st.Page:
    spec = PAGES[url_path]
    return st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=url_path, **options)


def run_single_page(url_path: str) -> None:
    """Run the page at `url_path` as the app's only page, at every path of the app.

    A bookmarked /orders opened while signed out then shows the sign-in form instead of
    Streamlit's "Page not found" dialog, and the rerun after sign-in opens Orders at that path.
    """
    spec = PAGES[url_path]
    pages = [page(url_path, default=True)]
    pages += [
        st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=other, visibility="hidden")
        for other in PAGES
        if other != url_path
    ]
    st.navigation(pages).run()


def run_pages(url_paths: list[str]) -> None:
    """Run the pages at `url_paths` in the menu, and redirect the root URL and other paths to the first one.

    The redirect keeps each page at its own path, so the address bar shows /orders for Orders,
    also right after sign-in, when the rerun still carries the sign-in page's path.
    """
    pages = [page(url_path) for url_path in url_paths]
    first_page = pages[0]

    def open_first_page() -> None:
        # After an OAuth sign-in, open the page and query the user had before leaving for the provider.
        return_to = st.session_state[RETURN_TO]
        st.session_state[RETURN_TO] = None
        if return_to is None:
            st.switch_page(first_page)
        page_path, query = return_to
        target = pages[url_paths.index(page_path)] if page_path in url_paths else first_page
        st.switch_page(target, query_params=query)

    pages.append(
        st.Page(open_first_page, title=first_page.title, url_path="start", default=True, visibility="hidden")
    )
    pages += [
        st.Page(open_first_page, title=first_page.title, url_path=other, visibility="hidden")
        for other in PAGES
        if other not in url_paths
    ]
    st.navigation(pages).run()


def show_problem(title: str, message: str) -> NoReturn:
    st.session_state[SETUP_PROBLEM] = AppProblem(title=title, message=message)
    run_single_page("setup")
    st.stop()


def connect() -> None:
    """Choose the backend and store this session's target, or show the set-up page."""
    try:
        settings = load_settings()
    except SettingError as exc:
        show_problem("Set-up needed", str(exc))

    served_on_loopback = is_served_on_loopback(st.get_option("server.address"), st.context.url)
    decision = decide_backend(settings, served_on_loopback)
    if decision.target is None and not decision.use_local:
        show_problem("Set-up needed", setup_message(decision))

    target = decision.target
    if target is None:
        try:
            with st.spinner("Starting the local demo backend..."):
                target = resolve_target(decision)
        except LocalBackendError as exc:
            show_problem("The local backend did not start", str(exc))

    st.session_state[BACKEND_TARGET] = target


def forget_cookie(settings: Settings) -> None:
    st.session_state[PENDING_COOKIE] = CookieChange("", None, secure_cookie(settings))


def run_signed_in(settings: Settings) -> None:
    """Refresh the token, load the user's teams, draw the sidebar and run the pages the user may see."""
    client = session_client(st.session_state[BACKEND_TARGET])
    store = settings_login_store(settings)
    try:
        ensure_fresh_session(client, store=store)
    except SessionEndedError as exc:
        clear_app_state()
        forget_cookie(settings)
        st.session_state[SIGN_IN_NOTICE] = str(exc)
        st.rerun()
    except UserFacingError as exc:
        show_problem("The backend is unavailable", str(exc))

    # Read on every run, so a role an admin changed or a membership they removed applies at
    # this user's next click.
    try:
        st.session_state[TEAMS] = list_teams(client)
    except (APIError, httpx.HTTPError) as exc:
        show_problem("Your teams could not be loaded", data_error_message(exc, backend_url(client)))
    teams = st.session_state[TEAMS]

    with st.sidebar:
        st.caption(f"Signed in as {st.session_state[AUTH_SESSION].email}")
        if len(teams) > 1:
            names = {team.id: team.name for team in teams}
            current = pick_current_team(teams, st.session_state[CURRENT_TEAM_ID])
            st.session_state[CURRENT_TEAM_ID] = st.selectbox(
                "Team",
                list(names),
                index=list(names).index(current.id),
                format_func=names.get,
                key="sidebar_team",
            )
        elif teams:
            st.session_state[CURRENT_TEAM_ID] = teams[0].id
        if st.button("Sign out", key="sidebar_sign_out", icon=":material/logout:"):
            sign_out(client, store=store)
            forget_cookie(settings)
            st.rerun()

    if not teams:
        run_single_page("no_team")
    else:
        current_team = pick_current_team(teams, st.session_state[CURRENT_TEAM_ID])
        managing = current_team is not None and can_manage(current_team.role)
        url_paths = ["orders", "tables", "team"] if managing else ["orders", "tables"]
        run_pages([*url_paths, "account"])


def main() -> None:
    """Run the gate and the pages for this session.

    The client stays a local variable: Streamlit installs this script's namespace as
    sys.modules["__main__"], where a module-level name would keep the last session's client
    reachable from every session.
    """
    connect()
    settings = load_settings()
    client = session_client(st.session_state[BACKEND_TARGET])

    sign_in_without_form(client, settings, settings_login_store(settings))
    write_pending_cookie()

    if st.session_state[AUTH_SESSION] is None:
        run_single_page("sign_in")
    else:
        run_signed_in(settings)
    clear_pending_cookie()


main()
