"""Split a query string into PostgREST's parameters: select, filters, order, limit, offset and columns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qsl

from . import grammar
from .errors import invalid_range, not_implemented
from .query_types import Filter, OrderTerm, SelectItem

RESERVED = frozenset({"select", "columns", "on_conflict"})
# Keys ending in one of these words are modifiers of the top level (`order`) or of an embedding (`rel.order`).
MODIFIERS = frozenset({"order", "limit", "offset", "and", "or"})


@dataclass(frozen=True)
class QueryParams:
    # An empty select means every column, as `select=*` does.
    select: tuple[SelectItem, ...] = ()
    filters: tuple[Filter, ...] = ()
    order: tuple[OrderTerm, ...] = ()
    limit: int | None = None
    offset: int = 0
    columns: tuple[str, ...] | None = None
    on_conflict: tuple[str, ...] | None = None

    @property
    def selects_all(self) -> bool:
        return not self.select or any(item.is_star for item in self.select)


def _parse_int(raw: str) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _reject_embedded_modifier(key: str) -> None:
    if key.split(".")[-1] in ("and", "or"):
        raise not_implemented(
            f"logical operators ({key}=)",
            "Filters combined with or=(...) or and=(...) are not supported by the local backend yet. "
            "Use several plain filters, which are combined with AND.",
        )
    raise not_implemented(f"modifiers on embedded resources ({key}=)")


def parse_query_string(query_string: str) -> QueryParams:
    """Parse the query string with form decoding (`+` is a space), as PostgREST does.

    Parameters with an empty value are ignored, and a repeated filter key adds one more filter.
    """
    pairs = parse_qsl(query_string, keep_blank_values=True, errors="replace")

    select: tuple[SelectItem, ...] | None = None
    columns: tuple[str, ...] | None = None
    on_conflict: tuple[str, ...] | None = None
    order: tuple[OrderTerm, ...] | None = None
    limit: int | None = None
    offset = 0
    filters: list[Filter] = []

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
            else:
                _reject_embedded_modifier(key)
            continue

        embed_path, field = grammar.run_parser(grammar.parse_filter_key, key, "tree path")
        if embed_path:
            raise not_implemented(f"filters on embedded resources ({key}=)")
        filters.append(grammar.run_parser(partial(grammar.parse_operation, field=field), value, "filter"))

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
    )
