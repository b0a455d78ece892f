"""Keyset paging logic against an in-memory table that applies conditions, order and limit like PostgREST."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from components.keyset import (
    Batch,
    Condition,
    ExportIncompleteError,
    SortKey,
    equal_condition,
    keyset_batches,
    keyset_steps,
)

Row = dict[str, Any]


def matches(row: Row, condition: Condition) -> bool:
    value = row[condition.column]
    if condition.operator == "is":
        return value is None
    if condition.operator == "eq":
        return value == condition.value
    if value is None:
        return False
    if condition.operator == "gt":
        return bool(value > condition.value)
    if condition.operator == "lt":
        return bool(value < condition.value)
    raise AssertionError(f"unexpected operator {condition.operator}")


def compare(left: Row, right: Row, order: Sequence[SortKey]) -> int:
    """Compare like PostgreSQL with NULLS LAST in both directions."""
    for term in order:
        a, b = left[term.column], right[term.column]
        if a == b:
            continue
        if a is None:
            return 1
        if b is None:
            return -1
        result = -1 if a < b else 1
        return -result if term.descending else result
    return 0


def table_fetch(
    table: list[Row], row_cap: int | None = None, log: list[int] | None = None
) -> Callable[..., Batch]:
    def fetch(
        conditions: tuple[Condition, ...], order: tuple[SortKey, ...], limit: int, with_count: bool
    ) -> Batch:
        if log is not None:
            log.append(len(table))
        matching = [row for row in table if all(matches(row, c) for c in conditions)]
        matching.sort(key=functools.cmp_to_key(lambda a, b: compare(a, b, order)))
        cap = limit if row_cap is None else min(limit, row_cap)
        return Batch(rows=[dict(row) for row in matching[:cap]], count=len(matching) if with_count else None)

    return fetch


def read_all(fetch: Callable[..., Batch], order: Sequence[SortKey], batch_size: int) -> list[Row]:
    return [row for batch in keyset_batches(fetch, order, batch_size) for row in batch]


def sample_table() -> list[Row]:
    # Few distinct dates and some NULLs, so many rows tie on the sort column.
    return [{"id": i, "day": None if i % 7 == 0 else i % 5, "amount": (i * 37) % 11} for i in range(1, 201)]


@pytest.mark.parametrize(
    "order",
    [
        pytest.param((SortKey("id"),), id="id"),
        pytest.param((SortKey("id", descending=True),), id="id-desc"),
        pytest.param((SortKey("day"), SortKey("id")), id="day-id"),
        pytest.param((SortKey("day", descending=True), SortKey("id")), id="day-desc-id"),
        pytest.param((SortKey("amount"), SortKey("day"), SortKey("id")), id="three-terms"),
    ],
)
@pytest.mark.parametrize("batch_size", [1, 3, 7, 50, 500])
def test_keyset_batches_read_rows_in_order_once(order: tuple[SortKey, ...], batch_size: int) -> None:
    table = sample_table()
    expected = sorted(table, key=functools.cmp_to_key(lambda a, b: compare(a, b, order)))

    rows = read_all(table_fetch(table), order, batch_size)

    assert [row["id"] for row in rows] == [row["id"] for row in expected]


def test_keyset_batches_adapt_to_server_row_cap() -> None:
    table = sample_table()

    rows = read_all(table_fetch(table, row_cap=30), (SortKey("day"), SortKey("id")), 100)

    assert sorted(row["id"] for row in rows) == list(range(1, 201))


def test_keyset_batches_keep_rows_when_rows_inserted() -> None:
    table = sample_table()
    order = (SortKey("day"), SortKey("id"))
    batches = keyset_batches(table_fetch(table), order, 20)
    seen: list[int] = []
    next_id = 1000

    for batch in batches:
        seen.extend(row["id"] for row in batch)
        # New rows land before, inside and after the part already read.
        for day in (0, 2, 4, None):
            table.append({"id": next_id, "day": day, "amount": 0})
            next_id += 1

    original = [i for i in seen if i <= 200]
    assert sorted(original) == list(range(1, 201))
    assert len(seen) == len(set(seen))


def test_keyset_batches_raise_when_rows_deleted() -> None:
    table = sample_table()
    batches = keyset_batches(table_fetch(table), (SortKey("id"),), 50)
    next(batches)
    del table[150:]

    with pytest.raises(ExportIncompleteError):
        list(batches)


def test_keyset_steps_for_two_terms() -> None:
    order = (SortKey("day"), SortKey("id"))

    steps = keyset_steps(order, [3, 17])

    assert steps == [
        ((Condition("day", "eq", 3), Condition("id", "gt", 17)), (SortKey("id"),)),
        ((Condition("day", "eq", 3), Condition("id", "is", None)), ()),
        ((Condition("day", "gt", 3),), order),
        ((Condition("day", "is", None),), (SortKey("id"),)),
    ]


def test_keyset_steps_null_boundary_skips_its_level() -> None:
    order = (SortKey("day", descending=True), SortKey("id"))

    steps = keyset_steps(order, [None, 17], not_null={"id"})

    assert steps == [((Condition("day", "is", None), Condition("id", "gt", 17)), (SortKey("id"),))]


def test_keyset_batches_skip_null_steps_for_key() -> None:
    table = sample_table()
    requests: list[int] = []

    rows = [
        row
        for batch in keyset_batches(
            table_fetch(table, log=requests), (SortKey("day"), SortKey("id")), 20, {"id"}
        )
        for row in batch
    ]

    assert sorted(row["id"] for row in rows) == list(range(1, 201))


def test_equal_condition_null_uses_is() -> None:
    assert equal_condition("day", None) == Condition("day", "is", None)
