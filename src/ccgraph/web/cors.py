"""Cross-origin reads (CORS): a page on any other origin may query the endpoint and read the
data, as it may from Wikidata's or Fuseki's, since everything here is public and read-only.

On the read-only routes (`READ_ONLY`: `/sparql`, the saved queries and their OpenAPI
document, `/id/*`, `/doc/*`, the ontology, the JSON-LD context, VoID and the dumps):

- every response, errors included (a 400, 404 or 503 a page must be able to read), carries
  `Access-Control-Allow-Origin: *` and `Access-Control-Expose-Headers` (`EXPOSED`: the
  headers a client reads besides the safelisted ones). Never credentials: `*` forbids them,
  so a browser sends no cookie or authorization with a cross-origin request;
- `OPTIONS` (a preflight, or a plain question about the route) is answered here, before
  routing: 204 with `Allow` and the `Access-Control-Allow-*` headers and `Max-Age`. POST
  is allowed on `/sparql` only; the other routes answer GET and HEAD.

The policy opens reading only: an update sent across origins is refused with 403 as any
other is (`ccgraph.web.sparql`), and other routes (the HTML pages, `/static`) are left as
they are.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_ONLY = re.compile(
    r"/sparql|/queries(/.*)?|/openapi\.(json|yaml)|/(id|doc)/.*|/ontology(\..*)?"
    r"|/context\.jsonld|/\.well-known/void(\..*)?|/dump\..*",
    re.DOTALL,
)
POST_ALLOWED = frozenset({"/sparql"})
# what a cross-origin request may send: YASGUI sends Accept and, on POST, Content-Type
# (application/x-www-form-urlencoded); SPARQLWrapper and caches send the others
ALLOWED_HEADERS = ("Accept, Accept-Language, Content-Language, Content-Type, Cache-Control, "
                   "If-Modified-Since, If-None-Match, X-Requested-With")
EXPOSED = ("Allow, Content-Disposition, Content-Language, Content-Length, Content-Location, "
           "Content-Type, ETag, Last-Modified, Link, Location, Retry-After, Vary")
MAX_AGE = "86400"  # seconds a browser may keep a preflight's answer (it caps it itself)
OPEN = {"access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED}


def methods(path: str) -> str:
    """The methods a read-only route answers, OPTIONS included."""
    return "GET, POST, HEAD, OPTIONS" if path in POST_ALLOWED else "GET, HEAD, OPTIONS"


def preflight_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The headers of the 204 that answers `OPTIONS path`."""
    allowed = methods(path)
    headers = {"allow": allowed, "access-control-allow-origin": "*",
               "access-control-allow-methods": allowed,
               "access-control-allow-headers": ALLOWED_HEADERS,
               "access-control-max-age": MAX_AGE, "cache-control": f"max-age={MAX_AGE}"}
    return [(key.encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]


class Cors:
    """ASGI middleware: CORS on the routes whose path `routes` matches (default
    READ_ONLY), as the module's docstring says; other requests pass through untouched."""

    def __init__(self, app: ASGIApp, routes: re.Pattern[str] = READ_ONLY):
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path or not self.routes.fullmatch(path):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204,
                        "headers": preflight_headers(path)})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_open(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for key, value in OPEN.items():
                    headers[key] = value  # replaces a route's own Allow-Origin: one header
            await send(message)

        await self.app(scope, receive, send_open)


__all__ = ["ALLOWED_HEADERS", "EXPOSED", "MAX_AGE", "READ_ONLY", "Cors", "methods",
           "preflight_headers"]
