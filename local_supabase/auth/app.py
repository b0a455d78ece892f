"""The auth service: a Starlette app speaking GoTrue's HTTP API, mounted by the server at /auth/v1."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..context import ServiceContext
from . import account, admin, admin_links, grants, invite, oauth, otp, signup, verify
from .errors import (
    AuthError,
    OAuthError,
    UnexpectedErrorMiddleware,
    auth_error_response,
    handle_auth_error,
    handle_oauth_error,
)
from .service import AuthService
from .settings import AuthSettings

SERVICE_NAME = "GoTrue"
SERVICE_VERSION = "local"
SERVICE_DESCRIPTION = (
    "GoTrue-compatible user registration and authentication API of the local Supabase backend"
)


async def health(_request: Request) -> JSONResponse:
    return JSONResponse(
        {"version": SERVICE_VERSION, "name": SERVICE_NAME, "description": SERVICE_DESCRIPTION}
    )


async def handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    """Return a JSON error for unknown paths and methods, so the client raises an AuthApiError."""
    assert isinstance(exc, HTTPException)
    endpoint = f"{request.method} {request.url.path.removeprefix(request.scope.get('root_path', ''))}"
    if exc.status_code == 404:
        error = AuthError(404, "not_found", f"The local auth service has no endpoint {endpoint}")
    elif exc.status_code == 405:
        error = AuthError(405, "method_not_allowed", f"The local auth service does not support {endpoint}")
    else:
        error = AuthError(exc.status_code, "unexpected_failure", exc.detail)
    # A 405 carries the Allow header that lists the supported methods.
    return auth_error_response(request, error, exc.headers)


def build_auth_app(ctx: ServiceContext, settings: AuthSettings | None = None) -> Starlette:
    """Build the auth app; `settings` defaults to the backend configuration's auth fields."""
    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/token", grants.token, methods=["POST"]),
            Route("/signup", signup.signup, methods=["POST"]),
            Route("/user", account.user_resource, methods=["GET", "PUT"]),
            Route("/otp", otp.otp, methods=["POST"]),
            Route("/recover", otp.recover, methods=["POST"]),
            Route("/verify", verify.verify, methods=["GET", "POST"]),
            Route("/authorize", oauth.authorize, methods=["GET"]),
            Route("/callback", oauth.callback, methods=["GET"]),
            Route("/invite", invite.invite, methods=["POST"]),
            Route("/admin/generate_link", admin_links.generate_link, methods=["POST"]),
            Route("/logout", account.logout, methods=["POST"]),
            Route("/admin/users", admin.users_collection, methods=["GET", "POST"]),
            Route("/admin/users/{user_id}", admin.user_resource, methods=["GET", "PUT", "DELETE"]),
        ],
        middleware=[Middleware(UnexpectedErrorMiddleware)],
        exception_handlers={
            AuthError: handle_auth_error,
            OAuthError: handle_oauth_error,
            HTTPException: handle_http_exception,
        },
    )
    app.state.auth_service = AuthService(ctx=ctx, settings=settings or AuthSettings.from_config(ctx.config))
    return app
