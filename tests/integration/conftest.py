"""Fixtures shared by the integration tests: the auth admin API and a plain database connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from supabase_auth import SyncGoTrueAdminAPI

from tests.support.backend import RunningBackend
from tests.support.clients import Connection, admin_api, connect_db


@pytest.fixture
def admin(backend: RunningBackend) -> SyncGoTrueAdminAPI:
    return admin_api(backend)


@pytest.fixture(scope="module")
def db(backend: RunningBackend) -> Iterator[Connection]:
    """A connection to the shared backend's database. Modules that create their own tables override it."""
    with connect_db(backend) as conn:
        yield conn
