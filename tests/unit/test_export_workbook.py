import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from components.export import ColumnSpec, ExportError, SheetSpec, write_workbook

COLUMNS = [
    ColumnSpec("order_no", "text", header="Order"),
    ColumnSpec("ordered_on", "date"),
    ColumnSpec("amount", "number", number_format="currency"),
    ColumnSpec("discount", "number", number_format="percent"),
    ColumnSpec("paid", "boolean"),
    ColumnSpec("quantity", "integer"),
    ColumnSpec("created_at", "timestamp"),
]
ROWS = [
    ["ACME-1", "2024-03-01", 1234.5, 0.125, True, 3, "2024-07-01T10:00:00+00:00"],
    ["ACME-2", "1850-01-01", -5, 0, False, -9007199254740993, "infinity"],
    ["ACME-3", None, None, None, None, None, None],
]


def write(sheets, timezone="UTC", **kwargs):
    buffer = io.BytesIO()
    stats = write_workbook(sheets, buffer, timezone=timezone, **kwargs)
    return stats, load_workbook(io.BytesIO(buffer.getvalue()))


@pytest.fixture(scope="module")
def sheet():
    _, workbook = write([SheetSpec("Orders", COLUMNS, ROWS)], timezone="America/New_York")
    return workbook["Orders"]


def test_workbook_header_uses_column_header(sheet):
    assert sheet["A1"].value == "Order"


def test_workbook_date_is_excel_date(sheet):
    assert sheet["B2"].value == dt.datetime(2024, 3, 1)
    assert sheet["B2"].number_format == "yyyy-mm-dd"


def test_workbook_date_before_1900_is_text(sheet):
    assert sheet["B3"].value == "1850-01-01"
    assert sheet["B3"].data_type == "s"


def test_workbook_currency_format(sheet):
    assert sheet["C2"].value == 1234.5
    assert sheet["C2"].number_format == "#,##0.00"


def test_workbook_negative_number_is_number(sheet):
    assert sheet["C3"].value == -5
    assert sheet["C3"].data_type == "n"


def test_workbook_percent_format(sheet):
    assert sheet["D2"].value == 0.125
    assert sheet["D2"].number_format == "0.00%"


def test_workbook_boolean_cells(sheet):
    assert sheet["E2"].value is True
    assert sheet["E2"].data_type == "b"
    assert sheet["E3"].value is False


def test_workbook_integer_format_shows_all_digits(sheet):
    assert sheet["F2"].value == 3
    assert sheet["F2"].number_format == "0"


def test_workbook_big_negative_integer_is_text(sheet):
    assert sheet["F3"].value == "-9007199254740993"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(999_999_999_999_999, 999_999_999_999_999, id="fifteen-digits"),
        pytest.param(1_234_567_890_123_456, "1234567890123456", id="sixteen-digits-below-2-to-53"),
        pytest.param(2**64, "18446744073709551616", id="beyond-bigint"),
    ],
)
def test_workbook_integer_beyond_excel_precision_is_text(value, expected):
    _, workbook = write([SheetSpec("t", [ColumnSpec("n", "integer")], [[value]])])

    assert workbook.active["A2"].value == expected


def test_workbook_timestamp_in_other_zone(sheet):
    assert sheet["G1"].value == "created_at (America/New_York)"
    assert sheet["G2"].value == dt.datetime(2024, 7, 1, 6, 0)


def test_workbook_unparseable_timestamp_is_text(sheet):
    assert sheet["G3"].value == "infinity"


def test_workbook_empty_row_kept(sheet):
    assert sheet.max_row == 4
    assert sheet["A4"].value == "ACME-3"
    assert sheet["B4"].value is None


def test_workbook_column_width_fits_timestamp(sheet):
    assert sheet.column_dimensions["G"].width >= len("created_at (America/New_York)")


def test_workbook_unknown_zone_falls_back_to_utc():
    stats, workbook = write([SheetSpec("t", COLUMNS, ROWS[:1])], timezone="Mars/Olympus")

    assert workbook.active["G1"].value == "created_at (UTC)"
    assert workbook.active["G2"].value == dt.datetime(2024, 7, 1, 10, 0)
    assert stats.timezone == "UTC"
    assert stats.notes == ["The time zone 'Mars/Olympus' is not known, so times are shown in UTC."]


def test_workbook_missing_zone_falls_back_to_utc():
    stats, workbook = write([SheetSpec("t", COLUMNS, ROWS[:1])], timezone="")

    assert workbook.active["G1"].value == "created_at (UTC)"
    assert stats.timezone == "UTC"


