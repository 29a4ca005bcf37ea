"""HTTP caching for caches and crawlers (RFC 9110 §8.8 and §13, RFC 9111): an ASGI
middleware, `Caching`, in front of every route.

- **Validators.** Every 200 answer to GET or HEAD carries a weak `ETag` and a
  `Last-Modified`. The ETag is never a hash of the body (a streamed body is never held):
  it names the store the answer comes from (its generation, which changes on every
  rebuild; a store that is never rebuilt is named for the life of the server) and the
  request: host, path and query string, the day for answers that depend on today
  (`dated`), and, for a URL that does not name its format by an extension
  (`negotiated`), the Accept header. So it is known before the app runs, two
  representations of one URL have two ETags, and a rebuild changes every one of them.
  It is weak because two serialisations of the same graph need not be byte for byte
  the same. `Last-Modified` is when the store was built; for a dated answer, the later
  of that and the start of today.
- **304 Not Modified.** `If-None-Match` (a list of tags, compared weakly, or `*`) wins
  over `If-Modified-Since`, which is used only without it (RFC 9110 §13.2.2). A tag that
  matches is answered 304 before the app runs (no query is made); `*` and
  `If-Modified-Since` are decided from the app's status and headers (a 404 stays a 404),
  and the body it starts to make is dropped. The app never sees these two headers.
- **Cache-Control** (`POLICY`): `public, max-age=300, must-revalidate` on every 200:
  everything served is public and read-only, and it changes only when a maintainer
  rebuilds the store, so a cache may reuse an answer for five minutes (the delay after a
  rebuild) and must then ask again, which costs a 304 when nothing changed. Errors are
  `no-store` (a 503 or a 404 says nothing that lasts past the next rebuild).
- **Vary: Accept** on every answer of a negotiated URL (`/sparql`, `/queries/{name}`,
  `/doc/{path}`, ...), errors included, merged with any Vary the route set.
- **HEAD** is answered wherever GET is: the app runs the request as a GET, and its
  headers go out without the body. A streamed body is stopped at its first chunk, as a
  server stops one whose client is gone (the ASGI `send` raises an OSError).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import formats
from ..errors import CcgraphError

if TYPE_CHECKING:
    from .context import Context

POLICY = "public, max-age=300, must-revalidate"  # every 200 answer to GET and HEAD
ERRORS = "no-store"  # every error
CONDITIONS = (b"if-none-match", b"if-modified-since")  # decided here, never by the app
# a URL whose last segment ends so names its format: the answer does not depend on Accept
FIXED = frozenset({e for f in formats.REGISTRY for e in f.extensions}
                  | {"css", "js", "mjs", "map", "txt", "xml", "yaml", "svg", "png", "ico",
                     "woff", "woff2"})
# answers that never depend on the day they are made (the others may: a page shows who is
# a member today, a saved query's date defaults to today, a query may call NOW())
UNDATED = ("/static/", "/ontology", "/context.jsonld", "/.well-known/", "/dump.",
           "/robots.txt", "/sitemap", "/openapi.")
_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*(?:,|$)')


# --- what an answer is made from ----------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """The store an answer comes from: `name` changes whenever it is rebuilt; `built` is
    when it was built (UTC, whole seconds)."""

    name: str
    built: datetime


_ORIGINS: weakref.WeakKeyDictionary[Context, Version] = weakref.WeakKeyDictionary()


def _origin(context: Context) -> Version:
    """What names a store that is never rebuilt (or whose changes ccgraph cannot see): a
    token and the time of the first request, for the life of the server."""
    if context not in _ORIGINS:
        _ORIGINS[context] = Version("run-" + secrets.token_hex(8), _utc(time.time()))
    return _ORIGINS[context]


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)


def _built(store: object, generation: str) -> datetime | None:
    """When the embedded store named `generation` was built: its folder's time (a store
    folder is never changed once built, so it is looked up once), or None for other stores."""
    location = getattr(store, "location", None)
    if not generation or not isinstance(location, Path):
        return None
    try:
        return _folder_time(location / generation)
    except OSError:
        return None


@lru_cache(maxsize=16)
def _folder_time(folder: Path) -> datetime:
    return _utc(folder.stat().st_mtime)


async def version(context: Context) -> Version | None:
    """The store the app answers from now; None if it cannot be opened (the app then
    answers the error itself)."""
    try:
        store = await context.store()
        generation = context.generation()
    except (CcgraphError, OSError):
        return None
    if not generation:
        return _origin(context)
    return Version(generation, _built(store, generation) or _origin(context).built)


def negotiated(path: str) -> bool:
    """Whether the answer at `path` may depend on the Accept header: every URL but those
    that name their format by an extension (`/doc/x.ttl`, `/dump.nt`, `/static/...`)."""
    if path.startswith("/static/"):
        return False
    stem, dot, extension = path.rpartition("/")[2].rpartition(".")
    return not (dot and stem and extension.lower() in FIXED)


def dated(path: str) -> bool:
    """Whether the answer at `path` may depend on the day it is made (see UNDATED)."""
    if path.startswith(UNDATED):
        return False
    if path.startswith("/doc/") and not negotiated(path):  # a document in a named format
        return path.endswith(".html")
    return True


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


@dataclass(frozen=True)
class Validators:
    """The ETag and Last-Modified of the answer to one GET/HEAD request."""

    etag: str
    modified: datetime
    vary: bool  # the answer depends on Accept

    @classmethod
    def of(cls, current: Version, scope: Scope, headers: Headers) -> Validators:
        path = scope["path"]
        vary = negotiated(path)
        today = date.today() if dated(path) else None
        parts = [current.name, today.isoformat() if today else "", headers.get("host", ""),
                 path, scope.get("query_string", b"").decode("latin-1"),
                 ",".join(headers.getlist("accept")).replace(" ", "").lower() if vary else ""]
        digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]
        modified = current.built
        if today is not None:
            modified = max(modified, datetime.combine(today, clock()).astimezone(UTC))
        return cls(f'W/"{digest}"', modified, vary)

    def headers(self) -> dict[str, str]:
        """What a 200 and a 304 to the request say of the answer."""
        return {"etag": self.etag, "last-modified": http_date(self.modified)}


# --- the request's conditions -------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """A GET's If-None-Match (`tags`, or `any` for `*`) and If-Modified-Since (`since`,
    ignored when If-None-Match is given or the date is not an HTTP-date)."""

    given: bool = False  # If-None-Match was sent
    any: bool = False
    tags: frozenset[str] = frozenset()
    since: datetime | None = None

    @classmethod
    def of(cls, headers: Headers) -> Conditions:
        fields = headers.getlist("if-none-match")
        if fields:
            value = ",".join(fields)
            if any(part.strip() == "*" for part in value.split(",")):
                return cls(given=True, any=True)
            return cls(given=True, tags=frozenset(m.group(1) for m in _TAG.finditer(value)))
        since = headers.get("if-modified-since")
        if since is None:
            return cls()
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return cls()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return cls(since=moment)

    def matches(self, etag: str) -> bool:
        """If-None-Match names `etag` (weak comparison: W/ is ignored)."""
        return etag.removeprefix("W/").strip('"') in self.tags

    def unmodified(self, validators: Validators, status: int) -> bool:
        """Whether a `status` answer with `validators` is answered 304 instead."""
        if status != 200:
            return False
        if self.given:
            return self.any or self.matches(validators.etag)
        return self.since is not None and validators.modified <= self.since


# --- the middleware -----------------------------------------------------------------------


class _Closed(OSError):
    """Raised by `send` once the answer is complete: the rest of a body is not wanted."""


def _vary_accept(headers: MutableHeaders) -> None:
    present = [v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()]
    if "accept" not in present and "*" not in present:
        headers["vary"] = ", ".join([headers["vary"], "Accept"]) if present else "Accept"


def _start(status: int, headers: dict[str, str]) -> Message:
    return {"type": "http.response.start", "status": status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}


class Caching:
    """ASGI middleware: validators, conditional GET, Cache-Control, Vary and HEAD, as the
    module's docstring says, for the app over `context`."""

    def __init__(self, app: ASGIApp, context: Context):
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            varying = negotiated(scope["path"]) and method == "POST"
            await self.app(scope, receive, _Exchange(send, vary=varying).send)
            return
        headers = Headers(scope=scope)
        conditions = Conditions.of(headers)
        current = await version(self.context)
        validators = None if current is None else Validators.of(current, scope, headers)
        if validators is not None and conditions.tags and conditions.matches(validators.etag):
            answer = {**validators.headers(), "cache-control": POLICY}
            if validators.vary:
                answer["vary"] = "Accept"
            await send(_start(304, answer))
            await send({"type": "http.response.body", "body": b""})
            return
        inner = {**scope, "method": "GET",
                 "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in CONDITIONS]}
        exchange = _Exchange(send, vary=negotiated(scope["path"]), head=method == "HEAD",
                             validators=validators, conditions=conditions)
        try:
            await self.app(inner, receive, exchange.send)
        except (_Closed, ClientDisconnect):
            if not exchange.closed:
                raise


class _Exchange:
    """The `send` of one request: adds the headers, turns a 200 into a 304 when the
    conditions say so, and drops the body of a HEAD or a 304."""

    def __init__(self, send: Send, *, vary: bool, head: bool = False,
                 validators: Validators | None = None,
                 conditions: Conditions = Conditions()):
        self._send = send
        self.vary, self.head = vary, head
        self.validators, self.conditions = validators, conditions
        self.closed = False  # the answer is complete: what the app sends now is dropped

    async def send(self, message: Message) -> None:
        if self.closed:
            if message["type"] == "http.response.body" and message.get("more_body"):
                raise _Closed("the answer is complete")
            return
        if message["type"] != "http.response.start":
            await self._send(message)
            return
        status = message["status"]
        message = {**message, "headers": list(message.get("headers", []))}
        headers = MutableHeaders(scope=message)
        if self.vary:
            _vary_accept(headers)
        if status == 200 and self.validators is not None:
            for key, value in self.validators.headers().items():
                headers[key] = value
            headers.setdefault("cache-control", POLICY)
            if self.conditions.unmodified(self.validators, status):
                del headers["content-length"]
                del headers["content-type"]
                message["status"] = 304
                await self._finish(message)
                return
        elif status >= 400:
            headers.setdefault("cache-control", ERRORS)
        if self.head:
            await self._finish(message)
            return
        await self._send(message)

    async def _finish(self, start: Message) -> None:
        """Send `start` and an empty body: the answer is complete."""
        await self._send(start)
        await self._send({"type": "http.response.body", "body": b""})
        self.closed = True


__all__ = ["ERRORS", "POLICY", "Caching", "Conditions", "Validators", "Version", "dated",
           "http_date", "negotiated", "version"]
