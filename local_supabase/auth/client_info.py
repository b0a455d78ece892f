"""The user agent and client address of a request, which GoTrue records on sessions."""

from __future__ import annotations

from starlette.requests import Request

from .sessions import ClientInfo


def client_info(request: Request) -> ClientInfo:
    user_agent = request.headers.get("user-agent") or None
    ip = request.client.host if request.client is not None else None
    return ClientInfo(user_agent=user_agent, ip=ip)
