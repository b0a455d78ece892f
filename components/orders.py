"""Typed DataFrames of orders rows as PostgREST returns them."""

from __future__ import annotations

from typing import Any

import pandas as pd


def orders_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Build a DataFrame with typed columns from PostgREST JSON rows.

    `ordered_on` contains datetime.date values, `amount` floats (numeric(12,2) fits in a float's
    15 significant digits, and the JSON number arrives as a float anyway), timestamps are
    timezone-aware UTC, and `id` is a nullable integer.
    """
    frame = pd.DataFrame.from_records(rows, columns=columns)

    if "ordered_on" in frame:
        dates = pd.to_datetime(frame["ordered_on"], format="ISO8601").dt.date
        frame["ordered_on"] = dates.astype(object).where(dates.notna(), None)
    if "amount" in frame:
        frame["amount"] = pd.to_numeric(frame["amount"]).astype("float64")
    for column in ("created_at", "updated_at"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    if "id" in frame:
        frame["id"] = frame["id"].astype("Int64")
    return frame
