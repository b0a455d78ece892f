"""The admin user endpoints under /admin/users, for tokens whose role is an admin role (service_role)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from typing import Any
from urllib.parse import urlencode

import psycopg
from starlette.requests import Request
from starlette.responses import JSONResponse

from .bearer import require_admin
from .errors import AuthError
from .params import (
    bool_field,
    object_field,
    optional_string_field,
    parse_go_duration,
    read_json_object,
    string_field,
    validate_email,
)
from .passwords import MAX_PASSWORD_BYTES, hash_password, is_bcrypt_hash
from .service import auth_service
from .user_json import user_json
from .users import (
    DEFAULT_AUDIENCE,
    DEFAULT_ROLE,
    NewUser,
    delete_user,
    email_app_metadata,
    find_identities,
    find_user_by_email,
    find_user_by_id,
    insert_email_identity,
    insert_user,
    list_users,
    merge_metadata,
    other_user_has_email,
    set_identity_email,
    soft_delete_user,
    update_user,
)

logger = logging.getLogger(__name__)

DEFAULT_PER_PAGE = 50


async def users_collection(request: Request) -> JSONResponse:
    """Route /admin/users by method, so one route lists every allowed method in a 405's Allow header."""
    if request.method == "POST":
        return await create_user(request)
    return await list_all_users(request)


async def user_resource(request: Request) -> JSONResponse:
    if request.method == "DELETE":
        return await delete_user_by_id(request)
    if request.method == "PUT":
        return await update_user_by_id(request)
    return await get_user_by_id(request)


async def create_user(request: Request) -> JSONResponse:
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        new_user = await _new_user_from_body(await read_json_object(request))

        if await find_user_by_email(conn, new_user.email, new_user.aud) is not None:
            raise AuthError(422, "email_exists", "A user with this email address has already been registered")

        try:
            async with conn.transaction():
                user = await insert_user(conn, new_user)
                await insert_email_identity(conn, user, {})
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "users_pkey":
                raise AuthError(
                    422, "validation_failed", f"A user with id {new_user.id} already exists"
                ) from None
            raise AuthError(
                422, "email_exists", "A user with this email address has already been registered"
            ) from None

        identities = await find_identities(conn, [user["id"]])
    logger.info("admin created user %s", user["id"])
    return JSONResponse(user_json(user, identities[user["id"]]))


async def _new_user_from_body(body: dict[str, Any]) -> NewUser:
    """Check the attributes of POST /admin/users as GoTrue does and return the user to insert."""
    email = string_field(body, "email")
    if not email and not string_field(body, "phone"):
        raise AuthError(400, "validation_failed", "Cannot create a user without either an email or phone")
    if string_field(body, "phone"):
        raise AuthError(
            400,
            "validation_failed",
            "The local auth service does not support phone users; create the user by email",
        )
    email = validate_email(email)

    password = optional_string_field(body, "password")
    password_hash = string_field(body, "password_hash")
    if password is not None and password_hash:
        raise AuthError(400, "validation_failed", "Only a password or a password hash should be provided")
    if password_hash and not is_bcrypt_hash(password_hash):
        raise AuthError(400, "validation_failed", "password_hash must be a bcrypt hash such as $2a$10$...")
    if password and len(password.encode()) > MAX_PASSWORD_BYTES:
        raise AuthError(
            400, "validation_failed", f"Password cannot be longer than {MAX_PASSWORD_BYTES} characters"
        )
    # Unlike sign-up, GoTrue applies no minimum length to passwords an admin sets. Without a password
    # GoTrue sets a random one. An empty hash has the same effect, because no password matches it.
    stored_hash = password_hash or (await hash_password(password) if password else None)

    # Keys set to null in app_metadata remove the default key, as GoTrue's UpdateAppMetaData does.
    app_metadata = email_app_metadata()
    for key, value in (object_field(body, "app_metadata") or {}).items():
        if value is None:
            app_metadata.pop(key, None)
        else:
            app_metadata[key] = value

    return NewUser(
        email=email,
        password_hash=stored_hash,
        user_metadata=object_field(body, "user_metadata") or {},
        app_metadata=app_metadata,
        id=_custom_id(string_field(body, "id")),
        role=string_field(body, "role") or DEFAULT_ROLE,
        aud=string_field(body, "aud") or DEFAULT_AUDIENCE,
        email_confirmed=bool_field(body, "email_confirm"),
        banned_seconds=_ban_seconds(string_field(body, "ban_duration")),
    )


def _custom_id(text: str) -> uuid.UUID | None:
    if not text:
        return None
    try:
        custom = uuid.UUID(text)
    except ValueError:
        raise AuthError(400, "validation_failed", "ID must conform to the uuid v4 format") from None
    if custom.int == 0:
        raise AuthError(400, "validation_failed", "ID cannot be a nil uuid")
    return custom


def _ban_seconds(ban_duration: str) -> float | None:
    """Return how long from now the user is banned, or None for no ban ("" or "none")."""
    if not ban_duration or ban_duration == "none":
        return None
    try:
        seconds = parse_go_duration(ban_duration)
    except ValueError as exc:
        raise AuthError(400, "validation_failed", f"invalid format for ban duration: {exc}") from None
    return seconds or None


