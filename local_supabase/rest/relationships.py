"""Relationships between tables, derived from foreign keys as PostgREST derives them for resource embedding.

Each foreign key gives two relationships: many-to-one from the referencing table and one-to-many back, or
one-to-one both ways when the referencing columns are also a primary key or unique constraint. A table whose
primary key contains the columns of two foreign keys is a junction, which adds a many-to-many relationship
between the two tables it references. The rules and the error texts follow PostgREST v13
(`SchemaCache.hs`, `Plan.hs::findRel` and `Error.hs`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

from .errors import ApiError

Cardinality = Literal["many-to-one", "one-to-many", "one-to-one", "many-to-many"]
QualifiedName = tuple[str, str]

_FOREIGN_KEYS_SQL = """
with unique_keys as (
  select conrelid, array_agg(key order by key) as keys
  from pg_constraint, lateral unnest(conkey) as u(key)
  where contype in ('p', 'u')
  group by oid, conrelid
)
select n1.nspname as table_schema,
       c1.relname as table_name,
       n2.nspname as foreign_schema,
       c2.relname as foreign_name,
       k.conname as constraint_name,
       columns.names as column_names,
       columns.foreign_names as foreign_column_names,
       columns.keys in (select keys from unique_keys where conrelid = k.conrelid) as one_to_one
from pg_constraint k
join lateral (
  select array_agg(a1.attname::text order by pair.position) as names,
         array_agg(a2.attname::text order by pair.position) as foreign_names,
         array_agg(pair.key order by pair.key) as keys
  from unnest(k.conkey, k.confkey) with ordinality as pair(key, foreign_key, position)
  join pg_attribute a1 on a1.attrelid = k.conrelid and a1.attnum = pair.key
  join pg_attribute a2 on a2.attrelid = k.confrelid and a2.attnum = pair.foreign_key
) as columns on true
join pg_class c1 on c1.oid = k.conrelid
join pg_namespace n1 on n1.oid = c1.relnamespace
join pg_class c2 on c2.oid = k.confrelid
join pg_namespace n2 on n2.oid = c2.relnamespace
where k.contype = 'f' and k.conparentid = 0 and n1.nspname = any(%s) and n2.nspname = any(%s)
order by k.conrelid, k.conname
"""


# Each column of a view that is a plain reference to a column of a table or another view. A view's rewrite
# rule stores its query tree as text, and every output column there carries `:resorigtbl` and `:resorigcol`,
# the relation and column it was read from (0 for computed values), which PostgREST reads the same way.
# Only entries whose number and name match a column of the view are kept, which leaves out the output columns
# of subqueries inside the view's query. A name with spaces is printed with backslashes before them.
_VIEW_COLUMNS_SQL = r"""
select vn.nspname as view_schema,
       v.relname as view_name,
       va.attname as view_column,
       tn.nspname as source_schema,
       t.relname as source_name,
       ta.attname as source_column
from pg_rewrite r
join pg_class v on v.oid = r.ev_class and v.relkind = 'v'
join pg_namespace vn on vn.oid = v.relnamespace
cross join lateral regexp_matches(
  r.ev_action::text,
  ':resno ([0-9]+) :resname ((?:\\.|[^ \\])+) :ressortgroupref [0-9]+ '
    || ':resorigtbl ([0-9]+) :resorigcol ([0-9]+)',
  'g'
) as entry
join pg_attribute va on va.attrelid = v.oid and va.attnum = entry[1]::int
  and va.attname::text = regexp_replace(entry[2], '\\(.)', '\1', 'g')
