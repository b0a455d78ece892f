import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from components.export import ColumnSpec, SheetSpec, write_workbook
from components.export.sheet_names import SheetNames, valid_sheet_name

FORBIDDEN = re.compile(r"[/\\?*\[\]:]")


def assert_valid(name):
    assert 0 < len(name) <= 31
    assert not FORBIDDEN.search(name)
    assert not name.startswith("'")
    assert not name.endswith("'")
    assert name.strip() == name


def test_sheet_name_long_with_slash_and_brackets():
    name = valid_sheet_name("Sales 2024/25 - all regions [draft]")

    assert name == "Sales 2024-25 - all… (draft)"
    assert_valid(name)


def test_sheet_name_e2_opens_in_workbook():
    buffer = io.BytesIO()
    write_workbook(
        [SheetSpec("Sales 2024/25 - all regions [draft]", [ColumnSpec("a", "text")], [["x"]])],
        buffer,
        timezone="UTC",
    )

    assert load_workbook(buffer).sheetnames == ["Sales 2024-25 - all… (draft)"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Orders", "Orders", id="plain"),
        pytest.param("a:b*c?d", "a-bcd", id="forbidden"),
        pytest.param("'quoted'", "quoted", id="apostrophes"),
        pytest.param("   ", "Sheet", id="blank"),
        pytest.param("", "Sheet", id="empty"),
        pytest.param("tab\tand\nnewline", "tab and newline", id="control"),
        pytest.param("History", "History (1)", id="reserved"),
        pytest.param("x" * 40, "x" * 30 + "…", id="long-without-spaces"),
    ],
)
def test_sheet_name_made_valid(raw, expected):
    name = valid_sheet_name(raw)

    assert name == expected
    assert_valid(name)


def test_sheet_names_unique_ignoring_case():
    names = SheetNames()

    assert [names.add("Orders"), names.add("ORDERS"), names.add("orders")] == [
        "Orders",
        "ORDERS (2)",
        "orders (3)",
    ]


def test_sheet_names_unique_after_shortening():
    names = SheetNames()
    long_name = "Quarterly revenue by region and product line"

    first = names.add(long_name + " A")
    second = names.add(long_name + " B")

    assert first.casefold() != second.casefold()
    assert_valid(first)
    assert_valid(second)


def test_sheet_names_part_suffix_fits():
    names = SheetNames()

    name = names.add("x" * 40, part=2)

    assert name.endswith(" (2)")
    assert_valid(name)


def test_sheet_names_duplicate_specs_in_workbook():
    buffer = io.BytesIO()
    column = [ColumnSpec("a", "text")]

    stats = write_workbook(
        [SheetSpec("Team", column, [["1"]]), SheetSpec("team", column, [["2"]])], buffer, timezone="UTC"
    )

    assert stats.sheets == ["Team", "team (2)"]
    assert load_workbook(buffer).sheetnames == ["Team", "team (2)"]


@given(st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_sheet_names_any_text_valid_and_unique(raw_names):
    names = SheetNames()

    made = [names.add(raw) for raw in raw_names]

    for name in made:
        assert_valid(name)
    assert len({name.casefold() for name in made}) == len(made)
