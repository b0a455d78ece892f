"""Export model: column and sheet specifications, the statistics of a finished file, and its error."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ColumnKind = Literal["text", "integer", "number", "boolean", "date", "timestamp", "json"]

# Named number formats a column may request. Any other string is used as an Excel format code.
NAMED_NUMBER_FORMATS = {
    "currency": "#,##0.00",
    "percent": "0.00%",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One exported column: its key in the rows, its kind, and how Excel shows it.

    `number_format` is "currency", "percent" or an Excel format code such as "0.0". Timestamp
    columns get the time zone appended to their header, for example "created_at (Europe/Berlin)".
    """

    name: str
    kind: ColumnKind
    header: str | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class SheetSpec:
    """One table to export: a sheet name, its columns and its rows.

    Each row is a sequence of values in column order, as PostgREST returns them in JSON: str,
    int of any size, float, bool, None, list or dict, dates as "2024-01-31" and timestamps in
    ISO 8601 with an offset. `rows` is read once, so a generator that pages through a view works.
    """

    name: str
    columns: Sequence[ColumnSpec]
    rows: Iterable[Sequence[Any]]


@dataclass
class ExportStats:
    """Counts of a finished export and the notes a person should read about it."""

    rows: int = 0
    sheets: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    truncated_cells: int = 0
    cleaned_cells: int = 0
    notes: list[str] = field(default_factory=list)


class ExportError(Exception):
    """The export could not be written. The message is written for the user, in plain words."""
