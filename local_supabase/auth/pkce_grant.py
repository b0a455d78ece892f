"""POST /token?grant_type=pkce: exchange an auth code and its PKCE verifier for a session, once."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from .access_tokens import session_response
from .client_info import client_info
from .errors import AuthError
from .flow_states import delete_flow_state, lock_issued_flow_state, verifier_matches
from .params import read_json_object, string_field
from .service import AuthService
from .sessions import start_session
from .users import find_identities, find_user_by_id, is_banned, record_sign_in

logger = logging.getLogger(__name__)


async def pkce_grant(request: Request, service: AuthService) -> JSONResponse:
    body = await read_json_object(request)
    auth_code = string_field(body, "auth_code")
    code_verifier = string_field(body, "code_verifier")
    if not auth_code or not code_verifier:
        raise AuthError(
            400, "validation_failed", "invalid request: both auth code and code verifier should be non-empty"
        )
    service.limits.check_sign_in(client_info(request).ip)

    async with service.ctx.db.connection() as conn:
        async with conn.transaction():
            # The row lock makes a second exchange of the same code wait, then find the row gone.
            flow = await lock_issued_flow_state(conn, auth_code, service.settings.flow_state_expiry_seconds)
            if flow is None:
                raise AuthError(404, "flow_state_not_found", "invalid flow state, no valid flow state found")
            if flow["expired"]:
                raise AuthError(422, "flow_state_expired", "invalid flow state, flow state has expired")
            if not verifier_matches(code_verifier, flow["code_challenge"], flow["code_challenge_method"]):
                raise AuthError(
                    400, "bad_code_verifier", "code challenge does not match previously saved code verifier"
                )

            user = await find_user_by_id(conn, flow["user_id"])
            if user is None:
                raise AuthError(404, "user_not_found", "User not found")
            if is_banned(user):
                raise AuthError(400, "user_banned", "User is banned")

            await delete_flow_state(conn, flow["id"])
            session, refresh_token = await start_session(conn, user["id"], client_info(request))
            user = await record_sign_in(conn, user["id"])
        identities = await find_identities(conn, [user["id"]])

    logger.info("exchanged a %s auth code for user %s", flow["authentication_method"], user["id"])
    return JSONResponse(session_response(service, user, identities[user["id"]], session, refresh_token))
