"""Split a query string into PostgREST's parameters: select, filters, order, limit, offset and columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from urllib.parse import parse_qsl

from . import grammar
from .errors import invalid_range
from .logic_tree import parse_logic_parameter
from .query_types import Condition, OrderTerm, SelectEntry, SelectItem

RESERVED = frozenset({"select", "columns", "on_conflict"})
# Keys ending in one of these words are modifiers of the top level (`order`) or of an embedding (`rel.order`).
MODIFIERS = frozenset({"order", "limit", "offset", "and", "or"})


@dataclass
class EmbedModifiers:
    """Filters, order and paging of one embedded resource, from `rel.col=`, `rel.order=` and so on."""

    conditions: list[Condition] = field(default_factory=list)
    order: tuple[OrderTerm, ...] = ()
    limit: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class QueryParams:
    # An empty select means every column, as `select=*` does.
    select: tuple[SelectEntry, ...] = ()
    filters: tuple[Condition, ...] = ()
    order: tuple[OrderTerm, ...] = ()
    limit: int | None = None
    offset: int = 0
    columns: tuple[str, ...] | None = None
    on_conflict: tuple[str, ...] | None = None
    # Modifiers of embedded resources, by their path of names or aliases, e.g. ("orders", "items").
    embedded: dict[tuple[str, ...], EmbedModifiers] = field(default_factory=dict)

    @property
    def selects_all(self) -> bool:
        return not self.select or any(isinstance(item, SelectItem) and item.is_star for item in self.select)


def _parse_int(raw: str) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _embedded_modifier(key: str, value: str, embedded: dict[tuple[str, ...], EmbedModifiers]) -> None:
    """Store `rel.order=`, `rel.limit=` or `rel.offset=` for the embedded resource its key names."""
    names = grammar.run_parser(grammar.parse_filter_key, key, "tree path")
    path = names[0] + (names[1].name,)
    modifiers = embedded.setdefault(path[:-1], EmbedModifiers())
    modifier = path[-1]
    if modifier == "order":
        modifiers.order = grammar.run_parser(grammar.parse_order, value, "order")
    elif modifier == "limit":
        parsed = _parse_int(value)
        if parsed is not None and parsed < 0:
            raise invalid_range("Limit should be greater than or equal to zero.")
        modifiers.limit = parsed if parsed is not None else modifiers.limit
    else:
        parsed = _parse_int(value)
        modifiers.offset = parsed if parsed is not None else modifiers.offset


def parse_query_string(query_string: str) -> QueryParams:
    """Parse the query string with form decoding (`+` is a space), as PostgREST does.

    Parameters with an empty value are ignored, and a repeated filter key adds one more filter.
    """
    pairs = parse_qsl(query_string, keep_blank_values=True, errors="replace")

    select: tuple[SelectEntry, ...] | None = None
    columns: tuple[str, ...] | None = None
    on_conflict: tuple[str, ...] | None = None
    order: tuple[OrderTerm, ...] | None = None
    limit: int | None = None
    offset = 0
    filters: list[Condition] = []
    embedded: dict[tuple[str, ...], EmbedModifiers] = {}

    for key, value in pairs:
        if key == "select":
            if select is None:
                select = grammar.run_parser(grammar.parse_select, value, "select parameter")
            continue
        if key == "columns":
            if columns is None and value:
                columns = grammar.run_parser(grammar.parse_columns, value, "columns parameter")
            continue
        if key == "on_conflict":
            if on_conflict is None and value:
                on_conflict = grammar.run_parser(grammar.parse_columns, value, "on_conflict parameter")
            continue
        if not value:
            continue

        last_word = key.split(".")[-1]
        if last_word in MODIFIERS:
            if key == "order":
                if order is None:
                    order = grammar.run_parser(grammar.parse_order, value, "order")
            elif key == "limit":
                # PostgREST ignores a limit or offset that is not a whole number, so this does too.
                parsed_limit = _parse_int(value)
                limit = parsed_limit if parsed_limit is not None else limit
            elif key == "offset":
                parsed_offset = _parse_int(value)
                offset = parsed_offset if parsed_offset is not None else offset
            elif last_word in ("and", "or"):
                logic_path, tree = parse_logic_parameter(key, value)
                if logic_path:
                    embedded.setdefault(logic_path, EmbedModifiers()).conditions.append(tree)
                else:
                    filters.append(tree)
            else:
                _embedded_modifier(key, value, embedded)
            continue

        embed_path, column = grammar.run_parser(grammar.parse_filter_key, key, "tree path")
        condition = grammar.run_parser(partial(grammar.parse_operation, field=column), value, "filter")
        if embed_path:
            embedded.setdefault(embed_path, EmbedModifiers()).conditions.append(condition)
        else:
            filters.append(condition)

    if limit is not None and limit < 0:
        raise invalid_range("Limit should be greater than or equal to zero.")

    return QueryParams(
        select=select or (),
        filters=tuple(filters),
        order=order or (),
        limit=limit,
        offset=offset,
        columns=columns,
        on_conflict=on_conflict,
        embedded=embedded,
    )
