"""Page for a signed-in user who belongs to no team yet."""

import streamlit as st

from components.session import AUTH_SESSION, SUPABASE_CLIENT
from components.team_admin import TeamAdminError, accept_my_invites

# The database adds an invited user to the team at sign-in. This call repeats that once per
# visit, for a user whose invitation arrived after they signed in.
if not st.session_state.get("no_team_invites_checked"):
    st.session_state["no_team_invites_checked"] = True
    try:
        joined = accept_my_invites(st.session_state[SUPABASE_CLIENT])
    except TeamAdminError:
        joined = 0
    if joined:
        st.rerun()

st.title("No team yet")
st.write(
    f"You are signed in as {st.session_state[AUTH_SESSION].email}, but you are not a member of any team. "
    "Ask an admin or owner of your team to invite this email address on their Team page. "
    "You join the team the next time you sign in, or when you select Check again."
)
if st.button("Check again", key="no_team_check_again"):
    st.session_state["no_team_invites_checked"] = False
    st.rerun()