join pg_class t on t.oid = entry[3]::oid
join pg_namespace tn on tn.oid = t.relnamespace
join pg_attribute ta on ta.attrelid = t.oid and ta.attnum = entry[4]::int
where r.rulename = '_RETURN' and vn.nspname = any(%s) and entry[3] <> '0'
"""
# Views over views are followed this many levels down to a table.
_MAX_VIEW_DEPTH = 5


@dataclass(frozen=True)
class Junction:
    """The table between the two sides of a many-to-many relationship, with its two foreign keys."""

    table: QualifiedName
    source_constraint: str
    target_constraint: str
    # (junction column, origin column) and (junction column, target column) pairs.
    source_columns: tuple[tuple[str, str], ...]
    target_columns: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Relationship:
    """A way to embed `foreign_table` in `table`.

    `columns` pairs each column of `table` with the column of `foreign_table` it matches. A many-to-many
    relationship has no direct columns and joins through `junction`.
    """

    table: QualifiedName
    foreign_table: QualifiedName
    cardinality: Cardinality
    constraint: str
    columns: tuple[tuple[str, str], ...]
    junction: Junction | None = None

    @property
    def is_self(self) -> bool:
        return self.table == self.foreign_table

    @property
    def is_to_one(self) -> bool:
        return self.cardinality in ("many-to-one", "one-to-one")


def _inverse(relationship: Relationship) -> Relationship:
    cardinality: Cardinality = "one-to-many" if relationship.cardinality == "many-to-one" else "one-to-one"
    return Relationship(
        table=relationship.foreign_table,
        foreign_table=relationship.table,
        cardinality=cardinality,
        constraint=relationship.constraint,
        columns=tuple((foreign, own) for own, foreign in relationship.columns),
    )


def _many_to_many(
    direct: list[Relationship], primary_keys: dict[QualifiedName, tuple[str, ...]]
) -> list[Relationship]:
    """Add a many-to-many relationship for each pair of foreign keys inside a junction's primary key."""
    by_table: dict[QualifiedName, list[Relationship]] = {}
    for relationship in direct:
        if relationship.cardinality == "many-to-one":
            by_table.setdefault(relationship.table, []).append(relationship)

    found: list[Relationship] = []
    for junction_table, keys in by_table.items():
        primary_key = set(primary_keys.get(junction_table, ()))
        for source in keys:
            for target in keys:
                if source.constraint == target.constraint:
                    continue
                junction_columns = {own for own, _ in source.columns} | {own for own, _ in target.columns}
                if not junction_columns <= primary_key:
                    continue
                junction = Junction(
                    table=junction_table,
                    source_constraint=source.constraint,
                    target_constraint=target.constraint,
                    source_columns=source.columns,
                    target_columns=target.columns,
                )
                found.append(
                    Relationship(
                        table=source.foreign_table,
                        foreign_table=target.foreign_table,
                        cardinality="many-to-many",
                        constraint=target.constraint,
                        columns=(),
                        junction=junction,
                    )
                )
    return found


ColumnSource = tuple[QualifiedName, str]


def _view_columns(rows: Iterable[dict[str, Any]]) -> dict[QualifiedName, dict[str, ColumnSource]]:
    """Map each view column to the table column it shows, following views over views."""
    direct: dict[QualifiedName, dict[str, ColumnSource]] = {}
    for row in rows:
        view = (row["view_schema"], row["view_name"])
        source = ((row["source_schema"], row["source_name"]), row["source_column"])
        # A column read from two places (a UNION, say) has no single source, so it is left out.
        columns = direct.setdefault(view, {})
        if columns.get(row["view_column"], source) != source:
            columns[row["view_column"]] = (("", ""), "")
        else:
            columns[row["view_column"]] = source

    resolved: dict[QualifiedName, dict[str, ColumnSource]] = {}
    for view, columns in direct.items():
        resolved[view] = {}
        for name, source in columns.items():
            for _ in range(_MAX_VIEW_DEPTH):
                if source[0] not in direct:
                    break
                source = direct[source[0]].get(source[1], (("", ""), ""))
            if source[0] != ("", "") and source[0] not in direct:
                resolved[view][name] = source
    return resolved


