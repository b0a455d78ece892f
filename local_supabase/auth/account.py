"""The signed-in user's own endpoints: GET /user and POST /logout."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .bearer import authenticate_user
from .errors import AuthError
from .service import auth_service
from .sessions import end_sessions
from .user_json import user_json
from .user_update import update_current_user
from .users import find_identities

LOGOUT_SCOPES = frozenset({"global", "local", "others"})


async def user_resource(request: Request) -> JSONResponse:
    """Route /user by method, so one route lists both methods in a 405's Allow header."""
    if request.method == "PUT":
        return await update_current_user(request)
    return await get_user(request)


async def get_user(request: Request) -> JSONResponse:
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        caller = await authenticate_user(request, service, conn)
        identities = await find_identities(conn, [caller.user["id"]])
    return JSONResponse(user_json(caller.user, identities[caller.user["id"]]))


async def logout(request: Request) -> Response:
    """Revoke sessions: `global` (the default) all of the user's, `local` this one, `others` the rest."""
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        caller = await authenticate_user(request, service, conn)

        scope = request.query_params.get("scope") or "global"
        if scope not in LOGOUT_SCOPES:
            raise AuthError(400, "validation_failed", f"Unsupported logout scope {scope!r}")

        session_id = caller.session["id"] if caller.session is not None else None
        async with conn.transaction():
            await end_sessions(conn, caller.user["id"], session_id, scope)
    return Response(status_code=204)
