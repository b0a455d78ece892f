"""Page shown when the app cannot reach a usable backend: missing settings or a backend that failed."""

import streamlit as st

from components.session import SETUP_PROBLEM

problem = st.session_state[SETUP_PROBLEM]
st.title(problem.title)
st.error(problem.message)
