"""Prefer: max-affected and Prefer: timezone, which PostgREST honours and the local backend must too."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.backend import RunningBackend
from tests.support.clients import Connection, rest_http_client, temporary_tables

TABLE = "pref_items"
CREATE_SQL = f"""
create table public.{TABLE} (
  id int primary key,
  kind text not null,
  seen_at timestamptz not null
);
alter table public.{TABLE} enable row level security;
-- The service role bypasses RLS; these tests need no policy.
"""
DROP_SQL = f"drop table if exists public.{TABLE}"


@pytest.fixture
def items(backend: RunningBackend) -> Iterator[Connection]:
    with temporary_tables(backend, CREATE_SQL, DROP_SQL) as conn:
        conn.execute(
            f"insert into public.{TABLE} values"
            " (1, 'a', '2024-07-01 12:00:00+00'),"
            " (2, 'a', '2024-07-01 13:00:00+00'),"
            " (3, 'b', '2024-01-01 00:00:00+00')"
        )
        yield conn


@pytest.fixture
def http(backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(backend, backend.service_role_key) as client:
        yield client


def kinds(conn: Connection) -> list[str]:
    return [row[0] for row in conn.execute(f"select kind from public.{TABLE} order by id").fetchall()]


def test_max_affected_strict_exceeded_rolls_back(items: Connection, http: httpx.Client) -> None:
    response = http.patch(
        f"/{TABLE}?kind=eq.a",
        json={"kind": "c"},
        headers={"Prefer": "handling=strict, max-affected=1"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST124"
    assert response.json()["details"] == "The query affects 2 rows"
    assert kinds(items) == ["a", "a", "b"]


def test_max_affected_strict_within_limit_applies(items: Connection, http: httpx.Client) -> None:
    response = http.delete(f"/{TABLE}?kind=eq.b", headers={"Prefer": "handling=strict, max-affected=1"})

    assert response.status_code == 204
    assert "max-affected=1" in response.headers["Preference-Applied"]
    assert kinds(items) == ["a", "a"]


def test_max_affected_lenient_is_ignored(items: Connection, http: httpx.Client) -> None:
    response = http.patch(f"/{TABLE}?kind=eq.a", json={"kind": "c"}, headers={"Prefer": "max-affected=1"})

    assert response.status_code == 204
    assert kinds(items) == ["c", "c", "b"]


def test_timezone_renders_timestamps_in_zone(items: Connection, http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}?id=eq.1&select=seen_at", headers={"Prefer": "timezone=Europe/Berlin"})

    assert response.json() == [{"seen_at": "2024-07-01T14:00:00+02:00"}]
    assert "timezone=Europe/Berlin" in response.headers["Preference-Applied"]


def test_timezone_unknown_lenient_uses_utc(items: Connection, http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}?id=eq.1&select=seen_at", headers={"Prefer": "timezone=Mars/Olympus"})

    assert response.status_code == 200
    assert response.json() == [{"seen_at": "2024-07-01T12:00:00+00:00"}]


def test_timezone_unknown_strict_rejected(items: Connection, http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}?id=eq.1", headers={"Prefer": "handling=strict, timezone=Mars/Olympus"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST122"