def _through_views(
    relationship: Relationship, view_columns: dict[QualifiedName, dict[str, ColumnSource]]
) -> list[Relationship]:
    """Copy a foreign key's relationship onto every view that shows all of its columns on either side."""

    def names_on(table: QualifiedName, columns: list[str]) -> list[tuple[QualifiedName, list[str]]]:
        found = [(table, columns)]
        for view, mapping in view_columns.items():
            renamed = []
            for column in columns:
                name = next((name for name, source in mapping.items() if source == (table, column)), None)
                if name is None:
                    break
                renamed.append(name)
            if len(renamed) == len(columns):
                found.append((view, renamed))
        return found

    origins = names_on(relationship.table, [own for own, _ in relationship.columns])
    targets = names_on(relationship.foreign_table, [foreign for _, foreign in relationship.columns])
    copies = []
    for origin, own_columns in origins:
        for target, foreign_columns in targets:
            if (origin, target) == (relationship.table, relationship.foreign_table):
                continue
            copies.append(
                Relationship(
                    table=origin,
                    foreign_table=target,
                    cardinality=relationship.cardinality,
                    constraint=relationship.constraint,
                    columns=tuple(zip(own_columns, foreign_columns, strict=True)),
                )
            )
    return copies


def relationships_from_rows(
    rows: Iterable[dict[str, Any]],
    primary_keys: dict[QualifiedName, tuple[str, ...]],
    view_rows: Iterable[dict[str, Any]] = (),
) -> dict[QualifiedName, list[Relationship]]:
    """Index every relationship, including those through views, by the table or view it starts from."""
    tables_only: list[Relationship] = []
    for row in rows:
        tables_only.append(
            Relationship(
                table=(row["table_schema"], row["table_name"]),
                foreign_table=(row["foreign_schema"], row["foreign_name"]),
                cardinality="one-to-one" if row["one_to_one"] else "many-to-one",
                constraint=row["constraint_name"],
                columns=tuple(zip(row["column_names"], row["foreign_column_names"], strict=True)),
            )
        )
    view_columns = _view_columns(view_rows)
    direct = tables_only + [
        copy for relationship in tables_only for copy in _through_views(relationship, view_columns)
    ]

    every = direct + [_inverse(relationship) for relationship in direct] + _many_to_many(direct, primary_keys)
    indexed: dict[QualifiedName, list[Relationship]] = {}
    for relationship in every:
        indexed.setdefault(relationship.table, []).append(relationship)
    return indexed


async def load_foreign_keys(conn: psycopg.AsyncConnection[Any], schemas: list[str]) -> list[dict[str, Any]]:
    cursor = await conn.execute(_FOREIGN_KEYS_SQL, (schemas, schemas))
    return list(await cursor.fetchall())


async def load_view_columns(conn: psycopg.AsyncConnection[Any], schemas: list[str]) -> list[dict[str, Any]]:
    cursor = await conn.execute(_VIEW_COLUMNS_SQL, (schemas,))
    return list(await cursor.fetchall())


def _single_column(relationship: Relationship, index: int) -> str | None:
    if len(relationship.columns) != 1:
        return None
    return relationship.columns[0][index]


def _matches(relationship: Relationship, target: str, hint: str | None, target_is_view: bool) -> bool:
    """Decide whether `target!hint` names `relationship`, by the rules of PostgREST's `findRel`."""
    own_column = _single_column(relationship, 0)
    foreign_column = _single_column(relationship, 1)
    foreign_name = relationship.foreign_table[1]
    direct = relationship.junction is None

    if relationship.is_self:
        if hint is None:
            # `children:family(*)` embeds the rows pointing here, and `parent(*)` the row this one points to.
            return (target == foreign_name and relationship.cardinality == "one-to-many") or (
                own_column == target and relationship.cardinality == "many-to-one"
            )
        return target == foreign_name and relationship.cardinality == "one-to-many" and foreign_column == hint

    if hint is None:
        return (
            target == foreign_name
            or (direct and relationship.constraint == target and not target_is_view)
            or (direct and own_column == target and not target_is_view)
        )
    if target != foreign_name:
        return False
    if direct:
        return relationship.constraint == hint or own_column == hint or foreign_column == hint
    assert relationship.junction is not None
    return relationship.junction.table[1] == hint


