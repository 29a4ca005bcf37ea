"""The one place an error becomes an HTTP response.

The status is the error's own (`CcgraphError.status`, the table in `ccgraph.errors`); any
other exception is a bug: 500 with one line, never a traceback (that goes to the log). The
body says the same message in the form the client prefers:

- for machines, RFC 9457 problem details (`application/problem+json`: type `about:blank`,
  title, status, detail) when the Accept header prefers application/json or
  application/problem+json to text/plain;
- for a person's browser on the page routes (`handled(..., html=True)`), the HTML error
  page (except for a 406: the client said it takes no HTML);
- else one line of text/plain.

A 405 carries `Allow`, a 503 `Retry-After`. Starlette's own errors (no route, a method a
route does not answer) are answered the same way (`http_exception`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from .. import formats
from ..errors import INTERNAL_STATUS, CcgraphError, first_line
from . import pages

TEXT = formats.get("table").media  # text/plain
HTML = formats.get("html").media
JSON = formats.get("json").media
PROBLEM = "application/problem+json"
RETRY_AFTER = "5"  # seconds: a busy endpoint or a query stopped at its limit

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("ccgraph.web")


def wants_problem(accept: str | None) -> bool:
    """Whether the Accept header prefers JSON (problem details) to text/plain."""
    try:
        return formats.negotiate(accept, (TEXT, PROBLEM, JSON)) != TEXT
    except CcgraphError:
        return False


def wants_html(request: Request) -> bool:
    """Whether a page route's client is a browser: a `.html` path, or an Accept header
    that prefers text/html to text/plain."""
    if request.url.path.endswith(".html"):
        return True
    try:
        return formats.negotiate(request.headers.get("accept"), (TEXT, HTML)) == HTML
    except CcgraphError:
        return False


def status_and_message(error: BaseException) -> tuple[int, str]:
    """The HTTP status and the one-line message of `error`."""
    if isinstance(error, CcgraphError):
        return error.status, first_line(error)
    if isinstance(error, HTTPException):
        detail = str(error.detail).strip() or _title(error.status_code)
        return error.status_code, detail.splitlines()[0]
    return INTERNAL_STATUS, f"internal error: {type(error).__name__}"


def response(error: BaseException, accept: str | None, *, page: bool = False,
             allow: str = "GET, HEAD", headers: Mapping[str, str] | None = None) -> Response:
    """The response to `error` for a client whose Accept header is `accept`; `page`: the
    HTML error page instead (a browser on a page route); `allow`: the methods a 405 names."""
    status, message = status_and_message(error)
    extra = dict(headers or {})
    if status == 405:
        extra.setdefault("Allow", allow)
    if status == 503:
        extra.setdefault("Retry-After", RETRY_AFTER)
    if page and status != 406:
        return HTMLResponse(pages.error(status, message), status_code=status, headers=extra)
    if wants_problem(accept):
        body = {"type": "about:blank", "title": _title(status), "status": status,
                "detail": message}
        return Response(json.dumps(body, ensure_ascii=False) + "\n", status_code=status,
                        media_type=PROBLEM, headers=extra)
    return PlainTextResponse(message + "\n", status_code=status, headers=extra)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def handled(handler: Handler, *, html: bool = False, allow: str = "GET, HEAD") -> Handler:
    """`handler`, with every exception it raises answered by `response` (`html`: a page
    route, where a browser gets the HTML error page; `allow`: what a 405 names)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as error:  # every error is answered here, a bug with 500
            if not isinstance(error, CcgraphError | HTTPException):
                log.error("%s %s failed", request.method, request.url.path, exc_info=error)
            return response(error, request.headers.get("accept"),
                            page=html and wants_html(request), allow=allow)

    return endpoint


async def http_exception(request: Request, error: Exception) -> Response:
    """Starlette's own errors (no such route, a method the route does not answer)."""
    assert isinstance(error, HTTPException)
    return response(error, request.headers.get("accept"), headers=error.headers)


__all__ = ["PROBLEM", "handled", "http_exception", "response", "wants_html", "wants_problem"]
