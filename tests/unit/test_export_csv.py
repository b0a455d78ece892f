import csv
import io

import pytest

from components.export import ColumnSpec, SheetSpec, write_csv
from tests.support.export_rows import TRICKY_COLUMNS, tricky_rows

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def written():
    buffer = io.BytesIO()
    stats = write_csv(
        SheetSpec("Tricky rows", TRICKY_COLUMNS, tricky_rows()), buffer, timezone="Europe/Berlin"
    )
    return stats, buffer.getvalue()


@pytest.fixture(scope="module")
def records(written):
    text = written[1].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def record_of(records, row_id):
    for record in records:
        if record["id"] == str(row_id):
            return record
    raise AssertionError(f"no row with id {row_id}")


def test_csv_starts_with_byte_order_mark(written):
    assert written[1].startswith(BOM)


def test_csv_header_names_zone(records):
    assert list(records[0]) == ["id", "label", "created_at (Europe/Berlin)", "tags", "meta"]


def test_csv_every_row_written(records):
    assert len(records) == 10


@pytest.mark.parametrize(
    ("row_id", "text"),
    [
        pytest.param(1, '\'=HYPERLINK("http://attacker.invalid","click")', id="equals"),
        pytest.param(2, "'+49 30 1234567", id="plus"),
        pytest.param(3, "'-5 units returned", id="minus"),
        pytest.param(4, "'@SUM(1,1)", id="at"),
        pytest.param(8, "'\tleading tab", id="tab"),
    ],
)
def test_csv_formula_text_prefixed(records, row_id, text):
    assert record_of(records, row_id)["label"] == text


def test_csv_control_characters_removed(records):
    assert record_of(records, 5)["label"] == "text with a vertical tab  and a  control char"


def test_csv_unicode_kept(records):
    assert record_of(records, 6)["label"] == "emoji and umlauts: Grüße 👋"


def test_csv_long_text_kept_whole(records):
    assert record_of(records, 7)["label"] == "x" * 40_000


def test_csv_big_integer_keeps_digits(records):
    assert record_of(records, 9007199254740993)["label"] == "integer above 2**53"


@pytest.mark.parametrize(
    ("row_id", "wall_time"),
    [
        pytest.param(1, "2024-04-01 01:30:00", id="after-spring-change"),
        pytest.param(2, "2024-10-27 00:30:00", id="before-autumn-change"),
        pytest.param(3, "2024-06-01 21:00:00", id="summer-from-minus-seven"),
        pytest.param(5, "2024-01-01 01:00:00", id="winter-from-z-suffix"),
        pytest.param(6, "2024-01-01 01:00:00.123456", id="winter-microseconds"),
    ],
)
def test_csv_timestamp_in_berlin_wall_time(records, row_id, wall_time):
    assert record_of(records, row_id)["created_at (Europe/Berlin)"] == wall_time


def test_csv_null_is_empty_field(records):
    assert record_of(records, 4)["created_at (Europe/Berlin)"] == ""


def test_csv_array_is_readable_text(records):
    assert record_of(records, 10)["tags"] == '["a", "b"]'


def test_csv_object_is_readable_text(records):
    assert record_of(records, 10)["meta"] == '{"k": 1}'


def test_csv_stats_count_rows(written):
    assert written[0].rows == 10


def test_csv_booleans_and_numbers_written_plainly():
    columns = [ColumnSpec("paid", "boolean"), ColumnSpec("amount", "number"), ColumnSpec("delta", "integer")]
    buffer = io.BytesIO()

    write_csv(SheetSpec("t", columns, [[True, 1234.5, -3], [False, None, 0]]), buffer, timezone="UTC")

    assert buffer.getvalue().decode("utf-8-sig").splitlines() == [
        "paid,amount,delta",
        "TRUE,1234.5,-3",
        "FALSE,,0",
    ]


def test_csv_target_left_open():
    buffer = io.BytesIO()

    write_csv(SheetSpec("t", [ColumnSpec("a", "text")], [["x"]]), buffer, timezone="UTC")

    assert not buffer.closed


def test_csv_generator_rows_all_written():
    buffer = io.BytesIO()
    rows = ([str(number)] for number in range(2_500))

    stats = write_csv(SheetSpec("t", [ColumnSpec("a", "text")], rows), buffer, timezone="UTC")

    assert stats.rows == 2_500
    assert len(buffer.getvalue().decode("utf-8-sig").splitlines()) == 2_501


def test_csv_numeric_text_in_number_column_kept():
    columns = [ColumnSpec("amount", "number"), ColumnSpec("label", "text")]
    buffer = io.BytesIO()

    write_csv(SheetSpec("t", columns, [["-5.50", "-5.50"], ["+1e3", "=1+1"]]), buffer, timezone="UTC")

    assert buffer.getvalue().decode("utf-8-sig").splitlines()[1:] == ["-5.50,'-5.50", "+1e3,'=1+1"]


def test_csv_unknown_zone_named_utc_in_header():
    buffer = io.BytesIO()

    stats = write_csv(
        SheetSpec("t", [ColumnSpec("created_at", "timestamp")], [["2024-07-01T10:00:00+00:00"]]),
        buffer,
        timezone="Mars/Olympus",
    )

    assert buffer.getvalue().decode("utf-8-sig").splitlines() == ["created_at (UTC)", "2024-07-01 10:00:00"]
    assert stats.notes == ["The time zone 'Mars/Olympus' is not known, so times are shown in UTC."]
