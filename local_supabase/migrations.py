"""Bring a database to the project's schema: platform bootstrap, project migrations in order, seed once."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psycopg

logger = logging.getLogger(__name__)

# Supabase CLI migration files are named <version>_<name>.sql, the version being a timestamp.
MIGRATION_NAME = re.compile(r"^(?P<version>\d+)_(?P<name>.+)\.sql$")
SEED_STATE_KEY = "seeded_at"


class MigrationError(RuntimeError):
    """A bootstrap, migration or seed file failed; the message names the file."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path


def find_migrations(migrations_dir: Path) -> list[Migration]:
    """List the migration files in version order, rejecting names the Supabase CLI would not accept."""
    if not migrations_dir.is_dir():
        return []

    found = []
    for path in sorted(migrations_dir.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path}: migration file names must look like 20260101120000_name.sql")
        found.append(Migration(match["version"], match["name"], path))
    return sorted(found, key=lambda migration: migration.version)


def _run_file(conn: psycopg.Connection, label: str, sql_text: str) -> None:
    try:
        with conn.transaction():
            conn.execute(sql_text.encode())  # bytes: the text may contain several statements
    except psycopg.Error as exc:
        raise MigrationError(f"{label} failed: {exc}") from exc


def apply_bootstrap(conn: psycopg.Connection) -> None:
    bootstrap = resources.files("local_supabase").joinpath("sql/bootstrap.sql").read_text()
    _run_file(conn, "bootstrap.sql", bootstrap)


def apply_migrations(conn: psycopg.Connection, migrations_dir: Path) -> list[Migration]:
    """Apply the migrations not yet recorded, each in its own transaction. Return those applied."""
    applied_versions = {
        row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations").fetchall()
    }

    applied = []
    for migration in find_migrations(migrations_dir):
        if migration.version in applied_versions:
            continue
        sql_text = migration.path.read_text()
        try:
            with conn.transaction():
                conn.execute(sql_text.encode())
                conn.execute(
                    "insert into supabase_migrations.schema_migrations (version, name, statements)"
                    " values (%s, %s, %s)",
                    (migration.version, migration.name, [sql_text]),
                )
        except psycopg.Error as exc:
            raise MigrationError(f"migration {migration.path.name} failed: {exc}") from exc
        logger.info("applied migration %s", migration.path.name)
        applied.append(migration)
    return applied


def is_seeded(conn: psycopg.Connection) -> bool:
    row = conn.execute("select 1 from local_supabase.state where key = %s", (SEED_STATE_KEY,)).fetchone()
    return row is not None


def apply_seed(conn: psycopg.Connection, seed_file: Path) -> bool:
    """Run the seed file once per database. Return True when it ran."""
    if is_seeded(conn):
        return False

    sql_text = seed_file.read_text() if seed_file.is_file() else ""
    try:
        with conn.transaction():
            if sql_text.strip():
                conn.execute(sql_text.encode())
            conn.execute(
                "insert into local_supabase.state (key, value) values (%s, now()::text)", (SEED_STATE_KEY,)
            )
    except psycopg.Error as exc:
        raise MigrationError(f"seed {seed_file.name} failed: {exc}") from exc

    logger.info("seeded the database from %s", seed_file if sql_text.strip() else "nothing (no seed.sql)")
    return True


def prepare_database(database_url: str, migrations_dir: Path, seed_file: Path) -> None:
    """Bootstrap, migrate and (on first start) seed the database at `database_url`."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        apply_bootstrap(conn)
        apply_migrations(conn, migrations_dir)
        apply_seed(conn, seed_file)
