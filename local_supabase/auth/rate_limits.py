"""Request rate limits of the auth service, counted in this process over sliding windows.

Hosted GoTrue returns 429 `over_email_send_rate_limit` when too many emails go out and 429
`over_request_rate_limit` when one IP address makes too many sign-in or sign-up requests. Both limits
are off (0) unless configured.
"""

from __future__ import annotations

import time
from collections import deque

from .errors import AuthError

EMAIL_WINDOW_SECONDS = 3600
SIGN_IN_WINDOW_SECONDS = 300


class SlidingWindowLimit:
    """At most `limit` events per key within `window_seconds`. A limit of 0 allows everything."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one event for `key` and return True, or return False without counting when over the limit."""
        if self.limit <= 0:
            return True

        now = time.monotonic()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window_seconds:
            events.popleft()

        if len(events) >= self.limit:
            return False
        events.append(now)
        return True


class AuthRateLimits:
    def __init__(self, emails_per_address_per_hour: int, sign_ins_per_ip_per_5_minutes: int) -> None:
        self.emails = SlidingWindowLimit(emails_per_address_per_hour, EMAIL_WINDOW_SECONDS)
        self.sign_ins = SlidingWindowLimit(sign_ins_per_ip_per_5_minutes, SIGN_IN_WINDOW_SECONDS)

    def check_email(self, address: str) -> None:
        if not self.emails.allow(address.lower()):
            raise AuthError(429, "over_email_send_rate_limit", "Email rate limit exceeded")

    def check_sign_in(self, ip: str | None) -> None:
        if not self.sign_ins.allow(ip or ""):
            raise AuthError(429, "over_request_rate_limit", "Request rate limit reached")
