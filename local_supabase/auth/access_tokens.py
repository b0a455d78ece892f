"""Access tokens and the session (token) response of the auth API.

The claims are GoTrue's: `aud`, `exp`, `iat`, `iss`, `sub`, `email`, `phone`, `app_metadata`,
`user_metadata`, `role`, `aal`, `amr`, `session_id`, `is_anonymous`. Tokens are signed HS256 with the
project secret and carry no `kid`, so supabase-py checks them with GET /user instead of a JWKS.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from .service import AuthService
from .user_json import json_object, user_json
from .users import DEFAULT_AUDIENCE, DEFAULT_ROLE, Row


def access_token_claims(
    user: Mapping[str, Any], session: Mapping[str, Any], *, issuer: str, issued_at: int, lifetime_seconds: int
) -> dict[str, Any]:
    created_at = session["created_at"]
    return {
        "aud": user["aud"] or DEFAULT_AUDIENCE,
        "exp": issued_at + lifetime_seconds,
        "iat": issued_at,
        "iss": issuer,
        "sub": str(user["id"]),
        "email": user["email"] or "",
        "phone": user["phone"] or "",
        "app_metadata": json_object(user["raw_app_meta_data"]),
        "user_metadata": json_object(user["raw_user_meta_data"]),
        "role": user["role"] or DEFAULT_ROLE,
        "aal": session["aal"] or "aal1",
        # NOTE: GoTrue keeps each session's sign-in method in auth.mfa_amr_claims, which this schema
        # lacks, so every session reports "password" with the session's start as the timestamp.
        "amr": [{"method": "password", "timestamp": int(created_at.timestamp())}],
        "session_id": str(session["id"]),
        "is_anonymous": bool(user["is_anonymous"]),
    }


def session_response(
    service: AuthService, user: Row, identities: Sequence[Row], session: Row, refresh_token: str
) -> dict[str, Any]:
    """Build GoTrue's AccessTokenResponse: a fresh access token, the refresh token and the user."""
    issued_at = int(time.time())
    lifetime = service.jwt_expiry_seconds
    claims = access_token_claims(
        user, session, issuer=service.issuer, issued_at=issued_at, lifetime_seconds=lifetime
    )
    return {
        "access_token": service.ctx.keys.sign(claims),
        "token_type": "bearer",
        "expires_in": lifetime,
        "expires_at": issued_at + lifetime,
        "refresh_token": refresh_token,
        "user": user_json(user, identities),
    }
