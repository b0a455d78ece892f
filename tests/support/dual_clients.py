"""Run one supabase-py query through the sync client or the async client, so a test can check both."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

from postgrest import APIResponse

from tests.support.backend import RunningBackend
from tests.support.clients import new_async_client, new_client

Flavour = Literal["sync", "async"]
FLAVOURS: tuple[Flavour, ...] = ("sync", "async")


def run_query(
    backend: RunningBackend, flavour: Flavour, build: Callable[[Any], Any], *, key: str | None = None
) -> APIResponse[Any]:
    """Build a request with `build(client)` on a new client of `flavour` and execute it.

    The client sends the anon key unless another `key` is given.

    `build` receives a `Client` or an `AsyncClient`. Both have the same builder methods, so only the final
    `execute()` differs, which this function calls (and awaits for the async client). Errors propagate as
    supabase-py raises them, as `postgrest.exceptions.APIError`.
    """
    if flavour == "sync":
        response: APIResponse[Any] = build(new_client(backend, key)).execute()
        return response

    async def run() -> APIResponse[Any]:
        client = await new_async_client(backend, key)
        result: APIResponse[Any] = await build(client).execute()
        return result

    return asyncio.run(run())
