"""The settings, keys and database that every service of the local backend shares."""

from __future__ import annotations

from dataclasses import dataclass

from .config import BackendConfig
from .db import Database
from .keys import ProjectKeys


@dataclass(frozen=True)
class ServiceContext:
    config: BackendConfig
    keys: ProjectKeys
    db: Database
    # The public base URL, e.g. http://127.0.0.1:54321, known once the port is bound.
    api_url: str
