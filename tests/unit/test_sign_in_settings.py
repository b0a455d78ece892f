"""Settings for sign-in: APP_URL, AUTH_PROVIDERS, SESSION_STORE, remembered-login days and the key."""

import pytest
from cryptography.fernet import Fernet

from components.settings import DEFAULT_REMEMBER_LOGIN_DAYS, SettingError, load_settings


def test_auth_settings_defaults():
    settings = load_settings({}, {})

    assert settings.app_url is None
    assert settings.auth_providers is None
    assert settings.auth_signup_enabled is False
    assert settings.session_store == "memory"
    assert settings.remember_login_days == DEFAULT_REMEMBER_LOGIN_DAYS == 14
    assert settings.session_encryption_key is None


@pytest.mark.parametrize(
    "value",
    [pytest.param(["github", "Google"], id="toml-list"), pytest.param("github, google", id="env-string")],
)
def test_auth_providers_read_as_lowercase_names(value):
    assert load_settings({"AUTH_PROVIDERS": value}, {}).auth_providers == ("github", "google")


def test_auth_providers_number_rejected():
    with pytest.raises(SettingError, match="AUTH_PROVIDERS"):
        load_settings({"AUTH_PROVIDERS": 3}, {})


def test_app_url_trailing_slash_removed():
    assert load_settings({}, {"APP_URL": "https://team.example.com/"}).app_url == "https://team.example.com"


HOSTED = {"SUPABASE_URL": "https://project.supabase.co", "SUPABASE_KEY": "anon-key"}


def test_session_store_hosted_defaults_to_database():
    settings = load_settings({**HOSTED, "SESSION_ENCRYPTION_KEY": Fernet.generate_key().decode()}, {})

    assert settings.session_store == "database"


@pytest.mark.parametrize("url", ["http://127.0.0.1:54321", "http://localhost:54321"])
def test_session_store_loopback_url_defaults_to_memory(url):
    assert load_settings({"SUPABASE_URL": url, "SUPABASE_KEY": "anon-key"}, {}).session_store == "memory"


def test_session_store_database_without_key_rejected():
    with pytest.raises(SettingError, match="SESSION_ENCRYPTION_KEY is missing"):
        load_settings(HOSTED, {})


def test_session_store_database_without_url_rejected():
    key = Fernet.generate_key().decode()

    with pytest.raises(SettingError, match="needs SUPABASE_URL"):
        load_settings({"SESSION_STORE": "database", "SESSION_ENCRYPTION_KEY": key}, {})


def test_session_store_hosted_memory_accepted_without_key():
    assert load_settings({**HOSTED, "SESSION_STORE": "memory"}, {}).session_store == "memory"


def test_session_store_unknown_value_rejected():
    with pytest.raises(SettingError, match='must be "memory" or "database"'):
        load_settings({"SESSION_STORE": "redis"}, {})


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_remember_login_days_invalid_rejected(value):
    with pytest.raises(SettingError, match="REMEMBER_LOGIN_DAYS"):
        load_settings({}, {"REMEMBER_LOGIN_DAYS": value})


def test_session_encryption_key_invalid_rejected():
    with pytest.raises(SettingError, match="SESSION_ENCRYPTION_KEY"):
        load_settings({}, {"SESSION_ENCRYPTION_KEY": "not-a-key"})


def test_session_encryption_key_hidden_in_repr():
    key = Fernet.generate_key().decode()
    settings = load_settings({}, {"SESSION_ENCRYPTION_KEY": key})

    assert settings.session_encryption_key is not None
    assert settings.session_encryption_key.reveal() == key
    assert key not in repr(settings)
