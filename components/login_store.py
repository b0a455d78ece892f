"""The server-side store of remembered logins: an opaque cookie handle mapped to a refresh token.

The browser keeps only a random handle. The store keeps the sha256 of the handle, so a copy of
the store does not reveal usable cookie values, and the refresh token encrypted with Fernet.
Each handle has a lock, so one refresh at a time uses its token and the rotated token is written
back before the next one reads it. Two tabs of one remembered login therefore never present the
same refresh token after its reuse interval.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken


def hash_handle(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()


class LoginStore(Protocol):
    """The operations the sign-in code uses, shared by the in-memory and the database store."""

    def create(self, refresh_token: str, lifetime_seconds: float, access_token: str | None = None) -> str: ...

    def checkout(self, handle: str) -> AbstractContextManager[TokenSlot | None]: ...

    def delete(self, handle: str) -> None: ...

    def contains(self, handle: str) -> bool: ...


@dataclass
class _Entry:
    encrypted_token: bytes
    expires_at: float
    lock: threading.Lock = field(default_factory=threading.Lock)


class RememberedLoginStore:
    """A thread-safe in-memory store of remembered logins.

    The store lives in one process, so a restart signs every remembered browser out, and several
    app replicas need the shared store of SESSION_STORE = "database".
    """

    def __init__(self, key: bytes | None = None, clock: Callable[[], float] = time.time) -> None:
        self._fernet = Fernet(key or Fernet.generate_key())
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def create(self, refresh_token: str, lifetime_seconds: float, access_token: str | None = None) -> str:
        """Store `refresh_token` and return a new random handle for the cookie.

        `access_token` is accepted for the interface of LoginStore and not used.
        """
        handle = secrets.token_urlsafe(32)
        entry = _Entry(self._fernet.encrypt(refresh_token.encode()), self._clock() + lifetime_seconds)

        with self._lock:
            self._drop_expired()
            self._entries[hash_handle(handle)] = entry
        return handle

    @contextmanager
    def checkout(self, handle: str) -> Iterator[TokenSlot | None]:
        """Hold the handle's lock and yield its token slot, or None when the handle is unknown or expired.

        The caller refreshes with `slot.refresh_token` and stores the rotated token with
        `slot.replace()` before the block ends, so the next holder reads the new token.
        """
        with self._lock:
            entry = self._entries.get(hash_handle(handle))
            if entry is not None and entry.expires_at <= self._clock():
                del self._entries[hash_handle(handle)]
                entry = None
        if entry is None:
            yield None
            return

        with entry.lock:
            try:
                token = self._fernet.decrypt(entry.encrypted_token).decode()
            except InvalidToken:
                yield None
                return
            yield TokenSlot(token, lambda new_token: self._replace(entry, new_token))

    def delete(self, handle: str) -> None:
        with self._lock:
            self._entries.pop(hash_handle(handle), None)

    def contains(self, handle: str) -> bool:
        with self._lock:
            entry = self._entries.get(hash_handle(handle))
        return entry is not None and entry.expires_at > self._clock()

    def stored_hashes(self) -> list[str]:
        with self._lock:
            return list(self._entries)

    def encrypted_token(self, handle: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(hash_handle(handle))
        return None if entry is None else entry.encrypted_token

    def _replace(self, entry: _Entry, new_token: str) -> None:
        entry.encrypted_token = self._fernet.encrypt(new_token.encode())

    def _drop_expired(self) -> None:
        now = self._clock()
        for key in [key for key, entry in self._entries.items() if entry.expires_at <= now]:
            del self._entries[key]


@dataclass
class TokenSlot:
    """The refresh token of one handle while its lock is held, and the way to store its successor."""

    refresh_token: str
    _store_token: Callable[[str], None]

    def replace(self, new_token: str) -> None:
        self._store_token(new_token)
        self.refresh_token = new_token
