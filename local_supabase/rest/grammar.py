"""Parsers for PostgREST's URL grammar: field names, JSON paths, select lists, filter operands and order.

The grammar follows PostgREST's `ApiRequest/QueryParams.hs` (v13). Field names are double-quoted strings
with backslash escapes, or runs of letters, digits, `_`, `$` and spaces joined by `-`. Values inside
`in.(...)` may be double-quoted to hold commas and parentheses. Every parser reads the whole input, so
trailing text is an error.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import NoReturn, TypeVar

from .errors import aggregates_not_allowed, not_implemented, query_param_error
from .query_types import (
    EmbedItem,
    Field,
    Filter,
    IsValue,
    JoinType,
    JsonArrow,
    JsonStep,
    NullsOrder,
    OrderDirection,
    OrderTerm,
    Quantifier,
    SelectEntry,
    SelectItem,
)

T = TypeVar("T")

# Operators that take one operand and may take an (any)/(all) quantifier with an array operand.
QUANTIFIABLE_OPERATORS = frozenset({"eq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch"})
SIMPLE_OPERATORS = frozenset({"neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"})
FULL_TEXT_OPERATORS = frozenset({"fts", "plfts", "phfts", "wfts"})
IS_VALUES: tuple[IsValue, ...] = ("null", "not_null", "true", "false", "unknown")
AGGREGATES = ("sum", "avg", "count", "max", "min")
OPERATOR_LIST = "eq, gt, ..."


class ParseFailure(Exception):
    def __init__(self, position: int, unexpected: str, expected: str) -> None:
        super().__init__(f"unexpected {unexpected} expecting {expected}")
        self.position = position
        self.unexpected = unexpected
        self.expected = expected


class Cursor:
    """A position in the text being parsed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.pos)

    def take(self, prefix: str) -> bool:
        if self.startswith(prefix):
            self.pos += len(prefix)
            return True
        return False

    def skip_spaces(self) -> None:
        while self.peek() in (" ", "\t") and not self.at_end():
            self.pos += 1

    def rest(self) -> str:
        remaining = self.text[self.pos :]
        self.pos = len(self.text)
        return remaining

    def fail(self, expected: str) -> NoReturn:
        unexpected = f'"{self.peek()}"' if not self.at_end() else "end of input"
        raise ParseFailure(self.pos, unexpected, expected)

    def expect_end(self, expected: str = "end of input") -> None:
        if not self.at_end():
            self.fail(expected)


def run_parser(parser: Callable[[Cursor], T], text: str, what: str) -> T:
    """Run `parser` on `text`, turning a failure into PostgREST's PGRST100 error."""
    cursor = Cursor(text)
    try:
        return parser(cursor)
    except ParseFailure as failure:
        raise query_param_error(
            f'"failed to parse {what} ({text})" (line 1, column {failure.position + 1})',
            f"unexpected {failure.unexpected} expecting {failure.expected}",
        ) from None


def _is_identifier_char(char: str) -> bool:
    return char != "" and (char.isalpha() or char in string.digits or char in "_ $")


def _dash_follows(cursor: Cursor) -> bool:
    # A dash joins two parts of a name unless it starts the `->` JSON operator.
    return cursor.startswith("-") and not cursor.startswith("->")


def parse_quoted(cursor: Cursor) -> str:
    """Read `"..."`, where a backslash makes the next character literal."""
    if not cursor.take('"'):
        cursor.fail('"\\""')
    chars: list[str] = []
    while True:
        char = cursor.peek()
        if cursor.at_end():
            cursor.fail('"\\""')
        cursor.pos += 1
        if char == '"':
            return "".join(chars)
        if char == "\\":
            if cursor.at_end():
                cursor.fail("any character")
            chars.append(cursor.peek())
            cursor.pos += 1
        else:
            chars.append(char)


def _parse_dashed(cursor: Cursor, is_part_char: Callable[[str], bool], expected: str) -> str:
    parts: list[str] = []
    while True:
        start = cursor.pos
        while is_part_char(cursor.peek()):
            cursor.pos += 1
        if cursor.pos == start:
            cursor.fail(expected)
        parts.append(cursor.text[start : cursor.pos].strip())
        if not _dash_follows(cursor):
            return "-".join(parts)
        cursor.pos += 1


