"""POST /otp and POST /recover: email a one-time code and link for signing in or resetting a password."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from .client_info import client_info
from .emails import send_verification_email
from .errors import AuthError
from .params import bad_json, object_field, read_json_object, string_field, validate_email
from .pkce import validate_pkce_params
from .redirects import redirect_target
from .service import auth_service
from .users import NewUser, find_user_by_email, insert_email_identity, insert_user

logger = logging.getLogger(__name__)


def signup_disabled() -> AuthError:
    return AuthError(422, "signup_disabled", "Signups not allowed for this instance")


async def otp(request: Request) -> JSONResponse:
    """Send a sign-in code, creating the user first when `create_user` is true (the default)."""
    service = auth_service(request)
    body = await read_json_object(request)
    if string_field(body, "phone"):
        raise AuthError(422, "phone_provider_disabled", "Unsupported phone provider")

    create_user = body.get("create_user", True)
    if not isinstance(create_user, bool):
        raise bad_json("field 'create_user' must be true or false")
    data = object_field(body, "data") or {}
    challenge = string_field(body, "code_challenge")
    method = string_field(body, "code_challenge_method")
    validate_pkce_params(method, challenge)
    email = validate_email(string_field(body, "email"))
    redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)
    service.limits.check_sign_in(client_info(request).ip)

    async with service.ctx.db.connection() as conn:
        user = await find_user_by_email(conn, email)
        if user is None and not create_user:
            raise AuthError(422, "otp_disabled", "Signups not allowed for otp")
        if user is None and not service.settings.signup_enabled:
            raise signup_disabled()
        service.limits.check_email(email)

        async with conn.transaction():
            if user is None:
                user = await insert_user(conn, NewUser(email=email, password_hash=None, user_metadata=data))
                await insert_email_identity(conn, user, data)
                logger.info("created user %s for an email code", user["id"])

            # An unconfirmed address gets the sign-up confirmation, whose code signs in just the same.
            kind = "magiclink" if user["email_confirmed_at"] is not None else "signup"
            await send_verification_email(
                conn,
                service,
                user_id=user["id"],
                kind=kind,
                address=email,
                redirect_to=redirect_to,
                code_challenge=challenge,
                code_challenge_method=method,
            )
    return JSONResponse({})


async def recover(request: Request) -> JSONResponse:
    """Send a password-reset code; the response is the same whether or not the address has an account."""
    service = auth_service(request)
    body = await read_json_object(request)
    challenge = string_field(body, "code_challenge")
    method = string_field(body, "code_challenge_method")
    validate_pkce_params(method, challenge)
    email = validate_email(string_field(body, "email"))
    redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)

    async with service.ctx.db.connection() as conn:
        user = await find_user_by_email(conn, email)
        if user is None:
            return JSONResponse({})
        service.limits.check_email(email)

        async with conn.transaction():
            await send_verification_email(
                conn,
                service,
                user_id=user["id"],
                kind="recovery",
                address=email,
                redirect_to=redirect_to,
                code_challenge=challenge,
                code_challenge_method=method,
            )
    return JSONResponse({})
