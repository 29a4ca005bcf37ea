"""The one place an error becomes an HTTP response.

The status is the error's own (`CcgraphError.status`, the table in `ccgraph.errors`); any
other exception is a bug: 500 with one line, never a traceback (that goes to the log). The
body says the same message in the form the client prefers:

- for a person's browser (an Accept header that prefers text/html), on every route, and
  on a page route for a `.html` URL too (`handled(..., html=True)`), the HTML error page
  (except for a 406: the client said it takes no HTML);
- for machines, RFC 9457 problem details (`application/problem+json`: type `about:blank`,
  title, status, detail) when the Accept header prefers application/json,
  application/problem+json or application/ld+json to text/plain;
- for an RDF client that prefers Turtle, N-Triples or RDF/XML, a document of that format
  with no triple, whose comment says the status and the message (it parses);
- else one line of text/plain.

Every error answer says `Vary: Accept` (its form depends on it). A 405 carries `Allow`, a
503 `Retry-After`. Starlette's own errors (no route, a method a route does not answer) are
answered the same way (`http_exception`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus

from rdflib.namespace import RDF
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from .. import formats
from ..errors import INTERNAL_STATUS, CcgraphError, first_line
from . import pages

TEXT = formats.get("table").media  # text/plain
HTML = formats.get("html").media
JSON = formats.get("json").media
JSONLD = formats.get("jsonld").media
TURTLE = formats.get("turtle").media
NTRIPLES = formats.get("ntriples").media
RDFXML = formats.get("rdfxml").media
PROBLEM = "application/problem+json"
# the forms of an error answer, by the media types that choose them (text/plain first: the
# default, and the choice of `*/*`)
FORMS = {TEXT: TEXT, PROBLEM: PROBLEM, JSON: PROBLEM, JSONLD: PROBLEM, HTML: HTML,
         TURTLE: TURTLE, NTRIPLES: NTRIPLES, RDFXML: RDFXML}
RETRY_AFTER = "5"  # seconds: a busy endpoint or a query stopped at its limit

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("ccgraph.web")


def status_and_message(error: BaseException) -> tuple[int, str]:
    """The HTTP status and the one-line message of `error`."""
    if isinstance(error, CcgraphError):
        return error.status, first_line(error)
    if isinstance(error, HTTPException):
        detail = str(error.detail).strip() or _title(error.status_code)
        return error.status_code, detail.splitlines()[0]
    return INTERNAL_STATUS, f"internal error: {type(error).__name__}"


def form(accept: str | None, *, html: bool = True) -> str:
    """The form (a FORMS value) of an error answer to a client whose Accept header is
    `accept`; text/plain when it accepts none of them. `html`: whether the page may be."""
    offered = tuple(m for m in FORMS if html or m != HTML)
    try:
        return FORMS[formats.negotiate(accept, offered)]
    except CcgraphError:
        return TEXT


def response(error: BaseException, accept: str | None, *, page: bool = False,
             allow: str = "GET, HEAD", headers: Mapping[str, str] | None = None) -> Response:
    """The response to `error` for a client whose Accept header is `accept` (see the
    module's docstring); `page`: the HTML error page whatever the header says (a `.html`
    URL); `allow`: the methods a 405 names."""
    status, message = status_and_message(error)
    extra = {**dict(headers or {}), "Vary": "Accept"}
    if status == 405:
        extra.setdefault("Allow", allow)
    if status == 503:
        extra.setdefault("Retry-After", RETRY_AFTER)
    chosen = HTML if page and status != 406 else form(accept, html=status != 406)
    if chosen == HTML:
        return HTMLResponse(pages.error(status, message), status_code=status, headers=extra)
    if chosen == PROBLEM:
        problem = {"type": "about:blank", "title": _title(status), "status": status,
                   "detail": message}
        return Response(json.dumps(problem, ensure_ascii=False) + "\n", status_code=status,
                        media_type=PROBLEM, headers=extra)
    if chosen in (TURTLE, NTRIPLES):
        return Response(f"# {status} {_title(status)}: {message}\n", status_code=status,
                        media_type=chosen, headers=extra)
    if chosen == RDFXML:  # an XML comment holds no "--"
        comment = re.sub(r"-(?=-)", "- ", f"{status} {_title(status)}: {message}")
        document = (f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {comment} -->\n'
                    f'<rdf:RDF xmlns:rdf="{RDF}"/>\n')
        return Response(document, status_code=status, media_type=RDFXML, headers=extra)
    return PlainTextResponse(message + "\n", status_code=status, headers=extra)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def handled(handler: Handler, *, html: bool = False, allow: str = "GET, HEAD") -> Handler:
    """`handler`, with every exception it raises answered by `response` (`html`: a page
    route, where a `.html` URL gets the HTML error page whatever the Accept header says;
    `allow`: what a 405 names)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as error:  # every error is answered here, a bug with 500
            if not isinstance(error, CcgraphError | HTTPException):
                log.error("%s %s failed", request.method, request.url.path, exc_info=error)
            return response(error, request.headers.get("accept"),
                            page=html and request.url.path.endswith(".html"), allow=allow)

    return endpoint


async def http_exception(request: Request, error: Exception) -> Response:
    """Starlette's own errors (no such route, a method the route does not answer)."""
    assert isinstance(error, HTTPException)
    return response(error, request.headers.get("accept"), headers=error.headers)


__all__ = ["FORMS", "PROBLEM", "form", "handled", "http_exception", "response"]
