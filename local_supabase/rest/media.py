"""Content negotiation for table requests: the JSON shape or CSV that the `Accept` header requests."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import not_implemented, unacceptable_media_types


@dataclass(frozen=True)
class ResponseShape:
    """A JSON array of rows, or one object for `.single()`, optionally without null-valued keys, or CSV."""

    singular: bool = False
    strip_nulls: bool = False
    csv: bool = False

    @property
    def content_type(self) -> str:
        if self.csv:
            return "text/csv; charset=utf-8"
        if self.singular:
            mime = "application/vnd.pgrst.object+json"
        elif self.strip_nulls:
            mime = "application/vnd.pgrst.array+json"
        else:
            mime = "application/json"
        return f"{mime}{';nulls=stripped' if self.strip_nulls else ''}; charset=utf-8"


# Media types PostgREST produces for tables that the local backend does not, with the feature's name.
_NOT_IMPLEMENTED = {
    "application/geo+json": "GeoJSON responses (Accept: application/geo+json)",
}


def _parse_media_range(text: str) -> tuple[str, dict[str, str], float]:
    mime, *raw_params = (part.strip() for part in text.split(";"))
    params: dict[str, str] = {}
    for raw in raw_params:
        name, _, value = raw.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    try:
        quality = float(params.pop("q", "1"))
    except ValueError:
        quality = 1.0
    return mime.lower(), params, quality


def negotiate(accept: str | None) -> ResponseShape:
    """Choose the response shape from `Accept`, taking the acceptable media types by quality, first one first.

    A missing header or `*/*`, which supabase-py sends, means a JSON array.
    """
    if not accept or not accept.strip():
        return ResponseShape()

    ranges = [_parse_media_range(part) for part in accept.split(",") if part.strip()]
    ordered = sorted(ranges, key=lambda entry: -entry[2])
    for mime, params, quality in ordered:
        if quality <= 0:
            continue
        stripped = params.get("nulls") == "stripped"
        if mime in ("*/*", "application/json"):
            return ResponseShape()
        if mime in ("application/vnd.pgrst.array+json", "application/vnd.pgrst.array"):
            return ResponseShape(strip_nulls=stripped)
        if mime in ("application/vnd.pgrst.object+json", "application/vnd.pgrst.object"):
            return ResponseShape(singular=True, strip_nulls=stripped)
        if mime == "text/csv":
            return ResponseShape(csv=True)
        if mime in _NOT_IMPLEMENTED:
            raise not_implemented(_NOT_IMPLEMENTED[mime])

    raise unacceptable_media_types([part.strip() for part in accept.split(",") if part.strip()])
