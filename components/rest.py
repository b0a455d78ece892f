"""Helpers for PostgREST responses from supabase-py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def json_rows(data: Sequence[Any]) -> list[dict[str, Any]]:
    """Return the rows of a table read, checking that each one is a JSON object."""
    rows: list[dict[str, Any]] = []
    for row in data:
        if not isinstance(row, dict):
            raise TypeError(f"expected a JSON object per row, got {type(row).__name__}")
        rows.append(row)
    return rows


def rpc_rows(data: object) -> list[dict[str, Any]]:
    """Return the rows of a set-returning function called with rpc, checking that it returned a list."""
    if not isinstance(data, list):
        raise TypeError(f"expected a JSON array of rows, got {type(data).__name__}")
    return json_rows(data)
