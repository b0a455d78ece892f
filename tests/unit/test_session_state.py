from components.session import (
    APP_KEY_DEFAULTS,
    AUTH_SESSION,
    CURRENT_TEAM_ID,
    clear_app_state,
    init_app_state,
)


def test_init_app_state_sets_defaults_and_keeps_values():
    state = {CURRENT_TEAM_ID: "team-1"}

    init_app_state(state)

    assert set(APP_KEY_DEFAULTS) <= set(state)
    assert state[CURRENT_TEAM_ID] == "team-1"


def test_clear_app_state_keeps_foreign_keys():
    state = {
        AUTH_SESSION: object(),
        CURRENT_TEAM_ID: "team-1",
        "orders_page": 4,
        "sidebar_team": "t",
        "other": 1,
    }

    clear_app_state(state)

    assert state[AUTH_SESSION] is None
    assert state[CURRENT_TEAM_ID] is None
    assert "orders_page" not in state
    assert "sidebar_team" not in state
    assert state["other"] == 1
