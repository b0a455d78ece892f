"""SQL fragments for PostgREST requests, composed with psycopg.sql.

Identifiers always go through `sql.Identifier` and request values always travel as parameters. String
parameters are sent with the `unknown` type (psycopg's default for `str`), so PostgreSQL infers each one from
the column it meets, exactly as PostgREST's untyped literals do: `age=eq.5` compares an integer and
`tags=cs.{a,b}` an array.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import sql

from .query_types import (
    Condition,
    Field,
    Filter,
    LogicTree,
    NullEmbedFilter,
    OrderTerm,
    SelectEntry,
    SelectItem,
)
from .schema_cache import Table

# Operators that compare a column with one operand, by PostgREST's names.
BINARY_OPERATORS = {
    "eq": "=",
    "neq": "<>",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "like": "LIKE",
    "ilike": "ILIKE",
    "match": "~",
    "imatch": "~*",
    "cs": "@>",
    "cd": "<@",
    "ov": "&&",
    "sl": "<<",
    "sr": ">>",
    "nxr": "&<",
    "nxl": "&>",
    "adj": "-|-",
}
# Full-text operators and the function that turns their operand into a tsquery.
FULL_TEXT_FUNCTIONS = {
    "fts": "to_tsquery",
    "plfts": "plainto_tsquery",
    "phfts": "phraseto_tsquery",
    "wfts": "websearch_to_tsquery",
}
IS_KEYWORDS = {"null": "NULL", "not_null": "NOT NULL", "true": "TRUE", "false": "FALSE", "unknown": "UNKNOWN"}
# Allowed cast targets: the words of letters, digits, `_` and `$` that the select grammar accepts.
TYPE_NAME = re.compile(r"^[\w$][\w$ ]*$")


class Snippet:
    """A piece of SQL together with the parameters of its placeholders, in order."""

    __slots__ = ("parts", "params")

    def __init__(self, parts: Sequence[sql.Composable] = (), params: Sequence[Any] = ()) -> None:
        self.parts = list(parts)
        self.params = list(params)

    @classmethod
    def raw(cls, text: str) -> Snippet:
        """SQL text written in this package. It must not contain `%`."""
        return cls([sql.SQL(text)])

    @classmethod
    def trusted(cls, text: str) -> Snippet:
        """SQL text read from the catalogue, such as a column's default expression."""
        # psycopg reads `%` as the start of a placeholder, so a literal one is doubled.
        return cls([sql.SQL(text.replace("%", "%%"))])

    @classmethod
    def value(cls, value: Any) -> Snippet:
        return cls([sql.Placeholder()], [value])

    @classmethod
    def ident(cls, *names: str) -> Snippet:
        # psycopg reads `%` as the start of a placeholder, so a literal one is doubled.
        return cls([sql.Identifier(*(name.replace("%", "%%") for name in names))])

    @classmethod
    def type_name(cls, name: str) -> Snippet:
        """Write a cast target from the URL, such as `text` or `timestamp with time zone`.

        Type names cannot be quoted identifiers (`"int"` fails where `int` works), so they are written as they
        came after a check that leaves only word characters and spaces, which cannot end the CAST expression.
        """
        if not TYPE_NAME.match(name):
            raise ValueError(f"invalid type name {name!r}")
        return cls([sql.SQL(name)])

    def __add__(self, other: Snippet | str) -> Snippet:
        right = Snippet.raw(other) if isinstance(other, str) else other
        return Snippet(self.parts + right.parts, self.params + right.params)

    def __radd__(self, other: str) -> Snippet:
        return Snippet.raw(other) + self

    def composed(self) -> sql.Composed:
        return sql.Composed(self.parts)


def join(separator: str, snippets: Iterable[Snippet]) -> Snippet:
    result = Snippet()
    for index, snippet in enumerate(snippets):
        result = result + (Snippet.raw(separator) + snippet if index else snippet)
    return result


def array_literal(elements: Sequence[str]) -> str:
    """Write `elements` as a PostgreSQL array literal, quoting every element as PostgREST does for `in`."""
    quoted = []
    for element in elements:
        escaped = element.replace("\x00", "").replace("\\", "\\\\").replace('"', '\\"')
        quoted.append(f'"{escaped}"')
    return "{" + ",".join(quoted) + "}"


def field_sql(relation: tuple[str, ...], field: Field, table: Table | None) -> Snippet:
    """Reference a column of `relation`, following its JSON path when there is one."""
    if field.name == "*":
        return Snippet.ident(*relation) + ".*"

    reference = Snippet.ident(*relation, field.name)
    if not field.json_path:
        return reference

    column = table.columns.get(field.name) if table else None
    # Arrow operators need json or jsonb, so any other column is converted first, as PostgREST does.
    expression = reference if column is not None and column.is_json else "to_jsonb(" + reference + ")"
    for step in field.json_path:
        operand = Snippet.value(step.operand) + "::int" if step.is_index else Snippet.value(step.operand)
        expression = expression + step.arrow + operand
    return expression


