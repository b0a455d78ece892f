"""The User and Identity objects of the auth API, built from rows of auth.users and auth.identities.

supabase-py validates these strictly: `app_metadata` and `user_metadata` must be objects, `aud` and
`created_at` must be present, and every identity needs `identity_data`. Fields GoTrue leaves out when
they are unset are left out here too, except the ones the client and the app read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]

# Timestamps GoTrue omits when they are unset (Go `omitempty`).
OPTIONAL_USER_TIMESTAMPS = (
    "invited_at",
    "phone_confirmed_at",
    "confirmation_sent_at",
    "recovery_sent_at",
    "email_change_sent_at",
    "banned_until",
    "deleted_at",
)


def format_timestamp(value: dt.datetime | None) -> str | None:
    """Format as RFC 3339 in UTC with a `Z`, as Go's encoding/json writes a time.Time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def json_object(value: Any) -> dict[str, Any]:
    """Return a jsonb column as a dict. NULL or a non-object becomes {}, as the client requires objects."""
    return dict(value) if isinstance(value, Mapping) else {}


def identity_json(identity: Row) -> dict[str, Any]:
    body: dict[str, Any] = {
        # GoTrue swaps the names for backward compatibility: `id` is the id at the provider.
        "identity_id": str(identity["id"]),
        "id": identity["provider_id"],
        "user_id": str(identity["user_id"]),
        "identity_data": json_object(identity["identity_data"]),
        "provider": identity["provider"],
        "created_at": format_timestamp(identity["created_at"]),
        "updated_at": format_timestamp(identity["updated_at"]),
    }
    if identity.get("last_sign_in_at") is not None:
        body["last_sign_in_at"] = format_timestamp(identity["last_sign_in_at"])
    if identity.get("email"):
        body["email"] = identity["email"]
    return body


def user_json(user: Row, identities: Sequence[Row]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(user["id"]),
        "aud": user["aud"] or "",
        "role": user["role"] or "",
        "email": user["email"] or "",
        "email_confirmed_at": format_timestamp(user["email_confirmed_at"]),
        "phone": user["phone"] or "",
        "confirmed_at": format_timestamp(user["confirmed_at"]),
        "last_sign_in_at": format_timestamp(user["last_sign_in_at"]),
        "app_metadata": json_object(user["raw_app_meta_data"]),
        "user_metadata": json_object(user["raw_user_meta_data"]),
        "identities": [identity_json(identity) for identity in identities],
        "created_at": format_timestamp(user["created_at"]),
        "updated_at": format_timestamp(user["updated_at"]),
        "is_anonymous": bool(user["is_anonymous"]),
    }
    for name in OPTIONAL_USER_TIMESTAMPS:
        if user.get(name) is not None:
            body[name] = format_timestamp(user[name])
    if user.get("email_change"):
        body["new_email"] = user["email_change"]
    return body
