"""Fixtures shared by the integration tests: auth admin API, database connection, conformance backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from supabase_auth import SyncGoTrueAdminAPI

from tests.support.backend import REPO_ROOT, RunningBackend
from tests.support.clients import Connection, admin_api, connect_db


@pytest.fixture
def admin(backend: RunningBackend) -> SyncGoTrueAdminAPI:
    return admin_api(backend)


@pytest.fixture(scope="module")
def db(backend: RunningBackend) -> Iterator[Connection]:
    """A connection to the shared backend's database. Modules that create their own tables override it."""
    with connect_db(backend) as conn:
        yield conn


CONFORMANCE_PROJECT = REPO_ROOT / "tests" / "fixtures" / "rest_conformance"
# `rpc_api` is a second exposed schema for Accept-Profile and Content-Profile tests.
CONFORMANCE_SCHEMAS = "public,rpc_api"


@pytest.fixture(scope="session")
def conformance_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    """A backend serving the conformance tables and functions, started once for the whole test run."""
    return backend_factory(CONFORMANCE_PROJECT, extra_args=["--schemas", CONFORMANCE_SCHEMAS])
