"""Row-level security as the app meets it: supabase-py, the local auth service and the REST API."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from postgrest.exceptions import APIError
from supabase import Client
from supabase_auth.errors import AuthApiError

from tests.support.backend import RunningBackend
from tests.support.clients import new_client

DEMO_PASSWORD = "demo-password"
ACME_ORDERS = 2500
GLOBEX_ORDERS = 1200
ACME_TEAM_ID = "20000000-0000-4000-8000-000000000001"
GLOBEX_TEAM_ID = "20000000-0000-4000-8000-000000000002"

SignIn = Callable[[str], Client]


@pytest.fixture
def signed_in(backend: RunningBackend) -> Iterator[SignIn]:
    clients: list[Client] = []

    def sign_in(email: str) -> Client:
        client = new_client(backend)
        client.auth.sign_in_with_password({"email": email, "password": DEMO_PASSWORD})
        clients.append(client)
        return client

    yield sign_in
    for client in clients:
        client.auth.sign_out({"scope": "local"})


def order_count(client: Client, team_id: str | None = None) -> int:
    query = client.table("orders").select("id", count="exact", head=True)
    if team_id is not None:
        query = query.eq("team_id", team_id)
    count = query.execute().count
    assert count is not None
    return count


@pytest.mark.parametrize(
    ("email", "acme", "globex"),
    [
        pytest.param("alice@example.com", ACME_ORDERS, 0, id="alice-acme-owner"),
        pytest.param("bob@example.com", ACME_ORDERS, 0, id="bob-acme-member"),
        pytest.param("dave@example.com", ACME_ORDERS, 0, id="dave-acme-viewer"),
        pytest.param("gina@example.com", ACME_ORDERS, GLOBEX_ORDERS, id="gina-acme-member-globex-viewer"),
        pytest.param("carol@example.com", 0, GLOBEX_ORDERS, id="carol-globex-admin"),
        pytest.param("erin@example.com", 0, GLOBEX_ORDERS, id="erin-globex-member"),
        pytest.param("frank@example.com", 0, GLOBEX_ORDERS, id="frank-globex-viewer"),
    ],
)
def test_orders_visible_per_team(signed_in: SignIn, email: str, acme: int, globex: int) -> None:
    client = signed_in(email)

    assert order_count(client, ACME_TEAM_ID) == acme
    assert order_count(client, GLOBEX_TEAM_ID) == globex
    assert order_count(client) == acme + globex


def test_orders_rows_capped_but_counted(signed_in: SignIn) -> None:
    response = signed_in("alice@example.com").table("orders").select("order_no", count="exact").execute()

    assert len(response.data) == 1000
    assert response.count == ACME_ORDERS


def test_orders_anonymous_sees_none(backend: RunningBackend) -> None:
    client = new_client(backend)

    assert client.table("orders").select("id").execute().data == []
    assert order_count(client) == 0
    assert client.table("customers").select("id").execute().data == []


def test_orders_viewer_insert_rejected(signed_in: SignIn) -> None:
    client = signed_in("dave@example.com")
    row = {"team_id": ACME_TEAM_ID, "order_no": "DAVE-1", "ordered_on": "2025-01-02", "amount": 10}

    with pytest.raises(APIError) as raised:
        client.table("orders").insert(row).execute()

    assert raised.value.code == "42501"
    assert "row-level security" in (raised.value.message or "")


def test_orders_member_insert_allowed(signed_in: SignIn) -> None:
    client = signed_in("bob@example.com")
    row = {"team_id": ACME_TEAM_ID, "order_no": "BOB-API-1", "ordered_on": "2025-01-02", "amount": 10}

    inserted = client.table("orders").insert(row).execute().data
    try:
        assert inserted[0]["order_no"] == "BOB-API-1"
        assert inserted[0]["status"] == "open"
    finally:
        # Other tests count Acme's orders in this shared database.
        client.table("orders").delete().eq("order_no", "BOB-API-1").execute()
    assert order_count(client, ACME_TEAM_ID) == ACME_ORDERS


def test_orders_member_cannot_write_other_team(signed_in: SignIn) -> None:
    client = signed_in("bob@example.com")
    row = {"team_id": GLOBEX_TEAM_ID, "order_no": "BOB-GLX-1", "ordered_on": "2025-01-02", "amount": 10}

    with pytest.raises(APIError) as raised:
        client.table("orders").insert(row).execute()

    assert raised.value.code == "42501"


def test_orders_member_update_other_team_changes_nothing(signed_in: SignIn) -> None:
    client = signed_in("bob@example.com")

    updated = client.table("orders").update({"note": "changed"}).eq("team_id", GLOBEX_TEAM_ID).execute()

    assert updated.data == []


def test_sign_in_wrong_password_rejected(backend: RunningBackend) -> None:
    client = new_client(backend)

    with pytest.raises(AuthApiError) as raised:
        client.auth.sign_in_with_password({"email": "alice@example.com", "password": "not-the-password"})

    assert raised.value.code == "invalid_credentials"
    assert raised.value.status == 400
