"""GET /authorize and GET /callback: a stand-in OAuth provider that completes the real redirect round trip.

A hosted project sends the browser from /authorize to the provider, which returns it to /callback.
Here /authorize shows a page ("Continue as …") listing the users in auth.users and a field for any
other address, and the page's form goes to /callback. The callback signs the user in with that
provider (creating the user and identity when missing) and redirects to `redirect_to?code=<auth
code>` for PKCE, or with the session in the fragment otherwise, as GoTrue's callback does.

The page and the callback share a `state` JWT signed with the project secret, carrying the provider,
the checked redirect target and the flow state id, so a forged or altered callback is rejected.
"""

from __future__ import annotations

import html
import logging
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from ..keys import InvalidToken
from .access_tokens import session_response
from .client_info import client_info
from .errors import AuthError
from .flow_states import create_flow_state, lock_flow_state
from .params import validate_email
from .pkce import validate_pkce_params
from .redirects import error_redirect_url, redirect_target, with_fragment, with_query
from .service import AuthService, auth_service
from .sessions import start_session
from .user_json import json_object
from .users import (
    Connection,
    NewUser,
    Row,
    confirm_email,
    find_identities,
    find_user_by_email,
    find_user_by_id,
    insert_identity,
    insert_user,
    is_banned,
    record_sign_in,
    update_user,
)

logger = logging.getLogger(__name__)

STATE_PURPOSE = "local_oauth_state"
# The page lists at most this many users, by address. Any other address can be typed in.
MAX_LISTED_USERS = 50
# Stand-in provider user ids are derived from the provider and the address, so they stay stable.
PROVIDER_ID_NAMESPACE = uuid.UUID("6f2a3c1e-5b0d-4e8a-9c7f-1d2e3f405162")


async def authorize(request: Request) -> HTMLResponse:
    service = auth_service(request)
    provider = request.query_params.get("provider", "").lower()
    if provider not in service.settings.providers:
        raise AuthError(
            400, "validation_failed", f"Unsupported provider: Provider {provider} could not be found"
        )
    challenge = request.query_params.get("code_challenge", "")
    method = request.query_params.get("code_challenge_method", "")
    validate_pkce_params(method, challenge)
    redirect_to = redirect_target(request.query_params.get("redirect_to"), service.settings)

    async with service.ctx.db.connection() as conn:
        flow_state_id = None
        if challenge:
            flow = await create_flow_state(
                conn,
                user_id=None,
                code_challenge=challenge,
                code_challenge_method=method,
                provider_type=provider,
                authentication_method="oauth",
            )
            flow_state_id = str(flow["id"])
        users = await _listed_users(conn)

    now = int(time.time())
    state = service.ctx.keys.sign(
        {
            "purpose": STATE_PURPOSE,
            "provider": provider,
            "redirect_to": redirect_to,
            "flow_state_id": flow_state_id,
            "iat": now,
            "exp": now + service.settings.flow_state_expiry_seconds,
        }
    )
    return HTMLResponse(_page(service, provider, state, users))


async def _listed_users(conn: Connection) -> list[Row]:
    cursor = await conn.execute(
        """
        select email, raw_user_meta_data ->> 'full_name' as full_name
        from auth.users
        where email is not null and email <> '' and deleted_at is null
        order by email
        limit %s
        """,
        (MAX_LISTED_USERS,),
    )
    return await cursor.fetchall()


def _page(service: AuthService, provider: str, state: str, users: list[Row]) -> str:
    action = html.escape(f"{service.ctx.api_url}/auth/v1/callback")
    hidden = f"<input type='hidden' name='state' value='{html.escape(state)}'>"
    buttons = "".join(
        f"<p><button type='submit' name='email' value='{html.escape(user['email'])}'>Continue as "
        f"{html.escape(user['full_name'] or user['email'])} ({html.escape(user['email'])})</button></p>"
        for user in users
    )
    title = f"Sign in with {provider.title()} (local stand-in)"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:36rem;margin:2rem auto}"
        "button{font-size:1rem;padding:0.4rem 0.8rem}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        "<p>This page stands in for the provider's sign-in page of the local backend.</p>"
        f"<form method='get' action='{action}'>{hidden}{buttons}</form>"
        f"<form method='get' action='{action}'>{hidden}"
        "<p><label>Email <input type='email' name='email' required></label> "
        "<button type='submit'>Continue</button></p></form>"
        f"<form method='get' action='{action}'>{hidden}"
        "<p><button type='submit' name='error' value='access_denied'>Cancel</button></p></form>"
        "</body></html>"
    )


def _read_state(service: AuthService, raw: str) -> dict[str, Any]:
    try:
        claims = service.ctx.keys.verify(raw)
    except InvalidToken:
        raise AuthError(400, "bad_oauth_state", "OAuth state parameter is invalid or has expired") from None
    if claims.get("purpose") != STATE_PURPOSE or not claims.get("provider"):
        raise AuthError(400, "bad_oauth_state", "OAuth state parameter is invalid or has expired")
    return claims


