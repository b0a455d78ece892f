"""Rows as PostgREST returns them, shaped for st.dataframe the way the exports show them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from components.export.model import ColumnSpec


def row_count_label(total: int, *, estimated: bool = False) -> str:
    """Return e.g. "1 row", "2,500 rows" or "about 2,500 rows"."""
    noun = "row" if total == 1 else "rows"
    prefix = "about " if estimated else ""
    return f"{prefix}{total:,} {noun}"


def display_frame(rows: Sequence[dict[str, Any]], specs: Sequence[ColumnSpec], timezone: str) -> pd.DataFrame:
    """Build a typed DataFrame from JSON rows: timestamps in `timezone`, dates as dates, blanks for NULL text.

    Column labels are the headers the Excel export uses, so the screen and the file agree.
    """
    frame = pd.DataFrame.from_records(list(rows), columns=[spec.name for spec in specs])
    labels = {}

    for spec in specs:
        column = frame[spec.name]
        label = spec.header or spec.name
        if spec.kind == "timestamp":
            frame[spec.name] = pd.to_datetime(
                column, utc=True, format="ISO8601", errors="coerce"
            ).dt.tz_convert(timezone)
            label = f"{label} ({timezone})"
        elif spec.kind == "date":
            dates = pd.to_datetime(column, format="ISO8601", errors="coerce").dt.date
            frame[spec.name] = dates.astype(object).where(dates.notna(), None)
        elif spec.kind in ("number", "integer"):
            frame[spec.name] = pd.to_numeric(column, errors="coerce")
        elif spec.kind == "text":
            frame[spec.name] = column.fillna("")
        labels[spec.name] = label

    return frame.rename(columns=labels)
