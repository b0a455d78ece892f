"""Orders page: the current team's orders with filters, fifty a page, and their downloads."""

import datetime as dt

import httpx
import streamlit as st
from postgrest.exceptions import APIError

from components.auth import backend_url, ensure_fresh_session
from components.dashboard_config import DashboardConfigError, load_dashboard_config
from components.display import row_count_label
from components.downloads import safe_file_stem
from components.errors import data_error_message
from components.export_panel import export_buttons, team_workbook_button
from components.exports import ViewExport, WorkbookContext, build_team_workbook_bytes, viewer_timezone
from components.orders import orders_frame
from components.orders_view import (
    ORDER_STATUSES,
    SORT_COLUMNS,
    FilterError,
    OrdersFilters,
    describe_filters,
    orders_view,
)
from components.pager import pager
from components.session import AUTH_SESSION, CURRENT_TEAM_ID, SUPABASE_CLIENT, TEAMS
from components.table_columns import TableLayoutError, table_layout
from components.table_query import PageOutOfRangeError, fetch_page
from components.teams import pick_current_team

PAGE = "orders_page"
PAGE_TEAM = "orders_page_team_id"
FILTERS = "orders_filters"
FILTER_ERROR = "orders_filter_error"
DISPLAY_COLUMNS = ["order_no", "ordered_on", "customer_email", "amount", "status", "note"]


def go_to_page(page: int) -> None:
    st.session_state[PAGE] = page


def apply_filters() -> None:
    """Store the submitted filter form as the page's filters, or the reason it is invalid."""
    state = st.session_state
    filters = OrdersFilters(
        statuses=tuple(state["orders_filter_status"]),
        ordered_from=state["orders_filter_from"],
        ordered_to=state["orders_filter_to"],
        search=state["orders_filter_search"],
        sort_column=state["orders_filter_sort"],
        descending=state["orders_filter_descending"],
    )
    try:
        filters.validate()
    except FilterError as exc:
        state[FILTER_ERROR] = str(exc)
        return
    state[FILTER_ERROR] = None
    state[FILTERS] = filters
    state[PAGE] = 0


client = st.session_state[SUPABASE_CLIENT]
team = pick_current_team(st.session_state[TEAMS], st.session_state[CURRENT_TEAM_ID])

st.title("Orders")
st.caption(f"{team.name} · your role: {team.role}")

# A team switch starts at the first page again.
if st.session_state.get(PAGE_TEAM) != team.id:
    st.session_state[PAGE_TEAM] = team.id
    st.session_state[PAGE] = 0
filters: OrdersFilters = st.session_state.setdefault(FILTERS, OrdersFilters())

with st.form("orders_filter_form"):
    status_col, from_col, to_col = st.columns([2, 1, 1])
    status_col.multiselect(
        "Status", ORDER_STATUSES, default=list(filters.statuses), key="orders_filter_status"
    )
    from_col.date_input(
        "Ordered from", value=filters.ordered_from, min_value=dt.date(2000, 1, 1), key="orders_filter_from"
    )
    to_col.date_input(
        "Ordered to", value=filters.ordered_to, min_value=dt.date(2000, 1, 1), key="orders_filter_to"
    )
    search_col, sort_col, direction_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    search_col.text_input(
        "Search",
        value=filters.search,
        placeholder="part of an order no. or email",
        key="orders_filter_search",
    )
    sort_col.selectbox(
        "Sort by",
        list(SORT_COLUMNS),
        index=list(SORT_COLUMNS).index(filters.sort_column),
        format_func=SORT_COLUMNS.get,
        key="orders_filter_sort",
    )
    direction_col.checkbox("Descending", value=filters.descending, key="orders_filter_descending")
    st.form_submit_button("Apply filters", on_click=apply_filters, icon=":material/filter_alt:")

if st.session_state.get(FILTER_ERROR):
    st.error(st.session_state[FILTER_ERROR])

try:
    config = load_dashboard_config()
    layout = table_layout(client, config, "orders")
    view = orders_view(team.id, filters, layout.columns, layout.key)
    result = fetch_page(client, view, st.session_state[PAGE])
except PageOutOfRangeError:
    go_to_page(0)
    st.rerun()
except (DashboardConfigError, TableLayoutError) as exc:
    st.error(str(exc))
    st.stop()
except (APIError, httpx.HTTPError) as exc:
    st.error(data_error_message(exc, backend_url(client)))
    st.button("Try again", key="orders_retry", icon=":material/refresh:")
    st.stop()

st.markdown(row_count_label(result.total))
frame = orders_frame(result.rows, list(view.select_columns))
st.dataframe(
    # Blank reads better than the "None" Streamlit draws for missing text.
    frame.fillna({"customer_email": "", "note": ""}),
    hide_index=True,
    # The id is read as the stable sort key but means nothing to a reader.
    column_order=DISPLAY_COLUMNS,
    column_config={
        "order_no": st.column_config.TextColumn("Order no."),
        "ordered_on": st.column_config.DateColumn("Ordered on", format="YYYY-MM-DD"),
        "customer_email": st.column_config.TextColumn("Customer email"),
        "amount": st.column_config.NumberColumn("Amount", format="%.2f"),
        "status": st.column_config.TextColumn("Status"),
        "note": st.column_config.TextColumn("Note"),
    },
)

pager(result, PAGE, "orders")

timezone = viewer_timezone(st.context.timezone)
export = ViewExport(view=view, specs=layout.specs, sheet_name=layout.config.label)
export_buttons(client, export, timezone, f"orders-{safe_file_stem(team.name)}", "orders", result.total)

st.divider()
st.markdown("**Team workbook**: every table of the team you may read, with these filters on Orders.")
team_id = team.id
workbook_context = WorkbookContext(
    email=st.session_state[AUTH_SESSION].email,
    team_name=team.name,
    project_url=backend_url(client),
    filters=describe_filters(filters),
)


def build_team_workbook() -> bytes:
    # Runs in Streamlit's worker thread when the button is clicked, possibly long after this run.
    ensure_fresh_session(client)
    return build_team_workbook_bytes(client, config, team_id, workbook_context, timezone, view)


team_workbook_button(client, build_team_workbook, f"team-{safe_file_stem(team.name)}", "orders")
