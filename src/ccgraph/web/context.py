"""What every route of the app shares: the `Context` (the store, opened on first use, and
the worker processes that answer for it), the request limits and the truncation header.

The route modules (`sparql`, `rest`, `documents`) import this module, never `app`, which
builds the app out of them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request

from ..store import Store, open_store
from ..store.base import generation
from .pool import Limits, Pool

TRUNCATED = "X-Result-Truncated"  # "true" on an answer cut to the result cap
MAX_URL = 64 * 1024  # bytes of path and query string: 414 beyond
MAX_BODY = 1024 * 1024  # bytes of request body: 413 beyond
HEAD_LIMIT = 1024 * 1024  # bytes of request head the HTTP layer reads (400 beyond)


class Context:
    """What every route of the app shares: the store (opened on first use, in a thread),
    the worker processes that answer for it (`ccgraph.web.pool`), and the result cap."""

    def __init__(self, store: Store | None, limits: Limits, max_rows: int):
        self.limits = limits
        self.timeout = limits.timeout
        self.max_rows = max_rows
        self._store = store
        self._pool: Pool | None = None
        self._lock = asyncio.Lock()

    async def store(self) -> Store:
        async with self._lock:
            if self._store is None:
                self._store = await asyncio.get_running_loop().run_in_executor(
                    None, open_store, None)
        return self._store

    async def call(self, request: Request, function, *args) -> Any:
        """`function(store, *args)` in a worker process, for the client of `request`; its
        errors arrive as CcgraphErrors, each with its HTTP status."""
        store = await self.store()
        if self._pool is None:
            self._pool = Pool(store, self.limits)
        client = request.client.host if request.client else "-"
        return await self._pool.call(client, function, *args)

    def generation(self) -> str:
        """Names the store the workers answer from now (changes when it is rebuilt)."""
        return generation(self._store) if self._store is not None else ""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


__all__ = ["HEAD_LIMIT", "MAX_BODY", "MAX_URL", "TRUNCATED", "Context"]
