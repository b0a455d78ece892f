"""The HTTP status of every SQLSTATE class PostgREST maps, raised by a function and read through /rest/v1.

`rpc_fail(code)` raises the given SQLSTATE, so one request per row of the mapping checks the status, the
`code` in the body and the Proxy-Status header.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from postgrest.exceptions import APIError
from supabase import Client

from tests.support.backend import RunningBackend
from tests.support.clients import new_client, rest_http_client

# SQLSTATE, HTTP status as PostgREST 13 maps it (its mapSQLtoHTTP), and what the code means.
STATUS_BY_SQLSTATE = [
    ("23503", 409, "foreign key violation"),
    ("23505", 409, "unique violation"),
    ("23502", 400, "not null violation"),
    ("22P02", 400, "invalid text representation"),
    ("22023", 400, "invalid parameter value"),
    ("42703", 400, "undefined column"),
    ("42P10", 400, "invalid column reference, one of the codes without a rule of its own"),
    ("P0001", 400, "RAISE without a code"),
    ("21000", 500, "cardinality violation"),
    ("42P01", 404, "undefined table"),
    ("42883", 404, "undefined function"),
    ("25006", 405, "read-only transaction"),
    ("25001", 500, "other invalid transaction state"),
    ("42P17", 500, "infinite recursion"),
    ("08006", 503, "connection failure"),
    ("53100", 503, "disk full"),
    ("53400", 500, "configuration limit exceeded"),
    ("57P01", 503, "admin shutdown"),
    ("57014", 500, "query canceled, as by statement_timeout"),
    ("40001", 500, "serialization failure"),
    ("54000", 500, "program limit exceeded"),
    ("55000", 500, "object not in prerequisite state"),
    ("58000", 500, "system error"),
    ("09000", 500, "triggered action exception"),
    ("0L000", 403, "invalid grantor"),
    ("0P000", 403, "invalid role specification"),
    ("28000", 403, "invalid authorization specification"),
    ("2D000", 500, "invalid transaction termination"),
    ("38000", 500, "external routine exception"),
    ("39000", 500, "external routine invocation exception"),
    ("3B000", 500, "savepoint exception"),
    ("F0000", 500, "configuration file error"),
    ("HV000", 500, "foreign data wrapper error"),
    ("P0002", 500, "no data found in PL/pgSQL"),
    ("XX000", 500, "internal error"),
    ("PT418", 418, "custom status from a PTxyz code"),
]


@pytest.fixture(scope="module")
def anon_http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


@pytest.fixture(scope="module")
def service_http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.service_role_key) as session:
        yield session


@pytest.mark.parametrize(
    ("sqlstate", "status"),
    [pytest.param(code, status, id=f"{code}-{status}") for code, status, _ in STATUS_BY_SQLSTATE],
)
def test_sqlstate_maps_to_status(service_http: httpx.Client, sqlstate: str, status: int) -> None:
    response = service_http.post("/rpc/rpc_fail", json={"code": sqlstate})

    assert response.status_code == status
    assert response.json() == {
        "code": sqlstate,
        "message": f"failed with {sqlstate}",
        "details": None,
        "hint": None,
    }
    assert response.headers["proxy-status"] == f"PostgREST; error={sqlstate}"


def test_insufficient_privilege_as_anon_is_401(anon_http: httpx.Client) -> None:
    response = anon_http.post("/rpc/rpc_fail", json={"code": "42501"})

    assert response.status_code == 401
    assert response.json()["code"] == "42501"
    assert response.headers["www-authenticate"] == "Bearer"


def test_insufficient_privilege_with_token_is_403(service_http: httpx.Client) -> None:
    response = service_http.post("/rpc/rpc_fail", json={"code": "42501"})

    assert response.status_code == 403
    assert response.json()["code"] == "42501"


def test_sqlstate_reaches_client_as_api_error(conformance_backend: RunningBackend) -> None:
    client: Client = new_client(conformance_backend)

    with pytest.raises(APIError) as raised:
        client.rpc("rpc_fail", {"code": "23505"}).execute()

    assert raised.value.code == "23505"
    assert raised.value.message == "failed with 23505"
