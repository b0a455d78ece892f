"""The remembered-login store in the project's database, shared by every app replica.

The rows live in `private.remembered_logins`, which the API does not serve. This store calls the
public.remembered_login_* functions, which take the handle, hash it in SQL and never return the
handle or its hash. The refresh token is encrypted with Fernet before it leaves the process, so
every replica must share SESSION_ENCRYPTION_KEY.

A lease in the row replaces the in-memory store's per-handle lock: one refresh at a time
holds it, writes the rotated token back and releases it.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from supabase import Client

from components.login_store import TokenSlot

logger = logging.getLogger(__name__)

# One refresh must finish within the lease, or another holder may read the old token.
LEASE_SECONDS = 30
BUSY_TIMEOUT_SECONDS = 10.0
BUSY_RETRY_SECONDS = 0.1

# Returns a client that sends the given access token, or the anon key for None.
ClientFactory = Callable[[str | None], Client]


class DatabaseLoginStore:
    """A remembered-login store kept in the database, with the interface of RememberedLoginStore.

    `create` needs the signed-in user's access token, because the row records the user id and only
    a signed-in user may create one.
    """

    def __init__(
        self,
        key: bytes,
        client_factory: ClientFactory,
        lease_seconds: int = LEASE_SECONDS,
        busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self._fernet = Fernet(key)
        self._client_factory = client_factory
        self._lease_seconds = lease_seconds
        self._busy_timeout_seconds = busy_timeout_seconds

    def create(self, refresh_token: str, lifetime_seconds: float, access_token: str | None = None) -> str:
        """Store `refresh_token` for the user of `access_token` and return a new random cookie handle."""
        if access_token is None:
            raise ValueError("The database store needs the signed-in user's access token to create a handle.")

        handle = secrets.token_urlsafe(32)
        encrypted = self._fernet.encrypt(refresh_token.encode()).decode()
        params = {"handle": handle, "encrypted_token": encrypted, "lifetime_seconds": int(lifetime_seconds)}
        self._client_factory(access_token).rpc("remembered_login_create", params).execute()
        return handle

    @contextmanager
    def checkout(self, handle: str) -> Iterator[TokenSlot | None]:
        """Hold the handle's lease and yield its token slot, or None when the handle is unknown or expired.

        Also yields None when another holder keeps the lease for longer than the busy timeout.
        """
        row = self._lease(handle)
        if row is None:
            yield None
            return

        lease_id = row["lease_id"]
        try:
            try:
                token = self._fernet.decrypt(row["encrypted_token"].encode()).decode()
            except InvalidToken:
                logger.warning("a remembered login could not be decrypted with SESSION_ENCRYPTION_KEY")
                yield None
                return
            yield TokenSlot(token, lambda new_token: self._replace(handle, lease_id, new_token))
        finally:
            self._call("remembered_login_release", {"handle": handle, "lease_id": lease_id})

    def delete(self, handle: str) -> None:
        self._call("remembered_login_delete", {"handle": handle})

    def contains(self, handle: str) -> bool:
        """Return whether the handle is stored and not expired.

        Takes and releases the handle's lease to look, so it waits while a refresh holds the lease.
        """
        with self.checkout(handle) as slot:
            return slot is not None

    def _lease(self, handle: str) -> dict[str, Any] | None:
        deadline = time.monotonic() + self._busy_timeout_seconds
        while True:
            params = {"handle": handle, "lease_seconds": self._lease_seconds}
            rows = self._call("remembered_login_checkout", params)
            row = rows[0] if rows else {"status": "missing"}
            if row["status"] == "ok":
                return row
            if row["status"] == "missing":
                return None
            if time.monotonic() >= deadline:
                logger.warning("a remembered login stayed busy for %.0f s", self._busy_timeout_seconds)
                return None
            time.sleep(BUSY_RETRY_SECONDS)

    def _replace(self, handle: str, lease_id: str, new_token: str) -> None:
        encrypted = self._fernet.encrypt(new_token.encode()).decode()
        params = {"handle": handle, "lease_id": lease_id, "encrypted_token": encrypted}
        if self._call("remembered_login_replace", params) is not True:
            # NOTE: the lease ran out before the refresh finished, so the rotated token is lost and
            # the next restore of this handle fails with the old token.
            logger.warning("a rotated refresh token was not stored because the lease had expired")

    def _call(self, function: str, params: dict[str, Any]) -> Any:
        return self._client_factory(None).rpc(function, params).execute().data
