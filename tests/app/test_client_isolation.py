"""One Supabase client per browser session: after two sign-ins, each client is reachable only from its own
session's state, and from no module global or cache that another session could reach."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from streamlit.testing.v1 import AppTest
from supabase import Client

from components.session import SUPABASE_CLIENT
from tests.support.backend import RunningBackend

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DEMO_PASSWORD = "demo-password"
# Enough to walk everything module globals reach in this process, with room to spare.
MAX_VISITED = 3_000_000


def signed_in_app(backend: RunningBackend, email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["SUPABASE_URL"] = backend.api_url
    at.secrets["SUPABASE_KEY"] = backend.anon_key
    at.run()
    inputs = {widget.label: widget for widget in at.text_input}
    inputs["Email"].input(email)
    inputs["Password"].input(DEMO_PASSWORD)
    next(widget for widget in at.button if widget.label == "Sign in").click()
    at.run()
    assert not at.exception
    return at


def module_namespaces() -> list[dict[str, Any]]:
    return [vars(module) for module in list(sys.modules.values()) if isinstance(module, ModuleType)]


def reachable_clients(roots: Iterable[Any], skip: set[int]) -> set[int]:
    """Return the ids of the Client objects reachable from `roots`, not walking into `skip` or modules."""
    seen: set[int] = set(skip)
    found: set[int] = set()
    stack = list(roots)
    while stack and len(seen) < MAX_VISITED:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (FrameType, type, ModuleType)):
            continue
        seen.add(id(item))
        if isinstance(item, Client):
            found.add(id(item))
            continue
        stack.extend(gc.get_referents(item))
    assert len(seen) < MAX_VISITED, "the walk did not finish: raise MAX_VISITED"
    return found


def test_clients_reachable_only_from_own_session(backend: RunningBackend, monkeypatch: Any) -> None:
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LOCAL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    alice = signed_in_app(backend, "alice@example.com")
    carol = signed_in_app(backend, "carol@example.com")
    alice_client = alice.session_state[SUPABASE_CLIENT]
    carol_client = carol.session_state[SUPABASE_CLIENT]
    gc.collect()

    live_clients = {id(obj) for obj in gc.get_objects() if isinstance(obj, Client)}
    assert alice_client is not carol_client
    assert live_clients == {id(alice_client), id(carol_client)}

    # Each session's state reaches its own client and not the other one. Module namespaces are a
    # boundary here (a page callback's globals lead to every module): the check below covers them.
    alice_state = alice.session_state._state  # type: ignore[attr-defined]
    carol_state = carol.session_state._state  # type: ignore[attr-defined]
    namespaces = {id(namespace) for namespace in module_namespaces()}
    assert reachable_clients([alice_state], skip={id(carol_state)} | namespaces) == {id(alice_client)}
    assert reachable_clients([carol_state], skip={id(alice_state)} | namespaces) == {id(carol_client)}

    # No module global (st.cache_resource, st.cache_data and module-level objects all hang off one) reaches
    # either client. The test's own objects are skipped, since they hold both apps on purpose.
    this_module = sys.modules[__name__].__dict__
    test_objects = {id(alice), id(carol), id(alice_state), id(carol_state), id(this_module)}
    assert reachable_clients(module_namespaces(), skip=test_objects) == set()
