import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from components.excel import ExcelBuildError, dataframe_to_xlsx
from components.orders import EXCEL_NUMBER_FORMATS, EXPORT_COLUMNS, orders_frame

ROWS = [
    {
        "order_no": "ACME-000001",
        "ordered_on": "2024-03-01",
        "customer_email": "ann@example.com",
        "amount": 1234.5,
        "status": "paid",
        "note": '=HYPERLINK("http://example.com")',
        "created_at": "2024-03-01T09:30:00+00:00",
        "updated_at": "2024-03-02T09:30:00+00:00",
        "id": 1,
    },
    {
        "order_no": "ACME-000002",
        "ordered_on": "2024-03-02",
        "customer_email": "bo@example.com",
        "amount": 10,
        "status": "open",
        "note": "bell\x07 inside",
        "created_at": "2024-03-02T23:30:00+00:00",
        "updated_at": None,
        "id": 2,
    },
]


def open_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


@pytest.fixture(scope="module")
def sheet():
    frame = orders_frame(ROWS, EXPORT_COLUMNS)
    return open_sheet(dataframe_to_xlsx(frame, "Orders", EXCEL_NUMBER_FORMATS, timezone="Europe/Berlin"))


def test_excel_header_row_bold(sheet):
    header = next(sheet.iter_rows(min_row=1, max_row=1))

    assert [cell.value for cell in header][:3] == ["order_no", "ordered_on", "customer_email"]
    assert all(cell.font.b for cell in header)


def test_excel_row_count_matches_frame(sheet):
    assert sheet.max_row == len(ROWS) + 1


def test_excel_date_cell_is_date(sheet):
    cell = sheet["B2"]

    assert isinstance(cell.value, dt.date)
    assert cell.value.date() == dt.date(2024, 3, 1)
    assert cell.number_format == "yyyy-mm-dd"


def test_excel_number_cell_is_number(sheet):
    cell = sheet["D2"]

    assert cell.data_type == "n"
    assert cell.value == 1234.5
    assert cell.number_format == "#,##0.00"


def test_excel_timestamp_converted_to_named_zone(sheet):
    assert sheet["G1"].value == "created_at (Europe/Berlin)"
    assert sheet["G3"].value == dt.datetime(2024, 3, 3, 0, 30)


def test_excel_text_starting_with_equals_stays_text(sheet):
    cell = sheet["F2"]

    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_excel_control_characters_removed(sheet):
    assert sheet["F3"].value == "bell inside"


def test_excel_missing_value_is_empty_cell(sheet):
    assert sheet["H3"].value is None


def test_excel_empty_frame_has_header_only():
    sheet = open_sheet(dataframe_to_xlsx(orders_frame([], EXPORT_COLUMNS)))

    assert sheet.max_row == 1


def test_excel_unknown_time_zone_raises_plain_message():
    with pytest.raises(ExcelBuildError, match="not a known time zone"):
        dataframe_to_xlsx(pd.DataFrame({"a": [1]}), timezone="Mars/Olympus")


def test_excel_sheet_name_sanitised():
    sheet = open_sheet(dataframe_to_xlsx(pd.DataFrame({"a": [1]}), sheet_name="a/b:c" * 10))

    assert sheet.title == ("a_b_c" * 10)[:31]
