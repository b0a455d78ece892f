import pytest

from components.settings import Secret, SettingError, load_settings

# A hosted project defaults to the database store, which needs SESSION_ENCRYPTION_KEY. These tests
# are about other settings, so they choose the in-memory store.
MEMORY_STORE = {"SESSION_STORE": "memory"}


def test_settings_secrets_win_over_environment():
    settings = load_settings(
        secrets={
            "SUPABASE_URL": "https://from-secrets.example",
            "SUPABASE_KEY": "secret-key",
            **MEMORY_STORE,
        },
        environ={"SUPABASE_URL": "https://from-env.example", "SUPABASE_KEY": "env-key"},
    )

    assert settings.supabase_url == "https://from-secrets.example"
    assert settings.supabase_key == Secret("secret-key")


def test_settings_environment_used_when_secrets_lack_name():
    settings = load_settings(
        secrets=MEMORY_STORE, environ={"SUPABASE_URL": "https://from-env.example/", "SUPABASE_KEY": "env-key"}
    )

    assert settings.supabase_url == "https://from-env.example"
    assert settings.supabase_key == Secret("env-key")


def test_settings_connections_table_accepted():
    secrets = {
        "connections": {"supabase": {"url": "https://table.example", "key": "table-key"}},
        **MEMORY_STORE,
    }

    settings = load_settings(secrets=secrets, environ={})

    assert settings.supabase_url == "https://table.example"
    assert settings.supabase_key == Secret("table-key")


def test_settings_top_level_secret_wins_over_connections_table():
    secrets = {
        "SUPABASE_URL": "https://top.example",
        "SUPABASE_KEY": "top-key",
        "connections": {"supabase": {"url": "https://table.example", "key": "table-key"}},
        **MEMORY_STORE,
    }

    settings = load_settings(secrets=secrets, environ={})

    assert settings.supabase_url == "https://top.example"


def test_settings_empty_strings_count_as_unset():
    settings = load_settings(secrets={"SUPABASE_URL": "  "}, environ={"SUPABASE_KEY": ""})

    assert settings.supabase_url is None
    assert settings.supabase_key is None
    assert settings.missing_supabase_settings() == ["SUPABASE_URL", "SUPABASE_KEY"]


def test_settings_missing_key_message():
    with pytest.raises(SettingError) as caught:
        load_settings(secrets={"SUPABASE_URL": "https://x.example"}, environ={})

    assert "SUPABASE_KEY" in str(caught.value)
    assert "secrets.toml" in str(caught.value)
    assert "environment variable" in str(caught.value)


def test_settings_url_missing_names_it():
    with pytest.raises(SettingError, match="SUPABASE_URL is missing"):
        load_settings(secrets={}, environ={"SUPABASE_KEY": "k"})


def test_settings_service_role_key_missing_names_it():
    settings = load_settings(secrets={}, environ={})

    with pytest.raises(
        SettingError, match="SUPABASE_SERVICE_ROLE_KEY is missing. Set it in .streamlit/secrets.toml"
    ):
        settings.require_service_role_key()


@pytest.mark.parametrize(
    ("secrets", "environ", "expected"),
    [
        pytest.param({}, {}, False, id="unset"),
        pytest.param({}, {"LOCAL_BACKEND": "1"}, True, id="env-1"),
        pytest.param({}, {"LOCAL_BACKEND": "0"}, False, id="env-0"),
        pytest.param({"LOCAL_BACKEND": 1}, {}, True, id="toml-integer"),
        pytest.param({"LOCAL_BACKEND": True}, {}, True, id="toml-bool"),
        pytest.param({"LOCAL_BACKEND": "0"}, {"LOCAL_BACKEND": "1"}, False, id="secret-wins"),
    ],
)
def test_settings_local_backend_flag(secrets, environ, expected):
    assert load_settings(secrets=secrets, environ=environ).local_backend_allowed is expected


def test_settings_local_backend_invalid_value_rejected():
    with pytest.raises(SettingError, match="LOCAL_BACKEND must be 1 or 0"):
        load_settings(secrets={}, environ={"LOCAL_BACKEND": "maybe"})


def test_secret_repr_and_str_hide_value():
    secret = Secret("super-secret-value")

    assert "super-secret-value" not in repr(secret)
    assert "super-secret-value" not in str(secret)
    assert secret.reveal() == "super-secret-value"


def test_settings_repr_hides_keys():
    settings = load_settings(
        secrets={
            "SUPABASE_URL": "https://x.example",
            "SUPABASE_KEY": "anon-value",
            "SUPABASE_SERVICE_ROLE_KEY": "service-value",
            **MEMORY_STORE,
        },
        environ={},
    )

    assert "anon-value" not in repr(settings)
    assert "service-value" not in repr(settings)


def test_settings_streamlit_secrets_without_file_read_as_empty(tmp_path, monkeypatch):
    from streamlit.runtime.secrets import Secrets

    import components.settings as settings_module

    # Streamlit looks for secrets.toml under the home folder and the working directory.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings_module.st, "secrets", Secrets())

    assert settings_module.read_streamlit_secrets() == {}