def parse_field_name(cursor: Cursor) -> str:
    if cursor.peek() == '"':
        return parse_quoted(cursor)
    return _parse_dashed(cursor, _is_identifier_char, "field name (* or [a..z0..9_$])")


def _is_json_key_char(char: str) -> bool:
    return char != "" and char not in "(-:.,>)"


def _json_index_ends(cursor: Cursor) -> bool:
    return cursor.at_end() or any(cursor.startswith(token) for token in ("->", "::", ".", ","))


def parse_json_path(cursor: Cursor) -> tuple[JsonStep, ...]:
    steps: list[JsonStep] = []
    while cursor.startswith("->"):
        arrow: JsonArrow
        if cursor.take("->>"):
            arrow = "->>"
        else:
            cursor.take("->")
            arrow = "->"

        start = cursor.pos
        sign = "-" if cursor.take("-") else "+"
        digits_start = cursor.pos
        while cursor.peek() != "" and cursor.peek() in string.digits:
            cursor.pos += 1
        if cursor.pos > digits_start and _json_index_ends(cursor):
            steps.append(JsonStep(arrow, sign + cursor.text[digits_start : cursor.pos], is_index=True))
            continue

        cursor.pos = start
        if cursor.peek() == '"':
            key = parse_quoted(cursor)
        else:
            key = _parse_dashed(cursor, _is_json_key_char, "any non reserved character different from: .,>()")
        steps.append(JsonStep(arrow, key, is_index=False))
    return tuple(steps)


def parse_field(cursor: Cursor) -> Field:
    cursor.skip_spaces()
    name = parse_field_name(cursor)
    path = parse_json_path(cursor)
    cursor.skip_spaces()
    return Field(name, path)


def parse_type_name(cursor: Cursor) -> str:
    start = cursor.pos
    while _is_identifier_char(cursor.peek()):
        cursor.pos += 1
    name = cursor.text[start : cursor.pos].strip()
    if not name:
        cursor.fail("letter or digit")
    return name


def _try_alias(cursor: Cursor) -> str | None:
    """Read `alias:` when it is there, or else leave the cursor where it was."""
    start = cursor.pos
    try:
        alias = parse_field_name(cursor)
    except ParseFailure:
        cursor.pos = start
        return None
    if cursor.startswith(":") and not cursor.startswith("::"):
        cursor.pos += 1
        return alias
    cursor.pos = start
    return None


def _item_ends(cursor: Cursor) -> bool:
    # A `)` closes the select list of an embedded resource.
    return cursor.at_end() or cursor.peek() in (",", ")")


def _parse_embed(cursor: Cursor, alias: str | None, target: str) -> EmbedItem:
    """Read the rest of `target!hint!inner(select list)`, after the target's name."""
    hint: str | None = None
    join_type: JoinType | None = None
    while cursor.take("!"):
        word = parse_field_name(cursor)
        if word == "inner":
            join_type = "inner"
        elif word == "left":
            join_type = "left"
        elif hint is None and join_type is None:
            hint = word
        else:
            cursor.fail('"inner", "left" or "("')
    if not cursor.take("("):
        cursor.fail('"(" or "!"')

    items: list[SelectEntry] = []
    cursor.skip_spaces()
    if not cursor.take(")"):
        while True:
            items.append(parse_select_item(cursor))
            if cursor.take(")"):
                break
            if not cursor.take(","):
                cursor.fail('"," or ")"')
    cursor.skip_spaces()
    if not _item_ends(cursor):
        cursor.fail('"," or end of input')
    return EmbedItem(target, tuple(items), alias, hint, join_type)


