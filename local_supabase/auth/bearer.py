"""Bearer-token checks of /user, /logout and the admin endpoints, as GoTrue makes them.

A missing or malformed Authorization header is 401 `no_authorization`, and a token that fails the
signature or expiry check is 403 `bad_jwt`. For a user's token the user and the session named in its
claims must still exist, which is how a signed-out token stops working here (but not at the REST API).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from ..keys import InvalidToken
from .errors import AuthError
from .service import AuthService
from .sessions import find_session
from .users import Connection, Row, find_user_by_id, is_banned

# GoTrue's bearerRegexp: "Bearer" or "bearer", one space, then the token.
BEARER = re.compile(r"^[Bb]earer (\S+)$")
NIL_UUID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Caller:
    """A verified user token with the user and session it names."""

    claims: dict[str, Any]
    user: Row
    session: Row | None


def bearer_token(request: Request) -> str:
    match = BEARER.match(request.headers.get("authorization", ""))
    if match is None:
        raise AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token")
    return match.group(1)


def verified_claims(service: AuthService, token: str) -> dict[str, Any]:
    try:
        return service.ctx.keys.verify(token)
    except InvalidToken as exc:
        reason = (
            "token has invalid claims: token is expired"
            if exc.expired
            else str(exc).removeprefix("invalid JWT: ")
        )
        raise AuthError(
            403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {reason}"
        ) from None


async def load_caller(conn: Connection, claims: dict[str, Any]) -> Caller:
    """Load the user (`sub`) and session (`session_id`) of verified claims, failing as GoTrue does."""
    subject = claims.get("sub")
    if not subject:
        raise AuthError(403, "bad_jwt", "invalid claim: missing sub claim")
    try:
        user_id = uuid.UUID(str(subject))
    except ValueError:
        raise AuthError(400, "bad_jwt", "invalid claim: sub claim must be a UUID") from None

    user = await find_user_by_id(conn, user_id)
    if user is None:
        raise AuthError(403, "user_not_found", "User from sub claim in JWT does not exist")

    session = None
    session_claim = claims.get("session_id")
    if session_claim and session_claim != NIL_UUID:
        try:
            session_id = uuid.UUID(str(session_claim))
        except ValueError:
            raise AuthError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID") from None
        session = await find_session(conn, session_id)
        if session is None:
            raise AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist")

    if is_banned(user):
        raise AuthError(403, "user_banned", "User is banned")
    return Caller(claims=claims, user=user, session=session)


async def authenticate_user(request: Request, service: AuthService, conn: Connection) -> Caller:
    return await load_caller(conn, verified_claims(service, bearer_token(request)))


async def require_admin(request: Request, service: AuthService, conn: Connection) -> dict[str, Any]:
    """Return the claims of an admin token: its `role` must be one of the admin roles, e.g. service_role."""
    claims = verified_claims(service, bearer_token(request))

    # A user token that happens to carry an admin role still needs its session, like any user token.
    session_claim = claims.get("session_id")
    if session_claim and session_claim != NIL_UUID:
        await load_caller(conn, claims)

    if claims.get("role") not in service.settings.admin_roles:
        raise AuthError(403, "not_admin", "User not allowed")
    return claims
