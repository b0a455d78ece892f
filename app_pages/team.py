"""Team page for admins and owners: members and their roles, pending invitations, an invite form."""

import streamlit as st

from components.session import BACKEND_TARGET, CURRENT_TEAM_ID, SUPABASE_CLIENT, TEAMS
from components.settings import SettingError, load_settings
from components.team_admin import (
    ROLES,
    TeamAdminError,
    assignable_roles,
    can_manage,
    change_role,
    invite,
    leave_team,
    list_invitations,
    list_members,
    remove_member,
    revoke_invitation,
    send_invite_email,
)
from components.teams import pick_current_team

# The outcome of the last action, shown once on the next run: ("success" | "error", message).
NOTICE = "team_notice"

client = st.session_state[SUPABASE_CLIENT]
team = pick_current_team(st.session_state[TEAMS], st.session_state[CURRENT_TEAM_ID])

st.title("Team")
st.caption(f"{team.name} · your role: {team.role}")

# The navigation lists this page for admins and owners only, and the database rejects the changes
# of anyone else as well.
if not can_manage(team.role):
    st.error("Only admins and owners of this team can manage it.")
    st.stop()


def run_action(action, success: str) -> None:
    """Run a change from a widget callback and keep its outcome for the next run."""
    try:
        action()
    except TeamAdminError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
    else:
        st.session_state[NOTICE] = ("success", success)


def role_key(user_id: str, role: str) -> str:
    # The stored role is part of the key, so a role changed elsewhere shows up as a new widget
    # with that role selected instead of this session's earlier choice.
    return f"team_role_{user_id}_{role}"


def on_role_change(user_id: str, email: str, old_role: str) -> None:
    key = role_key(user_id, old_role)
    new_role = st.session_state[key]
    run_action(lambda: change_role(client, team.id, user_id, new_role), f"{email} is now {new_role}.")

    # A rejected change leaves the select on the role the member still has.
    if st.session_state.get(NOTICE, ("", ""))[0] == "error":
        st.session_state[key] = old_role


def on_invite() -> None:
    role = st.session_state["team_invite_role"]
    try:
        address = invite(client, team.id, st.session_state["team_invite_email"], role)
    except TeamAdminError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return

    try:
        settings = load_settings()
    except SettingError:
        settings = None
    if settings is None or settings.service_role_key is None:
        st.session_state[NOTICE] = (
            "success",
            f"Invited {address} as {role}. No invitation email is sent, because SUPABASE_SERVICE_ROLE_KEY is "
            f"not set: ask them to sign up with {address}, and they join {team.name} at their first sign-in.",
        )
        return

    redirect_to = settings.app_url or st.context.url
    try:
        send_invite_email(
            client, st.session_state[BACKEND_TARGET], settings.service_role_key, team.id, address, redirect_to
        )
    except TeamAdminError as exc:
        st.session_state[NOTICE] = ("error", f"Invited {address} as {role}. {exc}")
    else:
        st.session_state[NOTICE] = ("success", f"Invited {address} as {role} and emailed the invitation.")


notice = st.session_state.pop(NOTICE, None)
if notice is not None:
    kind, message = notice
    (st.success if kind == "success" else st.error)(message)

try:
    members = list_members(client, team.id)
    invitations = list_invitations(client, team.id)
except TeamAdminError as exc:
    st.error(str(exc))
    st.stop()

grantable = assignable_roles(team.role)

st.subheader("Members")
for member in members:
    email_column, role_column, remove_column = st.columns([3, 2, 1], vertical_alignment="center")
    email_column.write(member.email)
    # Admins may not change an owner, so an owner's row shows all roles but cannot be edited.
    options = grantable if member.role in grantable else list(ROLES)
    role_column.selectbox(
        f"Role of {member.email}",
        options,
        index=options.index(member.role),
        key=role_key(member.user_id, member.role),
        label_visibility="collapsed",
        disabled=member.role not in grantable,
        on_change=on_role_change,
        args=(member.user_id, member.email, member.role),
    )
    remove_column.button(
        "Remove",
        key=f"team_remove_{member.user_id}",
        disabled=member.role not in grantable,
        on_click=run_action,
        args=(
            lambda user_id=member.user_id: remove_member(client, team.id, user_id),
            f"Removed {member.email}.",
        ),
    )

st.subheader("Pending invitations")
if not invitations:
    st.caption("No pending invitations.")
for invitation in invitations:
    email_column, role_column, revoke_column = st.columns([3, 2, 1], vertical_alignment="center")
    email_column.write(invitation.email)
    role_column.write(invitation.role)
    revoke_column.button(
        "Revoke",
        key=f"team_revoke_{invitation.id}",
        disabled=invitation.role not in grantable,
        on_click=run_action,
        args=(
            lambda invitation_id=invitation.id: revoke_invitation(client, invitation_id),
            f"Revoked the invitation of {invitation.email}.",
        ),
    )

st.subheader("Invite someone")
with st.form("team_invite_form", clear_on_submit=True):
    st.text_input("Email", key="team_invite_email")
    st.selectbox("Role", grantable, index=grantable.index("member"), key="team_invite_role")
    st.form_submit_button("Invite", type="primary", on_click=on_invite)

st.divider()
with st.expander("Leave this team"):
    st.write(f"You lose access to {team.name}'s data. The team's last owner cannot leave.")
    st.button(
        "Leave team",
        key="team_leave",
        on_click=run_action,
        args=(lambda: leave_team(client, team.id), f"You left {team.name}."),
    )
