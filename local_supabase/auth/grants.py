"""POST /token: the password and refresh_token grants, each returning a session."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from .access_tokens import session_response
from .client_info import client_info
from .errors import AuthError, OAuthError
from .params import read_json_object, string_field
from .passwords import password_matches, weak_password_reasons
from .pkce_grant import pkce_grant
from .service import AuthService, auth_service
from .sessions import rotate_refresh_token, start_session
from .users import find_identities, find_user_by_email, is_banned, record_sign_in

logger = logging.getLogger(__name__)

# Grants GoTrue offers that the local auth service does not implement yet.
UNSUPPORTED_GRANTS = frozenset({"id_token", "web3"})


def invalid_credentials() -> AuthError:
    # One message for an unknown email and a wrong password, so the response does not reveal which.
    return AuthError(400, "invalid_credentials", "Invalid login credentials")


async def token(request: Request) -> JSONResponse:
    service = auth_service(request)
    grant_type = request.query_params.get("grant_type", "")

    if grant_type == "password":
        return await password_grant(request, service)
    if grant_type == "refresh_token":
        return await refresh_token_grant(request, service)
    if grant_type == "pkce":
        return await pkce_grant(request, service)
    if grant_type in UNSUPPORTED_GRANTS:
        raise AuthError(
            400, "validation_failed", f"grant_type={grant_type} is not supported by the local auth service"
        )
    raise AuthError(400, "invalid_credentials", "unsupported_grant_type")


async def password_grant(request: Request, service: AuthService) -> JSONResponse:
    body = await read_json_object(request)
    email = string_field(body, "email")
    phone = string_field(body, "phone")
    password = string_field(body, "password")

    if email and phone:
        raise AuthError(
            400, "validation_failed", "Only an email address or phone number should be provided on login."
        )
    if phone:
        raise AuthError(422, "phone_provider_disabled", "Phone logins are disabled")
    if not email:
        raise AuthError(400, "validation_failed", "missing email or phone")
    service.limits.check_sign_in(client_info(request).ip)

    async with service.ctx.db.connection() as conn:
        user = await find_user_by_email(conn, email)
        if user is None or not user["encrypted_password"]:
            raise invalid_credentials()
        if is_banned(user):
            raise AuthError(400, "user_banned", "User is banned")
        if not await password_matches(password, user["encrypted_password"]):
            raise invalid_credentials()
        # Checked after the password, so an unconfirmed address is only revealed to its owner.
        if user["email_confirmed_at"] is None:
            raise AuthError(400, "email_not_confirmed", "Email not confirmed")

        async with conn.transaction():
            session, refresh_token = await start_session(conn, user["id"], client_info(request))
            user = await record_sign_in(conn, user["id"])
        identities = await find_identities(conn, [user["id"]])

    response = session_response(service, user, identities[user["id"]], session, refresh_token)

    # GoTrue signs in users whose password no longer meets the rules and reports it beside the session.
    reasons = weak_password_reasons(password, service.settings.password_min_length)
    if reasons:
        response["weak_password"] = {
            "message": f"Password should be at least {service.settings.password_min_length} characters.",
            "reasons": reasons,
        }
    return JSONResponse(response)


async def refresh_token_grant(request: Request, service: AuthService) -> JSONResponse:
    body = await read_json_object(request)
    presented = string_field(body, "refresh_token")
    if not presented:
        raise OAuthError("invalid_request", "refresh_token required")

    async with service.ctx.db.connection() as conn:
        granted = await rotate_refresh_token(
            conn, presented, client_info(request), service.settings.refresh_token_reuse_interval_seconds
        )
        identities = await find_identities(conn, [granted.user["id"]])

    user_id = granted.user["id"]
    return JSONResponse(
        session_response(service, granted.user, identities[user_id], granted.session, granted.refresh_token)
    )
