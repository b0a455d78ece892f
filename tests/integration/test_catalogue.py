"""The schema the API exposes, read from the PostgreSQL catalogue of a running backend.

These tests look at what the migrations created, not at the SQL files, so they also catch a
table added by hand, by a later migration or by a seed.
"""

from __future__ import annotations

from tests.support.clients import Connection

# Schemas PostgREST serves. A relation in any other schema is not reachable through the API.
EXPOSED_SCHEMAS = ["public"]
TEAM_TABLES = {"account_groups", "memberships", "invited_users", "customers", "orders"}
RELATION_KINDS = {
    "r": "table",
    "p": "partitioned table",
    "v": "view",
    "m": "materialized view",
    "f": "foreign table",
}
TRUE_OPTION_VALUES = {"true", "on", "yes", "1"}


def exposed_relations(db: Connection) -> list[tuple[str, str, bool, list[str]]]:
    """Return (qualified name, relkind, RLS enabled, reloptions) of every relation the API could serve."""
    rows = db.execute(
        """
        select format('%%I.%%I', n.nspname, c.relname), c.relkind::text, c.relrowsecurity,
               coalesce(c.reloptions, '{}')
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%s)
          and c.relkind = any(%s)
        order by 1
        """,
        (EXPOSED_SCHEMAS, list(RELATION_KINDS)),
    ).fetchall()
    return [(name, kind, rls_enabled, list(options)) for name, kind, rls_enabled, options in rows]


def is_security_invoker(options: list[str]) -> bool:
    for option in options:
        key, _, value = option.partition("=")
        if key == "security_invoker":
            return value.lower() in TRUE_OPTION_VALUES
    return False


def unprotected_reason(kind: str, rls_enabled: bool, options: list[str]) -> str | None:
    """Return why a relation lets the API bypass row-level security, or None when it does not."""
    if kind in ("r", "p"):
        return None if rls_enabled else "row level security is disabled"

    if kind == "v":
        # A view runs with its owner's rights unless security_invoker is set, and the owner bypasses RLS.
        return None if is_security_invoker(options) else "the view is not security_invoker=true"

    return f"a {RELATION_KINDS[kind]} cannot have row level security"


def test_exposed_schema_contains_team_tables(db: Connection) -> None:
    names = {name.removeprefix("public.") for name, *_ in exposed_relations(db)}

    assert TEAM_TABLES <= names, f"missing tables: {sorted(TEAM_TABLES - names)}"


def test_exposed_relations_enforce_rls(db: Connection) -> None:
    offenders = [
        f"{name} ({RELATION_KINDS[kind]}): {reason}"
        for name, kind, rls_enabled, options in exposed_relations(db)
        if (reason := unprotected_reason(kind, rls_enabled, options)) is not None
    ]

    assert offenders == [], "relations the API serves without row level security:\n" + "\n".join(offenders)


def test_rls_tables_have_policy_or_explanation(db: Connection) -> None:
    """A table without policies hides every row from the API roles. That must be a stated choice.

    The table comment counts as the explanation when it mentions the word "policy".
    """
    rows = db.execute(
        """
        select format('%%I.%%I', n.nspname, c.relname),
               obj_description(c.oid, 'pg_class')
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%s)
          and c.relkind in ('r', 'p')
          and c.relrowsecurity
          and not exists (select from pg_catalog.pg_policy as p where p.polrelid = c.oid)
        order by 1
        """,
        (EXPOSED_SCHEMAS,),
    ).fetchall()

    unexplained = [name for name, comment in rows if "polic" not in (comment or "").lower()]

    assert unexplained == [], "tables with RLS but no policy and no table comment saying why: " + ", ".join(
        unexplained
    )


def test_security_definer_functions_set_search_path(db: Connection) -> None:
    """A security definer function without a fixed search_path can be made to run a caller's objects."""
    rows = db.execute(
        """
        select p.oid::regprocedure::text
        from pg_catalog.pg_proc as p
        join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
        where n.nspname = any(%s)
          and p.prosecdef
          and not exists (
            select from unnest(coalesce(p.proconfig, '{}')) as setting
            where setting like 'search\\_path=%%'
          )
        order by 1
        """,
        (EXPOSED_SCHEMAS,),
    ).fetchall()

    assert rows == [], f"security definer functions without search_path: {[name for (name,) in rows]}"


def test_security_definer_functions_closed_to_anon(db: Connection) -> None:
    rows = db.execute(
        """
        select p.oid::regprocedure::text
        from pg_catalog.pg_proc as p
        join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
        where n.nspname = any(%s)
          and p.prosecdef
          and has_function_privilege('anon', p.oid, 'execute')
        order by 1
        """,
        (EXPOSED_SCHEMAS,),
    ).fetchall()

    assert rows == [], f"security definer functions anon may execute: {[name for (name,) in rows]}"
