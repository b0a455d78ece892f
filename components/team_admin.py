"""Team administration: members, pending invitations, roles, all through the user's own client.

The database decides every change: the functions change_member_role, remove_member and
leave_team check the caller's role, and the RLS policies on invited_users let admins manage
invitations up to their own role. The checks here only pick the plain message to show.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from postgrest.exceptions import APIError
from supabase import Client, ClientOptions, create_client
from supabase_auth.errors import AuthError
from supabase_auth.types import InviteUserByEmailOptions

from components.backend import BackendTarget
from components.errors import (
    JWT_ERROR_CODES,
    SESSION_ENDED,
    UserFacingError,
    is_network_error,
    unreachable_message,
)
from components.rest import json_rows, rpc_rows
from components.settings import Secret

logger = logging.getLogger(__name__)

# From most to least privileged, as the team_role enum in the database declares them.
ROLES = ("owner", "admin", "member", "viewer")
MANAGING_ROLES = frozenset({"owner", "admin"})

T = TypeVar("T")


@dataclass(frozen=True)
class Member:
    """A member of a team with their email address and role."""

    user_id: str
    email: str
    role: str
    joined_at: dt.datetime


@dataclass(frozen=True)
class Invitation:
    """A pending invitation of an email address to a team with a role."""

    id: str
    email: str
    role: str
    created_at: dt.datetime


class TeamAdminError(UserFacingError):
    """A team administration request the database or the auth server rejected, with a plain message."""


def can_manage(role: str | None) -> bool:
    """Return whether `role` may manage a team and open the Team page: admins and owners may."""
    return role in MANAGING_ROLES


def assignable_roles(own_role: str) -> list[str]:
    """Return the roles a person with `own_role` may give: owners any role, admins any but owner."""
    if own_role == "owner":
        return list(ROLES)
    if own_role == "admin":
        return [role for role in ROLES if role != "owner"]
    return []


def normalise_email(email: str) -> str:
    """Return the address trimmed and lower-cased, or raise when it is not an email address."""
    address = email.strip().lower()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or " " in address:
        raise TeamAdminError(f"{email.strip() or 'An empty value'} is not a valid email address.")
    return address


def list_members(client: Client, team_id: str) -> list[Member]:
    """Return the team's members with email addresses, owners first."""
    data = rpc_rows(_call(lambda: client.rpc("team_members", {"team_id": team_id}).execute().data))
    return [
        Member(
            user_id=str(row["user_id"]),
            email=str(row["email"]),
            role=str(row["role"]),
            joined_at=dt.datetime.fromisoformat(str(row["created_at"])),
        )
        for row in data
    ]


def list_invitations(client: Client, team_id: str) -> list[Invitation]:
    """Return the team's pending invitations, newest first."""
    data = _call(
        lambda: (
            client.table("invited_users")
            .select("id, email, role, created_at")
            .eq("team_id", team_id)
            .order("created_at", desc=True)
            .execute()
            .data
        )
    )
    return [
        Invitation(
            id=str(row["id"]),
            email=str(row["email"]),
            role=str(row["role"]),
            created_at=dt.datetime.fromisoformat(str(row["created_at"])),
        )
        for row in json_rows(data)
    ]


def invite(client: Client, team_id: str, email: str, role: str) -> str:
    """Store an invitation, or change the role of the address's pending one, and return the address.

    The upsert on (team_id, email) keeps one invitation per address and team.
    """
    address = normalise_email(email)
    if role not in ROLES:
        raise TeamAdminError(f"{role} is not a role. Choose one of {', '.join(ROLES)}.")

    row = {"team_id": team_id, "email": address, "role": role}
    _call(lambda: client.table("invited_users").upsert(row, on_conflict="team_id,email").execute())
    logger.info("invited an address to team %s with role %s", team_id, role)
    return address


def revoke_invitation(client: Client, invitation_id: str) -> None:
    """Delete a pending invitation. Raises when no row was deleted (gone already, or not permitted)."""
    data = _call(lambda: client.table("invited_users").delete().eq("id", invitation_id).execute().data)
    if not data:
        raise TeamAdminError("That invitation no longer exists, or you may not revoke it.")


