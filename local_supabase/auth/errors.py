"""Auth API errors and the JSON bodies GoTrue sends for them.

Clients that send `X-Supabase-Api-Version: 2024-01-01` or later (supabase-py always does) read the
error code from the string field `code`, and only when the response carries the same header. Older
clients read `error_code` and expect `code` to be the HTTP status. Both fields are sent in the form
the request asked for, together with `message` and `msg`, so either kind of client finds the code.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

API_VERSION_HEADER = "X-Supabase-Api-Version"
API_VERSION_2024_01_01 = "2024-01-01"
ERROR_CODE_HEADER = "x-sb-error-code"


class AuthError(Exception):
    """An error the auth API reports to the client with an HTTP status and a GoTrue error code."""

    def __init__(
        self, status: int, code: str, message: str, *, extra: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        # Further top-level fields of the body, such as `weak_password`.
        self.extra = dict(extra or {})


class WeakPasswordError(AuthError):
    """A password that fails the strength rules; `reasons` lists `length`, `characters` or `pwned`."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(422, "weak_password", message, extra={"weak_password": {"reasons": reasons}})
        self.reasons = reasons


class OAuthError(Exception):
    """An error in the OAuth 2.0 form `{"error", "error_description"}`, which GoTrue uses for some grants."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _wants_versioned_errors(request_api_version: str | None) -> bool:
    if not request_api_version:
        return False
    try:
        requested = dt.date.fromisoformat(request_api_version.strip())
    except ValueError:
        return False
    return requested >= dt.date.fromisoformat(API_VERSION_2024_01_01)


def auth_error_response(
    request: Request, error: AuthError, extra_headers: Mapping[str, str] | None = None
) -> JSONResponse:
    headers = {**(extra_headers or {}), ERROR_CODE_HEADER: error.code}
    body: dict[str, Any]
    if _wants_versioned_errors(request.headers.get(API_VERSION_HEADER)):
        headers[API_VERSION_HEADER] = API_VERSION_2024_01_01
        body = {"code": error.code, "error_code": error.code, "message": error.message, "msg": error.message}
    else:
        body = {
            "code": error.status,
            "error_code": error.code,
            "msg": error.message,
            "message": error.message,
        }
    body.update(error.extra)
    return JSONResponse(body, status_code=error.status, headers=headers)


async def handle_auth_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    logger.debug("%s %s rejected: %s %s", request.method, request.url.path, exc.status, exc.code)
    return auth_error_response(request, exc)


async def handle_oauth_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    logger.debug("%s %s rejected: %s %s", request.method, request.url.path, exc.status, exc.error)
    headers: dict[str, str] = {}
    if _wants_versioned_errors(request.headers.get(API_VERSION_HEADER)):
        headers[API_VERSION_HEADER] = API_VERSION_2024_01_01
    body = {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def unexpected_failure() -> AuthError:
    return AuthError(
        500,
        "unexpected_failure",
        "Unexpected failure, please check the local backend's log for more information",
    )


class UnexpectedErrorMiddleware:
    """Turn an exception no handler expected into a logged 500 with a JSON body.

    A JSON body keeps the client's error type an `AuthApiError`, whereas an HTML or empty 500 becomes an
    `AuthUnknownError`. The exception is logged here and not re-raised, so it is logged once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception as exc:
            # Request bodies and headers are left out of the log because they carry passwords and tokens.
            logger.exception("%s %s failed: %s", scope["method"], scope["path"], type(exc).__name__)
            if response_started:
                return
            response = auth_error_response(Request(scope), unexpected_failure())
            await response(scope, receive, send)
