"""The app without SUPABASE_URL and SUPABASE_KEY, not served on loopback: a set-up page and no backend."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def unconfigured_env(monkeypatch, tmp_path):
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    # No secrets.toml is found under this home folder or working directory.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)


def test_app_unconfigured_shows_setup_page(unconfigured_env):
    at = AppTest.from_file(APP).run(timeout=30)

    assert not at.exception
    assert at.title[0].value == "Set-up needed"
    assert "SUPABASE_URL and SUPABASE_KEY" in at.error[0].value


def test_app_half_configured_names_missing_key(unconfigured_env):
    at = AppTest.from_file(APP)
    at.secrets["SUPABASE_URL"] = "http://127.0.0.1:9"

    at.run(timeout=30)

    assert not at.exception
    assert "SUPABASE_KEY is missing" in at.error[0].value
