"""The First, Previous, Next and Last buttons under a table view."""

from __future__ import annotations

import streamlit as st

from components.table_query import TablePage


def pager(result: TablePage, page_key: str, key_prefix: str) -> None:
    """Draw the paging buttons. A click stores the new 0-based page number in st.session_state[page_key]."""

    def go_to_page(page: int) -> None:
        st.session_state[page_key] = page

    last_page = result.page_count - 1
    at_start = result.page == 0
    at_end = result.page >= last_page
    first_col, previous_col, position_col, next_col, last_col = st.columns(
        [1, 1, 2, 1, 1], vertical_alignment="center"
    )
    first_col.button("First", key=f"{key_prefix}_first", on_click=go_to_page, args=(0,), disabled=at_start)
    previous_col.button(
        "Previous",
        key=f"{key_prefix}_previous",
        on_click=go_to_page,
        args=(result.page - 1,),
        disabled=at_start,
    )
    position_col.markdown(f"Page {result.page + 1:,} of {result.page_count:,}")
    next_col.button(
        "Next", key=f"{key_prefix}_next", on_click=go_to_page, args=(result.page + 1,), disabled=at_end
    )
    last_col.button("Last", key=f"{key_prefix}_last", on_click=go_to_page, args=(last_page,), disabled=at_end)
