"""The signed-in user's teams and roles, read under RLS with the user's own token."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from supabase import Client

from components.rest import json_rows

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Team:
    """A team the user belongs to, with the user's role in it."""

    id: str
    name: str
    role: str


def list_teams(client: Client, user_id: str) -> list[Team]:
    """Return the user's teams sorted by name.

    Two plain queries instead of one embedded select (`account_groups(name)`), so this works
    on a REST layer without resource embedding.
    """
    memberships = json_rows(
        client.table("memberships").select("team_id, role").eq("user_id", user_id).execute().data
    )
    if not memberships:
        return []

    roles: dict[str, str] = {str(row["team_id"]): str(row["role"]) for row in memberships}
    groups = json_rows(
        client.table("account_groups").select("id, name").in_("id", sorted(roles)).execute().data
    )
    names: dict[str, str] = {str(row["id"]): str(row["name"]) for row in groups}

    missing = sorted(set(roles) - set(names))
    if missing:
        # A membership whose team row the user cannot read is a policy gap, not a team to show.
        logger.warning("user %s has memberships in unreadable teams: %s", user_id, ", ".join(missing))

    teams = [
        Team(id=team_id, name=names[team_id], role=roles[team_id]) for team_id in roles if team_id in names
    ]
    return sorted(teams, key=lambda team: (team.name.lower(), team.id))


def pick_current_team(teams: list[Team], current_team_id: str | None) -> Team | None:
    """Return the team with `current_team_id`, else the first team, else None."""
    for team in teams:
        if team.id == current_team_id:
            return team
    return teams[0] if teams else None
