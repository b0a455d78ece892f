"""The auth service of the local backend, compatible with GoTrue (Supabase Auth) as supabase-py uses it."""

from .app import build_auth_app

__all__ = ["build_auth_app"]
