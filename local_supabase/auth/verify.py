"""POST /verify (a typed code or a token hash) and GET /verify (the link in an email).

A wrong code, a used one and an expired one fail alike, with 403 `otp_expired`, so the response
does not reveal which. GET /verify always redirects: to `redirect_to?code=` for a PKCE link (its
token starts with `pkce_`), to `redirect_to#access_token=…` otherwise, and with `error`,
`error_code` and `error_description` when the link does not work.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

from .access_tokens import session_response
from .client_info import client_info
from .errors import AuthError
from .flow_states import issue_email_auth_code
from .one_time_tokens import (
    CONFIRMATION,
    EMAIL_CHANGE_CURRENT,
    EMAIL_CHANGE_NEW,
    PKCE_PREFIX,
    RECOVERY,
    consume_code,
    consume_hash,
)
from .params import read_json_object, string_field, validate_email
from .redirects import error_redirect_url, redirect_target, with_fragment, with_query
from .service import AuthService, auth_service
from .sessions import start_session
from .users import (
    Connection,
    Row,
    confirm_email,
    find_identities,
    find_user_by_id,
    is_banned,
    record_sign_in,
    set_identity_email,
    update_user,
)

logger = logging.getLogger(__name__)

# The tokens each verification type accepts, tried in this order. `email` is the typed code of
# POST /otp, which is a sign-up confirmation for an unconfirmed address and a magic link otherwise.
TOKEN_TYPES_BY_VERIFY_TYPE = {
    "email": [CONFIRMATION, RECOVERY],
    "signup": [CONFIRMATION],
    "invite": [CONFIRMATION],
    "magiclink": [RECOVERY],
    "recovery": [RECOVERY],
    "email_change": [EMAIL_CHANGE_NEW, EMAIL_CHANGE_CURRENT],
}
LINK_TYPES = frozenset(TOKEN_TYPES_BY_VERIFY_TYPE) - {"email"}


def otp_expired() -> AuthError:
    return AuthError(403, "otp_expired", "Token has expired or is invalid")


def _verify_type(raw: str) -> str:
    if raw not in TOKEN_TYPES_BY_VERIFY_TYPE:
        raise AuthError(400, "validation_failed", f"Unsupported verification type {raw!r}")
    return raw


async def apply_verification(conn: Connection, token: Row) -> Row:
    """Apply a used token: confirm the address, or complete the pending email change."""
    user_id = token["user_id"]
    user = await find_user_by_id(conn, user_id)
    if user is None:
        raise otp_expired()
    if is_banned(user):
        raise AuthError(403, "user_banned", "User is banned")

    if token["token_type"] in (EMAIL_CHANGE_NEW, EMAIL_CHANGE_CURRENT):
        # NOTE: GoTrue's secure email change (on by default) waits for a code from both addresses,
        # but here one confirmation completes the change.
        new_email = user["email_change"]
        if not new_email:
            raise otp_expired()
        await update_user(conn, user_id, {"email": new_email, "email_change": ""})
        await conn.execute(
            "delete from auth.one_time_tokens"
            " where user_id = %s and token_type = any(%s::auth.one_time_token_type[])",
            (user_id, [EMAIL_CHANGE_NEW, EMAIL_CHANGE_CURRENT]),
        )
        await set_identity_email(conn, user_id, new_email)
    return await confirm_email(conn, user_id)


async def _signed_in(request: Request, service: AuthService, conn: Connection, user: Row) -> dict[str, Any]:
    session, refresh_token = await start_session(conn, user["id"], client_info(request))
    user = await record_sign_in(conn, user["id"])
    identities = await find_identities(conn, [user["id"]])
    return session_response(service, user, identities[user["id"]], session, refresh_token)


async def verify_post(request: Request) -> JSONResponse:
    service = auth_service(request)
    body = await read_json_object(request)
    verify_type = _verify_type(string_field(body, "type"))
    token_types = TOKEN_TYPES_BY_VERIFY_TYPE[verify_type]
    expiry = service.settings.otp_expiry_seconds

    token_hash = string_field(body, "token_hash")
    # GoTrue removes dashes, so a code shown as 123-456 may be typed either way.
    code = string_field(body, "token").replace("-", "")
    email = string_field(body, "email")
    if not token_hash and not (code and email):
        raise AuthError(
            400, "validation_failed", "Verify requires either a token with an email, or a token_hash"
        )

    async with service.ctx.db.connection() as conn:
        async with conn.transaction():
            if token_hash:
                token = await consume_hash(conn, token_hash, token_types, expiry)
            else:
                token = await consume_code(conn, validate_email(email), code, token_types, expiry)
            if token is None:
                raise otp_expired()
            user = await apply_verification(conn, token)
            response = await _signed_in(request, service, conn, user)
    logger.info("verified a %s code of user %s", verify_type, user["id"])
    return JSONResponse(response)


def _error_redirect(redirect_to: str, error: AuthError, pkce: bool) -> RedirectResponse:
    return RedirectResponse(error_redirect_url(redirect_to, error, pkce), status_code=303)


async def verify_get(request: Request) -> RedirectResponse:
    service = auth_service(request)
    token = request.query_params.get("token", "")
    link_type = request.query_params.get("type", "")
    redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)
    pkce = token.startswith(PKCE_PREFIX)
    expiry = service.settings.otp_expiry_seconds

    try:
        if link_type not in LINK_TYPES:
            raise AuthError(400, "validation_failed", f"Unsupported verification type {link_type!r}")
        async with service.ctx.db.connection() as conn:
            async with conn.transaction():
                used = await consume_hash(conn, token, TOKEN_TYPES_BY_VERIFY_TYPE[link_type], expiry)
                if used is None:
                    raise AuthError(403, "otp_expired", "Email link is invalid or has expired")
                user = await apply_verification(conn, used)
                if pkce:
                    issued_code = await issue_email_auth_code(conn, user["id"], link_type, expiry)
                    if issued_code is None:
                        raise AuthError(404, "flow_state_not_found", "No associated flow state found")
                    auth_code = issued_code
                else:
                    session = await _signed_in(request, service, conn, user)
    except AuthError as error:
        logger.info("an email link failed: %s", error.code)
        return _error_redirect(redirect_to, error, pkce)

    if pkce:
        return RedirectResponse(with_query(redirect_to, {"code": auth_code}), status_code=303)
    fragment = {
        "access_token": session["access_token"],
        "expires_at": str(session["expires_at"]),
        "expires_in": str(session["expires_in"]),
        "refresh_token": session["refresh_token"],
        "token_type": "bearer",
        "type": link_type,
    }
    return RedirectResponse(with_fragment(redirect_to, fragment), status_code=303)


async def verify(request: Request) -> JSONResponse | RedirectResponse:
    """Route /verify by method, so one route lists both methods in a 405's Allow header."""
    if request.method == "GET":
        return await verify_get(request)
    return await verify_post(request)
