"""The parsed parts of a PostgREST request URL: fields, select items, filters and order terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JsonArrow = Literal["->", "->>"]
OrderDirection = Literal["asc", "desc"]
NullsOrder = Literal["nullsfirst", "nullslast"]
IsValue = Literal["null", "not_null", "true", "false", "unknown"]
Quantifier = Literal["any", "all"]
JoinType = Literal["inner", "left"]
LogicOperator = Literal["and", "or"]


@dataclass(frozen=True)
class JsonStep:
    """One `->key`, `->>key` or `->0` step into a JSON value."""

    arrow: JsonArrow
    operand: str
    is_index: bool


@dataclass(frozen=True)
class Field:
    """A column, optionally followed by a JSON path: `data->address->>city`."""

    name: str
    json_path: tuple[JsonStep, ...] = ()

    def output_name(self) -> str:
        """Name the value as PostgREST labels it: the last JSON key of the path, else the column name."""
        for step in reversed(self.json_path):
            if not step.is_index:
                return step.operand
        return self.name


@dataclass(frozen=True)
class SelectItem:
    """One entry of `select=`: `*`, `col`, `alias:col`, `col::type` or `data->>key`."""

    field: Field
    alias: str | None = None
    cast: str | None = None

    @property
    def is_star(self) -> bool:
        return self.field.name == "*" and not self.field.json_path


@dataclass(frozen=True)
class Filter:
    """A horizontal filter `col=[not.]op.value`.

    `value` is the raw operand, a tuple of list elements for `in`, or the keyword for `is`.
    """

    field: Field
    operator: str
    value: str | tuple[str, ...]
    negated: bool = False
    quantifier: Quantifier | None = None
    # The text search configuration of `fts(english).word`, such as `english`.
    config: str | None = None


@dataclass(frozen=True)
class EmbedItem:
    """An embedded resource in `select=`: `alias:target!hint!inner(select list)`."""

    target: str
    select: tuple[SelectEntry, ...] = ()
    alias: str | None = None
    hint: str | None = None
    join_type: JoinType | None = None

    @property
    def output_name(self) -> str:
        return self.alias or self.target


SelectEntry = SelectItem | EmbedItem


@dataclass(frozen=True)
class LogicTree:
    """Conditions joined by `and=(...)` or `or=(...)`, possibly negated and nested."""

    operator: LogicOperator
    conditions: tuple[Condition, ...]
    negated: bool = False


@dataclass(frozen=True)
class NullEmbedFilter:
    """`rel=is.null` or `rel=not.is.null` on an embedded resource, keeping rows with or without a match.

    `relation` is the SQL alias of the embedding's lateral join, which the planner fills in.
    """

    relation: str
    negated: bool


Condition = Filter | LogicTree | NullEmbedFilter


@dataclass(frozen=True)
class OrderTerm:
    field: Field
    direction: OrderDirection | None = None
    nulls: NullsOrder | None = None
    # The embedded to-one resource the field belongs to, for `order=rel(col)`.
    relation: str | None = None
