"""Account page: display name, password, and signing out on every device."""

import streamlit as st

from components.account import change_password, display_name, set_display_name
from components.auth import sign_out
from components.errors import UserFacingError
from components.remembered_login import CookieChange, settings_login_store
from components.session import AUTH_SESSION, PENDING_COOKIE, SIGN_IN_NOTICE, SUPABASE_CLIENT
from components.settings import load_settings
from components.sign_in_gate import secure_cookie

client = st.session_state[SUPABASE_CLIENT]
settings = load_settings()

st.title("Account")
st.caption(f"Signed in as {st.session_state[AUTH_SESSION].email}")

with st.form("account_name_form"):
    name = st.text_input("Display name", value=display_name(client), max_chars=100)
    if st.form_submit_button("Save name"):
        try:
            set_display_name(client, name)
        except UserFacingError as exc:
            st.error(str(exc))
        else:
            st.success("Your display name is saved.")

with st.form("account_password_form", clear_on_submit=True):
    new_password = st.text_input("New password", type="password", autocomplete="new-password")
    repeated = st.text_input("Repeat the new password", type="password", autocomplete="new-password")
    if st.form_submit_button("Change password"):
        try:
            change_password(client, new_password, repeated)
        except UserFacingError as exc:
            st.error(str(exc))
        else:
            st.success("Your password is changed.")

st.subheader("Sign out everywhere")
st.write("Ends your sessions in every browser and device, including this one.")
if st.button("Sign out everywhere", key="account_sign_out_everywhere"):
    sign_out(client, store=settings_login_store(settings), scope="global")
    st.session_state[PENDING_COOKIE] = CookieChange("", None, secure_cookie(settings))
    st.session_state[SIGN_IN_NOTICE] = "You are signed out on every device."
    st.rerun()
