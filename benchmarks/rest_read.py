"""Time page reads through the local backend's REST layer against psycopg plus JSON encoding.

The script starts a throwaway backend whose only migration creates `bench_rows` with `--rows` rows, then
times, as the median of `--repeat` runs:

- the first page of 1,000 rows through /rest/v1 (httpx, one kept-alive connection);
- the same rows read with psycopg and encoded with `json.dumps` in this process. The target for the ratio
  of the two is at most 2.5;
- a page deep in the table reached by keyset (`id=gt.<last id>`), whose target is at most 2x the first page;
- the same deep page reached by `offset`, reported without a target;
- the first page with `Prefer: count=exact` and with `count=planned`, reported without a target.

Run: `python benchmarks/rest_read.py` (1,000,000 rows) or `--rows 10000` for a quick run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support.backend import start_backend  # noqa: E402

TABLE = "bench_rows"
PAGE_SIZE = 1000
DIRECT_TARGET = 2.5
KEYSET_TARGET = 2.0

MIGRATION_SQL = """
create table public.{table} (
  id bigint primary key,
  name text not null,
  amount numeric(12, 2) not null,
  status text not null,
  created_at timestamptz not null
);
alter table public.{table} enable row level security;
create policy "anyone can read the benchmark rows" on public.{table} for select using (true);
insert into public.{table}
  select g, 'row ' || g, (g % 1000) + 0.25, (array['open', 'paid', 'late'])[g % 3 + 1],
         timestamptz '2026-01-01' + g * interval '1 second'
  from generate_series(1, {rows}) g;
analyze public.{table};
"""


def median_seconds(action: Callable[[], Any], repeat: int) -> float:
    """Run `action` once to warm up, then `repeat` times, and return the median duration in seconds."""
    action()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def make_project(rows: int) -> Path:
    project = Path(tempfile.mkdtemp(prefix="rest_read_bench_"))
    migrations = project / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20260101000000_bench_rows.sql").write_text(MIGRATION_SQL.format(table=TABLE, rows=rows))
    return project


def rest_page(http: httpx.Client, params: dict[str, str], prefer: str | None = None) -> Callable[[], int]:
    headers = {"Prefer": prefer} if prefer else {}

    def read() -> int:
        response = http.get(f"/{TABLE}", params=params, headers=headers)
        response.raise_for_status()
        return len(response.content)

    return read


def direct_page(conn: psycopg.Connection[dict[str, Any]], after_id: int) -> Callable[[], int]:
    query = f"select * from public.{TABLE} where id > %s order by id limit {PAGE_SIZE}"

    def read() -> int:
        rows = conn.execute(query, (after_id,)).fetchall()
        return len(json.dumps(rows, default=str).encode())

    return read


def run(rows: int, repeat: int) -> dict[str, float]:
    started = time.perf_counter()
    backend = start_backend(make_project(rows))
    print(f"backend with {rows:,} rows ready in {time.perf_counter() - started:.1f} s", flush=True)

    headers = {"apikey": backend.anon_key, "Authorization": f"Bearer {backend.anon_key}"}
    deep_id = max(rows - PAGE_SIZE - 1, 0)
    try:
        with (
            httpx.Client(base_url=f"{backend.api_url}/rest/v1", headers=headers) as http,
            psycopg.connect(backend.db_url, row_factory=dict_row) as conn,
        ):
            base = {"select": "*", "order": "id", "limit": str(PAGE_SIZE)}
            first_rest = median_seconds(rest_page(http, base), repeat)
            first_direct = median_seconds(direct_page(conn, 0), repeat)
            keyset = median_seconds(rest_page(http, {**base, "id": f"gt.{deep_id}"}), repeat)
            offset = median_seconds(rest_page(http, {**base, "offset": str(deep_id)}), repeat)
            exact_count = median_seconds(rest_page(http, base, "count=exact"), repeat)
            planned_count = median_seconds(rest_page(http, base, "count=planned"), repeat)
    finally:
        backend.stop()

    return {
        "first_rest_ms": first_rest * 1000,
        "first_direct_ms": first_direct * 1000,
        "direct_ratio": first_rest / first_direct,
        "keyset_ms": keyset * 1000,
        "keyset_ratio": keyset / first_rest,
        "offset_ms": offset * 1000,
        "offset_ratio": offset / first_rest,
        "exact_count_ms": exact_count * 1000,
        "planned_count_ms": planned_count * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the table (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement (default 30)")
    args = parser.parse_args(argv)

    figures = run(args.rows, args.repeat)
    print(f"first page of {PAGE_SIZE} rows through REST: {figures['first_rest_ms']:.2f} ms")
    print(f"same rows with psycopg and json.dumps:    {figures['first_direct_ms']:.2f} ms")
    print(f"REST / direct: {figures['direct_ratio']:.2f}x (target <= {DIRECT_TARGET}x)")
    print(
        f"deep page by keyset: {figures['keyset_ms']:.2f} ms,"
        f" {figures['keyset_ratio']:.2f}x the first page (target <= {KEYSET_TARGET}x)"
    )
    print(
        f"deep page by offset: {figures['offset_ms']:.2f} ms, {figures['offset_ratio']:.2f}x the first page"
    )
    print(
        f"first page with count=exact: {figures['exact_count_ms']:.2f} ms,"
        f" with count=planned: {figures['planned_count_ms']:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
