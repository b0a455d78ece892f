"""PostgREST's error shape, its own error codes, and the SQLSTATE to HTTP status mapping."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import psycopg
from starlette.responses import Response

ERROR_CONTENT_TYPE = "application/json; charset=utf-8"


class ApiError(Exception):
    """An error returned in PostgREST's format: a JSON body with code, message, details and hint."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: str | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, "hint": self.hint}


def error_response(error: ApiError, *, include_body: bool = True) -> Response:
    """Build the response for `error`, with the Proxy-Status header that carries the code on HEAD requests."""
    payload = json.dumps(error.body(), separators=(",", ":")).encode()
    headers = {"Proxy-Status": f"PostgREST; error={error.code}", **error.headers}
    if not include_body:
        # A HEAD response keeps the headers, including the length the body would have had.
        response = Response(b"", status_code=error.status, headers=headers, media_type=ERROR_CONTENT_TYPE)
        response.headers["Content-Length"] = str(len(payload))
        return response
    return Response(payload, status_code=error.status, headers=headers, media_type=ERROR_CONTENT_TYPE)


def query_param_error(message: str, details: str) -> ApiError:
    return ApiError(400, "PGRST100", message, details=details)


def invalid_body(message: str) -> ApiError:
    return ApiError(400, "PGRST102", message)


def invalid_range(details: str) -> ApiError:
    return ApiError(416, "PGRST103", "Requested range not satisfiable", details=details)


def unacceptable_schema(schema: str, exposed: tuple[str, ...]) -> ApiError:
    return ApiError(
        406,
        "PGRST106",
        f"Invalid schema: {schema}",
        hint=f"Only the following schemas are exposed: {', '.join(exposed)}",
    )


def unacceptable_media_types(media_types: list[str]) -> ApiError:
    return ApiError(406, "PGRST107", f"None of these media types are available: {', '.join(media_types)}")


def singularity_error(row_count: int) -> ApiError:
    return ApiError(
        406,
        "PGRST116",
        "Cannot coerce the result to a single JSON object",
        details=f"The result contains {row_count} rows",
    )


def unsupported_method(method: str) -> ApiError:
    return ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")


def invalid_preferences(preferences: list[str]) -> ApiError:
    return ApiError(
        400,
        "PGRST122",
        "Invalid preferences given with handling=strict",
        details=f"Invalid preferences: {', '.join(preferences)}",
    )


def max_affected_exceeded(affected: int) -> ApiError:
    return ApiError(
        400,
        "PGRST124",
        "Query result exceeds max-affected preference constraint",
        details=f"The query affects {affected} rows",
    )


def aggregates_not_allowed() -> ApiError:
    # Hosted Supabase runs PostgREST with aggregate functions disabled, so they are rejected the same way.
    return ApiError(400, "PGRST123", "Use of aggregate functions is not allowed")


def invalid_resource_path() -> ApiError:
    return ApiError(404, "PGRST125", "Invalid path specified in request URL")


def not_implemented(feature: str, details: str | None = None) -> ApiError:
    """Reject a request that needs a PostgREST feature the local backend does not offer yet.

    PostgREST uses PGRST127 for features it lacks. The message names the feature so a failing call is easy
    to trace, because hosted Supabase would have served it.
    """
    return ApiError(
        400,
        "PGRST127",
        f"Feature not implemented: {feature}",
        details=details or f"The local Supabase backend does not support {feature} yet.",
        hint="Run this request against a hosted Supabase project or the Supabase CLI stack.",
    )


def column_not_found(table: str, column: str) -> ApiError:
    return ApiError(400, "PGRST204", f"Could not find the '{column}' column of '{table}' in the schema cache")


def table_not_found(schema: str, table: str, suggestion: str | None) -> ApiError:
    hint = f"Perhaps you meant the table '{schema}.{suggestion}'" if suggestion else None
    return ApiError(
        404, "PGRST205", f"Could not find the table '{schema}.{table}' in the schema cache", hint=hint
    )


def invalid_token(message: str, *, code: str = "PGRST301") -> ApiError:
    """Reject an unusable JWT: PGRST301 when it cannot be decoded or verified, PGRST303 for bad claims."""
    return ApiError(
        401,
        code,
        message,
        headers={
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description={json.dumps(message)}'
        },
    )


def internal_error() -> ApiError:
    return ApiError(
        500, "PGRSTX00", "Internal server error", details="The error was logged by the local backend."
    )


def status_for_sqlstate(sqlstate: str, message: str, *, authenticated: bool) -> int:
    """Map a PostgreSQL error to the HTTP status PostgREST returns for it (its `mapSQLtoHTTP`)."""
    exact = {
        "23503": 409,  # foreign_key_violation
        "23505": 409,  # unique_violation
        "25006": 405,  # read_only_sql_transaction
        "53400": 500,  # configuration_limit_exceeded
        "57P01": 503,  # terminating connection due to administrator command
        "P0001": 400,  # default code of RAISE
        "42P01": 404,  # undefined_table
        "42P17": 500,  # infinite recursion, for example in an RLS policy
        "42883": 404,  # undefined_function
    }
    if sqlstate == "42501":
        # insufficient_privilege: a request without a user token may succeed after signing in.
        return 403 if authenticated else 401
    if sqlstate == "21000":
        return 400 if message.endswith("requires a WHERE clause") else 500
    if sqlstate == "22023":
        return 401 if message.startswith("role") and message.endswith("does not exist") else 400
    if sqlstate in exact:
        return exact[sqlstate]
    if sqlstate.startswith("PT") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])

    by_class = {
        "08": 503,
        "09": 500,
        "0L": 403,
        "0P": 403,
        "25": 500,
        "28": 403,
        "2D": 500,
        "38": 500,
        "39": 500,
        "3B": 500,
        "40": 500,
        "53": 503,
        "54": 500,
        "55": 500,
        "57": 500,
        "58": 500,
        "F0": 500,
        "HV": 500,
        "P0": 500,
        "XX": 500,
    }
    return by_class.get(sqlstate[:2], 400)


def from_database_error(error: psycopg.Error, *, authenticated: bool) -> ApiError:
    """Turn a PostgreSQL error into PostgREST's error response, with its SQLSTATE, message, detail and hint.

    An error without a SQLSTATE was raised by psycopg itself. A lost connection becomes PGRST000 (503), a
    value PostgreSQL cannot store (a NUL character) the 22021 error PostgreSQL would raise, anything else 500.
    """
    sqlstate = error.sqlstate
    if sqlstate is None:
        if isinstance(error, psycopg.OperationalError):
            return ApiError(503, "PGRST000", "Database connection error.", details=str(error) or None)
        if isinstance(error, psycopg.DataError):
            return ApiError(400, "22021", str(error))
        return internal_error()

    diag = error.diag
    message = diag.message_primary or str(error)
    status = status_for_sqlstate(sqlstate, message, authenticated=authenticated)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return ApiError(
        status, sqlstate, message, details=diag.message_detail, hint=diag.message_hint, headers=headers
    )
