import pytest

from components.backend import decide_backend, is_served_on_loopback, setup_message
from components.settings import Secret, Settings

CONFIGURED = Settings(supabase_url="https://project.supabase.co", supabase_key=Secret("anon"))
UNCONFIGURED = Settings()


@pytest.mark.parametrize(
    ("server_address", "browser_url", "expected"),
    [
        pytest.param("127.0.0.1", None, True, id="address-ipv4-loopback"),
        pytest.param("::1", None, True, id="address-ipv6-loopback"),
        pytest.param("localhost", None, True, id="address-localhost"),
        pytest.param("0.0.0.0", "http://localhost:8501", False, id="address-all-interfaces-wins"),
        pytest.param("10.0.0.5", None, False, id="address-private"),
        pytest.param(None, "http://localhost:8501/orders", True, id="browser-localhost"),
        pytest.param(None, "http://127.0.0.2:8501", True, id="browser-127-range"),
        pytest.param("", "http://[::1]:8501", True, id="browser-ipv6-loopback"),
        pytest.param(None, "https://team.streamlit.app", False, id="browser-hosted"),
        pytest.param(None, "http://localhost.example.com", False, id="browser-lookalike"),
        pytest.param(None, None, False, id="nothing-known"),
    ],
)
def test_loopback_detection(server_address, browser_url, expected):
    assert is_served_on_loopback(server_address, browser_url) is expected


def test_decide_backend_configured_never_uses_local_backend():
    decision = decide_backend(CONFIGURED, served_on_loopback=True)

    assert decision.use_local is False
    assert decision.target is not None
    assert decision.target.url == "https://project.supabase.co"
    assert decision.target.is_local is False


def test_decide_backend_unconfigured_on_loopback_uses_local_backend():
    decision = decide_backend(UNCONFIGURED, served_on_loopback=True)

    assert decision.use_local is True
    assert decision.target is None


def test_decide_backend_local_backend_flag_allows_non_loopback():
    decision = decide_backend(Settings(local_backend_allowed=True), served_on_loopback=False)

    assert decision.use_local is True


def test_decide_backend_unconfigured_elsewhere_names_missing_settings():
    decision = decide_backend(UNCONFIGURED, served_on_loopback=False)

    assert decision.use_local is False
    assert decision.target is None
    assert decision.missing_settings == ("SUPABASE_URL", "SUPABASE_KEY")
    assert "SUPABASE_URL and SUPABASE_KEY" in setup_message(decision)
