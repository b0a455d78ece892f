"""Sign in through the real form of app.py against the local backend, as a user would."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DEMO_PASSWORD = "demo-password"


@pytest.fixture
def app(backend, monkeypatch):
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["SUPABASE_URL"] = backend.api_url
    at.secrets["SUPABASE_KEY"] = backend.anon_key
    return at.run()


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    inputs = {widget.label: widget for widget in at.text_input}
    inputs["Email"].input(email)
    inputs["Password"].input(password)
    button(at, "Sign in").click()
    return at.run()


def button(at: AppTest, label: str):
    return next(widget for widget in at.button if widget.label == label)


def page_text(at: AppTest) -> str:
    return "\n".join(element.value for element in [*at.markdown, *at.caption, *at.error, *at.info])


def test_app_signed_out_shows_only_sign_in_form(app):
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert [widget.label for widget in app.text_input] == ["Email", "Password"]


def test_app_sign_in_as_owner_shows_orders_count(app):
    at = sign_in(app, "alice@example.com", DEMO_PASSWORD)

    assert not at.exception
    assert at.title[0].value == "Orders"
    assert "2,500 rows" in page_text(at)
    assert "Page 1 of 50" in page_text(at)


def test_app_sign_in_wrong_password_says_wrong_credentials(app):
    at = sign_in(app, "alice@example.com", "not-the-password")

    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert at.error[0].value == "Wrong email or password."


def test_app_orders_next_button_shows_second_page(app):
    at = sign_in(app, "alice@example.com", DEMO_PASSWORD)

    button(at, "Next").click()
    at.run()

    assert not at.exception
    assert "Page 2 of 50" in page_text(at)
    assert at.dataframe[0].value["order_no"].iloc[0] == "ACME-000051"


def test_app_user_in_two_teams_switches_team(app):
    at = sign_in(app, "gina@example.com", DEMO_PASSWORD)
    team_select = next(widget for widget in at.selectbox if widget.label == "Team")
    assert "2,500 rows" in page_text(at)

    globex = next(team for team in at.session_state["teams"] if team.name == "Globex")
    team_select.select(globex.id)
    at.run()

    assert not at.exception
    assert "1,200 rows" in page_text(at)


def test_app_sign_out_returns_to_sign_in(app):
    at = sign_in(app, "alice@example.com", DEMO_PASSWORD)

    button(at, "Sign out").click()
    at.run()

    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert at.session_state["auth_session"] is None
