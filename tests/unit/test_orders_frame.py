import datetime as dt

import pandas as pd
import pytest

from components.downloads import DownloadStatus, guarded_download, safe_file_stem
from components.export.model import ExportError
from components.orders import orders_frame

EXPORT_COLUMNS = [
    "order_no",
    "ordered_on",
    "customer_email",
    "amount",
    "status",
    "note",
    "created_at",
    "updated_at",
    "id",
]
PAGE_COLUMNS = ["order_no", "ordered_on", "customer_email", "amount", "status", "note", "id"]

ROW = {
    "order_no": "GLX-000001",
    "ordered_on": "2024-05-06",
    "customer_email": "x@example.com",
    "amount": "19.99",
    "status": "shipped",
    "note": None,
    "created_at": "2024-05-06T12:00:00.123+00:00",
    "updated_at": "2024-05-06T12:00:00Z",
    "id": 7,
}


def test_orders_frame_types_columns():
    frame = orders_frame([ROW], EXPORT_COLUMNS)

    assert frame.loc[0, "ordered_on"] == dt.date(2024, 5, 6)
    assert frame["amount"].dtype == "float64"
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert frame["id"].dtype == "Int64"


def test_orders_frame_missing_date_is_none():
    frame = orders_frame([{**ROW, "ordered_on": None}], EXPORT_COLUMNS)

    assert frame.loc[0, "ordered_on"] is None


def test_orders_frame_empty_keeps_columns():
    frame = orders_frame([], PAGE_COLUMNS)

    assert list(frame.columns) == PAGE_COLUMNS
    assert frame.empty


def test_safe_file_stem_keeps_letters_and_digits():
    assert safe_file_stem("Acme Corp. (EU)") == "acme-corp-eu"
    assert safe_file_stem("***") == "team"


def test_guarded_download_stores_plain_message_on_failure():
    status = DownloadStatus()

    def failing_build() -> bytes:
        raise ExportError("The Excel file could not be built: disk full.")

    download = guarded_download(failing_build, status, "http://127.0.0.1:1", "Excel file")

    with pytest.raises(ExportError):
        download()
    assert status.error == "The Excel file could not be built: disk full."


def test_guarded_download_clears_message_on_success():
    status = DownloadStatus(error="old failure")

    data = guarded_download(lambda: b"xlsx", status, "http://127.0.0.1:1", "Excel file")()

    assert data == b"xlsx"
    assert status.error is None
