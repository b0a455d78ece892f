"""`Prefer: count=planned|estimated` through supabase-py and plain HTTP, on a table of 200,000 rows.

The planner's figures come from the table's statistics, which the migration refreshes with ANALYZE, so the
tests accept a tolerance instead of the exact figure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from supabase import Client

from tests.support.backend import RunningBackend
from tests.support.clients import new_async_client, new_client, rest_http_client

TABLE = "cnt_rows"
TOTAL_ROWS = 200_000
MAX_ROWS = 1000


def near(value: int | None, expected: int, tolerance: float) -> bool:
    return value is not None and abs(value - expected) <= expected * tolerance


@pytest.fixture(scope="module")
def client(conformance_backend: RunningBackend) -> Client:
    return new_client(conformance_backend)


@pytest.fixture(scope="module")
def http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


def test_count_planned_is_near_total(client: Client) -> None:
    response = client.table(TABLE).select("id", count="planned").limit(1).execute()

    assert near(response.count, TOTAL_ROWS, 0.05)
    assert len(response.data) == 1


def test_count_planned_async_is_near_total(conformance_backend: RunningBackend) -> None:
    async def count() -> int | None:
        client = await new_async_client(conformance_backend)
        return (await client.table(TABLE).select("id", count="planned").limit(1).execute()).count

    assert near(asyncio.run(count()), TOTAL_ROWS, 0.05)


def test_count_planned_follows_filter(client: Client) -> None:
    response = client.table(TABLE).select("id", count="planned").eq("grp", 1).limit(1).execute()

    assert near(response.count, TOTAL_ROWS // 10, 0.25)


def test_count_planned_headers(http: httpx.Client) -> None:
    response = http.get(
        f"/{TABLE}", params={"select": "id", "limit": "2"}, headers={"Prefer": "count=planned"}
    )

    assert response.status_code == 206
    assert response.headers["preference-applied"] == "count=planned"
    first_last, _, total = response.headers["content-range"].partition("/")
    assert first_last == "0-1"
    assert near(int(total), TOTAL_ROWS, 0.05)


def test_count_planned_on_head(client: Client) -> None:
    response = client.table(TABLE).select("*", count="planned", head=True).execute()

    assert near(response.count, TOTAL_ROWS, 0.05)
    assert response.data == []


def test_count_estimated_below_max_rows_is_exact(client: Client) -> None:
    response = client.table(TABLE).select("id", count="estimated").lte("id", 500).limit(1).execute()

    assert response.count == 500


def test_count_estimated_at_max_rows_is_exact(client: Client) -> None:
    response = client.table(TABLE).select("id", count="estimated").lte("id", MAX_ROWS).limit(1).execute()

    assert response.count == MAX_ROWS


def test_count_estimated_above_max_rows_uses_planner(client: Client) -> None:
    response = client.table(TABLE).select("id", count="estimated").limit(1).execute()

    assert near(response.count, TOTAL_ROWS, 0.05)


def test_count_estimated_never_below_counted_rows(client: Client) -> None:
    # The planner may guess fewer rows than the exact count up to max rows + 1 found, which then wins.
    response = client.table(TABLE).select("id", count="estimated").lte("id", MAX_ROWS + 5).limit(1).execute()

    assert response.count is not None
    assert response.count > MAX_ROWS


def test_count_estimated_async(conformance_backend: RunningBackend) -> None:
    async def count() -> int | None:
        client = await new_async_client(conformance_backend)
        return (await client.table(TABLE).select("id", count="estimated").lte("id", 42).execute()).count

    assert asyncio.run(count()) == 42


def test_count_exact_reports_full_total(client: Client) -> None:
    response = client.table(TABLE).select("id", count="exact").limit(1).execute()

    assert response.count == TOTAL_ROWS


def test_count_planned_offset_past_estimate_is_416(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"offset": "10000000"}, headers={"Prefer": "count=planned"})

    assert response.status_code == 416
    assert response.json()["code"] == "PGRST103"


def test_count_planned_on_rpc_is_unknown(http: httpx.Client) -> None:
    # PostgREST uses the planner's estimate only for table and view reads, so a function's total stays `*`.
    response = http.get("/rpc/rpc_series", params={"n": "5"}, headers={"Prefer": "count=planned"})

    assert response.status_code == 200
    assert response.headers["content-range"] == "0-4/*"


def test_count_estimated_on_rpc_is_exact(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_series", params={"n": "1500"}, headers={"Prefer": "count=estimated"})

    assert response.headers["content-range"] == "0-999/1500"


def best_time(http: httpx.Client, prefer: str) -> float:
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = http.get(f"/{TABLE}", params={"select": "id", "limit": "1"}, headers={"Prefer": prefer})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 206
    return min(timings)


def test_count_planned_not_slower_than_exact(http: httpx.Client) -> None:
    # A loose check: the planner's estimate reads no rows, so it must not take longer than counting 200,000.
    planned = best_time(http, "count=planned")
    exact = best_time(http, "count=exact")

    assert planned <= exact
