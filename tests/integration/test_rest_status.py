"""The HTTP status of a /rest/v1 response to a PostgreSQL error, by SQLSTATE, as PostgREST maps it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.backend import RunningBackend
from tests.support.clients import Connection, rest_http_client, temporary_tables

PARENTS = "rest_status_parents"
CHILDREN = "rest_status_children"
WRITER_VIEW = "rest_status_writer"

SCHEMA_SQL = f"""
create table public.{PARENTS} (id int primary key);
alter table public.{PARENTS} enable row level security;
create table public.{CHILDREN} (
  id int primary key,
  parent_id int references public.{PARENTS} (id),
  name text not null
);
alter table public.{CHILDREN} enable row level security;
-- The service role bypasses RLS, so these tables need no policies.
insert into public.{PARENTS} values (1);
insert into public.{CHILDREN} values (1, 1, 'first');

create function public.rest_status_check_child() returns trigger language plpgsql as $$
begin
  if new.name = 'raise' then
    raise exception 'rejected by trigger';
  elsif new.name = 'payment' then
    raise sqlstate 'PT402' using message = 'payment required';
  end if;
  return new;
end
$$;
create trigger check_child before insert on public.{CHILDREN}
  for each row execute function public.rest_status_check_child();

-- Reading this view writes a row, which a read-only transaction rejects.
create function public.rest_status_write() returns int language sql volatile as $$
  insert into public.{PARENTS} values (999) returning 1
$$;
create view public.{WRITER_VIEW} with (security_invoker = true) as
  select public.rest_status_write() as written;
"""

DROP_SQL = f"""
drop view if exists public.{WRITER_VIEW};
drop function if exists public.rest_status_write();
drop table if exists public.{CHILDREN}, public.{PARENTS};
drop function if exists public.rest_status_check_child();
drop table if exists public.rest_status_dropped;
"""


@pytest.fixture(scope="module")
def db(backend: RunningBackend) -> Iterator[Connection]:
    with temporary_tables(backend, SCHEMA_SQL, DROP_SQL) as conn:
        yield conn


@pytest.fixture(scope="module")
def http(backend: RunningBackend, db: Connection) -> Iterator[httpx.Client]:
    with rest_http_client(backend, backend.service_role_key) as session:
        yield session


@pytest.mark.parametrize(
    ("method", "path", "body", "sqlstate", "status"),
    [
        pytest.param("POST", CHILDREN, {"id": 1, "parent_id": 1, "name": "again"}, "23505", 409, id="unique"),
        pytest.param(
            "POST", CHILDREN, {"id": 2, "parent_id": 99, "name": "orphan"}, "23503", 409, id="foreign-key"
        ),
        pytest.param("POST", CHILDREN, {"id": 2, "parent_id": 1, "name": None}, "23502", 400, id="not-null"),
        pytest.param("GET", f"{PARENTS}?id=eq.x", None, "22P02", 400, id="invalid-input"),
        pytest.param("GET", f"{PARENTS}?id=like.1", None, "42883", 404, id="undefined-operator"),
        pytest.param("GET", WRITER_VIEW, None, "25006", 405, id="write-in-read"),
        pytest.param("POST", CHILDREN, {"id": 2, "parent_id": 1, "name": "raise"}, "P0001", 400, id="raise"),
        pytest.param(
            "POST", CHILDREN, {"id": 2, "parent_id": 1, "name": "payment"}, "PT402", 402, id="custom-pt"
        ),
    ],
)
def test_database_error_status(
    http: httpx.Client, method: str, path: str, body: Any, sqlstate: str, status: int
) -> None:
    response = http.request(method, f"/{path}", json=body)

    assert response.status_code == status
    assert response.json()["code"] == sqlstate
    assert response.headers["proxy-status"] == f"PostgREST; error={sqlstate}"


def test_read_runs_read_only(http: httpx.Client, db: Connection) -> None:
    http.get(f"/{WRITER_VIEW}")

    assert db.execute(f"select count(*) from public.{PARENTS} where id = 999").fetchone() == (0,)


def test_dropped_table_is_404_then_pgrst205(http: httpx.Client, db: Connection) -> None:
    db.execute("create table public.rest_status_dropped (id int)")
    db.execute("alter table public.rest_status_dropped enable row level security")
    assert http.get("/rest_status_dropped").status_code == 200
    db.execute("drop table public.rest_status_dropped")

    first = http.get("/rest_status_dropped")
    second = http.get("/rest_status_dropped")

    assert first.status_code == 404
    assert first.json()["code"] == "42P01"
    assert second.status_code == 404
    assert second.json()["code"] == "PGRST205"
