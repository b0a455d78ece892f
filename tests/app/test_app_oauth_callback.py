"""An OAuth callback reaching app.py with a state the app never issued creates no session."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app(backend, monkeypatch):
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["SUPABASE_URL"] = backend.api_url
    at.secrets["SUPABASE_KEY"] = backend.anon_key
    return at


def test_oauth_callback_forged_state_shows_message(app):
    app.query_params["code"] = "0b7e6f3e-6d5c-4e0b-9a55-5d2f4b1f8f11"
    app.query_params["state"] = "forged-state"
    app.run()

    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert app.info[0].value == "This sign-in link is invalid, already used or expired. Sign in again."
    assert app.session_state["auth_session"] is None


def test_oauth_callback_params_removed_after_use(app):
    app.query_params["code"] = "0b7e6f3e-6d5c-4e0b-9a55-5d2f4b1f8f11"
    app.query_params["state"] = "forged-state"
    app.query_params["error_description"] = "ignored"
    app.run()

    assert "code" not in app.query_params
    assert "state" not in app.query_params
    assert "error_description" not in app.query_params


def test_oauth_provider_error_shows_reason(app):
    app.query_params["error"] = "access_denied"
    app.query_params["error_description"] = "The user cancelled the sign-in"
    app.run()

    expected = "The sign-in was cancelled or failed: The user cancelled the sign-in. Try again."
    assert app.info[0].value == expected
    assert "error" not in app.query_params
