"""`Accept: text/csv` responses in PostgREST's CSV format, through supabase-py's `.csv()` and plain HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from supabase import Client

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_async_client, new_client, rest_http_client

TABLE = "cnt_csv_values"
# PostgreSQL's record text form without parentheses: values with a comma, quote, backslash or space are
# double-quoted, `"` and `\` are doubled inside quotes, NULL is empty and an empty string is `""`.
ALL_ROWS_CSV = (
    "id,label,amount,flags,data\n"
    '1,plain,1.50,"{t,f}","{""a"": 1}"\n'
    '2,"with, comma",,,\n'
    '3,"say ""hi""",-2.00,{},"[1, ""x""]"\n'
    '4,"back\\\\slash",0.00,,"""text"""\n'
    '5,"",3.25,,'
)


@pytest.fixture(scope="module")
def client(conformance_backend: RunningBackend) -> Client:
    return new_client(conformance_backend)


@pytest.fixture(scope="module")
def http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


def test_csv_through_client_returns_text(client: Client) -> None:
    data = client.table(TABLE).select("*").order("id").csv().execute().data

    assert data == ALL_ROWS_CSV


def test_csv_through_async_client(conformance_backend: RunningBackend) -> None:
    async def read() -> Any:
        client = await new_async_client(conformance_backend)
        return (await client.table(TABLE).select("id, label").lte("id", 2).order("id").csv().execute()).data

    assert asyncio.run(read()) == 'id,label\n1,plain\n2,"with, comma"'


def test_csv_sets_content_type(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "id", "id": "eq.1"}, headers={"Accept": "text/csv"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text == "id\n1"


def test_csv_header_follows_select_list(http: httpx.Client) -> None:
    params = {"select": "name:label,id", "id": "eq.2"}

    response = http.get(f"/{TABLE}", params=params, headers={"Accept": "text/csv"})

    assert response.text == 'name,id\n"with, comma",2'


def test_csv_empty_result_is_one_newline(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"id": "eq.0"}, headers={"Accept": "text/csv"})

    assert response.status_code == 200
    assert response.text == "\n"


def test_csv_keeps_content_range_and_count(http: httpx.Client) -> None:
    headers = {"Accept": "text/csv", "Prefer": "count=exact"}

    response = http.get(f"/{TABLE}", params={"select": "id", "limit": "2", "order": "id"}, headers=headers)

    assert response.status_code == 206
    assert response.headers["content-range"] == "0-1/5"
    assert response.text == "id\n1\n2"


def test_csv_head_has_no_body(http: httpx.Client) -> None:
    response = http.head(f"/{TABLE}", headers={"Accept": "text/csv"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content == b""


def test_csv_write_representation(conformance_backend: RunningBackend) -> None:
    headers = {"Accept": "text/csv", "Prefer": "return=representation"}
    with rest_http_client(conformance_backend, conformance_backend.service_role_key) as service:
        try:
            response = service.post(
                f"/{TABLE}?select=id,label", json={"id": 90, "label": "new"}, headers=headers
            )
        finally:
            with connect_db(conformance_backend) as conn:
                conn.execute(f"delete from public.{TABLE} where id = 90")

    assert response.status_code == 201
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines()[1] == "90,new"


def test_csv_preferred_by_quality(http: httpx.Client) -> None:
    headers = {"Accept": "application/json;q=0.5, text/csv"}

    response = http.get(f"/{TABLE}", params={"select": "id", "id": "eq.5"}, headers=headers)

    assert response.text == "id\n5"
