"""The teams and roles of a signed-in user, read through the app's own client."""

import pytest

from components.auth import sign_in_with_password
from components.backend import BackendTarget
from components.settings import Secret
from components.supabase_client import new_client
from components.teams import list_teams

DEMO_PASSWORD = "demo-password"


@pytest.fixture
def signed_in(backend):
    """Return a client signed in as gina (Acme member, Globex viewer) and her teams by name."""
    client = new_client(BackendTarget(url=backend.api_url, key=Secret(backend.anon_key), is_local=True))
    sign_in_with_password(client, "gina@example.com", DEMO_PASSWORD)
    teams = {team.name: team for team in list_teams(client)}
    yield client, teams
    client.auth.sign_out({"scope": "local"})


def test_teams_of_two_team_user_with_roles(signed_in):
    _, teams = signed_in

    assert sorted(teams) == ["Acme", "Globex"]
    assert teams["Acme"].role == "member"
    assert teams["Globex"].role == "viewer"
