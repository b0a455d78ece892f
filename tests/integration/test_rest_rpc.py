"""Function calls through /rest/v1/rpc with supabase-py's sync and async clients and plain HTTP.

The functions live in the conformance project's migrations; their names start with `rpc_`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from postgrest.exceptions import APIError
from supabase import Client

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_async_client, new_client, rest_http_client


@pytest.fixture(scope="module")
def client(conformance_backend: RunningBackend) -> Client:
    return new_client(conformance_backend)


@pytest.fixture(scope="module")
def service(conformance_backend: RunningBackend) -> Client:
    return new_client(conformance_backend, conformance_backend.service_role_key)


@pytest.fixture(scope="module")
def http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


def call_async(backend: RunningBackend, function: str, params: dict[str, Any], *, get: bool = False) -> Any:
    """Call `function` through supabase-py's async client and return the response data."""

    async def call() -> Any:
        client = await new_async_client(backend)
        return (await client.rpc(function, params, get=get).execute()).data

    return asyncio.run(call())


def test_rpc_scalar_returns_bare_value(client: Client) -> None:
    assert client.rpc("rpc_add", {"a": 1, "b": 2}).execute().data == 3


def test_rpc_scalar_async_returns_bare_value(conformance_backend: RunningBackend) -> None:
    assert call_async(conformance_backend, "rpc_add", {"a": 4, "b": 5}) == 9


def test_rpc_get_passes_query_arguments(client: Client) -> None:
    assert client.rpc("rpc_add", {"a": 10, "b": 20}, get=True).execute().data == 30


def test_rpc_get_async_passes_query_arguments(conformance_backend: RunningBackend) -> None:
    assert call_async(conformance_backend, "rpc_add", {"a": 2, "b": 2}, get=True) == 4


def test_rpc_scalar_response_headers(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_add", json={"a": 1, "b": 2})

    assert response.status_code == 200
    assert response.text == "3"
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["content-range"] == "0-0/*"


def test_rpc_null_scalar_is_json_null(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_nothing", json={})

    assert response.status_code == 200
    assert response.text == "null"


def test_rpc_default_argument_may_be_left_out(client: Client) -> None:
    assert client.rpc("rpc_greet", {"name": "Ann"}).execute().data == "Hello, Ann"


def test_rpc_default_argument_may_be_given(client: Client) -> None:
    assert client.rpc("rpc_greet", {"name": "Ann", "greeting": "Hi"}).execute().data == "Hi, Ann"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"item_id": 2}, "banana", id="by-id"),
        pytest.param({"item_name": "fig", "suffix": "!"}, "fig!", id="by-name-and-suffix"),
    ],
)
def test_rpc_overload_chosen_by_names(client: Client, params: dict[str, Any], expected: str) -> None:
    assert client.rpc("rpc_describe", params).execute().data == expected


