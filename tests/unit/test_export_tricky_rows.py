import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from components.export import SheetSpec, write_workbook
from tests.support.export_rows import TRICKY_COLUMNS, tricky_rows

BERLIN_HEADER = "created_at (Europe/Berlin)"
TRUNCATION_MARK = "… [truncated]"


@pytest.fixture(scope="module")
def written():
    buffer = io.BytesIO()
    stats = write_workbook(
        [SheetSpec("Tricky rows", TRICKY_COLUMNS, tricky_rows())], buffer, timezone="Europe/Berlin"
    )
    return stats, load_workbook(io.BytesIO(buffer.getvalue()))["Tricky rows"]


@pytest.fixture(scope="module")
def sheet(written):
    return written[1]


def row_of(sheet, row_id):
    """Return the cells of the data row whose id cell contains `row_id`, as a dict by header."""
    headers = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value in (row_id, str(row_id)):
            return dict(zip(headers, cells, strict=True))
    raise AssertionError(f"no row with id {row_id}")


def test_tricky_header_names_zone(sheet):
    assert [cell.value for cell in sheet[1]] == ["id", "label", BERLIN_HEADER, "tags", "meta"]


def test_tricky_header_bold(sheet):
    assert all(cell.font.b for cell in sheet[1])


def test_tricky_header_frozen(sheet):
    assert sheet.freeze_panes == "A2"


def test_tricky_autofilter_covers_table(sheet):
    assert sheet.auto_filter.ref == "A1:E11"


def test_tricky_every_row_written(sheet):
    assert sheet.max_row == 11


@pytest.mark.parametrize(
    ("row_id", "text"),
    [
        pytest.param(1, '=HYPERLINK("http://attacker.invalid","click")', id="equals"),
        pytest.param(2, "+49 30 1234567", id="plus"),
        pytest.param(3, "-5 units returned", id="minus"),
        pytest.param(4, "@SUM(1,1)", id="at"),
        pytest.param(8, "\tleading tab", id="tab"),
    ],
)
def test_tricky_formula_text_is_text_cell(sheet, row_id, text):
    cell = row_of(sheet, row_id)["label"]

    assert cell.value == text
    assert cell.data_type == "s"


def test_tricky_control_characters_removed(sheet):
    cell = row_of(sheet, 5)["label"]

    assert cell.value == "text with a vertical tab  and a  control char"
    assert cell.data_type == "s"


def test_tricky_unicode_kept(sheet):
    assert row_of(sheet, 6)["label"].value == "emoji and umlauts: Grüße 👋"


def test_tricky_long_cell_cut_to_excel_limit(sheet):
    value = row_of(sheet, 7)["label"].value

    assert len(value) == 32_767
    assert value.endswith(TRUNCATION_MARK)
    assert value[: -len(TRUNCATION_MARK)] == "x" * (32_767 - len(TRUNCATION_MARK))


def test_tricky_big_integer_keeps_digits(sheet):
    cell = row_of(sheet, 9007199254740993)["id"]

    assert cell.value == "9007199254740993"
    assert cell.data_type == "s"


@pytest.mark.parametrize("row_id", [1, 2, 3, 4, 5, 6, 7, 8, 10])
def test_tricky_small_integer_is_number(sheet, row_id):
    cell = row_of(sheet, row_id)["id"]

    assert cell.value == row_id
    assert cell.data_type == "n"


@pytest.mark.parametrize(
    ("row_id", "wall_time"),
    [
        # 23:30 UTC on the night summer time starts is 01:30 CEST on 1 April.
        pytest.param(1, dt.datetime(2024, 4, 1, 1, 30), id="after-spring-change"),
        # 00:30 CEST, two and a half hours before the clocks go back.
        pytest.param(2, dt.datetime(2024, 10, 27, 0, 30), id="before-autumn-change"),
        pytest.param(3, dt.datetime(2024, 6, 1, 21, 0), id="summer-from-minus-seven"),
        pytest.param(5, dt.datetime(2024, 1, 1, 1, 0), id="winter-from-z-suffix"),
        pytest.param(6, dt.datetime(2024, 1, 1, 1, 0, 0, 123000), id="winter-milliseconds"),
        pytest.param(7, dt.datetime(2024, 1, 1, 1, 0), id="winter-plus-zero"),
    ],
)
def test_tricky_timestamp_in_berlin_wall_time(sheet, row_id, wall_time):
    cell = row_of(sheet, row_id)[BERLIN_HEADER]

    assert cell.value == wall_time
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd hh:mm:ss"


def test_tricky_null_timestamp_is_empty(sheet):
    assert row_of(sheet, 4)[BERLIN_HEADER].value is None


def test_tricky_null_text_is_empty(sheet):
    assert row_of(sheet, 10)["label"].value is None


def test_tricky_missing_json_is_empty(sheet):
    assert row_of(sheet, 1)["tags"].value is None


def test_tricky_array_is_readable_text(sheet):
    cell = row_of(sheet, 10)["tags"]

    assert cell.value == '["a", "b"]'
    assert cell.data_type == "s"


def test_tricky_object_is_readable_text(sheet):
    cell = row_of(sheet, 10)["meta"]

    assert cell.value == '{"k": 1}'
    assert cell.data_type == "s"


def test_tricky_stats_count_rows(written):
    stats, _ = written

    assert stats.rows == 10
    assert stats.sheets == ["Tricky rows"]


def test_tricky_stats_count_changed_cells(written):
    stats, _ = written

    assert stats.truncated_cells == 1
    assert stats.cleaned_cells == 1
    assert len(stats.notes) == 2
