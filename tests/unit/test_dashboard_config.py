"""dashboard.toml: the file in the repository loads, and invalid entries fail with the entry's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.dashboard_config import (
    DashboardConfigError,
    load_dashboard_config,
    parse_dashboard_config,
)
from components.table_columns import column_kind, infer_columns


def test_dashboard_config_repository_file_loads() -> None:
    config = load_dashboard_config()

    assert [table.name for table in config.tables] == [
        "orders",
        "customers",
        "account_groups",
        "memberships",
        "invited_users",
    ]
    assert config.table("orders").number_formats == {"amount": "currency"}
    assert config.table("memberships").key == ("user_id", "team_id")


def test_dashboard_config_missing_file_means_every_table(tmp_path: Path) -> None:
    config = load_dashboard_config(tmp_path / "dashboard.toml")

    assert config.tables == ()
    assert config.table("orders").label == "orders"
    assert config.table("orders").columns is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[tables.orders\n", "not valid TOML", id="syntax"),
        pytest.param("[tables.orders]\nlabels = 'x'\n", "unknown settings labels", id="unknown-key"),
        pytest.param("[tables.orders]\ncolumns = 'id'\n", "columns must be a list", id="columns-text"),
        pytest.param("[tables.orders]\nlabel = ''\n", "label must be non-empty", id="empty-label"),
        pytest.param(
            "[tables.orders]\ncolumns = ['id']\nnumber_formats = { amount = 'currency' }\n",
            "number_formats names amount",
            id="format-outside-columns",
        ),
        pytest.param(
            "[tables.orders]\nnumber_formats = { amount = 2 }\n", "number_formats must map", id="format"
        ),
        pytest.param("[view]\n", "unknown top-level entries: view", id="top-level"),
    ],
)
def test_dashboard_config_invalid_entry_named(text: str, message: str) -> None:
    with pytest.raises(DashboardConfigError, match=message):
        parse_dashboard_config(text)


@pytest.mark.parametrize(
    ("data_type", "kind"),
    [
        ("bigint", "integer"),
        ("numeric", "number"),
        ("boolean", "boolean"),
        ("date", "date"),
        ("timestamp with time zone", "timestamp"),
        ("jsonb", "json"),
        ("ARRAY", "json"),
        ("USER-DEFINED", "text"),
        ("uuid", "text"),
    ],
)
def test_column_kind_from_data_type(data_type: str, kind: str) -> None:
    assert column_kind(data_type) == kind


def test_infer_columns_from_json_values() -> None:
    rows = [
        {"id": 1, "code": "20240101", "on": "2024-01-31", "at": "2024-01-31T10:00:00+00:00", "tags": ["a"]},
        {"id": 2, "code": None, "on": None, "at": None, "tags": None, "flag": True},
    ]

    kinds = {column.name: column_kind(column.data_type) for column in infer_columns(rows)}

    assert kinds == {
        "id": "integer",
        "code": "text",
        "on": "date",
        "at": "timestamp",
        "tags": "json",
        "flag": "boolean",
    }
