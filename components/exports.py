"""Exports of table views and of the team workbook, as the Orders page offers them.

Small exports are built in memory when the download button is clicked. Larger ones are written
to a temporary file while the page shows progress, because building them takes long enough that
a person needs feedback and a browser download should not wait on the build.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postgrest.exceptions import APIError
from supabase import Client

from components.dashboard_config import DashboardConfig
from components.display import row_count_label
from components.export.csv_writer import write_csv
from components.export.model import ColumnSpec, ExportStats, SheetSpec
from components.export.xlsx import write_workbook
from components.keyset import Condition
from components.table_columns import dashboard_tables, table_layout
from components.table_query import TableView, count_rows, iter_view_rows

logger = logging.getLogger(__name__)

ExportFormat = Literal["xlsx", "csv"]
XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME_TYPE = "text/csv"
MIME_TYPES: dict[ExportFormat, str] = {"xlsx": XLSX_MIME_TYPE, "csv": CSV_MIME_TYPE}
# Views with at most this many rows (by the count the page shows) are built when the download
# button is clicked. The limit keeps the click's wait to a few seconds and the build's memory small.
SMALL_EXPORT_MAX_ROWS = 20_000
# Why a table is left out of the team workbook: the database refused to read it (SQLSTATE 42501).
PERMISSION_DENIED = "42501"


@dataclass(frozen=True)
class ViewExport:
    """One view to export: what to read, how to type its columns and the sheet name."""

    view: TableView
    specs: tuple[ColumnSpec, ...]
    sheet_name: str


@dataclass(frozen=True)
class WorkbookContext:
    """The person, team, project and filters of an export, for the first sheet of the team workbook."""

    email: str
    team_name: str
    project_url: str
    filters: str


def viewer_timezone(zone: str | None) -> str:
    """Return `zone` when zoneinfo has it, else UTC, so an unknown browser zone never fails an export."""
    if not zone:
        return "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        logger.info("unknown browser time zone %r: exporting in UTC", zone)
        return "UTC"
    return zone


def write_view(
    client: Client,
    export: ViewExport,
    export_format: ExportFormat,
    target: BinaryIO,
    timezone: str,
    on_rows: Callable[[int], None] | None = None,
) -> ExportStats:
    """Write every row of the view to `target` as .xlsx or CSV, reading it batch by batch."""
    sheet = SheetSpec(name=export.sheet_name, columns=export.specs, rows=iter_view_rows(client, export.view))
    if export_format == "csv":
        return write_csv(sheet, target, timezone=timezone, on_rows=on_rows)
    return write_workbook([sheet], target, timezone=timezone, on_rows=on_rows)


def build_view_bytes(client: Client, export: ViewExport, export_format: ExportFormat, timezone: str) -> bytes:
    buffer = io.BytesIO()
    write_view(client, export, export_format, buffer, timezone)
    return buffer.getvalue()


def write_view_file(
    client: Client,
    export: ViewExport,
    export_format: ExportFormat,
    timezone: str,
    on_rows: Callable[[int], None] | None = None,
) -> Path:
    """Write the export to a new temporary file and return its path. The caller deletes the file.

    A failed export leaves no file behind.
    """
    handle, name = tempfile.mkstemp(prefix="dashboard-export-", suffix=f".{export_format}")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as target:
            stats = write_view(client, export, export_format, target, timezone, on_rows)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    logger.info("wrote a %s export of %d rows to a temporary file", export_format, stats.rows)
    return path


def remove_file(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def team_filter(columns: Sequence[str], team_column: str | None, team_id: str) -> tuple[Condition, ...]:
    """Return the condition that keeps a team workbook sheet to the current team, if the table has one."""
    column = team_column or ("team_id" if "team_id" in columns else None)
    if column is None:
        return ()
    return (Condition(column, "eq", team_id),)


def team_workbook_exports(
    client: Client,
    config: DashboardConfig,
    team_id: str,
    orders_view: TableView | None = None,
) -> tuple[list[ViewExport], list[tuple[str, str]]]:
    """Return the sheets of the team workbook and, per table, the note its About sheet shows.

    Orders follows `orders_view` (the Orders page's filters and sort) when it is given. A table
    the database does not let the user read is left out and named as such.
    """
    exports: list[ViewExport] = []
    notes: list[tuple[str, str]] = []
    for table in dashboard_tables(client, config):
        label = config.table(table).label
        try:
            layout = table_layout(client, config, table)
            view = TableView(
                table=table,
                columns=layout.columns,
                key=layout.key,
                filters=team_filter(layout.columns, layout.config.team_column, team_id),
            )
            if table == "orders" and orders_view is not None:
                view = orders_view
            rows = count_rows(client, view)
        except APIError as exc:
            if exc.code != PERMISSION_DENIED:
                raise
            notes.append((label, "not readable with your role"))
            continue

        exports.append(ViewExport(view=view, specs=layout.specs, sheet_name=label))
        notes.append((label, f"{row_count_label(rows)} when the export started"))
    return exports, notes


def about_rows(
    context: WorkbookContext, timezone: str, notes: Sequence[tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    exported_at = dt.datetime.now(ZoneInfo(timezone))
    yield ("Exported by", context.email)
    yield ("Exported at", f"{exported_at:%Y-%m-%d %H:%M:%S} ({timezone})")
    yield ("Team", context.team_name)
    yield ("Project", context.project_url)
    yield ("Orders filters", context.filters)
    yield ("Other sheets", "All rows of the team that your role may read.")
    for sheet, note in notes:
        yield (f"Sheet {sheet}", note)


def write_team_workbook(
    client: Client,
    exports: Sequence[ViewExport],
    about: Sequence[tuple[str, str]],
    target: BinaryIO,
    timezone: str,
    on_rows: Callable[[int], None] | None = None,
) -> ExportStats:
    """Write the About sheet, then one sheet per view, each read lazily by keyset paging."""
    about_sheet = SheetSpec(
        name="About",
        columns=(ColumnSpec("item", "text", header="Item"), ColumnSpec("value", "text", header="Value")),
        rows=about,
    )
    sheets = [about_sheet] + [
        SheetSpec(name=export.sheet_name, columns=export.specs, rows=iter_view_rows(client, export.view))
        for export in exports
    ]
    return write_workbook(sheets, target, timezone=timezone, on_rows=on_rows)


def build_team_workbook_bytes(
    client: Client,
    config: DashboardConfig,
    team_id: str,
    context: WorkbookContext,
    timezone: str,
    orders_view: TableView | None = None,
) -> bytes:
    """Return the team workbook: an About sheet, then one sheet per table the user may read."""
    sheets, notes = team_workbook_exports(client, config, team_id, orders_view)
    buffer = io.BytesIO()
    write_team_workbook(client, sheets, list(about_rows(context, timezone, notes)), buffer, timezone)
    return buffer.getvalue()
