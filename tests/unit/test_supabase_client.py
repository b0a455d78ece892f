"""One Supabase client per browser session, kept in that session's state."""

from components.auth import AuthSession
from components.backend import BackendTarget
from components.session import AUTH_SESSION, SUPABASE_CLIENT, init_app_state
from components.settings import Secret
from components.supabase_client import session_client

TARGET = BackendTarget(url="http://127.0.0.1:54321", key=Secret("anon-key"), is_local=True)


def new_state() -> dict:
    state: dict = {}
    init_app_state(state)
    return state


def test_session_client_reused_within_session():
    state = new_state()

    assert session_client(TARGET, state) is session_client(TARGET, state)
    assert state[SUPABASE_CLIENT] is session_client(TARGET, state)


def test_session_client_separate_per_session():
    assert session_client(TARGET, new_state()) is not session_client(TARGET, new_state())


def test_session_client_replaced_when_url_changes():
    state = new_state()
    first = session_client(TARGET, state)
    state[AUTH_SESSION] = AuthSession(user_id="u", email="a@example.com")

    second = session_client(
        BackendTarget(url="http://127.0.0.1:54399", key=Secret("k"), is_local=True), state
    )

    assert second is not first
    assert state[AUTH_SESSION] is None