def test_workbook_empty_sheet_has_header_only():
    _, workbook = write([SheetSpec("Empty", COLUMNS, [])])

    assert [cell.value for cell in workbook.active[1]][:2] == ["Order", "ordered_on"]
    assert workbook.active.max_row == 1


def test_workbook_generator_rows_all_written():
    rows = ([f"row {number}"] for number in range(2_345))

    stats, workbook = write([SheetSpec("Generated", [ColumnSpec("label", "text")], rows)])

    assert stats.rows == 2_345
    assert workbook.active.max_row == 2_346
    assert workbook.active["A2346"].value == "row 2344"


def test_workbook_several_sheets_in_order():
    column = [ColumnSpec("n", "integer")]

    stats, workbook = write(
        [SheetSpec("First", column, [[1]]), SheetSpec("Second", column, ([n] for n in range(3)))]
    )

    assert workbook.sheetnames == ["First", "Second"]
    assert workbook["Second"].max_row == 4
    assert stats.rows == 4


def test_workbook_progress_reports_running_total():
    reported = []

    write(
        [SheetSpec("t", [ColumnSpec("n", "integer")], [[n] for n in range(2_500)])], on_rows=reported.append
    )

    assert reported == [1_000, 2_000, 2_500]


def test_workbook_duplicate_headers_numbered():
    columns = [ColumnSpec("a", "text", header="Name"), ColumnSpec("b", "text", header="Name")]

    _, workbook = write([SheetSpec("t", columns, [["x", "y"]])])

    assert [cell.value for cell in workbook.active[1]] == ["Name", "Name (2)"]
    assert [cell.value for cell in workbook.active[2]] == ["x", "y"]


def test_workbook_truncation_counts_utf16_units():
    text = "👋" * 20_000

    _, workbook = write([SheetSpec("t", [ColumnSpec("a", "text")], [[text]])])
    value = workbook.active["A2"].value

    assert value.endswith("… [truncated]")
    assert len(value.encode("utf-16-le")) // 2 <= 32_767


def test_workbook_row_of_wrong_length_raises_plain_message():
    with pytest.raises(ExportError, match="Row 2 of 'Orders' has 1 values but the sheet has 2 columns"):
        write([SheetSpec("Orders", [ColumnSpec("a", "text"), ColumnSpec("b", "text")], [["x", "y"], ["z"]])])


def test_workbook_without_sheets_raises_plain_message():
    with pytest.raises(ExportError, match="no sheets"):
        write([])


class FetchFailed(Exception):
    pass


class FailingRows:
    """A sized row collection whose iteration fails after the first row, as a dropped connection would."""

    def __len__(self):
        return 2

    def __iter__(self):
        yield ["x"]
        raise FetchFailed("the server timed out")


class UndercountedRows:
    """A sized row collection that yields one row more than its length."""

    def __len__(self):
        return 1

    def __iter__(self):
        yield ["x"]
        yield ["y"]


def test_workbook_error_from_generator_passes_through():
    def rows():
        yield ["x"]
        raise FetchFailed("the server timed out")

    with pytest.raises(FetchFailed):
        write([SheetSpec("t", [ColumnSpec("a", "text")], rows())])


def test_workbook_error_from_sized_rows_passes_through_writer():
    with pytest.raises(FetchFailed):
        write([SheetSpec("t", [ColumnSpec("a", "text")], FailingRows())])


def test_workbook_rows_beyond_length_still_written():
    _, workbook = write([SheetSpec("t", [ColumnSpec("a", "text")], UndercountedRows())])

    assert workbook.active.max_row == 3


def test_workbook_rows_beyond_planned_sheets_raise(monkeypatch):
    monkeypatch.setattr("components.export.xlsx.EXCEL_MAX_DATA_ROWS", 1)

    with pytest.raises(ExportError, match="more rows than counted"):
        write([SheetSpec("t", [ColumnSpec("a", "text")], UndercountedRows())])


@pytest.mark.parametrize("sized", [True, False], ids=["list", "generator"])
def test_workbook_rows_over_sheet_limit_continue(monkeypatch, sized):
    monkeypatch.setattr("components.export.xlsx.EXCEL_MAX_DATA_ROWS", 2)
    rows = [[n] for n in range(5)]

    stats, workbook = write(
        [SheetSpec("Orders", [ColumnSpec("n", "integer")], rows if sized else iter(rows))]
    )

    assert workbook.sheetnames == ["Orders", "Orders (2)", "Orders (3)"]
    assert [[cell.value for cell in row] for row in workbook["Orders (3)"].iter_rows()] == [["n"], [4]]
    assert stats.sheets == workbook.sheetnames
