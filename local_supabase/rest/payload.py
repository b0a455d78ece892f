"""The JSON body of an insert or update, checked the way PostgREST checks it before it reaches SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import invalid_body, not_implemented

_NOT_IMPLEMENTED_BODIES = {
    "text/csv": "CSV request bodies (Content-Type: text/csv)",
    "application/x-www-form-urlencoded": (
        "form-encoded request bodies (Content-Type: application/x-www-form-urlencoded)"
    ),
}


@dataclass(frozen=True)
class Payload:
    """A JSON request body as sent, and the columns it writes."""

    raw: str
    is_object: bool
    columns: tuple[str, ...]


def _check_content_type(content_type: str | None) -> None:
    mime = (content_type or "application/json").split(";")[0].strip().lower()
    if mime == "application/json":
        return
    if mime in _NOT_IMPLEMENTED_BODIES:
        raise not_implemented(_NOT_IMPLEMENTED_BODIES[mime])
    raise invalid_body(f"Content-Type not acceptable: {mime}")


def parse_payload(body: bytes, content_type: str | None, columns: tuple[str, ...] | None) -> Payload:
    """Read the body and the columns it writes.

    With `columns=` those columns are written and other keys are ignored. Without it a single object writes
    its own keys, and an array writes the keys of its objects, which must all have the same keys (else
    PGRST102). Any other JSON value writes no row, because PostgREST treats it as an empty array.
    """
    _check_content_type(content_type)
    try:
        text = body.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid_body("Empty or invalid json") from None
    is_object = isinstance(document, dict)

    if columns is not None:
        return Payload(raw=text, is_object=is_object, columns=columns)
    if is_object:
        return Payload(raw=text, is_object=True, columns=tuple(document))
    if not isinstance(document, list) or not document:
        return Payload(raw="[]", is_object=False, columns=())

    first = document[0]
    if not isinstance(first, dict):
        raise invalid_body("All object keys must match")
    keys = set(first)
    if any(not isinstance(row, dict) or set(row) != keys for row in document):
        raise invalid_body("All object keys must match")
    return Payload(raw=text, is_object=False, columns=tuple(first))