def parse_select_item(cursor: Cursor) -> SelectEntry:
    cursor.skip_spaces()
    if cursor.startswith("..."):
        raise not_implemented("spread of embedded resources (select=...rel(...))")

    if cursor.take("*"):
        cursor.skip_spaces()
        if not _item_ends(cursor):
            cursor.fail('"," or end of input')
        return SelectItem(Field("*"))

    alias = _try_alias(cursor)
    if cursor.startswith("count()"):
        raise aggregates_not_allowed()

    name = parse_field_name(cursor)
    if cursor.peek() in ("(", "!"):
        return _parse_embed(cursor, alias, name)
    field = Field(name, parse_json_path(cursor))
    cursor.skip_spaces()

    cast_name = parse_type_name(cursor) if cursor.take("::") else None
    if cursor.startswith(".") and any(cursor.startswith(f".{aggregate}()") for aggregate in AGGREGATES):
        raise aggregates_not_allowed()

    cursor.skip_spaces()
    if not _item_ends(cursor):
        cursor.fail('"->", "::", "," or end of input')
    return SelectItem(field, alias, cast_name)


def parse_select(cursor: Cursor) -> tuple[SelectEntry, ...]:
    items: list[SelectEntry] = []
    cursor.skip_spaces()
    if cursor.at_end():
        return ()
    while True:
        items.append(parse_select_item(cursor))
        if not cursor.take(","):
            cursor.expect_end('"," or end of input')
            return tuple(items)


def parse_filter_key(cursor: Cursor) -> tuple[tuple[str, ...], Field]:
    """Read `col`, `col->key` or `rel.col`. Return the embedding path before the column, and the column."""
    names = [parse_field_name(cursor)]
    while cursor.take("."):
        names.append(parse_field_name(cursor))
    path = parse_json_path(cursor)
    cursor.expect_end('"->", "." or end of input')
    return tuple(names[:-1]), Field(names[-1], path)


def _read_word(cursor: Cursor) -> str:
    start = cursor.pos
    while cursor.peek().isascii() and cursor.peek().isalpha():
        cursor.pos += 1
    return cursor.text[start : cursor.pos]


def _expect_delimiter(cursor: Cursor) -> None:
    if not cursor.take("."):
        cursor.fail("delimiter (.)")


def _parse_list_element(cursor: Cursor) -> str:
    if cursor.peek() == '"':
        start = cursor.pos
        value = parse_quoted(cursor)
        if cursor.at_end() or cursor.peek() in ",)":
            return value
        # A quote followed by more text is not a quoted value, so the whole element is taken as written.
        cursor.pos = start
    start = cursor.pos
    while not cursor.at_end() and cursor.peek() not in ",)":
        cursor.pos += 1
    return cursor.text[start : cursor.pos]


def parse_list(cursor: Cursor, *, to_end: bool = True) -> tuple[str, ...]:
    cursor.skip_spaces()
    if not cursor.take("("):
        cursor.fail('"("')
    elements = [_parse_list_element(cursor)]
    while cursor.take(","):
        elements.append(_parse_list_element(cursor))
    if not cursor.take(")"):
        cursor.fail('"," or ")"')
    cursor.skip_spaces()
    if to_end:
        cursor.expect_end()
    return tuple(elements)


def _read_logic_value(cursor: Cursor) -> str:
    """Read a value inside `or=(...)`: a quoted string, an array literal `{...}`, or text up to `,` or `)`."""
    start = cursor.pos
    if cursor.peek() == '"':
        try:
            value = parse_quoted(cursor)
        except ParseFailure:
            value = None
        if value is not None and (cursor.at_end() or cursor.peek() in ",)"):
            return value
        cursor.pos = start
    if cursor.peek() == "{":
        end = cursor.pos + 1
        while end < len(cursor.text) and cursor.text[end] not in "{}":
            end += 1
        if end < len(cursor.text) and cursor.text[end] == "}":
            cursor.pos = end + 1
            return cursor.text[start : cursor.pos]
    while not cursor.at_end() and cursor.peek() not in ",)":
        cursor.pos += 1
    return cursor.text[start : cursor.pos]


