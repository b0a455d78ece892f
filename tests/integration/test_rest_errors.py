"""How /rest/v1 rejects requests: PostgREST's error shape, codes and statuses, and missing features."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from postgrest.exceptions import APIError
from supabase import Client

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_client, rest_http_client, temporary_tables

TABLE = "rest_error_items"

SCHEMA_SQL = f"""
create table public.{TABLE} (id int primary key, name text);
alter table public.{TABLE} enable row level security;
create policy "anyone can read the error-test items" on public.{TABLE} for select using (true);
insert into public.{TABLE} values (1, 'one'), (2, 'two');
"""


@pytest.fixture(scope="module")
def table(backend: RunningBackend) -> Iterator[None]:
    with temporary_tables(backend, SCHEMA_SQL, f"drop table if exists public.{TABLE}"):
        yield


@pytest.fixture(scope="module")
def client(backend: RunningBackend, table: None) -> Client:
    return new_client(backend)


@pytest.fixture(scope="module")
def http(backend: RunningBackend, table: None) -> Iterator[httpx.Client]:
    with rest_http_client(backend, backend.anon_key) as session:
        yield session


def test_error_body_has_postgrest_shape(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"id": "eq.abc"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["proxy-status"] == "PostgREST; error=22P02"
    assert response.json() == {
        "code": "22P02",
        "message": 'invalid input syntax for type integer: "abc"',
        "details": None,
        "hint": None,
    }


def test_unknown_table_is_pgrst205(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table("no_such_table").select("*").execute()

    assert raised.value.code == "PGRST205"
    assert raised.value.message == "Could not find the table 'public.no_such_table' in the schema cache"


def test_misspelt_table_gets_hint(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table("rest_error_itemz").select("*").execute()

    assert raised.value.hint == f"Perhaps you meant the table 'public.{TABLE}'"


def test_unknown_table_on_head_reports_code(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table("no_such_table").select("*", head=True).execute()

    assert raised.value.code == "PGRST205"


def test_table_created_after_start_is_found(backend: RunningBackend, client: Client) -> None:
    with connect_db(backend) as conn:
        conn.execute("drop table if exists public.rest_error_late")
        conn.execute(
            "create table public.rest_error_late (id int);"
            " alter table public.rest_error_late enable row level security"
        )
        try:
            response = client.table("rest_error_late").select("*").execute()
        finally:
            conn.execute("drop table public.rest_error_late")

    assert response.data == []


def test_unknown_column_in_select_is_42703(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table(TABLE).select("id, colour").execute()

    assert raised.value.code == "42703"


def test_unexposed_schema_is_pgrst106(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.schema("private").table(TABLE).select("*").execute()

    assert raised.value.code == "PGRST106"
    assert raised.value.message == "Invalid schema: private"
    assert raised.value.hint == "Only the following schemas are exposed: public"


def test_unexposed_content_profile_is_406(http: httpx.Client) -> None:
    response = http.post(f"/{TABLE}", json={"id": 3}, headers={"Content-Profile": "auth"})

    assert response.status_code == 406
    assert response.json()["code"] == "PGRST106"


@pytest.mark.parametrize(
    ("value", "column"),
    [
        pytest.param("noop.1", 1, id="unknown-operator"),
        pytest.param("in.(1,2", 8, id="unclosed-list"),
        pytest.param("is.maybe", 4, id="bad-is-value"),
        pytest.param("eq", 3, id="missing-delimiter"),
    ],
)
def test_bad_filter_is_pgrst100(http: httpx.Client, value: str, column: int) -> None:
    response = http.get(f"/{TABLE}", params={"id": value})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST100"
    assert response.json()["message"] == f'"failed to parse filter ({value})" (line 1, column {column})'


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("select", "id,,name", id="empty-select-item"),
        pytest.param("select", "id::text;drop", id="select-trailing-text"),
        pytest.param("order", "id.sideways", id="bad-direction"),
        pytest.param("columns", "a,", id="columns-trailing-comma"),
    ],
)
def test_bad_parameter_is_pgrst100(http: httpx.Client, name: str, value: str) -> None:
    response = http.get(f"/{TABLE}", params={name: value})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST100"


def test_negative_limit_is_416(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"limit": "-1"})

    assert response.status_code == 416
    assert response.json()["details"] == "Limit should be greater than or equal to zero."


@pytest.mark.parametrize(
    ("query", "feature"),
    [
        pytest.param({"select": "...profiles(name)"}, "spread", id="spread"),
    ],
)
def test_unsupported_query_names_feature(http: httpx.Client, query: dict[str, str], feature: str) -> None:
    response = http.get(f"/{TABLE}", params=query)

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST127"
    assert feature in response.json()["message"]


def test_spread_through_client_names_feature(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table(TABLE).select("id, ...cities(name)").execute()

    assert raised.value.code == "PGRST127"
    assert raised.value.message == (
        "Feature not implemented: spread of embedded resources (select=...rel(...))"
    )


def test_aggregate_is_pgrst123(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "count()"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST123"


def test_unknown_media_type_is_pgrst107(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", headers={"Accept": "image/png"})

    assert response.status_code == 406
    assert response.json()["code"] == "PGRST107"


def test_unsupported_method_is_pgrst117(http: httpx.Client) -> None:
    response = http.request("TRACE", f"/{TABLE}")

    assert response.status_code == 405
    assert response.json()["code"] == "PGRST117"


def test_nested_path_is_pgrst125(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}/1")

    assert response.status_code == 404
    assert response.json()["code"] == "PGRST125"


def test_strict_handling_rejects_unknown_preference(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", headers={"Prefer": "handling=strict, return=everything"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST122"
    assert response.json()["details"] == "Invalid preferences: return=everything"


def test_lenient_handling_ignores_unknown_preference(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "id"}, headers={"Prefer": "return=everything"})

    assert response.status_code == 200
    assert response.json() == [{"id": 1}, {"id": 2}]


def test_insert_without_policy_as_anon_is_42501(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table(TABLE).insert({"id": 3, "name": "three"}).execute()

    assert raised.value.code == "42501"


def test_write_body_with_other_content_type_is_pgrst102(http: httpx.Client) -> None:
    response = http.post(f"/{TABLE}", content=b"<id>3</id>", headers={"Content-Type": "application/xml"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "PGRST102",
        "message": "Content-Type not acceptable: application/xml",
        "details": None,
        "hint": None,
    }


def test_cast_to_unknown_type_is_42704(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "id::no_such_type"})

    assert response.status_code == 400
    assert response.json()["code"] == "42704"


def test_nul_character_in_filter_is_400(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"name": "eq.a\x00b"})

    assert response.status_code == 400
    assert response.json()["code"] == "22021"
