"""Tables page: each table dashboard.toml lists (or every readable one), fifty rows a page, with downloads."""

import httpx
import streamlit as st
from postgrest.exceptions import APIError

from components.auth import backend_url
from components.dashboard_config import DashboardConfigError, load_dashboard_config
from components.display import display_frame, row_count_label
from components.downloads import safe_file_stem
from components.errors import data_error_message
from components.export_panel import export_buttons
from components.exports import ViewExport, team_filter, viewer_timezone
from components.pager import pager
from components.session import CURRENT_TEAM_ID, SUPABASE_CLIENT, TEAMS
from components.table_columns import TableLayoutError, dashboard_tables, table_layout
from components.table_query import PageOutOfRangeError, TableView, fetch_page
from components.teams import pick_current_team

PAGE = "tables_page"
PAGE_VIEW = "tables_page_view"

client = st.session_state[SUPABASE_CLIENT]
team = pick_current_team(st.session_state[TEAMS], st.session_state[CURRENT_TEAM_ID])

st.title("Tables")
st.caption(f"{team.name} · your role: {team.role}")

try:
    config = load_dashboard_config()
    tables = dashboard_tables(client, config)
except DashboardConfigError as exc:
    st.error(str(exc))
    st.stop()
except (APIError, httpx.HTTPError) as exc:
    st.error(data_error_message(exc, backend_url(client)))
    st.stop()

if not tables:
    st.info("There is no table to show. List tables in dashboard.toml.")
    st.stop()

table = st.selectbox("Table", tables, format_func=lambda name: config.table(name).label, key="tables_table")

# Another table or team starts at the first page again.
if st.session_state.get(PAGE_VIEW) != (team.id, table):
    st.session_state[PAGE_VIEW] = (team.id, table)
    st.session_state[PAGE] = 0

try:
    layout = table_layout(client, config, table)
    view = TableView(
        table=table,
        columns=layout.columns,
        key=layout.key,
        filters=team_filter(layout.columns, layout.config.team_column, team.id),
    )
    result = fetch_page(client, view, st.session_state[PAGE])
except PageOutOfRangeError:
    st.session_state[PAGE] = 0
    st.rerun()
except TableLayoutError as exc:
    st.error(str(exc))
    st.stop()
except (APIError, httpx.HTTPError) as exc:
    st.error(data_error_message(exc, backend_url(client)))
    st.button("Try again", key="tables_retry", icon=":material/refresh:")
    st.stop()

timezone = viewer_timezone(st.context.timezone)
st.markdown(row_count_label(result.total))
st.dataframe(display_frame(result.rows, layout.specs, timezone), hide_index=True)
pager(result, PAGE, "tables")

export = ViewExport(view=view, specs=layout.specs, sheet_name=layout.config.label)
file_stem = f"{safe_file_stem(layout.config.label)}-{safe_file_stem(team.name)}"
export_buttons(client, export, timezone, file_stem, "tables", result.total)
