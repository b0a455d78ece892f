"""A PostgREST-compatible REST API over the project database, served at /rest/v1."""

from .app import build_rest_app

__all__ = ["build_rest_app"]
