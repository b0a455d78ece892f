"""Download buttons for a table view: built on click when small, prepared with progress when large.

These functions draw Streamlit widgets, so pages stay short. The export logic itself lives in
components.exports and is tested without Streamlit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from supabase import Client

from components import exports
from components.auth import backend_url, ensure_fresh_session
from components.downloads import DOWNLOAD_ERRORS, DownloadStatus, download_error_message, guarded_download
from components.exports import ExportFormat, ViewExport

logger = logging.getLogger(__name__)

FORMAT_LABELS: dict[ExportFormat, tuple[str, str]] = {
    # format: (button label, what the error messages call the file)
    "xlsx": ("Download Excel", "Excel file"),
    "csv": ("Download CSV", "CSV file"),
}


@dataclass
class PreparedFile:
    """A large export written to a temporary file, and what it was built from.

    NOTE: a file is deleted when the filters change or a newer file replaces it, but not at
    sign-out or when the browser session ends, so the temporary folder keeps the last one.
    """

    export: ViewExport
    timezone: str
    path: Path


def _read_file(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        return path.read_bytes()

    return read


def small_export_buttons(
    client: Client, export: ViewExport, timezone: str, file_stem: str, key_prefix: str, status: DownloadStatus
) -> None:
    """Draw one download button per format whose file is built in Streamlit's worker thread on click.

    The callables capture the client, the view and the zone, because they run after this script run
    has ended and must not read st.session_state or st.context.
    """
    columns = st.columns(len(FORMAT_LABELS))
    for column, (export_format, (label, what)) in zip(columns, FORMAT_LABELS.items(), strict=True):

        def build(export_format: ExportFormat = export_format) -> bytes:
            ensure_fresh_session(client)
            return exports.build_view_bytes(client, export, export_format, timezone)

        column.download_button(
            label,
            data=guarded_download(build, status, backend_url(client), what),
            file_name=f"{file_stem}.{export_format}",
            mime=exports.MIME_TYPES[export_format],
            on_click="ignore",
            key=f"{key_prefix}_download_{export_format}",
            icon=":material/download:",
        )


@st.fragment
def large_export_panel(
    client: Client, export: ViewExport, timezone: str, file_stem: str, key_prefix: str, total: int
) -> None:
    """Offer to prepare each format as a temporary file with a progress bar, then to download it.

    A fragment, so preparing and downloading rerun only this panel and not the whole page.
    """
    st.caption(
        f"This view has {total:,} rows, more than {exports.SMALL_EXPORT_MAX_ROWS:,}, "
        "so its files are prepared before download."
    )
    prepared: dict[str, PreparedFile] = st.session_state.setdefault(f"{key_prefix}_prepared_files", {})
    columns = st.columns(len(FORMAT_LABELS))

    for column, (export_format, (label, what)) in zip(columns, FORMAT_LABELS.items(), strict=True):
        with column:
            current = prepared.get(export_format)
            if current is not None and (current.export != export or current.timezone != timezone):
                # The filters changed since the file was prepared, so it no longer matches the view.
                exports.remove_file(current.path)
                del prepared[export_format]
                current = None

            if current is None and st.button(
                f"Prepare {what}", key=f"{key_prefix}_prepare_{export_format}", icon=":material/build:"
            ):
                current = _prepare(client, export, export_format, timezone, total, what)
                if current is not None:
                    prepared[export_format] = current

            if current is not None:
                st.download_button(
                    label,
                    data=_read_file(current.path),
                    file_name=f"{file_stem}.{export_format}",
                    mime=exports.MIME_TYPES[export_format],
                    on_click="ignore",
                    key=f"{key_prefix}_download_{export_format}",
                    icon=":material/download:",
                )


def _prepare(
    client: Client, export: ViewExport, export_format: ExportFormat, timezone: str, total: int, what: str
) -> PreparedFile | None:
    bar = st.progress(0.0, text=f"Reading rows for the {what}...")

    def on_rows(rows: int) -> None:
        bar.progress(min(rows / max(total, 1), 1.0), text=f"{rows:,} of about {total:,} rows")

    try:
        ensure_fresh_session(client)
        path = exports.write_view_file(client, export, export_format, timezone, on_rows)
    except DOWNLOAD_ERRORS as exc:
        bar.empty()
        st.error(download_error_message(exc, backend_url(client), what))
        return None

    bar.progress(1.0, text=f"The {what} is ready.")
    return PreparedFile(export=export, timezone=timezone, path=path)


def export_buttons(
    client: Client, export: ViewExport, timezone: str, file_stem: str, key_prefix: str, total: int
) -> None:
    """Draw the download buttons of a view, choosing the small or large path by the view's row count."""
    status: DownloadStatus = st.session_state.setdefault(f"{key_prefix}_download_status", DownloadStatus())
    if status.error:
        st.error(status.error)
        status.error = None

    if total <= exports.SMALL_EXPORT_MAX_ROWS:
        small_export_buttons(client, export, timezone, file_stem, key_prefix, status)
    else:
        large_export_panel(client, export, timezone, file_stem, key_prefix, total)


def team_workbook_button(client: Client, build: Callable[[], bytes], file_stem: str, key_prefix: str) -> None:
    status: DownloadStatus = st.session_state.setdefault(f"{key_prefix}_workbook_status", DownloadStatus())
    if status.error:
        st.error(status.error)
        status.error = None
    st.download_button(
        "Download team workbook",
        data=guarded_download(build, status, backend_url(client), "team workbook"),
        file_name=f"{file_stem}.xlsx",
        mime=exports.XLSX_MIME_TYPE,
        on_click="ignore",
        key=f"{key_prefix}_download_team_workbook",
        icon=":material/download:",
    )
