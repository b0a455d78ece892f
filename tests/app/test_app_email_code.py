"""Sign in with an emailed one-time code through app.py, reading the code from the local inbox."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.inbox import code_in, latest_message, messages_to

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app(backend, monkeypatch):
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["SUPABASE_URL"] = backend.api_url
    at.secrets["SUPABASE_KEY"] = backend.anon_key
    return at.run()


def button(at: AppTest, label: str):
    return next(widget for widget in at.button if widget.label == label)


def text_input(at: AppTest, label: str):
    return next(widget for widget in at.text_input if widget.label == label)


def ask_for_code(at: AppTest, email: str) -> AppTest:
    at.radio(key="sign_in_method").set_value("With a one-time code").run()
    text_input(at, "Email").input(email)
    button(at, "Email me a code").click()
    return at.run()


def test_email_code_signs_in_and_opens_orders(app, backend):
    at = ask_for_code(app, "erin@example.com")
    code = code_in(latest_message(backend, "erin@example.com"))

    text_input(at, "Code").input(code)
    button(at, "Verify code").click()
    at.run()

    assert not at.exception
    assert at.title[0].value == "Orders"
    assert at.session_state["auth_session"].email == "erin@example.com"


def test_email_code_wrong_code_says_expired_or_wrong(app, backend):
    at = ask_for_code(app, "frank@example.com")
    code = code_in(latest_message(backend, "frank@example.com"))
    wrong = "000000" if code != "000000" else "111111"

    text_input(at, "Code").input(wrong)
    button(at, "Verify code").click()
    at.run()

    assert at.title[0].value == "Sign in"
    assert at.error[0].value == "That code is wrong or has expired. Ask for a new code."


def test_email_code_unknown_email_sends_nothing(app, backend):
    at = ask_for_code(app, "nobody-here@example.com")

    assert at.error[0].value == "No account uses this email address. Ask a team admin to invite you."
    assert messages_to(backend, "nobody-here@example.com") == []
    assert [widget.label for widget in at.text_input] == ["Email"]


def test_email_code_reused_code_rejected(app, backend):
    at = ask_for_code(app, "dave@example.com")
    code = code_in(latest_message(backend, "dave@example.com"))
    text_input(at, "Code").input(code)
    button(at, "Verify code").click()
    at.run()
    assert at.title[0].value == "Orders"

    second = AppTest.from_file(APP, default_timeout=60)
    second.secrets["SUPABASE_URL"] = backend.api_url
    second.secrets["SUPABASE_KEY"] = backend.anon_key
    second.run()
    second.radio(key="sign_in_method").set_value("With a one-time code").run()
    text_input(second, "Email").input("dave@example.com")
    second.session_state["sign_in_code_sent_to"] = "dave@example.com"
    second.run()
    text_input(second, "Code").input(code)
    button(second, "Verify code").click()
    second.run()

    assert second.title[0].value == "Sign in"
    assert second.error[0].value == "That code is wrong or has expired. Ask for a new code."
