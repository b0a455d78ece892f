"""The API gateway's key check in front of /auth/v1 and /rest/v1, as hosted Supabase's gateway does it."""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .keys import InvalidToken, ProjectKeys

logger = logging.getLogger(__name__)

# Browsers reach these from email links and OAuth redirects, so the gateway lets them through without a key.
OPEN_PATHS = frozenset({"/auth/v1/verify", "/auth/v1/callback", "/auth/v1/authorize", "/auth/v1/health"})
KEYED_PREFIXES = ("/auth/v1/", "/rest/v1/")
# Kong's error body for 414, which hosted Supabase's gateway sends before a request reaches any service.
URI_TOO_LONG = {"message": "URI too long"}


class GatewayMiddleware:
    """Reject requests with an over-long URL or without a valid project API key, and log one line per request.

    `max_url_length` is the maximum length of the path plus query string, in bytes, and 0 turns the check off.
    """

    def __init__(self, app: ASGIApp, keys: ProjectKeys, max_url_length: int = 0) -> None:
        self.app = app
        self.keys = keys
        self.max_url_length = max_url_length
        self._valid_keys = {keys.anon_key, keys.service_role_key}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        status_holder = {"status": 0}

        async def send_with_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        path: str = scope["path"]
        rejection = self._check_key(scope) if self._needs_key(path) else None
        try:
            if self._url_too_long(scope):
                await _send_json(send_with_status, 414, URI_TOO_LONG)
            elif rejection is not None:
                await _send_json(send_with_status, 401, {"message": rejection})
            else:
                await self.app(scope, receive, send_with_status)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            # The query string is left out on purpose: filter values may be personal data.
            logger.info("%s %s %s %.1fms", scope["method"], path, status_holder["status"], elapsed_ms)

    def _url_too_long(self, scope: Scope) -> bool:
        if self.max_url_length <= 0:
            return False
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        length = len(raw_path) + (len(query) + 1 if query else 0)
        return length > self.max_url_length

    @staticmethod
    def _needs_key(path: str) -> bool:
        return path.startswith(KEYED_PREFIXES) and path.rstrip("/") not in OPEN_PATHS

    def _check_key(self, scope: Scope) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        api_key = headers.get("apikey")
        if not api_key:
            return "No API key found in request"
        if api_key in self._valid_keys:
            return None
        try:
            claims = self.keys.verify(api_key)
        except InvalidToken:
            return "Invalid API key"
        return None if claims.get("role") in {"anon", "service_role"} else "Invalid API key"


async def _send_json(send: Send, status: int, body: object) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
