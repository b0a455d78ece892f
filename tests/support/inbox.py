"""Read the local backend's inbox the way a test reads a mail catcher: newest message, its code and link."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.backend import RunningBackend

CODE = re.compile(r"\b(\d{6})\b")
LINK = re.compile(r"(https?://\S+/auth/v1/verify\?\S+)")


def messages_to(backend: RunningBackend, email: str) -> list[dict[str, Any]]:
    """Return the messages to `email`, newest first."""
    response = httpx.get(f"{backend.api_url}/inbox/api/messages", params={"to": email})
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def latest_message(backend: RunningBackend, email: str) -> dict[str, Any]:
    messages = messages_to(backend, email)
    assert messages, f"no message to {email} in the local inbox"
    return messages[0]


def code_in(message: dict[str, Any]) -> str:
    match = CODE.search(message["text"])
    assert match is not None, f"no 6-digit code in {message['text']!r}"
    return match.group(1)


def link_in(message: dict[str, Any]) -> str:
    match = LINK.search(message["text"])
    assert match is not None, f"no verify link in {message['text']!r}"
    return match.group(1)


def link_token(link: str) -> str:
    """Return the `token` query parameter of a verify link: the stored token hash."""
    return parse_qs(urlsplit(link).query)["token"][0]
