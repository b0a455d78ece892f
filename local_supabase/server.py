"""Assemble the services into one ASGI app and run it with uvicorn next to PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from .auth.app import build_auth_app
from .context import ServiceContext
from .gateway import GatewayMiddleware
from .inbox import build_inbox_app
from .rest.app import build_rest_app

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Endpoints:
    """The URLs and keys of a running backend, as `supabase status` prints them."""

    api_url: str
    db_url: str
    anon_key: str
    service_role_key: str

    def as_dict(self) -> dict[str, str]:
        return {
            "api_url": self.api_url,
            "db_url": self.db_url,
            "anon_key": self.anon_key,
            "service_role_key": self.service_role_key,
        }


def build_app(ctx: ServiceContext) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await ctx.db.open()
        try:
            yield
        finally:
            await ctx.db.close()

    async def root(_request: Request) -> JSONResponse:
        return JSONResponse(
            {"message": "local Supabase-compatible backend", "services": ["auth/v1", "rest/v1", "inbox"]}
        )

    return Starlette(
        routes=[
            Route("/", root),
            Mount("/auth/v1", app=build_auth_app(ctx)),
            Mount("/rest/v1", app=build_rest_app(ctx)),
            Mount("/inbox", app=build_inbox_app(ctx)),
        ],
        middleware=[Middleware(GatewayMiddleware, keys=ctx.keys, max_url_length=ctx.config.max_url_length)],
        lifespan=lifespan,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket first, so port 0 yields a known free port before the server starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(
            f"cannot listen on {host}:{port}: {exc.strerror}. Choose another port with --port"
        ) from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(app: Starlette, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    """Serve until SIGINT or SIGTERM, calling `on_ready` once requests are accepted.

    uvicorn shuts down gracefully on those signals and then raises the same signal again with the
    handlers it found at start. Turning that into SystemExit lets the caller's clean-up (stopping
    PostgreSQL) run instead of the process dying on the spot.
    """
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if serving.done():
                await serving  # re-raises a start-up failure
                raise RuntimeError("the HTTP server stopped before it was ready")
            await asyncio.sleep(0.02)
        on_ready()
        await serving

    asyncio.run(run())
