"""Rows for the export tests: every value a table may return that is hard to put in a spreadsheet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.export import ColumnSpec

TRICKY_ROWS_FILE = Path(__file__).parents[1] / "fixtures" / "export" / "tricky_rows.json"

TRICKY_COLUMNS = [
    ColumnSpec("id", "integer"),
    ColumnSpec("label", "text"),
    ColumnSpec("created_at", "timestamp"),
    ColumnSpec("tags", "json"),
    ColumnSpec("meta", "json"),
]


def tricky_rows() -> list[list[Any]]:
    """Return the rows of the fixture file in column order, None where a row lacks a key."""
    records = json.loads(TRICKY_ROWS_FILE.read_text(encoding="utf-8"))
    return [[record.get(column.name) for column in TRICKY_COLUMNS] for record in records]
