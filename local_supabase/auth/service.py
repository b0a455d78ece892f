"""The state every auth endpoint uses: the backend's shared context and the auth settings."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from ..context import ServiceContext
from .settings import AuthSettings


@dataclass(frozen=True)
class AuthService:
    ctx: ServiceContext
    settings: AuthSettings

    @property
    def issuer(self) -> str:
        """The `iss` claim of access tokens, which GoTrue sets to its own external URL."""
        return f"{self.ctx.api_url}/auth/v1"

    @property
    def jwt_expiry_seconds(self) -> int:
        return self.ctx.config.jwt_expiry_seconds


def auth_service(request: Request) -> AuthService:
    """Return the service of the auth app that is handling `request`."""
    service = request.app.state.auth_service
    assert isinstance(service, AuthService)
    return service
