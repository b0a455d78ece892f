"""The tables, views and columns of the exposed schemas, read from the PostgreSQL catalogue.

PostgREST serves requests from such a cache and reloads it on a NOTIFY or a signal. Here a lookup that misses
reloads the cache first, so tables created after start-up (by tests or a developer's psql session) are found
without a restart. A database error that points at a stale catalogue marks the cache for reload on the next
request.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from dataclasses import dataclass, field
from typing import Any

from ..db import Database
from .relationships import (
    QualifiedName,
    Relationship,
    load_foreign_keys,
    load_view_columns,
    relationships_from_rows,
)

logger = logging.getLogger(__name__)

# Default expressions are printed with an empty search_path, so every name outside pg_catalog comes
# schema-qualified and stays valid under the search_path of any request.
_COLUMNS_SQL = """
select n.nspname as schema_name,
       c.relname as table_name,
       c.relkind::text as kind,
       a.attname as column_name,
       coalesce(base.typname, t.typname) as base_type,
       -- A generated column's expression is stored like a default but is not one.
       case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_expr
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
left join pg_type t on t.oid = a.atttypid
left join pg_type base on t.typtype = 'd' and base.oid = t.typbasetype
left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
where c.relkind in ('r', 'v', 'm', 'f', 'p') and n.nspname = any(%s)
order by n.nspname, c.relname, a.attnum
"""

_PRIMARY_KEYS_SQL = """
select n.nspname as schema_name, c.relname as table_name, a.attname as column_name
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral unnest(k.conkey) with ordinality as key(attnum, position)
join pg_attribute a on a.attrelid = c.oid and a.attnum = key.attnum
where k.contype = 'p' and n.nspname = any(%s)
order by n.nspname, c.relname, key.position
"""

_ROLES_SQL = "select rolname from pg_roles"


@dataclass(frozen=True)
class Column:
    name: str
    # The type's name, or for a domain the name of its base type, e.g. `jsonb`.
    base_type: str
    default_expr: str | None

    @property
    def is_json(self) -> bool:
        return self.base_type in ("json", "jsonb")


@dataclass
class Table:
    schema: str
    name: str
    kind: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueSnapshot:
    tables: dict[tuple[str, str], Table]
    roles: frozenset[str]
    # Relationships for resource embedding, indexed by the table they start from.
    relationships: dict[QualifiedName, list[Relationship]] = field(default_factory=dict)

    @property
    def views(self) -> frozenset[QualifiedName]:
        return frozenset(key for key, table in self.tables.items() if table.kind in ("v", "m"))


class SchemaCache:
    """Tables of the exposed schemas, loaded on first use and reloaded on a miss."""

    def __init__(self, db: Database, schemas: tuple[str, ...]) -> None:
        self._db = db
        self._schemas = schemas
        self._snapshot: CatalogueSnapshot | None = None
        self._stale = False
        self._lock = asyncio.Lock()

    def mark_stale(self) -> None:
        self._stale = True

    async def reload(self) -> CatalogueSnapshot:
        async with self._lock:
            self._snapshot = await self._load()
            self._stale = False
            return self._snapshot

    async def _current(self) -> CatalogueSnapshot:
        if self._snapshot is None or self._stale:
            return await self.reload()
        return self._snapshot

    async def find_table(self, schema: str, name: str) -> Table | None:
        """Return the table or view, reloading once when it is not in the cache."""
        snapshot = await self._current()
        table = snapshot.tables.get((schema, name))
        if table is None:
            table = (await self.reload()).tables.get((schema, name))
        return table

    async def find_columns(self, table: Table, names: list[str]) -> tuple[Table, str | None]:
        """Return the table as cached now and the first of `names` it lacks, reloading once on a miss."""
        missing = next((name for name in names if name not in table.columns), None)
        if missing is None:
            return table, None

        reloaded = (await self.reload()).tables.get((table.schema, table.name)) or table
        return reloaded, next((name for name in names if name not in reloaded.columns), None)

    async def snapshot(self) -> CatalogueSnapshot:
        """Return the catalogue as cached now, for lookups that span several tables such as embedding."""
        return await self._current()

    async def role_exists(self, role: str) -> bool:
        snapshot = await self._current()
        if role in snapshot.roles:
            return True
        return role in (await self.reload()).roles

    async def similar_table(self, schema: str, name: str) -> str | None:
        """Name a table of `schema` whose name is close to `name`, for a "Perhaps you meant" hint."""
        snapshot = await self._current()
        candidates = [table_name for (table_schema, table_name) in snapshot.tables if table_schema == schema]
        matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
        return matches[0] if matches else None

    async def _load(self) -> CatalogueSnapshot:
        schemas = list(self._schemas)
        async with self._db.connection() as conn:
            async with conn.transaction():
                await conn.execute("select set_config('search_path', '', true)")
                column_rows = await (await conn.execute(_COLUMNS_SQL, (schemas,))).fetchall()
                key_rows = await (await conn.execute(_PRIMARY_KEYS_SQL, (schemas,))).fetchall()
                role_rows = await (await conn.execute(_ROLES_SQL)).fetchall()
                foreign_key_rows = await load_foreign_keys(conn, schemas)
                view_column_rows = await load_view_columns(conn, schemas)

        tables = _tables_from_rows(column_rows, key_rows)
        primary_keys = {key: table.primary_key for key, table in tables.items()}
        logger.debug("schema cache loaded: %d tables and views in %s", len(tables), ", ".join(schemas))
        return CatalogueSnapshot(
            tables=tables,
            roles=frozenset(str(row["rolname"]) for row in role_rows),
            relationships=relationships_from_rows(foreign_key_rows, primary_keys, view_column_rows),
        )


def _tables_from_rows(
    column_rows: list[dict[str, Any]], key_rows: list[dict[str, Any]]
) -> dict[tuple[str, str], Table]:
    tables: dict[tuple[str, str], Table] = {}
    for row in column_rows:
        key = (row["schema_name"], row["table_name"])
        table = tables.setdefault(key, Table(schema=key[0], name=key[1], kind=row["kind"]))
        if row["column_name"] is not None:
            table.columns[row["column_name"]] = Column(
                name=row["column_name"],
                base_type=row["base_type"],
                default_expr=row["default_expr"],
            )

    primary_keys: dict[tuple[str, str], list[str]] = {}
    for row in key_rows:
        primary_keys.setdefault((row["schema_name"], row["table_name"]), []).append(row["column_name"])
    for key, columns in primary_keys.items():
        if key in tables:
            tables[key].primary_key = tuple(columns)
    return tables