def change_role(client: Client, team_id: str, user_id: str, new_role: str) -> None:
    _call(
        lambda: client.rpc(
            "change_member_role", {"team_id": team_id, "user_id": user_id, "new_role": new_role}
        ).execute()
    )
    logger.info("changed the role of user %s in team %s to %s", user_id, team_id, new_role)


def remove_member(client: Client, team_id: str, user_id: str) -> None:
    _call(lambda: client.rpc("remove_member", {"team_id": team_id, "user_id": user_id}).execute())
    logger.info("removed user %s from team %s", user_id, team_id)


def leave_team(client: Client, team_id: str) -> None:
    _call(lambda: client.rpc("leave_team", {"team_id": team_id}).execute())


def accept_my_invites(client: Client) -> int:
    """Join the teams that invited the signed-in user's address, and return how many were joined."""
    data = _call(lambda: client.rpc("accept_my_invites").execute().data)
    return data if isinstance(data, int) else 0


def send_invite_email(
    client: Client,
    target: BackendTarget,
    service_role_key: Secret,
    team_id: str,
    email: str,
    redirect_to: str | None,
) -> None:
    """Email an invitation through the auth server's admin API, after checking the caller's role.

    The service-role key bypasses RLS, so it is used for this one admin call only, on a client
    made for it and dropped afterwards. The caller's user comes from the auth server
    (`get_user` verifies the access token) and their role from the database under their own token.
    """
    try:
        verified = client.auth.get_user()
    except AuthError as exc:
        raise TeamAdminError(SESSION_ENDED) from exc
    if verified is None:
        raise TeamAdminError(SESSION_ENDED)

    rows = rpc_rows(_call(lambda: client.rpc("my_teams").execute().data))
    roles = {str(row["team_id"]): str(row["role"]) for row in rows}
    if not can_manage(roles.get(team_id)):
        raise TeamAdminError("Only admins and owners of this team can send invitations.")

    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    admin_client = create_client(target.url, service_role_key.reveal(), options=options)
    invite_options: InviteUserByEmailOptions = {"redirect_to": redirect_to} if redirect_to else {}
    try:
        admin_client.auth.admin.invite_user_by_email(email, invite_options)
    except AuthError as exc:
        if is_network_error(exc):
            raise TeamAdminError(unreachable_message(target.url)) from exc
        # An address that already has an account cannot be invited by email. The invitation row
        # still adds them to the team at their next sign-in.
        if getattr(exc, "code", None) == "email_exists":
            raise TeamAdminError(
                f"{email} already has an account, so no email was sent. "
                "They join the team at their next sign-in."
            ) from exc
        raise TeamAdminError(f"The invitation email was not sent: {exc.message}") from exc
    logger.info("sent an invitation email for team %s by user %s", team_id, verified.user.id)


def _call(request: Callable[[], T]) -> T:
    """Run one request and turn its failure into a TeamAdminError with a plain message."""
    try:
        return request()
    except APIError as exc:
        raise TeamAdminError(_api_error_message(exc)) from exc
    except httpx.HTTPError as exc:
        raise TeamAdminError("The Supabase API is unreachable. Try again in a minute.") from exc


def _api_error_message(exc: APIError) -> str:
    if exc.code in JWT_ERROR_CODES:
        return SESSION_ENDED
    # The team functions raise with messages written for the user and SQLSTATE 42501 (not
    # permitted) or P0001 (a rule such as the last owner), so their message is shown as it is.
    # PostgreSQL's own 42501 messages (RLS, missing grants) name tables and functions instead.
    generic = ("new row violates", "permission denied")
    if exc.code in {"42501", "P0001"} and exc.message and not exc.message.startswith(generic):
        return exc.message
    if exc.code == "42501":
        return "You do not have permission to do this in this team."
    return f"The request failed: {exc.message or exc.code or 'no reason given'}."
