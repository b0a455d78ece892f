"""The signed-in user's teams and roles, read under RLS with the user's own token."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from supabase import Client

from components.rest import rpc_rows

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Team:
    """A team the user belongs to, with the user's role in it."""

    id: str
    name: str
    role: str


def list_teams(client: Client) -> list[Team]:
    """Return the signed-in user's teams with their roles, sorted by name.

    Reads public.my_teams(), a security-invoker function, so the rows are what RLS lets the
    user see. The app calls it on every run, so a role changed by an admin applies at the
    user's next click.
    """
    rows = rpc_rows(client.rpc("my_teams").execute().data)
    return [Team(id=str(row["team_id"]), name=str(row["name"]), role=str(row["role"])) for row in rows]


def pick_current_team(teams: list[Team], current_team_id: str | None) -> Team | None:
    """Return the team with `current_team_id`, else the first team, else None."""
    for team in teams:
        if team.id == current_team_id:
            return team
    return teams[0] if teams else None
