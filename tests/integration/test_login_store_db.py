"""The database remembered-login store against a running backend, next to the in-memory store.

The behaviour tests run for both stores. The rest cover what only the database store has: the
lease between replicas, the function grants and the private table.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from postgrest.exceptions import APIError
from supabase import Client

from components.login_store import LoginStore, RememberedLoginStore
from components.login_store_db import BUSY_TIMEOUT_SECONDS, DatabaseLoginStore
from tests.support.backend import RunningBackend
from tests.support.clients import Connection, new_client

DEMO_EMAIL = "alice@example.com"
DEMO_PASSWORD = "demo-password"


@pytest.fixture(scope="module")
def access_token(backend: RunningBackend) -> Iterator[str]:
    client = new_client(backend)
    response = client.auth.sign_in_with_password({"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert response.session is not None
    yield response.session.access_token
    client.auth.sign_out({"scope": "local"})


def database_store(
    backend: RunningBackend, key: bytes | None = None, busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS
) -> DatabaseLoginStore:
    anon = new_client(backend)

    def client_for(token: str | None) -> Client:
        return anon if token is None else new_client(backend, access_token=token)

    return DatabaseLoginStore(
        key or Fernet.generate_key(), client_for, busy_timeout_seconds=busy_timeout_seconds
    )


@pytest.fixture(params=["memory", "database"])
def store(request: pytest.FixtureRequest, backend: RunningBackend) -> LoginStore:
    if request.param == "memory":
        return RememberedLoginStore()
    return database_store(backend)


def test_store_checkout_yields_created_token(store: LoginStore, access_token: str) -> None:
    handle = store.create("refresh-token-1", 3600, access_token)

    with store.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "refresh-token-1"


def test_store_replace_stores_rotated_token(store: LoginStore, access_token: str) -> None:
    handle = store.create("refresh-token-1", 3600, access_token)
    with store.checkout(handle) as slot:
        assert slot is not None
        slot.replace("refresh-token-2")

    with store.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "refresh-token-2"


def test_store_unknown_handle_yields_none(store: LoginStore) -> None:
    with store.checkout("not-a-handle") as slot:
        assert slot is None


def test_store_deleted_handle_yields_none(store: LoginStore, access_token: str) -> None:
    handle = store.create("refresh-token-1", 3600, access_token)

    store.delete(handle)

    with store.checkout(handle) as slot:
        assert slot is None
    assert not store.contains(handle)


def test_store_refreshes_never_overlap(store: LoginStore, access_token: str) -> None:
    handle = store.create("token-0", 3600, access_token)
    inside = 0
    max_inside = 0
    seen: list[str] = []
    counter_lock = threading.Lock()

    def refresh() -> None:
        nonlocal inside, max_inside
        with store.checkout(handle) as slot:
            assert slot is not None
            with counter_lock:
                inside += 1
                max_inside = max(max_inside, inside)
            seen.append(slot.refresh_token)
            time.sleep(0.01)
            # Each refresh rotates the token, as the auth server does.
            slot.replace(f"token-{int(slot.refresh_token.split('-')[1]) + 1}")
            with counter_lock:
                inside -= 1

    threads = [threading.Thread(target=refresh) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert max_inside == 1
    assert sorted(seen, key=lambda token: int(token.split("-")[1])) == [f"token-{n}" for n in range(5)]
    with store.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "token-5"


def test_database_store_second_checkout_busy_until_release(
    backend: RunningBackend, access_token: str
) -> None:
    key = Fernet.generate_key()
    first = database_store(backend, key)
    second = database_store(backend, key, busy_timeout_seconds=0.3)
    handle = first.create("refresh-token-1", 3600, access_token)

    with first.checkout(handle) as slot:
        assert slot is not None
        with second.checkout(handle) as busy_slot:
            assert busy_slot is None

    with second.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "refresh-token-1"


def test_database_store_expired_handle_yields_none(backend: RunningBackend, access_token: str) -> None:
    store = database_store(backend)
    handle = store.create("refresh-token-1", 1, access_token)

    time.sleep(1.5)

    with store.checkout(handle) as slot:
        assert slot is None


def test_database_store_other_key_cannot_decrypt(backend: RunningBackend, access_token: str) -> None:
    handle = database_store(backend).create("refresh-token-1", 3600, access_token)

    with database_store(backend).checkout(handle) as slot:
        assert slot is None


def test_database_store_anon_cannot_create(backend: RunningBackend) -> None:
    params = {"handle": "anon-handle", "encrypted_token": "x", "lifetime_seconds": 60}

    with pytest.raises(APIError) as error:
        new_client(backend).rpc("remembered_login_create", params).execute()

    assert error.value.code == "42501"


def test_database_store_create_without_access_token_rejected(backend: RunningBackend) -> None:
    with pytest.raises(ValueError, match="access token"):
        database_store(backend).create("refresh-token-1", 3600)


def test_remembered_logins_table_not_served(backend: RunningBackend) -> None:
    client = new_client(backend, backend.service_role_key)

    with pytest.raises(APIError) as error:
        client.schema("private").table("remembered_logins").select("*").execute()

    assert error.value.code == "PGRST106"


def test_remembered_logins_stores_hash_and_ciphertext(
    backend: RunningBackend, access_token: str, db: Connection
) -> None:
    key = Fernet.generate_key()
    handle = database_store(backend, key).create("refresh-token-1", 3600, access_token)

    row = db.execute(
        "select handle_hash, encrypted_token, user_id::text from private.remembered_logins "
        "where handle_hash = encode(sha256(convert_to(%s, 'UTF8')), 'hex')",
        (handle,),
    ).fetchone()

    assert row is not None
    assert handle not in row
    assert "refresh-token-1" not in row[1]
    assert Fernet(key).decrypt(row[1].encode()) == b"refresh-token-1"
    assert row[2] is not None


def test_remembered_login_checkout_returns_no_handle_or_hash(
    backend: RunningBackend, access_token: str, db: Connection
) -> None:
    handle = database_store(backend).create("refresh-token-1", 3600, access_token)
    (handle_hash,) = db.execute(
        "select encode(sha256(convert_to(%s, 'UTF8')), 'hex')", (handle,)
    ).fetchone() or ("",)

    rows = (
        new_client(backend)
        .rpc("remembered_login_checkout", {"handle": handle, "lease_seconds": 30})
        .execute()
        .data
    )

    assert [row["status"] for row in rows] == ["ok"]
    assert set(rows[0]) == {"status", "encrypted_token", "lease_id"}
    assert handle not in str(rows)
    assert handle_hash not in str(rows)
