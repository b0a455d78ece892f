"""The local inbox: emails the auth service would send, kept in the database instead of being sent.

A hosted project sends these through its mail server, and the Supabase CLI catches them in a mail
catcher. Here `GET /inbox` lists them as a page and `GET /inbox/api/messages?to=<address>` as JSON,
newest first. Neither needs an API key, like the CLI's mail catcher, because the backend listens on
loopback only.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from .context import ServiceContext

logger = logging.getLogger(__name__)

Connection = psycopg.AsyncConnection[dict[str, Any]]

# The newest messages a listing returns.
MAX_LISTED_MESSAGES = 200


async def store_message(conn: Connection, recipient: str, subject: str, body: str) -> None:
    await conn.execute(
        "insert into local_supabase.inbox_messages (recipient, subject, body) values (%s, %s, %s)",
        (recipient, subject, body),
    )
    # The recipient is logged but not the body, which contains the code and the link.
    logger.info("stored an email for %s in the local inbox: %s", recipient, subject)


async def list_messages(conn: Connection, recipient: str | None) -> list[dict[str, Any]]:
    """Return the newest messages first, only those to `recipient` (ignoring case) when it is given."""
    cursor = await conn.execute(
        """
        select id, recipient, subject, body, created_at
        from local_supabase.inbox_messages
        where %(recipient)s::text is null or lower(recipient) = lower(%(recipient)s::text)
        order by id desc
        limit %(limit)s
        """,
        {"recipient": recipient or None, "limit": MAX_LISTED_MESSAGES},
    )
    return await cursor.fetchall()


def message_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "to": row["recipient"],
        "subject": row["subject"],
        "text": row["body"],
        "created_at": row["created_at"].isoformat(),
    }


def _page(rows: list[dict[str, Any]], recipient: str | None) -> str:
    title = f"Local inbox: {recipient}" if recipient else "Local inbox"
    items = [
        "<article>"
        f"<h2>{html.escape(row['subject'])}</h2>"
        f"<p>To <b>{html.escape(row['recipient'])}</b> at {html.escape(row['created_at'].isoformat())}</p>"
        f"<pre>{html.escape(row['body'])}</pre>"
        "</article>"
        for row in rows
    ]
    body = "".join(items) or "<p>No messages yet.</p>"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto}"
        "article{border-bottom:1px solid #ccc;padding:0.5rem 0}pre{white-space:pre-wrap}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def build_inbox_app(ctx: ServiceContext) -> Starlette:
    async def inbox_page(request: Request) -> HTMLResponse:
        recipient = request.query_params.get("to") or None
        async with ctx.db.connection() as conn:
            rows = await list_messages(conn, recipient)
        return HTMLResponse(_page(rows, recipient))

    async def messages_api(request: Request) -> JSONResponse:
        recipient = request.query_params.get("to") or None
        async with ctx.db.connection() as conn:
            rows = await list_messages(conn, recipient)
        return JSONResponse({"messages": [message_json(row) for row in rows]})

    return Starlette(
        routes=[
            Route("/", inbox_page, methods=["GET"]),
            Route("/api/messages", messages_api, methods=["GET"]),
        ]
    )
