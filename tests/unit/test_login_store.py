"""The remembered-login store: hashed handles, encrypted tokens, one refresh per handle at a time."""

import hashlib
import threading
import time

from cryptography.fernet import Fernet

from components.login_store import RememberedLoginStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_store_keeps_only_handle_hash():
    store = RememberedLoginStore()
    handle = store.create("refresh-token-1", 3600)

    assert store.stored_hashes() == [hashlib.sha256(handle.encode()).hexdigest()]
    assert handle not in store.stored_hashes()


def test_login_store_encrypts_refresh_token():
    key = Fernet.generate_key()
    store = RememberedLoginStore(key)
    handle = store.create("refresh-token-1", 3600)

    encrypted = store.encrypted_token(handle)

    assert encrypted is not None
    assert b"refresh-token-1" not in encrypted
    assert Fernet(key).decrypt(encrypted) == b"refresh-token-1"


def test_login_store_checkout_yields_token():
    store = RememberedLoginStore()
    handle = store.create("refresh-token-1", 3600)

    with store.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "refresh-token-1"


def test_login_store_replace_stores_rotated_token():
    store = RememberedLoginStore()
    handle = store.create("refresh-token-1", 3600)
    with store.checkout(handle) as slot:
        assert slot is not None
        slot.replace("refresh-token-2")

    with store.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "refresh-token-2"


def test_login_store_unknown_handle_yields_none():
    store = RememberedLoginStore()
    store.create("refresh-token-1", 3600)

    with store.checkout("not-a-handle") as slot:
        assert slot is None


def test_login_store_deleted_handle_yields_none():
    store = RememberedLoginStore()
    handle = store.create("refresh-token-1", 3600)

    store.delete(handle)

    with store.checkout(handle) as slot:
        assert slot is None


def test_login_store_expired_handle_yields_none():
    clock = FakeClock()
    store = RememberedLoginStore(clock=clock)
    handle = store.create("refresh-token-1", 60)

    clock.now += 61

    with store.checkout(handle) as slot:
        assert slot is None
    assert not store.contains(handle)


def test_login_store_other_key_cannot_decrypt():
    first = RememberedLoginStore(Fernet.generate_key())
    handle = first.create("refresh-token-1", 3600)
    encrypted = first.encrypted_token(handle)

    second = RememberedLoginStore(Fernet.generate_key())
    second._entries = first._entries  # the same stored rows read with another key

    assert encrypted is not None
    with second.checkout(handle) as slot:
        assert slot is None


def test_login_store_refreshes_never_overlap():
    store = RememberedLoginStore()
    handle = store.create("token-0", 3600)
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

    threads = [threading.Thread(target=refresh) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert max_inside == 1
    assert sorted(seen, key=lambda token: int(token.split("-")[1])) == [f"token-{n}" for n in range(10)]
    with store.checkout(handle) as slot:
        assert slot is not None
        assert slot.refresh_token == "token-10"
