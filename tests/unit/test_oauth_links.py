"""OAuth authorize links and callback checks that need no server."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

from components.flow_store import FlowStore
from components.oauth import (
    INVALID_CALLBACK,
    app_origin,
    authorize_url,
    finish_callback,
    is_callback,
    page_path_of,
    provider_label,
)

BACKEND = "http://127.0.0.1:54321"
APP = "http://127.0.0.1:8501"


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_authorize_url_carries_state_inside_redirect():
    store = FlowStore()
    url = authorize_url(BACKEND, "github", APP, store, "tables", {"q": "x", "code": "old"})
    params = query_of(url)
    state = query_of(params["redirect_to"])["state"]

    flow = store.take(state)

    assert url.startswith(f"{BACKEND}/auth/v1/authorize?")
    assert params["provider"] == "github"
    assert params["redirect_to"].startswith(f"{APP}/?state=")
    assert flow is not None
    assert flow.page_path == "tables"
    assert flow.query == {"q": "x"}


def test_authorize_url_challenge_matches_stored_verifier():
    store = FlowStore()
    params = query_of(authorize_url(BACKEND, "google", APP, store))
    flow = store.take(query_of(params["redirect_to"])["state"])
    assert flow is not None

    digest = hashlib.sha256(flow.code_verifier.encode()).digest()

    assert params["code_challenge_method"] == "s256"
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_finish_callback_unknown_state_rejected_without_request():
    result = finish_callback(None, {"code": "abc", "state": "forged"}, FlowStore())  # type: ignore[arg-type]

    assert result.session is None
    assert result.message == INVALID_CALLBACK


def test_finish_callback_provider_error_takes_flow():
    store = FlowStore()
    state = store.put("verifier")

    result = finish_callback(
        None,  # type: ignore[arg-type]
        {"state": state, "error": "access_denied", "error_description": "The user cancelled"},
        store,
    )

    assert result.session is None
    assert result.message == "The sign-in was cancelled or failed: The user cancelled. Try again."
    assert store.take(state) is None


def test_is_callback_ignores_ordinary_query():
    assert not is_callback({"q": "x"})
    assert is_callback({"code": "abc", "state": "s"})


def test_provider_label_names_github():
    assert provider_label("github") == "Sign in with GitHub"
    assert provider_label("google") == "Sign in with Google"


def test_app_origin_and_page_path():
    assert app_origin("http://127.0.0.1:8501/tables") == "http://127.0.0.1:8501"
    assert page_path_of("http://127.0.0.1:8501/tables") == "tables"
    assert page_path_of(None) == ""
