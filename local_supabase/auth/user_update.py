"""PUT /user: the signed-in user changes their password, metadata or email address."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .bearer import authenticate_user
from .emails import send_verification_email
from .errors import AuthError
from .params import object_field, optional_string_field, read_json_object, string_field, validate_email
from .passwords import check_password_strength, hash_password, password_matches
from .pkce import validate_pkce_params
from .redirects import redirect_target
from .service import auth_service
from .sessions import end_sessions
from .user_json import user_json
from .users import email_exists, find_identities, merge_metadata, other_user_has_email, update_user

logger = logging.getLogger(__name__)


async def update_current_user(request: Request) -> JSONResponse:
    service = auth_service(request)
    body = await read_json_object(request)
    password = optional_string_field(body, "password")
    data = object_field(body, "data")
    new_email = string_field(body, "email")
    challenge = string_field(body, "code_challenge")
    method = string_field(body, "code_challenge_method")
    validate_pkce_params(method, challenge)
    if string_field(body, "phone"):
        raise AuthError(422, "phone_provider_disabled", "Unsupported phone provider")
    redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)

    async with service.ctx.db.connection() as conn:
        caller = await authenticate_user(request, service, conn)
        user = caller.user
        changes: dict[str, Any] = {}

        if password is not None:
            check_password_strength(password, service.settings.password_min_length)
            if await password_matches(password, user["encrypted_password"]):
                raise AuthError(
                    422, "same_password", "New password should be different from the old password."
                )
            changes["encrypted_password"] = await hash_password(password)

        if data is not None:
            changes["raw_user_meta_data"] = merge_metadata(user["raw_user_meta_data"], data)

        email_change = ""
        if new_email:
            new_email = validate_email(new_email)
            if new_email != (user["email"] or "").lower():
                if await other_user_has_email(conn, new_email, user["id"]):
                    raise email_exists()
                service.limits.check_email(new_email)
                email_change = new_email

        async with conn.transaction():
            if changes:
                user = await update_user(conn, user["id"], changes)
            if "encrypted_password" in changes and caller.session is not None:
                # GoTrue ends the user's other sessions when the password changes.
                await end_sessions(conn, user["id"], caller.session["id"], "others")
            if email_change:
                # NOTE: GoTrue changes the address at once when autoconfirm is on, and with its secure
                # email change (on by default) also emails the current address. Here the change always
                # waits for the code or link sent to the new address.
                await update_user(conn, user["id"], {"email_change": email_change})
                await send_verification_email(
                    conn,
                    service,
                    user_id=user["id"],
                    kind="email_change",
                    address=email_change,
                    redirect_to=redirect_to,
                    code_challenge=challenge,
                    code_challenge_method=method,
                )
                user = await update_user(conn, user["id"], {})
        identities = await find_identities(conn, [user["id"]])

    logger.info("user %s updated their account: %s", user["id"], ", ".join(sorted(changes)) or "email")
    return JSONResponse(user_json(user, identities[user["id"]]))
