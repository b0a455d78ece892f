"""The PostgREST-compatible REST service mounted at /rest/v1."""

from __future__ import annotations

import logging

import psycopg
from psycopg_pool import PoolTimeout
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..context import ServiceContext
from .errors import (
    ApiError,
    error_response,
    from_database_error,
    internal_error,
    invalid_resource_path,
    not_implemented,
    unacceptable_schema,
    unsupported_method,
)
from .prefer import parse_prefer
from .query_params import parse_query_string
from .read_handler import read_rows
from .request_role import RequestRole, resolve_role
from .rest_request import RestRequest
from .rpc_catalogue import RoutineCache
from .rpc_handler import call_function
from .schema_cache import SchemaCache
from .write_handler import MUTATIONS, write_rows

logger = logging.getLogger(__name__)

# PostgREST reads the schema from Accept-Profile on reads and from Content-Profile on writes.
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# Undefined tables, undefined columns and type mismatches may mean the catalogue changed since the schema
# cache was loaded.
_STALE_CATALOGUE_SQLSTATES = frozenset({"42P01", "42703", "42804"})


def _route_path(scope: Scope) -> str:
    """Return the path below the mount point, e.g. `/items` for `/rest/v1/items`."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if root_path and path.startswith(root_path):
        return path[len(root_path) :]
    return path


def _choose_schema(request: Request, exposed: tuple[str, ...]) -> str:
    header = "content-profile" if request.method in _WRITE_METHODS else "accept-profile"
    requested = request.headers.get(header)
    if requested is None:
        return exposed[0]
    if requested not in exposed:
        raise unacceptable_schema(requested, exposed)
    return requested


class RestApp:
    """An ASGI app that serves table requests as PostgREST does, running SQL as the caller's role."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.schema_cache = SchemaCache(ctx.db, ctx.config.exposed_schemas)
        self.routines = RoutineCache(ctx.db, ctx.config.exposed_schemas)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self.respond(request, _route_path(scope))
        await response(scope, receive, send)

    async def respond(self, request: Request, path: str) -> Response:
        role: RequestRole | None = None
        try:
            role = await resolve_role(request.headers.get("authorization"), self.ctx.keys, self.schema_cache)
            return await self._dispatch(request, path, role)
        except ApiError as error:
            return error_response(error, include_body=request.method != "HEAD")
        except psycopg.Error as error:
            if error.sqlstate in _STALE_CATALOGUE_SQLSTATES:
                self.schema_cache.mark_stale()
            api_error = self._database_error(request, error, role)
            return error_response(api_error, include_body=request.method != "HEAD")
        except PoolTimeout:
            timeout = ApiError(504, "PGRST003", "Timed out acquiring connection from connection pool.")
            return error_response(timeout, include_body=request.method != "HEAD")
        except Exception:
            logger.exception("unexpected error while handling %s %s", request.method, request.url.path)
            return error_response(internal_error(), include_body=request.method != "HEAD")

    def _database_error(self, request: Request, error: psycopg.Error, role: RequestRole | None) -> ApiError:
        authenticated = role is not None and not role.is_anonymous
        api_error = from_database_error(error, authenticated=authenticated)
        if api_error.status >= 500:
            # A server-side failure, not a client mistake, so it is logged for the backend's operator.
            logger.error(
                "database error while handling %s %s: %s (%s)",
                request.method,
                request.url.path,
                error,
                type(error).__name__,
            )
        return api_error

    async def _dispatch(self, request: Request, path: str, role: RequestRole) -> Response:
        segments = path.strip("/").split("/") if path.strip("/") else []
        if not segments:
            raise not_implemented("the OpenAPI description (GET /rest/v1/)")
        if segments[0] == "rpc" and len(segments) == 2:
            return await self._call(request, role, segments[1])
        if len(segments) != 1:
            raise invalid_resource_path()

        method = request.method
        if method in ("PUT", "OPTIONS"):
            raise not_implemented(f"{method} requests on tables")
        if method not in ("GET", "HEAD") and method not in MUTATIONS:
            raise unsupported_method(method)

        schema = _choose_schema(request, self.ctx.config.exposed_schemas)
        preferences = parse_prefer(request.headers.getlist("prefer"))
        params = parse_query_string(request.url.query)
        rest = RestRequest(
            self.ctx, self.schema_cache, request, role, schema, segments[0], params, preferences
        )

        if method in ("GET", "HEAD"):
            return await read_rows(rest, head=method == "HEAD")
        return await write_rows(rest)

    async def _call(self, request: Request, role: RequestRole, function_name: str) -> Response:
        if request.method not in ("GET", "HEAD", "POST"):
            raise unsupported_method(request.method)
        schema = _choose_schema(request, self.ctx.config.exposed_schemas)
        preferences = parse_prefer(request.headers.getlist("prefer"))
        return await call_function(self.ctx, self.routines, request, role, schema, function_name, preferences)


def build_rest_app(ctx: ServiceContext) -> ASGIApp:
    """Build the REST service.

    It loads its schema cache on the first request, because a mounted app gets no lifespan events.
    """
    return RestApp(ctx)
