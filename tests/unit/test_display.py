import datetime as dt

import pandas as pd

from components.display import display_frame, row_count_label
from components.export.model import ColumnSpec

SPECS = [
    ColumnSpec("order_no", "text"),
    ColumnSpec("ordered_on", "date"),
    ColumnSpec("amount", "number"),
    ColumnSpec("note", "text"),
    ColumnSpec("created_at", "timestamp"),
]
ROW = {
    "order_no": "ACME-000001",
    "ordered_on": "2025-03-09",
    "amount": 1591.1,
    "note": None,
    "created_at": "2025-03-09T08:01:00+00:00",
}


def test_row_count_label_singular_and_plural() -> None:
    assert row_count_label(1) == "1 row"
    assert row_count_label(0) == "0 rows"
    assert row_count_label(2500) == "2,500 rows"
    assert row_count_label(2500, estimated=True) == "about 2,500 rows"


def test_display_frame_timestamps_in_viewer_zone() -> None:
    frame = display_frame([ROW], SPECS, "America/New_York")

    value = frame.loc[0, "created_at (America/New_York)"]
    assert value == pd.Timestamp("2025-03-09 04:01:00", tz="America/New_York")


def test_display_frame_types_dates_numbers_and_blanks() -> None:
    frame = display_frame([ROW], SPECS, "UTC")

    assert frame.loc[0, "ordered_on"] == dt.date(2025, 3, 9)
    assert frame.loc[0, "amount"] == 1591.1
    assert frame.loc[0, "note"] == ""


def test_display_frame_empty_keeps_labels() -> None:
    frame = display_frame([], SPECS, "Europe/Berlin")

    assert list(frame.columns) == ["order_no", "ordered_on", "amount", "note", "created_at (Europe/Berlin)"]
