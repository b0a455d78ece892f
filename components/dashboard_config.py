"""The typed contents of dashboard.toml: which tables the dashboard shows, and how."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DASHBOARD_TOML = Path(__file__).resolve().parents[1] / "dashboard.toml"
# An environment variable naming another file in place of the repository's dashboard.toml.
DASHBOARD_CONFIG_ENV = "DASHBOARD_CONFIG"
TABLE_KEYS = frozenset({"label", "columns", "key", "team_column", "number_formats", "editable"})


class DashboardConfigError(Exception):
    """dashboard.toml is invalid. The message names the file, the entry and what to change."""


@dataclass(frozen=True)
class TableConfig:
    """The display settings of one table. None for columns or key means the database decides."""

    name: str
    label: str
    columns: tuple[str, ...] | None = None
    key: tuple[str, ...] | None = None
    # The column that contains the team id, for the team workbook.
    # None means `team_id` when the table has one.
    team_column: str | None = None
    number_formats: Mapping[str, str] = field(default_factory=dict)
    editable: tuple[str, ...] = ()


@dataclass(frozen=True)
class DashboardConfig:
    """The listed tables in file order. No tables means every table the user may read."""

    tables: tuple[TableConfig, ...] = ()

    def table(self, name: str) -> TableConfig:
        """Return the table's settings, or the defaults for a table the file does not list."""
        for table in self.tables:
            if table.name == name:
                return table
        return TableConfig(name=name, label=name)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise DashboardConfigError(f'{where} must be a list of column names, like ["id"], not {value!r}.')
    return tuple(value)


def _table_config(name: str, raw: Any, source: Path) -> TableConfig:
    where = f"{source.name}: [tables.{name}]"
    if not isinstance(raw, dict):
        raise DashboardConfigError(f"{where} must be a table of settings.")

    unknown = sorted(set(raw) - TABLE_KEYS)
    if unknown:
        raise DashboardConfigError(
            f"{where} has unknown settings {', '.join(unknown)}; allowed are {', '.join(sorted(TABLE_KEYS))}."
        )

    label = raw.get("label", name)
    if not isinstance(label, str) or not label.strip():
        raise DashboardConfigError(f"{where} label must be non-empty text; got {label!r}.")

    columns = _string_list(raw["columns"], f"{where} columns") if "columns" in raw else None
    key = _string_list(raw["key"], f"{where} key") if "key" in raw else None
    editable = _string_list(raw.get("editable", []), f"{where} editable")
    team_column = raw.get("team_column")
    if team_column is not None and (not isinstance(team_column, str) or not team_column):
        raise DashboardConfigError(f"{where} team_column must be a column name; got {team_column!r}.")

    formats = raw.get("number_formats", {})
    if not isinstance(formats, dict) or not all(
        isinstance(value, str) and value for value in formats.values()
    ):
        raise DashboardConfigError(
            f'{where} number_formats must map columns to "currency", "percent" or an Excel format; '
            f"got {formats!r}."
        )

    if columns is not None:
        # The key and team column may be left out of columns: reads add what they order or filter by.
        checked = (
            ("editable", editable),
            ("number_formats", tuple(formats)),
        )
        for setting, names in checked:
            missing = [column for column in names if column not in columns]
            if missing:
                raise DashboardConfigError(
                    f"{where} {setting} names {', '.join(missing)}, which columns does not list."
                )

    return TableConfig(
        name=name,
        label=label.strip(),
        columns=columns,
        key=key,
        team_column=team_column,
        number_formats=dict(formats),
        editable=editable,
    )


def parse_dashboard_config(text: str, source: Path = DASHBOARD_TOML) -> DashboardConfig:
    """Parse dashboard.toml text. Raises DashboardConfigError naming the entry to fix."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DashboardConfigError(f"{source.name} is not valid TOML: {exc}.") from exc

    unknown = sorted(set(raw) - {"tables"})
    if unknown:
        raise DashboardConfigError(f"{source.name} has unknown top-level entries: {', '.join(unknown)}.")
    tables = raw.get("tables", {})
    if not isinstance(tables, dict):
        raise DashboardConfigError(f"{source.name}: tables must be [tables.<name>] sections.")

    return DashboardConfig(tables=tuple(_table_config(name, value, source) for name, value in tables.items()))


def load_dashboard_config(path: Path | None = None) -> DashboardConfig:
    """Read dashboard.toml, or return the every-readable-table default when the file is missing.

    Without `path` the file is the one DASHBOARD_CONFIG names, else dashboard.toml in the repository.
    """
    if path is None:
        path = Path(os.environ.get(DASHBOARD_CONFIG_ENV) or DASHBOARD_TOML)
    if not path.exists():
        logger.info("%s not found: showing every readable table", path)
        return DashboardConfig()
    return parse_dashboard_config(path.read_text(encoding="utf-8"), path)
