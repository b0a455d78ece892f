"""POST /signup: a new email and password user, signed in at once when autoconfirm is on."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import psycopg
from starlette.requests import Request
from starlette.responses import JSONResponse

from .access_tokens import session_response
from .client_info import client_info
from .emails import send_verification_email
from .errors import AuthError
from .params import object_field, read_json_object, string_field, validate_email
from .passwords import check_password_strength, hash_password
from .pkce import validate_pkce_params
from .redirects import redirect_target
from .service import AuthService, auth_service
from .sessions import start_session
from .user_json import format_timestamp, user_json
from .users import (
    DEFAULT_AUDIENCE,
    Connection,
    NewUser,
    email_app_metadata,
    find_identities,
    find_user_by_email,
    insert_email_identity,
    insert_user,
    mark_confirmation_sent,
    record_sign_in,
)

logger = logging.getLogger(__name__)


def user_already_exists() -> AuthError:
    return AuthError(422, "user_already_exists", "User already registered")


async def signup(request: Request) -> JSONResponse:
    service = auth_service(request)

    body = await read_json_object(request)
    email = string_field(body, "email")
    phone = string_field(body, "phone")
    password = string_field(body, "password")
    data = object_field(body, "data") or {}

    if not password:
        raise AuthError(400, "validation_failed", "Signup requires a valid password")
    check_password_strength(password, service.settings.password_min_length)
    if email and phone:
        raise AuthError(
            400, "validation_failed", "Only an email address or phone number should be provided on signup."
        )
    challenge = string_field(body, "code_challenge")
    method = string_field(body, "code_challenge_method")
    validate_pkce_params(method, challenge)
    if phone:
        raise AuthError(400, "phone_provider_disabled", "Phone signups are disabled")
    email = validate_email(email)
    service.limits.check_sign_in(client_info(request).ip)
    # Where the confirmation email's link leads and the PKCE challenge it completes.
    email_options = {
        "redirect_to": redirect_target(request.query_params.get("redirect_to"), service.settings),
        "code_challenge": challenge,
        "code_challenge_method": method,
    }

    async with service.ctx.db.connection() as conn:
        if not service.settings.signup_enabled and not await has_pending_invitation(conn, email):
            raise AuthError(422, "signup_disabled", "Signups not allowed for this instance")
        existing = await find_user_by_email(conn, email)
        if existing is not None:
            return await _repeated_signup(conn, service, existing, email, data, email_options)
        return await _new_signup(request, conn, service, email, password, data, email_options)


async def has_pending_invitation(conn: Connection, email: str) -> bool:
    """Return whether the app's public.invited_users table contains an invitation for `email`.

    NOTE: hosted Supabase Auth does not look at this table. There, closed sign-up rejects invited
    addresses too, unless the invitation email (the admin invite endpoint) created their user.
    This backend lets them sign up, so an app without a service-role key can still be tried
    with sign-up off. A project without that table has no invitations.
    """
    cursor = await conn.execute("select to_regclass('public.invited_users') is not null as present")
    row = await cursor.fetchone()
    if row is None or not row["present"]:
        return False

    cursor = await conn.execute(
        "select exists (select from public.invited_users where lower(email) = %s) as invited", [email]
    )
    row = await cursor.fetchone()
    return bool(row and row["invited"])


async def _repeated_signup(
    conn: Connection,
    service: AuthService,
    existing: dict[str, Any],
    email: str,
    data: dict[str, Any],
    email_options: dict[str, str],
) -> JSONResponse:
    # NOTE: with autoconfirm on, GoTrue confirms an existing unconfirmed user and returns a session
    # without checking the password. This service rejects that case as an existing user instead.
    if service.settings.autoconfirm:
        raise user_already_exists()

    if existing["email_confirmed_at"] is not None:
        # GoTrue returns a made-up user, so sign-up does not reveal which addresses have accounts.
        return JSONResponse(_obfuscated_user(email, data))

    service.limits.check_email(email)
    async with conn.transaction():
        await send_verification_email(
            conn, service, user_id=existing["id"], kind="signup", address=email, **email_options
        )
        user = await mark_confirmation_sent(conn, existing["id"])
    identities = await find_identities(conn, [user["id"]])
    return JSONResponse(user_json(user, identities[user["id"]]))


async def _new_signup(
    request: Request,
    conn: Connection,
    service: AuthService,
    email: str,
    password: str,
    data: dict[str, Any],
    email_options: dict[str, str],
) -> JSONResponse:
    autoconfirm = service.settings.autoconfirm
    if not autoconfirm:
        service.limits.check_email(email)
    new_user = NewUser(
        email=email,
        password_hash=await hash_password(password),
        user_metadata=data,
        email_confirmed=autoconfirm,
        confirmation_sent=not autoconfirm,
    )

    try:
        async with conn.transaction():
            user = await insert_user(conn, new_user)
            await insert_email_identity(conn, user, data)
            if autoconfirm:
                session, refresh_token = await start_session(conn, user["id"], client_info(request))
                user = await record_sign_in(conn, user["id"])
            else:
                await send_verification_email(
                    conn, service, user_id=user["id"], kind="signup", address=email, **email_options
                )
                user = await mark_confirmation_sent(conn, user["id"])
    except psycopg.errors.UniqueViolation:
        # Another sign-up with the same address committed first.
        raise user_already_exists() from None

    identities = await find_identities(conn, [user["id"]])
    if autoconfirm:
        return JSONResponse(session_response(service, user, identities[user["id"]], session, refresh_token))

    logger.info("signed up user %s, whose email address awaits confirmation", user["id"])
    return JSONResponse(user_json(user, identities[user["id"]]))


def _obfuscated_user(email: str, data: dict[str, Any]) -> dict[str, Any]:
    now = format_timestamp(dt.datetime.now(dt.UTC))
    return {
        "id": str(uuid.uuid4()),
        "aud": DEFAULT_AUDIENCE,
        "role": "",
        "email": email,
        "phone": "",
        "confirmation_sent_at": now,
        "app_metadata": email_app_metadata(),
        "user_metadata": data,
        "identities": [],
        "created_at": now,
        "updated_at": now,
        "is_anonymous": False,
    }
