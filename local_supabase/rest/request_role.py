"""The database role and JWT claims a REST request runs with, from its `Authorization` header."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..db import API_ROLES
from ..keys import InvalidToken, ProjectKeys
from .errors import ApiError, invalid_token
from .schema_cache import SchemaCache

ANON_ROLE = "anon"


@dataclass(frozen=True)
class RequestRole:
    role: str
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def is_anonymous(self) -> bool:
        return self.role == ANON_ROLE


def _bearer_token(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


async def resolve_role(
    authorization: str | None, keys: ProjectKeys, schema_cache: SchemaCache
) -> RequestRole:
    """Verify the bearer token and return its role: `anon` without a token, else the token's `role` claim.

    Raises the errors PostgREST returns: PGRST301 for a token that cannot be verified, PGRST303 for an
    expired one, 401 for a role that does not exist and 403 for an existing role requests may not switch to.
    """
    token = _bearer_token(authorization)
    if token is None:
        return RequestRole(ANON_ROLE)
    if not token:
        raise invalid_token("Empty JWT is sent in Authorization header")

    parts = token.count(".") + 1
    if parts != 3:
        raise invalid_token(f"Expected 3 parts in JWT; got {parts}")
    try:
        claims = keys.verify(token)
    except InvalidToken as exc:
        if exc.expired:
            raise invalid_token("JWT expired", code="PGRST303") from None
        raise invalid_token("JWT cryptographic operation failed") from None

    role = claims.get("role") or ANON_ROLE
    if not isinstance(role, str):
        raise invalid_token("Parsing claims failed", code="PGRST303")
    if role not in API_ROLES:
        if await schema_cache.role_exists(role):
            raise ApiError(403, "42501", f'permission denied to set role "{role}"')
        raise ApiError(401, "22023", f'role "{role}" does not exist', headers={"WWW-Authenticate": "Bearer"})
    return RequestRole(role, claims)
