"""The JWT secret of a local project, and the API keys and access tokens signed with it."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

ISSUER = "supabase-local"
# Hosted keys last about ten years; the local ones do the same so a kept data directory keeps working.
API_KEY_LIFETIME_SECONDS = 10 * 365 * 24 * 3600
# PostgREST and GoTrue accept this much clock skew on exp, nbf and iat.
CLOCK_SKEW_SECONDS = 30


class InvalidToken(Exception):
    """A bearer token that is malformed, wrongly signed or expired."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class ProjectKeys:
    """The signing secret and the two API keys derived from it."""

    jwt_secret: str
    anon_key: str
    service_role_key: str

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.jwt_secret, algorithm="HS256")

    def verify(self, token: str) -> dict[str, Any]:
        """Return the claims of a token signed with this project's secret."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.jwt_secret,
                algorithms=["HS256"],
                leeway=CLOCK_SKEW_SECONDS,
                options={"verify_aud": False, "require": ["exp"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("JWT expired", expired=True) from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid JWT: {exc}") from exc
        return claims


def _api_key(secret: str, role: str, issued_at: int) -> str:
    claims = {"iss": ISSUER, "role": role, "iat": issued_at, "exp": issued_at + API_KEY_LIFETIME_SECONDS}
    return jwt.encode(claims, secret, algorithm="HS256")


def load_or_create_keys(data_dir: Path) -> ProjectKeys:
    """Read the secret kept in the data directory, generating it on first use.

    The keys are derived from the secret and a fixed issue time kept beside it, so they stay the same
    across restarts and clients configured once keep working.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_file = data_dir / "jwt_secret"
    issued_file = data_dir / "keys_issued_at"

    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
        issued_file.write_text(str(int(time.time())))

    secret = secret_file.read_text().strip()
    issued_at = int(issued_file.read_text().strip()) if issued_file.exists() else int(time.time())

    return ProjectKeys(
        jwt_secret=secret,
        anon_key=_api_key(secret, "anon", issued_at),
        service_role_key=_api_key(secret, "service_role", issued_at),
    )
