import httpx
import pytest
from postgrest.exceptions import APIError
from supabase_auth.errors import AuthApiError, AuthRetryableError, AuthUnknownError

from components.errors import SESSION_ENDED, auth_error_message, data_error_message

URL = "http://127.0.0.1:54321"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(
            AuthApiError("Invalid login credentials", 400, "invalid_credentials"),
            "Wrong email or password.",
            id="invalid-credentials",
        ),
        pytest.param(
            AuthApiError("Email not confirmed", 400, "email_not_confirmed"),
            "This email address is not confirmed yet. Open the link in the confirmation email, then sign in.",
            id="email-not-confirmed",
        ),
        pytest.param(
            AuthApiError("Request rate limit reached", 429, "over_request_rate_limit"),
            "Too many sign-in attempts. Wait a minute, then try again.",
            id="rate-limited",
        ),
        pytest.param(
            AuthApiError("Something new", 400, "validation_failed"),
            "Sign-in failed: Something new",
            id="other-code",
        ),
    ],
)
def test_auth_error_message_by_code(error, expected):
    assert auth_error_message(error, URL) == expected


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(AuthRetryableError("All connection attempts failed", 0), id="retryable-status-0"),
        pytest.param(httpx.ConnectError("All connection attempts failed"), id="connect-error"),
        pytest.param(httpx.ReadTimeout("timed out"), id="read-timeout"),
    ],
)
def test_auth_error_message_network_failure_names_url(error):
    message = auth_error_message(error, URL)

    assert f"The Supabase API at {URL} is unreachable" in message
    assert "SUPABASE_URL" in message


def test_auth_error_message_gateway_status_says_unavailable():
    message = auth_error_message(AuthRetryableError("Bad Gateway", 502), URL)

    assert message == f"The Supabase API at {URL} is unavailable (HTTP 502). Try again in a minute."


def test_auth_error_message_unknown_response():
    message = auth_error_message(AuthUnknownError("<html>", ValueError("not json")), URL)

    assert message.startswith("Sign-in failed because the server sent an unexpected response")


def test_data_error_message_jwt_expired_says_session_ended():
    error = APIError({"code": "PGRST303", "message": "JWT expired"})

    assert data_error_message(error, URL) == SESSION_ENDED


def test_data_error_message_permission_denied():
    error = APIError({"code": "42501", "message": "permission denied for table orders"})

    assert data_error_message(error, URL) == "You do not have permission to do this in this team."


def test_data_error_message_network_failure_names_url():
    assert URL in data_error_message(httpx.ConnectError("refused"), URL)
