"""Orders page: the current team's orders, fifty a page, with an Excel download of all of them."""

import httpx
import streamlit as st
from postgrest.exceptions import APIError

from components.auth import backend_url, ensure_fresh_session
from components.downloads import DownloadStatus, guarded_download, safe_file_stem
from components.errors import data_error_message
from components.excel import XLSX_MIME_TYPE, dataframe_to_xlsx
from components.orders import EXCEL_NUMBER_FORMATS, PageOutOfRangeError, fetch_all_orders, fetch_orders_page
from components.session import CURRENT_TEAM_ID, SUPABASE_CLIENT, TEAMS
from components.teams import pick_current_team

PAGE = "orders_page"
PAGE_TEAM = "orders_page_team_id"
DOWNLOAD_STATUS = "orders_download_status"


def go_to_page(page: int) -> None:
    st.session_state[PAGE] = page


client = st.session_state[SUPABASE_CLIENT]
team = pick_current_team(st.session_state[TEAMS], st.session_state[CURRENT_TEAM_ID])

st.title("Orders")
st.caption(f"{team.name} · your role: {team.role}")

# A team switch starts at the first page again.
if st.session_state.get(PAGE_TEAM) != team.id:
    st.session_state[PAGE_TEAM] = team.id
    st.session_state[PAGE] = 0

try:
    result = fetch_orders_page(client, team.id, st.session_state[PAGE])
except PageOutOfRangeError:
    go_to_page(0)
    st.rerun()
except (APIError, httpx.HTTPError) as exc:
    st.error(data_error_message(exc, backend_url(client)))
    st.button("Try again", key="orders_retry", icon=":material/refresh:")
    st.stop()

st.markdown(f"{result.total:,} rows")
st.dataframe(
    # Blank reads better than the "None" Streamlit draws for missing text.
    result.rows.fillna({"customer_email": "", "note": ""}),
    hide_index=True,
    # The id is fetched as the stable sort key but means nothing to a reader.
    column_order=["order_no", "ordered_on", "customer_email", "amount", "status", "note"],
    column_config={
        "order_no": st.column_config.TextColumn("Order no."),
        "ordered_on": st.column_config.DateColumn("Ordered on", format="YYYY-MM-DD"),
        "customer_email": st.column_config.TextColumn("Customer email"),
        "amount": st.column_config.NumberColumn("Amount", format="%.2f"),
        "status": st.column_config.TextColumn("Status"),
        "note": st.column_config.TextColumn("Note"),
    },
)

last_page = result.page_count - 1
first_col, previous_col, position_col, next_col, last_col = st.columns(
    [1, 1, 2, 1, 1], vertical_alignment="center"
)
first_col.button("First", key="orders_first", on_click=go_to_page, args=(0,), disabled=result.page == 0)
previous_col.button(
    "Previous", key="orders_previous", on_click=go_to_page, args=(result.page - 1,), disabled=result.page == 0
)
position_col.markdown(f"Page {result.page + 1:,} of {result.page_count:,}")
next_col.button(
    "Next", key="orders_next", on_click=go_to_page, args=(result.page + 1,), disabled=result.page >= last_page
)
last_col.button(
    "Last", key="orders_last", on_click=go_to_page, args=(last_page,), disabled=result.page >= last_page
)

status = st.session_state.setdefault(DOWNLOAD_STATUS, DownloadStatus())
if status.error:
    st.error(status.error)
    status.error = None

team_id = team.id
timezone = st.context.timezone or "UTC"


def build_workbook() -> bytes:
    # Runs in Streamlit's worker thread when the button is clicked, possibly long after this run.
    ensure_fresh_session(client)
    frame = fetch_all_orders(client, team_id)
    return dataframe_to_xlsx(
        frame, sheet_name="Orders", number_formats=EXCEL_NUMBER_FORMATS, timezone=timezone
    )


st.download_button(
    "Download Excel",
    data=guarded_download(build_workbook, status, backend_url(client), "Excel file"),
    file_name=f"orders-{safe_file_stem(team.name)}.xlsx",
    mime=XLSX_MIME_TYPE,
    on_click="ignore",
    key="orders_download_excel",
    icon=":material/download:",
)
