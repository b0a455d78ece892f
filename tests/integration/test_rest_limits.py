"""Limits around /rest/v1: the URL length gateway check (414), `Prefer: tx` and the exposed-schema list."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from postgrest.exceptions import APIError
from supabase import Client

from tests.integration.conftest import CONFORMANCE_PROJECT
from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_async_client, new_client, rest_http_client

# The default of --max-url-length: path plus query string, in bytes.
DEFAULT_MAX_URL_LENGTH = 8192
SMALL_URL_LIMIT = 200


@pytest.fixture(scope="module")
def client(conformance_backend: RunningBackend) -> Client:
    return new_client(conformance_backend)


@pytest.fixture(scope="module")
def http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


@pytest.fixture(scope="module")
def service_http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.service_role_key) as session:
        yield session


@pytest.fixture(scope="module")
def configured_backend(backend_factory: Any) -> RunningBackend:
    """A backend set up through environment variables: a short URL limit and `rpc_api` as the only schema."""
    env = {"LOCAL_SUPABASE_MAX_URL_LENGTH": str(SMALL_URL_LIMIT), "LOCAL_SUPABASE_SCHEMAS": "rpc_api"}
    running: RunningBackend = backend_factory(CONFORMANCE_PROJECT, env=env)
    return running


def padded_path(length: int) -> str:
    """Return a `/rest/v1/cnt_rows?...` target of exactly `length` bytes, filtering on a long value."""
    prefix = "/rest/v1/cnt_rows?select=id&id=gt.0&pad=eq."
    return prefix + "x" * (length - len(prefix))


def test_url_over_limit_is_414(http: httpx.Client, conformance_backend: RunningBackend) -> None:
    response = httpx.get(
        conformance_backend.api_url + padded_path(DEFAULT_MAX_URL_LENGTH + 1), headers=dict(http.headers)
    )

    assert response.status_code == 414
    assert response.json() == {"message": "URI too long"}


def test_url_at_limit_reaches_api(http: httpx.Client, conformance_backend: RunningBackend) -> None:
    response = httpx.get(
        conformance_backend.api_url + padded_path(DEFAULT_MAX_URL_LENGTH), headers=dict(http.headers)
    )

    # The request got past the gateway: PostgREST's own error for the unknown column.
    assert response.status_code == 400
    assert response.json()["code"] == "42703"


def test_long_in_filter_through_client_is_414(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table("cnt_rows").select("id").in_("id", list(range(3000))).execute()

    assert raised.value.message == "URI too long"


def test_url_limit_applies_before_api_key_check(conformance_backend: RunningBackend) -> None:
    response = httpx.get(conformance_backend.api_url + "/auth/v1/settings?x=" + "y" * DEFAULT_MAX_URL_LENGTH)

    assert response.status_code == 414


def test_url_limit_from_environment(configured_backend: RunningBackend) -> None:
    headers = {"apikey": configured_backend.anon_key}

    too_long = httpx.get(configured_backend.api_url + padded_path(SMALL_URL_LIMIT + 1), headers=headers)
    at_limit = httpx.get(configured_backend.api_url + padded_path(SMALL_URL_LIMIT), headers=headers)

    assert too_long.status_code == 414
    assert at_limit.status_code != 414


def test_tx_rollback_is_ignored_and_commits(
    service_http: httpx.Client, conformance_backend: RunningBackend
) -> None:
    headers = {"Prefer": "tx=rollback, return=representation"}

    response = service_http.post("/rpc_calls", json={"note": "tx-rollback-ignored"}, headers=headers)

    assert response.status_code == 201
    assert response.headers["preference-applied"] == "return=representation"
    with connect_db(conformance_backend) as conn:
        row = conn.execute(
            "select count(*) from public.rpc_calls where note = 'tx-rollback-ignored'"
        ).fetchone()
    assert row == (1,)


def test_tx_rollback_is_valid_under_strict_handling(http: httpx.Client) -> None:
    response = http.get(
        "/rpc_items",
        params={"select": "id", "id": "eq.1"},
        headers={"Prefer": "handling=strict, tx=rollback"},
    )

    assert response.status_code == 200
    assert response.json() == [{"id": 1}]


def test_schema_second_exposed_schema_read(client: Client) -> None:
    data = client.schema("rpc_api").table("rpc_notes").select("*").execute().data

    assert data == [{"id": 1, "body": "from the api schema"}]


def test_schema_second_exposed_schema_read_async(conformance_backend: RunningBackend) -> None:
    async def read() -> Any:
        client = await new_async_client(conformance_backend)
        return (await client.schema("rpc_api").table("rpc_notes").select("id").execute()).data

    assert asyncio.run(read()) == [{"id": 1}]


def test_schema_head_on_second_schema(http: httpx.Client) -> None:
    response = http.head("/rpc_notes", headers={"Accept-Profile": "rpc_api", "Prefer": "count=exact"})

    assert response.status_code == 200
    assert response.headers["content-range"] == "0-0/1"


def test_schema_other_schema_table_not_found(http: httpx.Client) -> None:
    response = http.get("/rpc_notes")

    assert response.status_code == 404
    assert response.json()["code"] == "PGRST205"


@pytest.mark.parametrize(
    ("method", "path", "header"),
    [
        pytest.param("GET", "/rpc_secrets", "Accept-Profile", id="read"),
        pytest.param("HEAD", "/rpc_secrets", "Accept-Profile", id="head"),
        pytest.param("POST", "/rpc_secrets", "Content-Profile", id="write"),
        pytest.param("POST", "/rpc/rpc_secret", "Content-Profile", id="rpc-post"),
        pytest.param("GET", "/rpc/rpc_secret", "Accept-Profile", id="rpc-get"),
    ],
)
def test_schema_unexposed_is_pgrst106(http: httpx.Client, method: str, path: str, header: str) -> None:
    response = http.request(
        method, path, headers={header: "rpc_hidden"}, json=None if method != "POST" else {}
    )

    assert response.status_code == 406
    assert response.headers["proxy-status"] == "PostgREST; error=PGRST106"
    if method != "HEAD":
        assert response.json() == {
            "code": "PGRST106",
            "message": "Invalid schema: rpc_hidden",
            "details": None,
            "hint": "Only the following schemas are exposed: public, rpc_api",
        }


def test_schema_unexposed_through_client(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.schema("rpc_hidden").table("rpc_secrets").select("*").execute()

    assert raised.value.code == "PGRST106"


def test_schema_qualified_table_name_not_found(http: httpx.Client) -> None:
    response = http.get("/rpc_hidden.rpc_secrets")

    assert response.status_code == 404
    assert response.json()["code"] == "PGRST205"


def test_schema_list_from_environment_sets_default(configured_backend: RunningBackend) -> None:
    # Without a profile header the first exposed schema is used.
    with rest_http_client(configured_backend, configured_backend.anon_key) as session:
        response = session.get("/rpc_notes", params={"select": "id"})

    assert response.status_code == 200
    assert response.json() == [{"id": 1}]


def test_schema_list_from_environment_hides_public(configured_backend: RunningBackend) -> None:
    # supabase-py sends `Accept-Profile: public` unless `.schema()` names another schema.
    client = new_client(configured_backend)

    with pytest.raises(APIError) as raised:
        client.table("rpc_items").select("id").execute()

    assert raised.value.code == "PGRST106"
    assert raised.value.hint == "Only the following schemas are exposed: rpc_api"
