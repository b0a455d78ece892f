"""Fixtures shared by every test layer: a real local backend on real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.backend import REPO_ROOT, RunningBackend, start_backend


@pytest.fixture(scope="session")
def backend() -> Iterator[RunningBackend]:
    """The app's own schema and demo seed, served once for the whole test run."""
    running = start_backend(REPO_ROOT)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def backend_factory() -> Iterator[Callable[..., RunningBackend]]:
    """Start extra backends, e.g. for another project's schema or other flags; all are stopped at the end."""
    started: list[RunningBackend] = []

    def start(project_dir: Path = REPO_ROOT, **kwargs: object) -> RunningBackend:
        running = start_backend(project_dir, **kwargs)  # type: ignore[arg-type]
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in started:
            running.stop()
