"""The OAuth flow store: single use, expiry, bounded size and many sign-ins at once."""

import threading

from components.flow_store import FlowStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_flow_store_take_returns_stored_flow():
    store = FlowStore()
    state = store.put("verifier-1", "tables", {"q": "x"}, keep_days=14)

    flow = store.take(state)

    assert flow is not None
    assert flow.code_verifier == "verifier-1"
    assert flow.page_path == "tables"
    assert flow.query == {"q": "x"}
    assert flow.keep_days == 14


def test_flow_store_second_take_returns_none():
    store = FlowStore()
    state = store.put("verifier-1")
    store.take(state)

    assert store.take(state) is None


def test_flow_store_unknown_state_returns_none():
    store = FlowStore()
    store.put("verifier-1")

    assert store.take("forged-state") is None


def test_flow_store_expired_flow_returns_none():
    clock = FakeClock()
    store = FlowStore(lifetime_seconds=300, clock=clock)
    state = store.put("verifier-1")

    clock.now += 301

    assert store.take(state) is None


def test_flow_store_flow_within_lifetime_is_returned():
    clock = FakeClock()
    store = FlowStore(lifetime_seconds=300, clock=clock)
    state = store.put("verifier-1")

    clock.now += 299

    assert store.take(state) is not None


def test_flow_store_put_drops_expired_flows():
    clock = FakeClock()
    store = FlowStore(lifetime_seconds=300, clock=clock)
    store.put("old")
    clock.now += 301

    store.put("new")

    assert len(store) == 1


def test_flow_store_full_store_drops_oldest_flow():
    store = FlowStore(max_flows=2)
    oldest = store.put("v1")
    second = store.put("v2")
    third = store.put("v3")

    assert store.take(oldest) is None
    assert store.take(second) is not None
    assert store.take(third) is not None


def test_flow_store_states_are_unique_and_long():
    store = FlowStore()
    states = {store.put("v") for _ in range(1000)}

    assert len(states) == 1000
    assert min(len(state) for state in states) >= 40


def test_flow_store_concurrent_flows_each_return_own_verifier():
    store = FlowStore()
    results: dict[int, str | None] = {}
    barrier = threading.Barrier(32)

    def sign_in(number: int) -> None:
        barrier.wait()
        state = store.put(f"verifier-{number}")
        flow = store.take(state)
        results[number] = flow.code_verifier if flow else None

    threads = [threading.Thread(target=sign_in, args=(number,)) for number in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {number: f"verifier-{number}" for number in range(32)}


def test_flow_store_parallel_takes_succeed_once():
    store = FlowStore()
    state = store.put("verifier")
    taken: list[object] = []
    barrier = threading.Barrier(16)

    def take() -> None:
        barrier.wait()
        taken.append(store.take(state))

    threads = [threading.Thread(target=take) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len([flow for flow in taken if flow is not None]) == 1
