"""The Account page through app.py: display name and password checks, signed in through the real form."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def account(backend, monkeypatch):
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["SUPABASE_URL"] = backend.api_url
    at.secrets["SUPABASE_KEY"] = backend.anon_key
    at.run()
    text_input(at, "Email").input("frank@example.com")
    text_input(at, "Password").input("demo-password")
    button(at, "Sign in").click()
    at.run()
    at.switch_page("app_pages/account.py")
    return at.run()


def button(at: AppTest, label: str):
    return next(widget for widget in at.button if widget.label == label)


def text_input(at: AppTest, label: str):
    return next(widget for widget in at.text_input if widget.label == label)


def test_account_page_shows_signed_in_user(account):
    assert not account.exception
    assert account.title[0].value == "Account"
    assert account.caption[-1].value == "Signed in as frank@example.com"


def test_account_display_name_saved_in_user_metadata(account):
    text_input(account, "Display name").input("Frank Example")
    button(account, "Save name").click()
    account.run()

    assert account.success[0].value == "Your display name is saved."
    client = account.session_state["supabase_client"]
    assert client.auth.get_user().user.user_metadata["full_name"] == "Frank Example"


def test_account_password_mismatch_rejected(account):
    text_input(account, "New password").input("new-password-1")
    text_input(account, "Repeat the new password").input("new-password-2")
    button(account, "Change password").click()
    account.run()

    assert account.error[0].value == "The two passwords differ. Type the same new password twice."


def test_account_short_password_rejected(account):
    text_input(account, "New password").input("abc")
    text_input(account, "Repeat the new password").input("abc")
    button(account, "Change password").click()
    account.run()

    assert account.error[0].value == "The new password is too short. Use at least 6 characters."
