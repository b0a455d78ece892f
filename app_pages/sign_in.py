"""Sign-in page: email and password, an emailed one-time code, or an OAuth provider."""

import html

import streamlit as st

from components.auth import backend_url, password_session, send_email_code, verify_email_code
from components.errors import UserFacingError
from components.oauth import authorize_url, page_path_of, provider_label
from components.remembered_login import flow_store, settings_login_store, start_session
from components.session import BACKEND_TARGET, SIGN_IN_NOTICE, SUPABASE_CLIENT
from components.settings import load_settings
from components.sign_in_gate import app_url, offered_providers, secure_cookie

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
# OAuth links are rebuilt this often, so a link on a page left open never points at an expired flow.
OAUTH_LINK_REFRESH_SECONDS = 240

settings = load_settings()
store = settings_login_store(settings)
client = st.session_state[SUPABASE_CLIENT]

st.title("Sign in")

notice = st.session_state.pop(SIGN_IN_NOTICE, None)
if notice:
    st.info(notice)

keep = st.checkbox(
    "Keep me signed in",
    key="sign_in_keep",
    help=f"Stay signed in on this browser for {settings.remember_login_days} days, also after it restarts.",
)
keep_days = settings.remember_login_days if keep else None


def begin_session(session) -> None:
    start_session(session, store, keep_days, secure_cookie(settings))
    st.rerun()


method = st.radio(
    "Sign-in method", ["With a password", "With a one-time code"], horizontal=True, key="sign_in_method"
)

# The form and its error come first, so the error stays in view above the demo accounts.
if method == "With a password":
    with st.form("sign_in_form"):
        email = st.text_input("Email", autocomplete="email")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")

    if submitted:
        try:
            new_session = password_session(client, email, password)
        except UserFacingError as exc:
            st.error(str(exc))
        else:
            begin_session(new_session)
else:
    with st.form("sign_in_code_request"):
        code_email = st.text_input("Email", autocomplete="email", key="sign_in_code_email")
        asked = st.form_submit_button("Email me a code", type="primary")
    if asked:
        try:
            send_email_code(client, code_email, create_user=settings.auth_signup_enabled)
        except UserFacingError as exc:
            st.error(str(exc))
        else:
            st.session_state["sign_in_code_sent_to"] = code_email.strip()

    sent_to = st.session_state.get("sign_in_code_sent_to")
    if sent_to:
        st.success(f"A sign-in code was sent to {sent_to}. It is valid for a few minutes.")
        with st.form("sign_in_code_verify"):
            code = st.text_input("Code", max_chars=10, autocomplete="one-time-code")
            verified = st.form_submit_button("Verify code", type="primary")
        if verified:
            try:
                new_session = verify_email_code(client, sent_to, code)
            except UserFacingError as exc:
                st.error(str(exc))
            else:
                begin_session(new_session)


@st.fragment(run_every=OAUTH_LINK_REFRESH_SECONDS)
def provider_links() -> None:
    # A plain link with target _self, because st.link_button opens a new tab, and the callback has
    # to return to this tab.
    for provider in offered_providers(settings):
        url = authorize_url(
            backend_url(client),
            provider,
            app_url(settings),
            flow_store(),
            page_path=page_path_of(st.context.url),
            query=st.query_params.to_dict(),
            keep_days=keep_days,
        )
        st.markdown(
            f'<a href="{html.escape(url)}" target="_self" class="oauth-link">'
            f"{html.escape(provider_label(provider))}</a>",
            unsafe_allow_html=True,
        )


if offered_providers(settings):
    st.caption("Or continue with an account elsewhere")
    provider_links()

target = st.session_state[BACKEND_TARGET]
if target is not None and target.is_local:
    with st.expander("Local demo backend", expanded=True, icon=":material/science:"):
        st.markdown(
            f"This app runs against the local demo backend at {target.url}, seeded with these accounts:"
        )
        st.markdown(DEMO_ACCOUNTS)
