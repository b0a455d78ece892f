"""The parsed parts of a PostgREST request URL: fields, select items, filters and order terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JsonArrow = Literal["->", "->>"]
OrderDirection = Literal["asc", "desc"]
NullsOrder = Literal["nullsfirst", "nullslast"]
IsValue = Literal["null", "not_null", "true", "false", "unknown"]
Quantifier = Literal["any", "all"]


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


@dataclass(frozen=True)
class OrderTerm:
    field: Field
    direction: OrderDirection | None = None
    nulls: NullsOrder | None = None
