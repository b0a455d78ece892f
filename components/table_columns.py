"""The readable tables and typed columns of the signed-in user, for table views and exports."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from postgrest.exceptions import APIError
from supabase import Client

from components.dashboard_config import DashboardConfig, TableConfig
from components.export.model import ColumnKind, ColumnSpec
from components.rest import json_rows

logger = logging.getLogger(__name__)

# PostgREST codes for a function the server cannot call: not implemented (an API layer without RPC)
# and not found (a project without the migration that creates it).
RPC_UNAVAILABLE_CODES = frozenset({"PGRST127", "PGRST202"})
# information_schema.columns.data_type spellings, by the cell kind an export writes for them.
KINDS_BY_DATA_TYPE: dict[str, ColumnKind] = {
    "smallint": "integer",
    "integer": "integer",
    "bigint": "integer",
    "numeric": "number",
    "real": "number",
    "double precision": "number",
    "boolean": "boolean",
    "date": "date",
    "timestamp with time zone": "timestamp",
    "timestamp without time zone": "timestamp",
    "json": "json",
    "jsonb": "json",
    "ARRAY": "json",
}


@dataclass(frozen=True)
class TableColumn:
    """A column the user may read, with its SQL data type and its place in the primary key."""

    name: str
    data_type: str
    key_position: int | None = None


@dataclass(frozen=True)
class TableLayout:
    """The columns of one table in display order, their export specs and its key, for views and exports."""

    config: TableConfig
    columns: tuple[str, ...]
    specs: tuple[ColumnSpec, ...]
    key: tuple[str, ...]


class TableLayoutError(Exception):
    """The table cannot be shown as configured. The message is written for the user."""


def column_kind(data_type: str) -> ColumnKind:
    return KINDS_BY_DATA_TYPE.get(data_type, "text")


def is_rpc_unavailable(exc: APIError) -> bool:
    return exc.code in RPC_UNAVAILABLE_CODES


def _rpc_rows(data: object) -> list[Any]:
    """Return the rows of a set-returning function's response, which PostgREST sends as a JSON array."""
    if not isinstance(data, list):
        raise TypeError(f"expected a JSON array of rows, got {type(data).__name__}")
    return data


def read_table_columns(client: Client, table: str) -> list[TableColumn] | None:
    """Return the columns of `table` the user may select, or None when the server cannot call the function."""
    try:
        response = client.rpc("dashboard_columns", {"table_name": table}).execute()
    except APIError as exc:
        if is_rpc_unavailable(exc):
            logger.info("dashboard_columns cannot be called (%s): inferring column kinds", exc.code)
            return None
        raise
    return [
        TableColumn(
            name=str(row["column_name"]),
            data_type=str(row["data_type"]),
            key_position=None if row.get("key_position") is None else int(row["key_position"]),
        )
        for row in json_rows(_rpc_rows(response.data))
    ]


def read_readable_tables(client: Client) -> list[str] | None:
    """Return the tables the user may select from, or None when the server cannot call the function."""
    try:
        response = client.rpc("dashboard_tables", {}).execute()
    except APIError as exc:
        if is_rpc_unavailable(exc):
            return None
        raise
    return [str(row["table_name"]) for row in json_rows(_rpc_rows(response.data))]


def _value_kind(value: Any) -> ColumnKind | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, (dict, list)):
        return "json"
    text = str(value)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return "text"
    if text[4:5] != "-":
        # fromisoformat also reads basic forms such as "20240101", which are more often codes than dates.
        return "text"
    return "date" if len(text) == 10 and parsed.time() == dt.time() else "timestamp"


def infer_columns(rows: Sequence[Mapping[str, Any]]) -> list[TableColumn]:
    """Guess column types from sample rows as PostgREST returns them, for a server without RPC.

    NOTE: a guess from values: text that looks like an ISO date becomes a date, and a column that
    is NULL in every sample row becomes text. The dashboard_columns function gives the real types.
    """
    names: list[str] = []
    for row in rows:
        names += [name for name in row if name not in names]

    columns = []
    for name in names:
        kinds = {kind for row in rows if (kind := _value_kind(row.get(name))) is not None}
        if kinds == {"integer", "number"}:
            kinds = {"number"}
        kind = kinds.pop() if len(kinds) == 1 else "text"
        data_type = {"integer": "bigint", "number": "numeric", "timestamp": "timestamp with time zone"}.get(
            kind, kind
        )
        columns.append(TableColumn(name=name, data_type=data_type if kind != "json" else "jsonb"))
    return columns


def sample_rows(client: Client, table: str, limit: int = 200) -> list[dict[str, Any]]:
    return json_rows(client.table(table).select("*").limit(limit).execute().data)


def table_layout(client: Client, config: DashboardConfig, table: str) -> TableLayout:
    """Build the columns, specs and key of `table` from the database and dashboard.toml.

    Raises TableLayoutError when dashboard.toml names a column the user cannot read, or when
    the table has no key to page an export by.
    """
    table_config = config.table(table)
    columns = read_table_columns(client, table)
    if columns is None:
        columns = infer_columns(sample_rows(client, table))
    by_name = {column.name: column for column in columns}

    names = table_config.columns if table_config.columns is not None else tuple(by_name)
    missing = [name for name in names if name not in by_name]
    if missing and by_name:
        raise TableLayoutError(
            f"The table {table} has no readable column {', '.join(missing)}. "
            "Fix the columns list of this table in dashboard.toml."
        )

    key = table_config.key
    if key is None:
        primary = sorted(
            (c for c in columns if c.key_position is not None), key=lambda c: c.key_position or 0
        )
        key = tuple(c.name for c in primary) or (("id",) if "id" in by_name else ())
    if not key:
        raise TableLayoutError(
            f"The table {table} has no primary key, so it cannot be paged reliably. "
            "Set its key in dashboard.toml."
        )

    specs = tuple(
        ColumnSpec(
            name=name,
            kind=column_kind(by_name[name].data_type) if name in by_name else "text",
            number_format=table_config.number_formats.get(name),
        )
        for name in names
    )
    return TableLayout(config=table_config, columns=tuple(names), specs=specs, key=key)


def dashboard_tables(client: Client, config: DashboardConfig) -> list[str]:
    """Return the tables to show: those dashboard.toml lists, or else every table the user may read."""
    if config.tables:
        return [table.name for table in config.tables]
    tables = read_readable_tables(client)
    if tables is None:
        # NOTE: without RPC the readable tables cannot be listed, so only listed tables are shown.
        logger.warning("dashboard_tables cannot be called and dashboard.toml lists no tables")
        return []
    return tables
