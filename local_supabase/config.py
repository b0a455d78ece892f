"""Settings of one local backend instance, from CLI flags and LOCAL_SUPABASE_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 54321
DEFAULT_MAX_ROWS = 1000
DEFAULT_JWT_EXPIRY_SECONDS = 3600


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class BackendConfig:
    """Settings of one backend: its state folder, project, port and API limits."""

    data_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("LOCAL_SUPABASE_DATA_DIR", ".local_supabase"))
    )
    project_dir: Path = field(default_factory=lambda: Path(os.environ.get("LOCAL_SUPABASE_PROJECT_DIR", ".")))
    host: str = "127.0.0.1"
    port: int = field(default_factory=lambda: _env_int("LOCAL_SUPABASE_PORT", DEFAULT_PORT))
    max_rows: int = field(default_factory=lambda: _env_int("LOCAL_SUPABASE_MAX_ROWS", DEFAULT_MAX_ROWS))
    jwt_expiry_seconds: int = field(
        default_factory=lambda: _env_int("LOCAL_SUPABASE_JWT_EXPIRY", DEFAULT_JWT_EXPIRY_SECONDS)
    )
    # An existing PostgreSQL server to use instead of the embedded one.
    database_url: str | None = field(default_factory=lambda: os.environ.get("LOCAL_SUPABASE_DB_URL") or None)
    exposed_schemas: tuple[str, ...] = ("public",)

    @property
    def migrations_dir(self) -> Path:
        return self.project_dir / "supabase" / "migrations"

    @property
    def seed_file(self) -> Path:
        return self.project_dir / "supabase" / "seed.sql"