def _read_is_value(cursor: Cursor, *, in_logic_tree: bool) -> str:
    if not in_logic_tree:
        return cursor.rest().lower()
    # Inside a logic tree the keyword ends where the next condition or the closing parenthesis starts.
    for keyword in IS_VALUES:
        if cursor.text[cursor.pos : cursor.pos + len(keyword)].lower() == keyword:
            cursor.pos += len(keyword)
            return keyword
    return ""


def parse_operation(cursor: Cursor, field: Field, *, in_logic_tree: bool = False) -> Filter:
    """Read `[not.]op.value` for `field`.

    A filter parameter's value runs to the end of the text. Inside `or=(...)` and `and=(...)` it ends at the
    next `,` or `)` unless it is quoted or an array literal, as in PostgREST's logic tree grammar.
    """
    read_value = _read_logic_value if in_logic_tree else Cursor.rest
    negated = cursor.take("not.")
    operator_start = cursor.pos
    operator = _read_word(cursor)

    if operator == "in" and cursor.peek() == ".":
        cursor.pos += 1
        return Filter(field, "in", parse_list(cursor, to_end=not in_logic_tree), negated)

    if operator == "is" and cursor.peek() == ".":
        cursor.pos += 1
        keyword = _read_is_value(cursor, in_logic_tree=in_logic_tree)
        if keyword not in IS_VALUES:
            cursor.pos = operator_start + len("is.")
            cursor.fail("isVal: (null, not_null, true, false, unknown)")
        return Filter(field, "is", keyword, negated)

    if operator == "isdistinct" and cursor.peek() == ".":
        cursor.pos += 1
        return Filter(field, "isdistinct", read_value(cursor), negated)

    if operator in FULL_TEXT_OPERATORS:
        config: str | None = None
        if cursor.take("("):
            config = parse_type_name(cursor)
            if not cursor.take(")"):
                cursor.fail('")"')
        _expect_delimiter(cursor)
        return Filter(field, operator, read_value(cursor), negated, config=config)

    if operator in SIMPLE_OPERATORS:
        _expect_delimiter(cursor)
        return Filter(field, operator, read_value(cursor), negated)

    if operator in QUANTIFIABLE_OPERATORS:
        quantifier: Quantifier | None = None
        if cursor.take("(any)"):
            quantifier = "any"
        elif cursor.take("(all)"):
            quantifier = "all"
        _expect_delimiter(cursor)
        return Filter(field, operator, read_value(cursor), negated, quantifier)

    cursor.pos = operator_start
    cursor.fail(f'"not" or operator ({OPERATOR_LIST})')


def parse_order(cursor: Cursor) -> tuple[OrderTerm, ...]:
    terms: list[OrderTerm] = []
    while True:
        cursor.skip_spaces()
        start = cursor.pos
        name = parse_field_name(cursor)
        relation: str | None = None
        if cursor.take("("):
            # `rel(col)` orders by a column of an embedded to-one resource.
            relation = name
            field = parse_field(cursor)
            if not cursor.take(")"):
                cursor.fail('"->" or ")"')
        else:
            cursor.pos = start
            field = parse_field(cursor)

        direction: OrderDirection | None = None
        nulls: NullsOrder | None = None
        if cursor.take(".asc"):
            direction = "asc"
        elif cursor.take(".desc"):
            direction = "desc"
        if cursor.take(".nullsfirst"):
            nulls = "nullsfirst"
        elif cursor.take(".nullslast"):
            nulls = "nullslast"
        cursor.skip_spaces()
        terms.append(OrderTerm(field, direction, nulls, relation))

        if cursor.take(","):
            continue
        if cursor.at_end():
            return tuple(terms)
        if cursor.peek() == "." and direction is None and nulls is None:
            cursor.pos += 1
            cursor.fail('"asc", "desc", "nullsfirst" or "nullslast"')
        cursor.fail('"," or end of input')


def parse_columns(cursor: Cursor) -> tuple[str, ...]:
    names: list[str] = []
    while True:
        cursor.skip_spaces()
        names.append(parse_field_name(cursor))
        cursor.skip_spaces()
        if not cursor.take(","):
            cursor.expect_end('"," or end of input')
            return tuple(names)
