"""The state every auth endpoint uses: the backend's shared context, the auth settings and rate limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from ..context import ServiceContext
from .rate_limits import AuthRateLimits
from .settings import AuthSettings


@dataclass(frozen=True)
class AuthService:
    ctx: ServiceContext
    settings: AuthSettings
    limits: AuthRateLimits = field(init=False)

    def __post_init__(self) -> None:
        limits = AuthRateLimits(
            self.settings.emails_per_address_per_hour, self.settings.sign_ins_per_ip_per_5_minutes
        )
        object.__setattr__(self, "limits", limits)

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
