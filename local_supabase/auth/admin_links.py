"""POST /admin/generate_link: the code and link an email would carry, returned instead of sent.

The response is the user with the fields `action_link`, `email_otp`, `hashed_token`, `redirect_to`
and `verification_type` added at the top level, as GoTrue returns it. No email is written.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .bearer import require_admin
from .emails import issue_verification
from .errors import AuthError
from .invite import invited_user
from .params import object_field, read_json_object, string_field, validate_email
from .passwords import check_password_strength, hash_password
from .redirects import redirect_target
from .service import AuthService, auth_service
from .user_json import user_json
from .users import (
    Connection,
    NewUser,
    Row,
    email_exists,
    find_identities,
    find_user_by_email,
    insert_email_identity,
    insert_user,
    other_user_has_email,
    update_user,
)

logger = logging.getLogger(__name__)

LINK_TYPES = frozenset(
    {"signup", "invite", "magiclink", "recovery", "email_change_current", "email_change_new"}
)


def user_not_found() -> AuthError:
    return AuthError(404, "user_not_found", "User with this email not found")


async def _signup_user(
    conn: Connection, service: AuthService, email: str, password: str, data: dict[str, Any]
) -> Row:
    user = await find_user_by_email(conn, email)
    if user is not None:
        if user["email_confirmed_at"] is not None:
            raise email_exists()
        return user
    if password:
        check_password_strength(password, service.settings.password_min_length)
    new_user = NewUser(
        email=email, password_hash=await hash_password(password) if password else None, user_metadata=data
    )
    user = await insert_user(conn, new_user)
    await insert_email_identity(conn, user, data)
    return user


async def generate_link(request: Request) -> JSONResponse:
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        body = await read_json_object(request)
        link_type = string_field(body, "type")
        if link_type not in LINK_TYPES:
            raise AuthError(
                400, "validation_failed", f"Invalid link type {link_type!r}, use one of {sorted(LINK_TYPES)}"
            )
        email = validate_email(string_field(body, "email"))
        password = string_field(body, "password")
        data = object_field(body, "data") or {}
        redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)

        async with conn.transaction():
            user = await find_user_by_email(conn, email)
            kind = link_type
            address = email
            if link_type == "signup":
                if not password:
                    raise AuthError(400, "validation_failed", "Signup requires a valid password")
                user = await _signup_user(conn, service, email, password, data)
            elif link_type == "invite":
                user = await invited_user(conn, email, data)
            elif link_type == "magiclink" and user is None:
                # A magic link for a new address signs the user up, as GoTrue's does.
                user = await _signup_user(conn, service, email, "", data)
                kind = "signup"
            elif user is None:
                raise user_not_found()
            elif link_type.startswith("email_change"):
                new_email = validate_email(string_field(body, "new_email"))
                if await other_user_has_email(conn, new_email, user["id"]):
                    raise email_exists()
                await update_user(conn, user["id"], {"email_change": new_email})
                kind = "email_change" if link_type == "email_change_new" else "email_change_current"
                address = new_email if link_type == "email_change_new" else email

            verification = await issue_verification(
                conn, service, user_id=user["id"], kind=kind, address=address, redirect_to=redirect_to
            )
            user = await update_user(conn, user["id"], {})
        identities = await find_identities(conn, [user["id"]])

    logger.info("generated a %s link for user %s", link_type, user["id"])
    response = user_json(user, identities[user["id"]])
    response.update(
        {
            "action_link": verification.action_link,
            "email_otp": verification.otp,
            "hashed_token": verification.token_hash,
            "redirect_to": verification.redirect_to,
            "verification_type": "signup" if kind == "signup" else link_type,
        }
    )
    return JSONResponse(response)
