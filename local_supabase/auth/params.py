"""Request bodies of the auth API: a JSON object whose fields are type-checked as GoTrue decodes them."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from .errors import AuthError


def bad_json(reason: str) -> AuthError:
    return AuthError(400, "bad_json", f"Could not parse request body as JSON: {reason}")


async def read_json_object(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """Return the request body as a JSON object; `null` counts as an object with no fields."""
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {}
        raise bad_json("the body is empty")

    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise bad_json(str(exc)) from None

    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_json(f"expected a JSON object, got {type(value).__name__}")
    return value


def string_field(body: dict[str, Any], name: str) -> str:
    """Return a string field, or "" when it is missing or null."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_json(f"field {name!r} must be a string")
    return value


def optional_string_field(body: dict[str, Any], name: str) -> str | None:
    """Return a string field, or None when it is missing or null, so "" stays distinguishable."""
    if body.get(name) is None:
        return None
    return string_field(body, name)


def bool_field(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad_json(f"field {name!r} must be true or false")
    return value


def object_field(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return an object field, or None when it is missing or null."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_json(f"field {name!r} must be a JSON object")
    return value


# The address check GoTrue applies (github.com/badoux/checkmail ValidateFormat).
EMAIL_FORMAT = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
MAX_EMAIL_LENGTH = 255


def validate_email(email: str) -> str:
    """Return the address in lower case, as GoTrue stores it, or raise 400 validation_failed."""
    if not email:
        raise AuthError(400, "validation_failed", "An email address is required")
    if len(email) > MAX_EMAIL_LENGTH:
        raise AuthError(400, "validation_failed", "An email address is too long")
    if EMAIL_FORMAT.match(email) is None:
        raise AuthError(400, "validation_failed", "Unable to validate email address: invalid format")
    return email.lower()


# A Go duration such as "24h", "1h30m" or "1.5s", the format of GoTrue's ban_duration.
GO_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
GO_DURATION_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


def parse_go_duration(text: str) -> float:
    """Return the number of seconds in a Go duration string, raising ValueError when it is not one."""
    sign = -1.0 if text.startswith("-") else 1.0
    rest = text[1:] if text.startswith(("+", "-")) else text
    if rest == "0":
        return 0.0
    if not rest:
        raise ValueError(f"invalid duration {text!r}")

    seconds = 0.0
    position = 0
    while position < len(rest):
        part = GO_DURATION_PART.match(rest, position)
        if part is None:
            raise ValueError(f"invalid duration {text!r}")
        seconds += float(part.group(1)) * GO_DURATION_UNIT_SECONDS[part.group(2)]
        position = part.end()
    return sign * seconds
