"""Page for a signed-in user who belongs to no team yet."""

import streamlit as st

from components.session import AUTH_SESSION

st.title("No team yet")
st.write(
    f"You are signed in as {st.session_state[AUTH_SESSION].email}, but you are not a member of any team. "
    "Ask a team admin to invite you, then sign in again."
)