def test_rpc_ambiguous_overload_is_pgrst203(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_pick", json={"x": 1})

    assert response.status_code == 300
    assert response.json() == {
        "code": "PGRST203",
        "message": "Could not choose the best candidate function between: "
        "public.rpc_pick(x => integer), public.rpc_pick(x => text)",
        "details": None,
        "hint": "Try renaming the parameters or the function itself in the database so function "
        "overloading can be resolved",
    }


def test_rpc_unknown_function_is_pgrst202(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.rpc("rpc_ad", {"a": 1, "b": 2}).execute()

    assert raised.value.code == "PGRST202"
    assert raised.value.message == "Could not find the function public.rpc_ad(a, b) in the schema cache"
    assert raised.value.details == (
        "Searched for the function public.rpc_ad with parameters a, b or with a single unnamed json/jsonb "
        "parameter, but no matches were found in the schema cache."
    )
    assert raised.value.hint == "Perhaps you meant to call the function public.rpc_add"


def test_rpc_unknown_function_status_is_404(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_no_such_function", json={})

    assert response.status_code == 404
    assert response.json()["message"] == (
        "Could not find the function public.rpc_no_such_function without parameters in the schema cache"
    )
    assert response.json()["hint"] is None


def test_rpc_wrong_argument_names_is_pgrst202(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_add", json={"a": 1, "c": 2})

    assert response.status_code == 404
    assert response.json()["code"] == "PGRST202"
    assert response.json()["hint"] == "Perhaps you meant to call the function public.rpc_add(a, b)"


def test_rpc_get_unknown_function_has_no_json_fallback(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_ad", params={"a": "1"})

    assert response.json()["details"] == (
        "Searched for the function public.rpc_ad with parameter a, "
        "but no matches were found in the schema cache."
    )


def test_rpc_set_returns_array_of_rows(client: Client) -> None:
    data = client.rpc("rpc_items_above", {"min_price": 1}).execute().data

    assert data == [
        {"id": 1, "name": "apple", "price": 1.5, "tags": ["red", "fruit"]},
        {"id": 3, "name": "cherry", "price": 12.0, "tags": ["red"]},
    ]


def test_rpc_set_async_returns_array_of_rows(conformance_backend: RunningBackend) -> None:
    data = call_async(conformance_backend, "rpc_items_above", {"min_price": 1})

    assert [row["id"] for row in data] == [1, 3]


def test_rpc_set_of_scalars_returns_array_of_values(client: Client) -> None:
    assert client.rpc("rpc_item_names", {}).execute().data == ["apple", "banana", "cherry", "date"]


def test_rpc_table_function_returns_rows(client: Client) -> None:
    data = client.rpc("rpc_series", {"n": 3}).execute().data

    assert data == [{"value": 1, "square": 1}, {"value": 2, "square": 4}, {"value": 3, "square": 9}]


def test_rpc_composite_returns_object(client: Client) -> None:
    data = client.rpc("rpc_first_item", {}).execute().data

    assert data == {"id": 1, "name": "apple", "price": 1.5, "tags": ["red", "fruit"]}


def test_rpc_out_parameters_return_object(client: Client) -> None:
    assert client.rpc("rpc_price_range", {}).execute().data == {"low": 0.25, "high": 12.0}


def test_rpc_result_filters_apply(client: Client) -> None:
    data = client.rpc("rpc_items_above", {"min_price": 0}).eq("name", "cherry").execute().data

    assert [row["id"] for row in data] == [3]


def test_rpc_result_select_order_limit_apply(client: Client) -> None:
    query = client.rpc("rpc_items_above", {"min_price": 0}).select("id, name").order("id", desc=True).limit(2)

    assert query.execute().data == [{"id": 3, "name": "cherry"}, {"id": 2, "name": "banana"}]


def test_rpc_get_filters_apply_beside_arguments(client: Client) -> None:
    data = client.rpc("rpc_items_above", {"min_price": 0}, get=True).gt("id", 1).execute().data

    assert [row["id"] for row in data] == [2, 3]


def test_rpc_result_capped_at_max_rows(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_series", params={"n": "1500"}, headers={"Prefer": "count=exact"})

    assert response.status_code == 206
    assert response.headers["content-range"] == "0-999/1500"
    assert len(response.json()) == 1000


def test_rpc_count_exact_reports_total(client: Client) -> None:
    response = client.rpc("rpc_items_above", {"min_price": 0}, count="exact").limit(1).execute()

    assert response.count == 3
    assert len(response.data) == 1


def test_rpc_head_returns_count_without_body(client: Client) -> None:
    response = client.rpc("rpc_items_above", {"min_price": 0}, count="exact", head=True).execute()

    assert response.count == 3
    assert response.data == []


def test_rpc_head_keeps_headers(http: httpx.Client) -> None:
    response = http.head("/rpc/rpc_items_above", params={"min_price": "0"}, headers={"Prefer": "count=exact"})

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-range"] == "0-2/3"


def test_rpc_get_array_literal_argument(client: Client) -> None:
    assert client.rpc("rpc_sum", {"numbers": [1, 2, 3]}, get=True).execute().data == 6


def test_rpc_get_array_literal_over_http(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_sum", params={"numbers": "{4,5}"})

    assert response.json() == 9


def test_rpc_post_json_array_and_object_arguments(client: Client) -> None:
    data = client.rpc("rpc_tag_count", {"tags": ["a", "b"], "extra": {"x": 1}}).execute().data

    assert data == 3


def test_rpc_single_unnamed_json_parameter_gets_body(client: Client) -> None:
    assert client.rpc("rpc_echo", {"anything": [1, None]}).execute().data == {"anything": [1, None]}


def test_rpc_void_returns_204(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_log", json={"note": "void-status"})

    assert response.status_code == 204
    assert response.content == b""


def test_rpc_void_through_client_returns_empty_data(client: Client) -> None:
    assert client.rpc("rpc_log", {"note": "void-client"}).execute().data == []


def test_rpc_volatile_post_commits_write(client: Client, conformance_backend: RunningBackend) -> None:
    client.rpc("rpc_log", {"note": "committed-write"}).execute()

    with connect_db(conformance_backend) as conn:
        row = conn.execute("select count(*) from public.rpc_calls where note = 'committed-write'").fetchone()
    assert row == (1,)


def test_rpc_get_of_writing_function_is_405(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.rpc("rpc_log", {"note": "read-only"}, get=True).execute()

    assert raised.value.code == "25006"
    assert raised.value.message == "cannot execute INSERT in a read-only transaction"


def test_rpc_get_of_writing_function_status(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_log", params={"note": "read-only-status"})

    assert response.status_code == 405


def test_rpc_volatile_returns_written_row(service: Client) -> None:
    data = service.rpc("rpc_add_item", {"item_id": 100, "item_name": "fig"}).execute().data

    assert data == {"id": 100, "name": "fig", "price": None, "tags": None}


def test_rpc_single_returns_object(client: Client) -> None:
    data = client.rpc("rpc_items_above", {"min_price": 10}).single().execute().data

    assert data == {"id": 3, "name": "cherry", "price": 12.0, "tags": ["red"]}


def test_rpc_single_with_many_rows_is_pgrst116(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.rpc("rpc_items_above", {"min_price": 0}).single().execute()

    assert raised.value.code == "PGRST116"
    assert raised.value.details == "The result contains 3 rows"


def test_rpc_execute_privilege_is_checked_for_anon(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.rpc("rpc_private", {}).execute()

    assert raised.value.code == "42501"


def test_rpc_execute_privilege_granted_to_service_role(service: Client) -> None:
    assert service.rpc("rpc_private", {}).execute().data == "secret"


def test_rpc_runs_as_request_role(client: Client, service: Client) -> None:
    assert client.rpc("rpc_whoami", {}).execute().data == "anon"
    assert service.rpc("rpc_whoami", {}).execute().data == "service_role"


def test_rpc_in_second_exposed_schema(client: Client) -> None:
    assert client.schema("rpc_api").rpc("rpc_version", {}).execute().data == "v2"


def test_rpc_in_second_schema_async(conformance_backend: RunningBackend) -> None:
    async def call() -> Any:
        client = await new_async_client(conformance_backend)
        return (await client.schema("rpc_api").rpc("rpc_version", {}).execute()).data

    assert asyncio.run(call()) == "v2"


def test_rpc_of_other_schema_not_found_in_default(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_version", json={})

    assert response.status_code == 404
    assert response.json()["code"] == "PGRST202"


def test_rpc_unexposed_schema_is_pgrst106(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.schema("rpc_hidden").rpc("rpc_secret", {}).execute()

    assert raised.value.code == "PGRST106"
    assert raised.value.message == "Invalid schema: rpc_hidden"
    assert raised.value.hint == "Only the following schemas are exposed: public, rpc_api"


def test_rpc_function_outside_exposed_schemas_not_found(http: httpx.Client) -> None:
    for name in ("rpc_secret", "pg_sleep", "version"):
        response = http.post(f"/rpc/{name}", json={})

        assert response.status_code == 404, name
        assert response.json()["code"] == "PGRST202", name


def test_rpc_put_is_pgrst117(http: httpx.Client) -> None:
    response = http.put("/rpc/rpc_add", json={"a": 1, "b": 2})

    assert response.status_code == 405
    assert response.json()["code"] == "PGRST117"


def test_rpc_invalid_json_body_is_pgrst102(http: httpx.Client) -> None:
    response = http.post("/rpc/rpc_add", content=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST102"


def test_rpc_argument_of_wrong_type_is_22p02(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.rpc("rpc_add", {"a": "one", "b": 2}).execute()

    assert raised.value.code == "22P02"


def test_rpc_csv_output(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_series", params={"n": "2"}, headers={"Accept": "text/csv"})

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text == "value,square\n1,1\n2,4"


def test_rpc_embedding_names_unsupported_feature(http: httpx.Client) -> None:
    response = http.get("/rpc/rpc_items_above", params={"min_price": "0", "select": "id,rpc_calls(*)"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST127"
    assert "resource embedding on function results" in response.json()["message"]


DROP_LATE_FUNCTIONS = "drop function if exists public.rpc_late(int), public.rpc_late(int, int)"


def test_rpc_function_changed_after_start_is_found(
    client: Client, conformance_backend: RunningBackend
) -> None:
    with connect_db(conformance_backend) as conn:
        conn.execute(DROP_LATE_FUNCTIONS)
        conn.execute("create function public.rpc_late(x int) returns int language sql as $$ select x * 2 $$")
        try:
            first = client.rpc("rpc_late", {"x": 2}).execute().data
            conn.execute("drop function public.rpc_late(int)")
            conn.execute(
                "create function public.rpc_late(y int, z int) returns int language sql as $$ select y + z $$"
            )
            second = client.rpc("rpc_late", {"y": 1, "z": 2}).execute().data
        finally:
            conn.execute(DROP_LATE_FUNCTIONS)

    assert first == 4
    assert second == 3