def select_item_sql(relation: tuple[str, ...], item: SelectItem, table: Table | None) -> Snippet:
    expression = field_sql(relation, item.field, table)
    if item.is_star:
        return expression
    if item.cast:
        expression = "CAST(" + expression + " AS " + Snippet.type_name(item.cast) + ")"

    alias = item.alias
    if alias is None and (item.cast or item.field.json_path):
        alias = item.field.output_name()
    return expression + " AS " + Snippet.ident(alias) if alias else expression


def select_list_sql(relation: tuple[str, ...], items: Sequence[SelectEntry], table: Table | None) -> Snippet:
    """List the plain columns of a select. The embedding module adds the embedded resources."""
    columns = [item for item in items if isinstance(item, SelectItem)]
    if not columns:
        return Snippet.ident(*relation) + ".*"
    return join(", ", (select_item_sql(relation, item, table) for item in columns))


def filter_sql(relation: tuple[str, ...], condition: Filter, table: Table | None) -> Snippet:
    column = field_sql(relation, condition.field, table)
    operator = condition.operator

    if operator == "is":
        assert isinstance(condition.value, str)
        expression = column + " IS " + IS_KEYWORDS[condition.value]
    elif operator == "isdistinct":
        expression = column + " IS DISTINCT FROM " + Snippet.value(condition.value)
    elif operator in FULL_TEXT_FUNCTIONS:
        assert isinstance(condition.value, str)
        # The configuration travels as an untyped parameter, which PostgreSQL reads as a regconfig.
        config = Snippet.value(condition.config) + ", " if condition.config else Snippet()
        query = FULL_TEXT_FUNCTIONS[operator] + "(" + config + Snippet.value(condition.value) + ")"
        expression = column + " @@ " + query
    elif operator == "in":
        assert isinstance(condition.value, tuple)
        if condition.value == ("",):
            # `in.()` matches nothing, which `= ANY('{}')` expresses. An empty IN list would be invalid SQL.
            expression = column + " = ANY('{}')"
        else:
            expression = column + " = ANY(" + Snippet.value(array_literal(condition.value)) + ")"
    else:
        assert isinstance(condition.value, str)
        operand = condition.value
        if operator in ("like", "ilike"):
            # `*` stands for `%`, which is awkward to write in a URL.
            operand = operand.replace("*", "%")
        value = Snippet.value(operand)
        if condition.quantifier:
            value = condition.quantifier.upper() + "(" + value + ")"
        expression = column + f" {BINARY_OPERATORS[operator]} " + value

    return "NOT (" + expression + ")" if condition.negated else expression


def condition_sql(relation: tuple[str, ...], condition: Condition, table: Table | None) -> Snippet:
    """Render a filter, a logic tree from `or=(...)`/`and=(...)`, or a test on an embedding's join."""
    if isinstance(condition, LogicTree):
        joiner = " AND " if condition.operator == "and" else " OR "
        rendered = (
            "("
            + join(joiner, (condition_sql(relation, child, table) for child in condition.conditions))
            + ")"
        )
        return "NOT " + rendered if condition.negated else rendered
    if isinstance(condition, NullEmbedFilter):
        test = " IS DISTINCT FROM NULL" if condition.negated else " IS NOT DISTINCT FROM NULL"
        return Snippet.ident(condition.relation) + test
    return filter_sql(relation, condition, table)


def where_sql(relation: tuple[str, ...], filters: Sequence[Condition], table: Table | None) -> Snippet:
    if not filters:
        return Snippet()
    return " WHERE " + join(" AND ", (condition_sql(relation, condition, table) for condition in filters))


def order_sql(relation: tuple[str, ...], terms: Sequence[OrderTerm], table: Table | None) -> Snippet:
    if not terms:
        return Snippet()
    rendered = []
    for term in terms:
        if term.relation is not None:
            # `order=rel(col)` names a column of a to-one embedding's lateral join, by the join's alias.
            expression = field_sql((term.relation,), term.field, None)
        else:
            expression = field_sql(relation, term.field, table)
        if term.direction:
            expression = expression + f" {term.direction.upper()}"
        if term.nulls:
            expression = expression + (" NULLS FIRST" if term.nulls == "nullsfirst" else " NULLS LAST")
        rendered.append(expression)
    return " ORDER BY " + join(", ", rendered)


def json_body_sql(*, singular: bool, strip_nulls: bool) -> Snippet:
    """Aggregate the rows of `_postgrest_t` into the response body as text, in SQL like PostgREST.

    PostgreSQL's own JSON output then decides how numbers, timestamps and bigints look on the wire.
    """
    aggregate = "json_agg(_postgrest_t)->0" if singular else "json_agg(_postgrest_t)"
    if strip_nulls:
        aggregate = f"json_strip_nulls({aggregate})"
    empty = "'null'" if singular else "'[]'"
    return Snippet.raw(f"coalesce({aggregate}, {empty})::text")
