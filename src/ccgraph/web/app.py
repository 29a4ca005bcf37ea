"""The ccgraph web app (a Starlette ASGI app), built from its route modules, and the
uvicorn server `ccgraph serve` runs it with.

- `/sparql`: the SPARQL 1.1 Protocol endpoint (`ccgraph.web.sparql`);
- `/queries`, `/openapi.*`: the saved queries as a REST API (`ccgraph.web.rest`);
- `/`, `/id`, `/doc`, `/ontology`, VoID, dumps, `/static`: the documents and pages
  (`ccgraph.web.documents`).

Every query, parsing included, runs in a worker process (`ccgraph.web.pool`): one running
longer than `timeout` seconds, or growing past its memory cap, is stopped with its worker
and answered 503; one client runs at most `per_client` queries at once. A request URL
longer than MAX_URL bytes gets 414, a body that declares more than MAX_BODY bytes 413.
Errors become responses in one place, `ccgraph.web.errors`.
"""

from __future__ import annotations

import socket
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import CcgraphError, TooLarge, UriTooLong, UsageError
from ..store import Store
from . import caching, cors, documents, errors, rest, sparql
from .context import HEAD_LIMIT, MAX_BODY, MAX_URL, Context
from .pool import Limits


class SizeLimits:
    """ASGI middleware: 414 for a URL longer than MAX_URL bytes, 413 for a body that
    declares more than MAX_BODY bytes (a body that only turns out longer is cut off where it
    is read, `ccgraph.web.sparql`)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            url = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            headers = dict(scope.get("headers") or ())
            declared = headers.get(b"content-length", b"")
            error: CcgraphError | None = None
            if url > MAX_URL:
                error = UriTooLong(f"the URL is longer than {MAX_URL} bytes: send the query "
                                   "by POST")
            elif declared.isdigit() and int(declared) > MAX_BODY:
                error = TooLarge(f"the request body is longer than {MAX_BODY} bytes")
            if error is not None:
                accept = Request(scope).headers.get("accept")
                await errors.response(error, accept)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(store: Store | None = None, *, timeout: float = 10.0,
               max_rows: int | None = None,
               workers: int = 4, per_client: int | None = None,
               max_memory: int = Limits.max_memory) -> Starlette:
    """The app over `store` (default: the embedded store, opened on first request):
    `/sparql`, the saved queries and the documents. Queries run in `workers` worker
    processes, at most `per_client` (default: half of them) at once for one client address,
    each stopped after `timeout` seconds or past `max_memory` bytes."""
    limits = Limits(timeout=timeout, workers=workers,
                    per_client=per_client or max(1, workers // 2), max_memory=max_memory)
    context = Context(store, limits, max_rows)

    @asynccontextmanager
    async def lifespan(app):
        yield
        context.close()

    routes = [*sparql.routes(context), *rest.routes(context), *documents.routes(context)]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: errors.http_exception})
    app.add_middleware(SizeLimits)
    app.add_middleware(caching.Caching, context=context)  # validators, 304, HEAD
    app.add_middleware(cors.Cors)  # outermost: errors of the inner layers are open too
    app.state.context = context
    return app


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or UsageError naming the problem (port in use...)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UsageError(f"cannot serve on {host}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno == 98 or "in use" in str(error).lower():
            raise UsageError(f"port {port} on {host} is in use: stop the program using it or "
                             "choose another with --port") from None
        raise UsageError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    return sock


def server(app, **options):
    """The uvicorn server ccgraph runs `app` with: h11, a request head of at most
    HEAD_LIMIT bytes (so a long URL reaches the app and gets its 414), warnings only."""
    import uvicorn

    config = uvicorn.Config(app, http="h11", h11_max_incomplete_event_size=HEAD_LIMIT,
                            log_level="warning", **options)
    return uvicorn.Server(config)


__all__ = ["SizeLimits", "create_app", "listen", "server"]
