"""The `Prefer` request header (RFC 7240) with the preferences PostgREST understands."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

from .errors import invalid_preferences

Representation = Literal["representation", "minimal", "headers-only"]
Resolution = Literal["merge-duplicates", "ignore-duplicates"]
CountMethod = Literal["exact", "planned", "estimated"]
Missing = Literal["default", "null"]
Handling = Literal["strict", "lenient"]

_KNOWN = {
    "return": ("representation", "minimal", "headers-only"),
    "resolution": ("merge-duplicates", "ignore-duplicates"),
    "count": ("exact", "planned", "estimated"),
    "missing": ("default", "null"),
    "handling": ("strict", "lenient"),
    # PostgREST's db-tx-end defaults to `commit`, and the Supabase CLI starts PostgREST without setting it.
    # Hosted projects do not publish the setting, so they are taken to match. With that default `tx=rollback`
    # is a known preference that is ignored, so the transaction commits and Preference-Applied omits it.
    "tx": ("commit", "rollback"),
}


@cache
def _time_zones() -> frozenset[str]:
    # The IANA names, which PostgreSQL's pg_timezone_names also lists.
    return frozenset(zoneinfo.available_timezones())


@dataclass(frozen=True)
class Preferences:
    representation: Representation | None = None
    resolution: Resolution | None = None
    count: CountMethod | None = None
    missing: Missing | None = None
    handling: Handling | None = None
    # The maximum rows a PATCH or DELETE may change, enforced only with handling=strict as in PostgREST.
    max_affected: int | None = None
    # The session time zone for the transaction, so timestamps come back in that zone.
    timezone: str | None = None
    invalid: tuple[str, ...] = ()

    @property
    def enforces_max_affected(self) -> bool:
        return self.handling == "strict" and self.max_affected is not None

    def applied(self, *, include_resolution: bool, include_missing: bool, include_return: bool) -> str | None:
        """Build the `Preference-Applied` value for the preferences this request honoured."""
        values = []
        if include_resolution and self.resolution:
            values.append(f"resolution={self.resolution}")
        if include_missing and self.missing:
            values.append(f"missing={self.missing}")
        if include_return and self.representation:
            values.append(f"return={self.representation}")
        if self.count:
            values.append(f"count={self.count}")
        if self.handling:
            values.append(f"handling={self.handling}")
        if self.timezone:
            values.append(f"timezone={self.timezone}")
        if self.enforces_max_affected:
            values.append(f"max-affected={self.max_affected}")
        return ", ".join(values) or None


def parse_prefer(header_values: list[str]) -> Preferences:
    """Parse every `Prefer` header. The first value of a preference wins, as in PostgREST.

    Unknown preferences are ignored unless `handling=strict` is among them, which turns them into a 400 error.
    """
    chosen: dict[str, str] = {}
    invalid: list[str] = []
    for header in header_values:
        for raw in header.split(","):
            token = raw.strip()
            if not token:
                continue
            name, _, value = token.partition("=")
            if name in _KNOWN and value in _KNOWN[name]:
                chosen.setdefault(name, value)
            elif name == "max-affected" and value.isdigit():
                chosen.setdefault(name, value)
            elif name == "timezone" and value in _time_zones():
                chosen.setdefault(name, value)
            else:
                invalid.append(token)

    preferences = Preferences(
        # The values were checked against _KNOWN, so they fit the literal types.
        representation=cast("Representation | None", chosen.get("return")),
        resolution=cast("Resolution | None", chosen.get("resolution")),
        count=cast("CountMethod | None", chosen.get("count")),
        missing=cast("Missing | None", chosen.get("missing")),
        handling=cast("Handling | None", chosen.get("handling")),
        max_affected=int(chosen["max-affected"]) if "max-affected" in chosen else None,
        timezone=chosen.get("timezone"),
        invalid=tuple(invalid),
    )
    if preferences.handling == "strict" and invalid:
        raise invalid_preferences(invalid)
    return preferences
