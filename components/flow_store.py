"""The server-side store of OAuth PKCE flows that are waiting for their callback.

The provider's redirect back to the app opens a new Streamlit session, so the code verifier
cannot live in the client or in st.session_state. It waits here, keyed by a random `state`
value that travels inside `redirect_to`, until the callback takes it once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# The local backend and hosted GoTrue both expire a flow state after 300 seconds.
FLOW_LIFETIME_SECONDS = 300
# Pending flows beyond this number push out the oldest, so a burst of abandoned sign-ins
# cannot grow the store without bound.
MAX_PENDING_FLOWS = 10_000


@dataclass(frozen=True)
class OAuthFlow:
    """A started OAuth sign-in: its PKCE verifier and where the user was before it."""

    code_verifier: str
    page_path: str
    query: Mapping[str, str]
    keep_days: int | None = None
    created_at: float = field(default_factory=time.monotonic)


class FlowStore:
    """A thread-safe in-memory map from `state` to OAuthFlow, each entry taken at most once.

    NOTE: the store lives in one process. With several app replicas, put it in a shared store
    (a table in the project's database) or pin each browser to one replica.
    """

    def __init__(
        self,
        lifetime_seconds: float = FLOW_LIFETIME_SECONDS,
        max_flows: int = MAX_PENDING_FLOWS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lifetime = lifetime_seconds
        self._max_flows = max_flows
        self._clock = clock
        self._flows: dict[str, OAuthFlow] = {}
        self._lock = threading.Lock()

    def put(
        self,
        code_verifier: str,
        page_path: str = "",
        query: Mapping[str, str] | None = None,
        keep_days: int | None = None,
    ) -> str:
        """Store a flow and return its new random `state` value."""
        state = secrets.token_urlsafe(32)
        flow = OAuthFlow(code_verifier, page_path, dict(query or {}), keep_days, created_at=self._clock())

        with self._lock:
            self._drop_expired()
            while len(self._flows) >= self._max_flows:
                # Dicts keep insertion order, so the first key is the oldest flow.
                del self._flows[next(iter(self._flows))]
            self._flows[state] = flow
        return state

    def take(self, state: str) -> OAuthFlow | None:
        """Remove and return the flow for `state`, or None when it is unknown, used or expired."""
        with self._lock:
            flow = self._flows.pop(state, None)
        if flow is None or self._clock() - flow.created_at > self._lifetime:
            return None
        return flow

    def __len__(self) -> int:
        with self._lock:
            return len(self._flows)

    def _drop_expired(self) -> None:
        now = self._clock()
        expired = [state for state, flow in self._flows.items() if now - flow.created_at > self._lifetime]
        for state in expired:
            del self._flows[state]
