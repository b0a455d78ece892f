"""Plain modules the Streamlit pages call: settings, backend, auth, queries and exports."""
