"""POST /invite: an admin invites an address, which gets a user and an email with a code and a link."""

from __future__ import annotations

import datetime as dt
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from .bearer import require_admin
from .emails import send_verification_email
from .params import object_field, read_json_object, string_field, validate_email
from .redirects import redirect_target
from .service import auth_service
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
    update_user,
)

logger = logging.getLogger(__name__)


async def invited_user(conn: Connection, email: str, data: dict[str, object]) -> Row:
    """Create the invited user, or mark an unconfirmed one as invited again. A confirmed one is 422."""
    user = await find_user_by_email(conn, email)
    if user is not None and user["email_confirmed_at"] is not None:
        raise email_exists()
    if user is None:
        user = await insert_user(conn, NewUser(email=email, password_hash=None, user_metadata=dict(data)))
        await insert_email_identity(conn, user, data)
    return await update_user(conn, user["id"], {"invited_at": dt.datetime.now(dt.UTC)})


async def invite(request: Request) -> JSONResponse:
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        body = await read_json_object(request)
        email = validate_email(string_field(body, "email"))
        data = object_field(body, "data") or {}
        redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)
        service.limits.check_email(email)

        async with conn.transaction():
            user = await invited_user(conn, email, data)
            await send_verification_email(
                conn, service, user_id=user["id"], kind="invite", address=email, redirect_to=redirect_to
            )
            user = await update_user(conn, user["id"], {})
        identities = await find_identities(conn, [user["id"]])

    logger.info("invited user %s", user["id"])
    return JSONResponse(user_json(user, identities[user["id"]]))
