"""Sign-in page: email and password."""

import streamlit as st

from components.auth import sign_in_with_password
from components.errors import UserFacingError
from components.session import AUTH_SESSION, BACKEND_TARGET, SIGN_IN_NOTICE, SUPABASE_CLIENT

DEMO_ACCOUNTS = """\
| Email | Team and role |
|---|---|
| alice@example.com | Acme owner |
| bob@example.com | Acme member |
| dave@example.com | Acme viewer |
| carol@example.com | Globex admin |
| erin@example.com | Globex member |
| frank@example.com | Globex viewer |
| gina@example.com | Acme member, Globex viewer |

Every demo account has the password `demo-password`.
"""

st.title("Sign in")

notice = st.session_state.pop(SIGN_IN_NOTICE, None)
if notice:
    st.info(notice)

# The form and its error come first, so the error stays in view above the demo accounts.
with st.form("sign_in_form"):
    email = st.text_input("Email", autocomplete="email")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    try:
        st.session_state[AUTH_SESSION] = sign_in_with_password(
            st.session_state[SUPABASE_CLIENT], email, password
        )
    except UserFacingError as exc:
        st.error(str(exc))
    else:
        st.rerun()

target = st.session_state[BACKEND_TARGET]
if target is not None and target.is_local:
    with st.expander("Local demo backend", expanded=True, icon=":material/science:"):
        st.markdown(
            f"This app runs against the local demo backend at {target.url}, seeded with these accounts:"
        )
        st.markdown(DEMO_ACCOUNTS)
