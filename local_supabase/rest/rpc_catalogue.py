"""The functions of the exposed schemas that `/rpc/<name>` can call, read from the PostgreSQL catalogue.

Like the table cache, a lookup that misses reloads the catalogue once, so functions created after start-up
are found without a restart.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from dataclasses import dataclass
from typing import Any, Literal

from ..db import Database

logger = logging.getLogger(__name__)

Volatility = Literal["volatile", "stable", "immutable"]
ResultKind = Literal["scalar", "set_of_scalars", "composite", "set_of_rows", "void"]

_VOLATILITY: dict[str, Volatility] = {"v": "volatile", "s": "stable", "i": "immutable"}

# Type names come from format_type under an empty search_path, so every type outside pg_catalog is
# schema-qualified and the name stays valid under the search_path of any request.
_ROUTINES_SQL = """
select n.nspname as schema_name,
       p.proname as function_name,
       p.provolatile::text as volatility,
       p.proretset as returns_set,
       format_type(p.prorettype, null) as return_type,
       (rt.typrelid <> 0 or (p.prorettype = 'pg_catalog.record'::regtype and p.proallargtypes is not null))
         as returns_composite,
       p.pronargdefaults as default_count,
       coalesce(args.names, '{}') as param_names,
       coalesce(args.types, '{}') as param_types,
       coalesce(args.variadic, '{}') as param_variadic
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
left join lateral (
  select array_agg(coalesce(a.name, '') order by a.position) as names,
         array_agg(format_type(a.type_oid, null) order by a.position) as types,
         array_agg(coalesce(a.mode, 'i') = 'v' order by a.position) as variadic
  from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
         with ordinality as a(type_oid, name, mode, position)
  where coalesce(a.mode, 'i') in ('i', 'b', 'v')
) args on true
where n.nspname = any(%s) and p.prokind = 'f'
order by n.nspname, p.proname, p.oid
"""


@dataclass(frozen=True)
class RoutineParam:
    """One input parameter: its name (empty when unnamed), type as SQL text, and whether it has a default."""

    name: str
    type_sql: str
    has_default: bool
    variadic: bool = False


@dataclass(frozen=True)
class Routine:
    schema: str
    name: str
    params: tuple[RoutineParam, ...]
    volatility: Volatility
    result: ResultKind

    @property
    def required_names(self) -> frozenset[str]:
        return frozenset(param.name for param in self.params if not param.has_default)

    @property
    def optional_names(self) -> frozenset[str]:
        return frozenset(param.name for param in self.params if param.has_default)

    @property
    def single_unnamed_json_param(self) -> bool:
        """True for `f(json)` or `f(jsonb)` with no parameter name, which gets the whole POST body."""
        return (
            len(self.params) == 1 and not self.params[0].name and self.params[0].type_sql in ("json", "jsonb")
        )

    @property
    def returns_single(self) -> bool:
        return self.result in ("scalar", "composite", "void")

    def signature(self) -> str:
        """Describe the function as PostgREST's messages do: `public.f(a => integer, b => text)`."""
        params = ", ".join(f"{param.name} => {param.type_sql}" for param in self.params)
        return f"{self.schema}.{self.name}({params})"


def _result_kind(row: dict[str, Any]) -> ResultKind:
    if row["return_type"] == "void" and not row["returns_set"]:
        return "void"
    if row["returns_set"]:
        return "set_of_rows" if row["returns_composite"] else "set_of_scalars"
    return "composite" if row["returns_composite"] else "scalar"


def _routine_from_row(row: dict[str, Any]) -> Routine:
    names: list[str] = row["param_names"]
    types: list[str] = row["param_types"]
    variadic: list[bool] = row["param_variadic"]
    # PostgreSQL stores defaults for the last `pronargdefaults` input parameters.
    first_default = len(names) - int(row["default_count"])
    params = tuple(
        RoutineParam(name=name, type_sql=type_sql, has_default=index >= first_default, variadic=is_variadic)
        for index, (name, type_sql, is_variadic) in enumerate(zip(names, types, variadic, strict=True))
    )
    return Routine(
        schema=row["schema_name"],
        name=row["function_name"],
        params=params,
        volatility=_VOLATILITY.get(row["volatility"], "volatile"),
        result=_result_kind(row),
    )


class RoutineCache:
    """Functions of the exposed schemas by (schema, name), with every overload, loaded on first use."""

    def __init__(self, db: Database, schemas: tuple[str, ...]) -> None:
        self._db = db
        self._schemas = schemas
        self._routines: dict[tuple[str, str], list[Routine]] | None = None
        self._lock = asyncio.Lock()

    async def reload(self) -> dict[tuple[str, str], list[Routine]]:
        async with self._lock:
            self._routines = await self._load()
            return self._routines

    async def overloads(self, schema: str, name: str) -> list[Routine]:
        """Return every function named `name` in `schema`, reloading once when there is none."""
        routines = self._routines if self._routines is not None else await self.reload()
        found = routines.get((schema, name))
        if not found:
            found = (await self.reload()).get((schema, name))
        return list(found or [])

    def similar_name(self, schema: str, name: str) -> str | None:
        """Name a function of `schema` whose name is close to `name`, for a "Perhaps you meant" hint."""
        known = self._routines or {}
        candidates = [function for (function_schema, function) in known if function_schema == schema]
        matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
        return matches[0] if matches else None

    async def _load(self) -> dict[tuple[str, str], list[Routine]]:
        async with self._db.connection() as conn:
            async with conn.transaction():
                await conn.execute("select set_config('search_path', '', true)")
                rows = await (await conn.execute(_ROUTINES_SQL, (list(self._schemas),))).fetchall()

        routines: dict[tuple[str, str], list[Routine]] = {}
        for row in rows:
            routine = _routine_from_row(row)
            routines.setdefault((routine.schema, routine.name), []).append(routine)
        logger.debug("function cache loaded: %d names in %s", len(routines), ", ".join(self._schemas))
        return routines