def _error_redirect(redirect_to: str, error: AuthError, pkce: bool) -> RedirectResponse:
    return RedirectResponse(error_redirect_url(redirect_to, error, pkce), status_code=303)


async def callback(request: Request) -> RedirectResponse:
    service = auth_service(request)
    # Without a valid state there is no trusted redirect target, so the error is JSON, as GoTrue's is.
    state = _read_state(service, request.query_params.get("state", ""))
    provider = str(state["provider"])
    redirect_to = str(state["redirect_to"])
    flow_state_id = state.get("flow_state_id")
    pkce = bool(flow_state_id)

    try:
        if request.query_params.get("error"):
            raise AuthError(403, "access_denied", "The user cancelled the sign-in at the provider")
        email = validate_email(request.query_params.get("email", "").strip())
        async with service.ctx.db.connection() as conn:
            async with conn.transaction():
                user = await sign_in_with_provider(conn, service, provider, email)
                if pkce:
                    auth_code = await _issue_auth_code(conn, service, uuid.UUID(str(flow_state_id)), user)
                else:
                    # NOTE: without a flow state nothing marks the state as used, so an implicit-flow
                    # callback URL signs in again until the state expires (flow state lifetime).
                    session, refresh_token = await start_session(conn, user["id"], client_info(request))
                    user = await record_sign_in(conn, user["id"])
                    identities = await find_identities(conn, [user["id"]])
                    tokens = session_response(service, user, identities[user["id"]], session, refresh_token)
    except AuthError as error:
        logger.info("a %s sign-in at the stand-in provider failed: %s", provider, error.code)
        return _error_redirect(redirect_to, error, pkce)

    logger.info("user %s signed in with the stand-in %s provider", user["id"], provider)
    if pkce:
        return RedirectResponse(with_query(redirect_to, {"code": auth_code}), status_code=303)
    fragment = {
        "access_token": tokens["access_token"],
        "expires_at": str(tokens["expires_at"]),
        "expires_in": str(tokens["expires_in"]),
        "refresh_token": tokens["refresh_token"],
        "token_type": "bearer",
        "provider_token": "",
    }
    return RedirectResponse(with_fragment(redirect_to, fragment), status_code=303)


async def _issue_auth_code(
    conn: Connection, service: AuthService, flow_state_id: uuid.UUID, user: Row
) -> str:
    flow = await lock_flow_state(conn, flow_state_id, service.settings.flow_state_expiry_seconds)
    if flow is None or flow["user_id"] is not None:
        raise AuthError(404, "flow_state_not_found", "invalid flow state, no valid flow state found")
    if flow["expired"]:
        raise AuthError(422, "flow_state_expired", "invalid flow state, flow state has expired")
    await conn.execute(
        """
        update auth.flow_state set user_id = %s, auth_code_issued_at = now(), updated_at = now()
        where id = %s
        """,
        (user["id"], flow_state_id),
    )
    return str(flow["auth_code"])


async def sign_in_with_provider(conn: Connection, service: AuthService, provider: str, email: str) -> Row:
    """Return the user of this provider identity, linking it to the user with that address or creating one."""
    provider_id = str(uuid.uuid5(PROVIDER_ID_NAMESPACE, f"{provider}:{email}"))
    identity_data = {
        "sub": provider_id,
        "provider_id": provider_id,
        "email": email,
        "email_verified": True,
        "phone_verified": False,
        "iss": f"{service.ctx.api_url}/auth/v1/authorize",
    }

    cursor = await conn.execute(
        "select user_id from auth.identities where provider = %s and provider_id = %s",
        (provider, provider_id),
    )
    identity = await cursor.fetchone()
    if identity is not None:
        await conn.execute(
            "update auth.identities set last_sign_in_at = now(), updated_at = now() "
            "where provider = %s and provider_id = %s",
            (provider, provider_id),
        )
        user = await find_user_by_id(conn, identity["user_id"])
        assert user is not None
    else:
        user = await find_user_by_email(conn, email)
        if user is None:
            if not service.settings.signup_enabled:
                raise AuthError(422, "signup_disabled", "Signups not allowed for this instance")
            new_user = NewUser(
                email=email,
                password_hash=None,
                user_metadata=dict(identity_data),
                app_metadata={"provider": provider, "providers": [provider]},
                email_confirmed=True,
            )
            user = await insert_user(conn, new_user)
        else:
            # The provider vouches for the address, so linking it also confirms it.
            app_metadata = json_object(user["raw_app_meta_data"])
            providers = list(app_metadata.get("providers") or [])
            if provider not in providers:
                providers.append(provider)
            app_metadata["providers"] = providers
            await update_user(conn, user["id"], {"raw_app_meta_data": app_metadata})
            user = await confirm_email(conn, user["id"])
        await insert_identity(conn, user["id"], provider, provider_id, identity_data)

    if is_banned(user):
        raise AuthError(403, "user_banned", "User is banned")
    return user