async def list_all_users(request: Request) -> JSONResponse:
    """List users newest first, paged by `page` (from 1) and `per_page` (default 50), with paging headers."""
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        page = _positive_int_param(request, "page", 1)
        per_page = _positive_int_param(request, "per_page", DEFAULT_PER_PAGE)
        users, total = await list_users(
            conn,
            aud=DEFAULT_AUDIENCE,
            page=page,
            per_page=per_page,
            text_filter=request.query_params.get("filter", ""),
        )
        identities = await find_identities(conn, [user["id"] for user in users])

    body = {
        "users": [user_json(user, identities[user["id"]]) for user in users],
        "aud": DEFAULT_AUDIENCE,
    }
    headers = {"X-Total-Count": str(total), "Link": _pagination_links(request, page, per_page, total)}
    return JSONResponse(body, headers=headers)


def _positive_int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise AuthError(
            400,
            "validation_failed",
            f"Bad Pagination Parameters: {name} must be a whole number from 1, got {raw!r}",
        )
    return int(raw)


def _pagination_links(request: Request, page: int, per_page: int, total: int) -> str:
    """Build GoTrue's Link header: a `next` link while pages remain, then the `last` page.

    The links are relative to the auth API root, e.g. </admin/users?page=2&per_page=50>, as GoTrue
    writes them. The client reads only the page numbers.
    """
    total_pages = math.ceil(total / per_page)
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    query = dict(request.query_params)

    def link(target_page: int, relation: str) -> str:
        params = sorted({**query, "page": str(target_page)}.items())
        return f'<{path}?{urlencode(params)}>; rel="{relation}"'

    links = [link(page + 1, "next")] if total_pages > page else []
    links.append(link(total_pages, "last"))
    return ", ".join(links)


def _user_id_param(request: Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["user_id"])
    except ValueError:
        raise AuthError(404, "validation_failed", "user_id must be an UUID") from None


async def get_user_by_id(request: Request) -> JSONResponse:
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        user_id = _user_id_param(request)
        user = await find_user_by_id(conn, user_id)
        if user is None:
            raise AuthError(404, "user_not_found", "User not found")
        identities = await find_identities(conn, [user_id])
    return JSONResponse(user_json(user, identities[user_id]))


async def delete_user_by_id(request: Request) -> JSONResponse:
    """Delete a user, or with `{"should_soft_delete": true}` keep the row and make it unusable."""
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        user_id = _user_id_param(request)
        body = await read_json_object(request, allow_empty=True)
        soft = bool_field(body, "should_soft_delete")

        if await find_user_by_id(conn, user_id) is None:
            raise AuthError(404, "user_not_found", "User not found")

        try:
            async with conn.transaction():
                if soft:
                    await soft_delete_user(conn, user_id)
                else:
                    await delete_user(conn, user_id)
        except psycopg.errors.ForeignKeyViolation as exc:
            # A project table references auth.users without ON DELETE CASCADE.
            logger.warning("deleting user %s failed: %s references it", user_id, exc.diag.table_name)
            raise AuthError(
                500,
                "unexpected_failure",
                f"Database error deleting user: rows in {exc.diag.table_name} still reference this user",
            ) from None

    logger.info("admin %s user %s", "soft-deleted" if soft else "deleted", user_id)
    return JSONResponse({})


async def update_user_by_id(request: Request) -> JSONResponse:
    """Apply the attributes of PUT /admin/users/{id}. Absent attributes keep their values."""
    service = auth_service(request)
    async with service.ctx.db.connection() as conn:
        await require_admin(request, service, conn)
        user_id = _user_id_param(request)
        body = await read_json_object(request)
        user = await find_user_by_id(conn, user_id)
        if user is None:
            raise AuthError(404, "user_not_found", "User not found")
        if string_field(body, "phone"):
            raise AuthError(400, "validation_failed", "The local auth service does not support phone users")

        changes = await _admin_changes(conn, user, body)
        async with conn.transaction():
            user = await update_user(conn, user_id, changes)
            if "email" in changes:
                await set_identity_email(conn, user_id, changes["email"])
            if "encrypted_password" in changes:
                # GoTrue signs the user out everywhere when an admin sets the password.
                await conn.execute("delete from auth.sessions where user_id = %s", (user_id,))
        identities = await find_identities(conn, [user_id])

    logger.info("admin updated user %s: %s", user_id, ", ".join(sorted(changes)) or "nothing")
    return JSONResponse(user_json(user, identities[user_id]))


async def _admin_changes(conn: Any, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    now = dt.datetime.now(dt.UTC)

    email = string_field(body, "email")
    if email:
        email = validate_email(email)
        if await other_user_has_email(conn, email, user["id"]):
            raise AuthError(422, "email_exists", "A user with this email address has already been registered")
        changes["email"] = email

    password = optional_string_field(body, "password")
    if password is not None:
        if len(password.encode()) > MAX_PASSWORD_BYTES:
            raise AuthError(
                400, "validation_failed", f"Password cannot be longer than {MAX_PASSWORD_BYTES} characters"
            )
        changes["encrypted_password"] = await hash_password(password)

    # As in GoTrue, email_confirm only ever confirms, so false leaves a confirmed address confirmed.
    if bool_field(body, "email_confirm") and user["email_confirmed_at"] is None:
        changes["email_confirmed_at"] = now

    user_metadata = object_field(body, "user_metadata")
    if user_metadata is not None:
        changes["raw_user_meta_data"] = merge_metadata(user["raw_user_meta_data"], user_metadata)
    app_metadata = object_field(body, "app_metadata")
    if app_metadata is not None:
        changes["raw_app_meta_data"] = merge_metadata(user["raw_app_meta_data"], app_metadata)

    role = string_field(body, "role")
    if role:
        changes["role"] = role

    ban_duration = string_field(body, "ban_duration")
    if ban_duration:
        seconds = _ban_seconds(ban_duration)
        changes["banned_until"] = None if seconds is None else now + dt.timedelta(seconds=seconds)
    return changes
