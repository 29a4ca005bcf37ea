"""What every route of the app shares: the `Context` (the store, opened on first use, and
the worker processes that answer for it), the request limits, and the streamed responses.

Answers stream (`Context.respond`): a worker writes one (`ccgraph.web.pool`) and the
client receives it chunk by chunk while it is written (`Streamed`), with chunked transfer
encoding; an answer shorter than one chunk (64 KB) is complete when it arrives, and is sent
with its Content-Length. The result cap (`max_rows`, None by default: no cap, the timeout
bounds every answer) refuses an answer longer than the cap whole (400,
`ccgraph.results.capped`): an answer is never cut. An answer that breaks off after it
began (the timeout, the memory cap, a failure) is broken off for the client too: the
connection is closed without the end of the chunked body (so HTTP/1.1 clients report an
incomplete read), and never ends the JSON or XML document. That is logged as one warning,
not as a traceback.

The route modules (`sparql`, `rest`, `documents`) import this module, never `app`, which
builds the app out of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from ..errors import CcgraphError, first_line
from ..store import Store, open_store
from ..store.base import generation
from .pool import Limits, Pool, Stream

MAX_URL = 64 * 1024  # bytes of path and query string: 414 beyond
MAX_BODY = 1024 * 1024  # bytes of request body: 413 beyond
HEAD_LIMIT = 1024 * 1024  # bytes of request head the HTTP layer reads (400 beyond)


log = logging.getLogger("ccgraph.web")


@dataclass(frozen=True)
class Reply:
    """The head of an answer a worker streams: its media type and headers."""

    media: str
    headers: dict[str, str] = field(default_factory=dict)


class StreamBroken(Exception):
    """An answer broke off after it began: raised to the HTTP server, which then closes
    the connection without ending the response."""


class _Quiet(logging.Filter):
    """Keeps uvicorn from logging a traceback for a StreamBroken (ccgraph logs a warning)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, StreamBroken)


logging.getLogger("uvicorn.error").addFilter(_Quiet())


class Streamed(StreamingResponse):
    """An answer streamed from a worker (`Pool.stream`), closed in every case (a client
    that leaves stops the worker). HEAD never reaches it: `ccgraph.web.caching` answers a
    HEAD as a GET with its body dropped."""

    def __init__(self, stream: Stream, reply: Reply, what: str):
        super().__init__(self._chunks(), media_type=reply.media, headers=reply.headers)
        self.stream, self.what = stream, what

    async def _chunks(self) -> AsyncIterator[bytes]:
        sent = 0
        try:
            async for chunk in self.stream:
                sent += len(chunk)
                yield chunk
        except CcgraphError as error:
            log.warning("%s: the answer broke off after %d bytes: %s", self.what, sent,
                        first_line(error))
            raise StreamBroken(first_line(error)) from None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.stream.aclose()


class Context:
    """What every route of the app shares: the store (opened on first use, in a thread),
    the worker processes that answer for it (`ccgraph.web.pool`), and the result cap
    (`max_rows`: None or 0 for none)."""

    def __init__(self, store: Store | None, limits: Limits, max_rows: int | None = None):
        self.limits = limits
        self.timeout = limits.timeout
        self.max_rows = max_rows or None
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
        pool = await self._pool_now()
        return await pool.call(_client(request), function, *args)

    async def respond(self, request: Request, function, *args) -> Response:
        """The response streaming what `function(store, sink, *args)` writes in a worker
        process (`sink.start(Reply(...))`, then `sink.write(...)`); an error it raises before
        its first chunk arrives as a CcgraphError, each with its HTTP status. An answer
        that came whole in its first chunk (`Stream.whole`: the worker is already free)
        is sent as it is, with its length."""
        pool = await self._pool_now()
        reply, stream = await pool.stream(_client(request), function, *args)
        if stream.whole:
            return Response(stream.first, media_type=reply.media, headers=reply.headers)
        return Streamed(stream, reply, f"{request.method} {request.url.path}")

    async def _pool_now(self) -> Pool:
        store = await self.store()
        if self._pool is None:
            self._pool = Pool(store, self.limits)
        return self._pool

    def generation(self) -> str:
        """Names the store the workers answer from now (changes when it is rebuilt)."""
        return generation(self._store) if self._store is not None else ""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


__all__ = ["HEAD_LIMIT", "MAX_BODY", "MAX_URL", "Context", "Reply", "StreamBroken",
           "Streamed"]
