"""Logic trees: the `or=(...)` and `and=(...)` parameters, nested and negated, as PostgREST parses them.

A key such as `or`, `not.and` or `rel.or` names the operator and, before it, the embedded resource it
applies to. The value is a parenthesised list of conditions, each either a filter `col.op.value` or a nested
`[not.]and(...)`/`[not.]or(...)`. Values that contain `,` or `)` are double-quoted, as in `in.(...)`.
"""

from __future__ import annotations

from .errors import query_param_error
from .grammar import Cursor, ParseFailure, parse_field, parse_field_name, parse_operation
from .query_types import Condition, LogicOperator, LogicTree


def _parse_operator(cursor: Cursor) -> LogicOperator:
    if cursor.take("and"):
        return "and"
    if cursor.take("or"):
        return "or"
    cursor.fail("logic operator (and, or)")


def _try_filter(cursor: Cursor) -> Condition | None:
    """Read `col.op.value`, or return None and leave the cursor in place when the text is not a filter."""
    start = cursor.pos
    try:
        field = parse_field(cursor)
        if not cursor.take("."):
            cursor.fail("delimiter (.)")
        return parse_operation(cursor, field, in_logic_tree=True)
    except ParseFailure:
        cursor.pos = start
        return None


def parse_logic_tree(cursor: Cursor) -> LogicTree:
    """Read `[not.]op(condition,...)`, where each condition is a filter or another tree."""
    negated = cursor.take("not.")
    operator = _parse_operator(cursor)
    cursor.skip_spaces()
    if not cursor.take("("):
        cursor.fail('"("')

    conditions: list[Condition] = []
    while True:
        cursor.skip_spaces()
        condition = _try_filter(cursor)
        conditions.append(condition if condition is not None else parse_logic_tree(cursor))
        cursor.skip_spaces()
        if cursor.take(","):
            continue
        if cursor.take(")"):
            cursor.skip_spaces()
            return LogicTree(operator, tuple(conditions), negated)
        cursor.fail('"," or ")"')


def _parse_key(cursor: Cursor) -> tuple[tuple[str, ...], str]:
    names = [parse_field_name(cursor)]
    while cursor.take("."):
        names.append(parse_field_name(cursor))
    cursor.expect_end()
    operator = names[-1]
    negation = "not." if "not" in names[:-1] else ""
    return tuple(name for name in names[:-1] if name != "not"), negation + operator


def parse_logic_parameter(key: str, value: str) -> tuple[tuple[str, ...], LogicTree]:
    """Parse a `[rel.][not.]or=(...)` parameter into the embedding path it applies to and its tree."""
    key_cursor = Cursor(key)
    try:
        path, operator = _parse_key(key_cursor)
    except ParseFailure as failure:
        raise query_param_error(
            f'"failed to parse logic tree path ({key})" (line 1, column {failure.position + 1})',
            f"unexpected {failure.unexpected} expecting {failure.expected}",
        ) from None

    # PostgREST parses the operator and the value as one text, so positions count from the operator.
    cursor = Cursor(operator + value)
    try:
        tree = parse_logic_tree(cursor)
        cursor.expect_end()
    except ParseFailure as failure:
        raise query_param_error(
            f'"failed to parse logic tree ({value})" (line 1, column {failure.position + 1})',
            f"unexpected {failure.unexpected} expecting {failure.expected}",
        ) from None
    return path, tree