def _describe(relationship: Relationship) -> dict[str, str]:
    """Describe a candidate relationship the way PostgREST lists it in a PGRST201 error."""
    table = relationship.table[1]
    foreign = relationship.foreign_table[1]
    entry = {"cardinality": relationship.cardinality, "embedding": f"{table} with {foreign}"}
    if relationship.junction is not None:
        junction = relationship.junction
        source = ", ".join(column for column, _ in junction.source_columns)
        target = ", ".join(column for column, _ in junction.target_columns)
        entry["relationship"] = (
            f"{junction.table[1]} using {junction.source_constraint}({source}) and "
            f"{junction.target_constraint}({target})"
        )
    else:
        own = ", ".join(column for column, _ in relationship.columns)
        other = ", ".join(column for _, column in relationship.columns)
        entry["relationship"] = f"{relationship.constraint} using {table}({own}) and {foreign}({other})"
    return entry


def _hint_name(relationship: Relationship) -> str:
    name = relationship.junction.table[1] if relationship.junction is not None else relationship.constraint
    return f"'{relationship.foreign_table[1]}!{name}'"


class AmbiguousRelationshipError(ApiError):
    """PGRST201, whose `details` is a JSON array of the candidate relationships rather than a string."""

    def __init__(self, origin: str, target: str, candidates: list[Relationship]) -> None:
        super().__init__(
            300,
            "PGRST201",
            f"Could not embed because more than one relationship was found for '{origin}' and '{target}'",
            hint=f"Try changing '{target}' to one of the following: "
            + ", ".join(_hint_name(candidate) for candidate in candidates)
            + ". Find the desired relationship in the 'details' key.",
        )
        self.candidates = [_describe(candidate) for candidate in candidates]

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["details"] = self.candidates
        return body


def no_relationship(
    origin: str,
    target: str,
    hint: str | None,
    schema: str,
    relationships: dict[QualifiedName, list[Relationship]],
) -> ApiError:
    hint_part = f"' using the hint '{hint}" if hint is not None else ""
    details = (
        f"Searched for a foreign key relationship between '{origin}' and '{target}{hint_part}' "
        f"in the schema '{schema}', but no matches were found."
    )
    suggestion: str | None = None
    origin_relationships = relationships.get((schema, origin))
    if origin_relationships is None:
        origins = [table for (table_schema, table) in relationships if table_schema == schema]
        close = difflib.get_close_matches(origin, origins, n=1)
        suggestion = f"Perhaps you meant '{close[0]}' instead of '{origin}'." if close else None
    else:
        targets = sorted({relationship.foreign_table[1] for relationship in origin_relationships})
        close = difflib.get_close_matches(target, [name for name in targets if name != target], n=1)
        if close and target not in targets:
            suggestion = f"Perhaps you meant '{close[0]}' instead of '{target}'."
    return ApiError(
        400,
        "PGRST200",
        f"Could not find a relationship between '{origin}' and '{target}' in the schema cache",
        details=details,
        hint=suggestion,
    )


def find_relationship(
    relationships: dict[QualifiedName, list[Relationship]],
    views: frozenset[QualifiedName],
    origin: QualifiedName,
    target: str,
    hint: str | None,
) -> Relationship:
    """Return the relationship that `origin?select=target!hint(...)` names, or raise PGRST200 or PGRST201."""
    schema = origin[0]
    candidates = [
        relationship
        for relationship in relationships.get(origin, [])
        if _matches(relationship, target, hint, relationship.foreign_table in views)
    ]
    if not candidates:
        raise no_relationship(origin[1], target, hint, schema, relationships)
    if len(candidates) > 1:
        raise AmbiguousRelationshipError(origin[1], target, candidates)
    return candidates[0]
