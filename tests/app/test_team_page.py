"""The Team page through the real app: listed for admins and owners, absent for everyone else."""

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


def sign_in(at: AppTest, email: str) -> AppTest:
    inputs = {widget.label: widget for widget in at.text_input}
    inputs["Email"].input(email)
    inputs["Password"].input(DEMO_PASSWORD)
    next(widget for widget in at.button if widget.label == "Sign in").click()
    return at.run()


def open_team_page(at: AppTest) -> AppTest:
    at.switch_page("app_pages/team.py")
    return at.run()


def test_team_page_owner_sees_members_and_invitations(app):
    at = open_team_page(sign_in(app, "alice@example.com"))

    assert not at.exception
    assert at.title[0].value == "Team"
    text = "\n".join(element.value for element in at.markdown)
    assert "bob@example.com" in text
    assert "henry@example.com" in text
    assert [widget.label for widget in at.text_input] == ["Email"]


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("dave@example.com", id="viewer"),
        pytest.param("bob@example.com", id="member"),
    ],
)
def test_team_page_hidden_from_non_admins(app, email):
    at = sign_in(app, email)

    # AppTest switches only to pages the navigation registered in the last run.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/team.py")
    assert not at.exception
    assert at.title[0].value == "Orders"


def test_team_page_invalid_email_shows_message(app):
    at = open_team_page(sign_in(app, "alice@example.com"))

    at.text_input(key="team_invite_email").input("not-an-address")
    next(widget for widget in at.button if widget.label == "Invite").click()
    at.run()

    assert not at.exception
    assert at.error[0].value == "not-an-address is not a valid email address."


def test_team_page_rejected_role_change_keeps_role(app):
    at = open_team_page(sign_in(app, "alice@example.com"))
    key = "team_role_10000000-0000-4000-8000-000000000001_owner"

    at.selectbox(key=key).select("admin").run()

    assert not at.exception
    assert at.error[0].value == "The team's last owner cannot be demoted. Make someone else an owner first."
    assert at.selectbox(key=key).value == "owner"
