"""A read-only SPARQL 1.1 Protocol endpoint at `/sparql` (a Starlette ASGI app).

- Queries by GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`) or POST
  `application/sparql-query`. Updates are refused (403): the endpoint is read-only.
- Nothing reaches the network: `SERVICE`, `LOAD` and `FROM`/`FROM NAMED` naming a graph the
  store does not hold are refused (400). `default-graph-uri` / `named-graph-uri` may name
  graphs the store holds (the default graph is then the RDF merge of the ones named);
  naming any other graph is refused (400): the endpoint never fetches one.
- Results by content negotiation (q-values honoured). SELECT/ASK: SPARQL JSON (default),
  SPARQL XML, CSV, TSV. CONSTRUCT/DESCRIBE: Turtle (default), JSON-LD, N-Triples.
- Every query, parsing included, runs in a worker process (`ccgraph.pool`): one running
  longer than `timeout` seconds, or growing past its memory cap, is stopped with its
  worker and answered 503; one client runs at most `per_client` queries at once. A SELECT
  with more than `max_rows` rows, or a graph with more than `max_rows` triples, is cut to
  `max_rows` (the rest is never read from the engine) and the response carries the header
  `X-Result-Truncated: true`.
- A request URL longer than MAX_URL bytes gets 414, a body longer than MAX_BODY bytes 413.
- GET `/sparql` without a query returns the SPARQL service description (Turtle or JSON-LD).
"""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .errors import UsageError
from .guard import Refused, analyse, held_graphs
from .pool import Limits, Pool
from .results import to_csv, to_json, to_tsv
from .store import Answer, GraphSet, Store, open_store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
RESULT_TYPES = (JSON, XML, CSV, TSV)
GRAPH_TYPES = (TURTLE, JSONLD, NTRIPLES)
GRAPH_FORMATS = {TURTLE: "turtle", JSONLD: "json-ld", NTRIPLES: "nt"}
FORMAT_IRIS = {
    JSON: FORMATS.SPARQL_Results_JSON,
    XML: FORMATS.SPARQL_Results_XML,
    CSV: FORMATS.SPARQL_Results_CSV,
    TSV: FORMATS.SPARQL_Results_TSV,
    TURTLE: FORMATS.Turtle,
    JSONLD: FORMATS["JSON-LD"],
    NTRIPLES: FORMATS["N-Triples"],
}
TRUNCATED = "X-Result-Truncated"
MAX_URL = 64 * 1024  # bytes of path and query string: 414 beyond
MAX_BODY = 1024 * 1024  # bytes of request body: 413 beyond
HEAD_LIMIT = 1024 * 1024  # bytes of request head the HTTP layer reads (400 beyond)


# --- content negotiation --------------------------------------------------------------


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str:
    """The offered media type the Accept header prefers (the first offered on a tie)."""
    if not accept or not accept.strip():
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            key, _, value = field.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))

    def quality(media: str) -> tuple[int, float]:
        best: tuple[int, float] = (-1, 0.0)
        major = media.split("/")[0]
        for pattern, q in ranges:
            specificity = (
                2 if pattern == media else 1 if pattern == f"{major}/*" else
                0 if pattern == "*/*" else -1
            )
            if specificity > best[0]:
                best = (specificity, q)
        return best

    scored = [(quality(m)[1], -i, m) for i, m in enumerate(offered)]
    q, _, media = max(scored)
    if q <= 0:
        raise Refused(406, f"none of the result formats is acceptable: {', '.join(offered)}")
    return media


# --- request parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    query: str | None
    params: dict[str, list[str]]


def _one_query(params: dict[str, list[str]]) -> str | None:
    if params.get("update"):
        raise Refused(403, "read-only endpoint: updates are refused")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise Refused(400, "give one query, not several")
    return queries[0] if queries else None


def _charset_ok(content_type: str) -> bool:
    for field in content_type.split(";")[1:]:
        key, _, value = field.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


async def read_operation(request: Request) -> Operation:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "GET":
        return Operation(_one_query(params), params)
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    body = await _body(request)
    if media == "application/sparql-update":
        raise Refused(403, "read-only endpoint: updates are refused")
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise Refused(
            415,
            "send the query as application/x-www-form-urlencoded (query=...) "
            "or as application/sparql-query",
        )
    if not _charset_ok(content_type):
        raise Refused(415, "the query must be encoded in UTF-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8") from None
    if media == "application/sparql-query":
        if params.get("update") or params.get("query"):
            raise Refused(400, "give the query in the body only")
        return Operation(text, params)
    for key, values in parse_qs(text, keep_blank_values=True).items():
        params.setdefault(key, []).extend(values)
    query = _one_query(params)
    if query is None:
        raise Refused(400, "the form has no query field")
    return Operation(query, params)


async def _body(request: Request) -> bytes:
    """The request body, or 413 once it is longer than MAX_BODY (whatever it declared)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise Refused(413, f"the request body is longer than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, f"the request body is longer than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def requested_dataset(params: dict[str, list[str]], held) -> GraphSet | None:
    """The dataset named by `default-graph-uri` / `named-graph-uri`, if any; each must name
    a graph the store holds (400 otherwise: the endpoint never fetches a graph)."""
    default = [iri for iri in params.get("default-graph-uri", []) if iri]
    named = [iri for iri in params.get("named-graph-uri", []) if iri]
    if not default and not named:
        return None
    holding = held()
    missing = [iri for iri in (*default, *named) if URIRef(iri) not in holding]
    if missing:
        raise Refused(
            400,
            f"no graph <{missing[0]}> here: default-graph-uri and named-graph-uri may only "
            "name graphs the endpoint holds (it never fetches one)",
        )
    return GraphSet(tuple(map(URIRef, default)), tuple(map(URIRef, named)))


# --- rendering ------------------------------------------------------------------------


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype != XSD.string:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
)


def to_xml(answer: Answer) -> str:
    """The SPARQL 1.1 Query Results XML format."""
    out = [XML_HEAD, "  <head>\n"]
    out += [f"    <variable name={quoteattr(v)}/>\n" for v in answer.variables]
    out.append("  </head>\n  <results>\n")
    for row in answer.rows:
        out.append("    <result>\n")
        for name, term in zip(answer.variables, row, strict=True):
            if term is not None:
                out.append(f"      <binding name={quoteattr(name)}>{_xml_term(term)}</binding>\n")
        out.append("    </result>\n")
    out.append("  </results>\n</sparql>\n")
    return "".join(out)


def render_boolean(value: bool, media: str) -> str:
    word = "true" if value else "false"
    if media == JSON:
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if media == XML:
        return f"{XML_HEAD}  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n"
    return f"{'?' if media == TSV else ''}boolean\n{word}\n"  # CSV/TSV: one cell


RENDER = {JSON: to_json, XML: to_xml, CSV: to_csv, TSV: to_tsv}


def service_description(endpoint: str) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for media in (*RESULT_TYPES, *GRAPH_TYPES):
        graph.add((service, SD.resultFormat, FORMAT_IRIS[media]))
    return graph


# --- in a worker process -------------------------------------------------------------

def _generation(store: Store) -> str:
    generation = getattr(store, "generation", None)
    return generation() if callable(generation) else ""


@dataclass(frozen=True)
class Reply:
    """A response made in a worker: media type, body and headers."""

    media: str
    body: bytes
    headers: dict[str, str]


def answer(store: Store, query: str, params: dict[str, list[str]], accept: str | None,
           max_rows: int) -> Reply:
    """The `/sparql` answer to `query`: checked (`ccgraph.guard`), run with at most
    `max_rows` + 1 rows read from the engine, rendered in the negotiated format."""
    held = held_graphs(store)
    form = analyse(query, held)
    dataset = requested_dataset(params, held)
    graph_form = form in ("ConstructQuery", "DescribeQuery")
    media = negotiate(accept, GRAPH_TYPES if graph_form else RESULT_TYPES)
    headers: dict[str, str] = {}
    if form == "AskQuery":
        return Reply(media, render_boolean(store.ask(query, dataset), media).encode(), headers)
    if not graph_form:
        result = store.select(query, dataset, limit=max_rows + 1)
        if len(result.rows) > max_rows:
            result = Answer(result.variables, result.rows[:max_rows])
            headers[TRUNCATED] = "true"
        return Reply(media, RENDER[media](result).encode("utf-8"), headers)
    graph = store.construct(query, dataset, limit=max_rows + 1)
    if len(graph) > max_rows:
        cut = Graph(namespace_manager=graph.namespace_manager)
        for index, triple in enumerate(graph):
            if index >= max_rows:
                break
            cut.add(triple)
        graph = cut
        headers[TRUNCATED] = "true"
    body = graph.serialize(format=GRAPH_FORMATS[media])
    return Reply(media, body.encode("utf-8") if isinstance(body, str) else body, headers)


# --- the app --------------------------------------------------------------------------


class Context:
    """What every route of the app shares: the store (opened on first use, in a thread),
    the worker processes that answer for it (`ccgraph.pool`), and the result cap."""

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

    async def call(self, request: Request, function, *args):
        """`function(store, *args)` in a worker process, for the client of `request`; its
        errors arrive as Refused with their HTTP status."""
        store = await self.store()
        if self._pool is None:
            self._pool = Pool(store, self.limits)
        client = request.client.host if request.client else "-"
        return await self._pool.call(client, function, *args)

    def generation(self) -> str:
        """Names the store the workers answer from now (changes when it is rebuilt)."""
        return _generation(self._store) if self._store is not None else ""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def refusals(handler):
    """An endpoint whose `Refused` errors become plain-text responses with their status."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refusal:
            headers = {"Allow": "GET, POST"} if refusal.status == 405 else {}
            if refusal.status == 503:
                headers["Retry-After"] = "5"
            return PlainTextResponse(
                str(refusal) + "\n", status_code=refusal.status, headers=headers or None
            )

    return endpoint


class SizeLimits:
    """ASGI middleware: 414 for a URL longer than MAX_URL bytes, 413 for a body that
    declares more than MAX_BODY bytes (a body that only turns out longer is cut off where it
    is read, `_body`)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            url = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            headers = dict(scope.get("headers") or ())
            declared = headers.get(b"content-length", b"")
            if url > MAX_URL:
                message = f"the URL is longer than {MAX_URL} bytes: send the query by POST\n"
                await PlainTextResponse(message, status_code=414)(scope, receive, send)
                return
            if declared.isdigit() and int(declared) > MAX_BODY:
                message = f"the request body is longer than {MAX_BODY} bytes\n"
                await PlainTextResponse(message, status_code=413)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(store: Store | None = None, *, timeout: float = 10.0, max_rows: int = 10000,
               workers: int = 4, per_client: int | None = None,
               max_memory: int = Limits.max_memory) -> Starlette:
    """The app over `store` (default: the embedded store, opened on first request):
    `/sparql`, the saved queries (`ccgraph.rest`) and the documents (`ccgraph.documents`).
    Queries run in `workers` worker processes, at most `per_client` (default: half of
    them) at once for one client address, each stopped after `timeout` seconds or past
    `max_memory` bytes."""
    from . import documents, rest

    limits = Limits(timeout=timeout, workers=workers,
                    per_client=per_client or max(1, workers // 2), max_memory=max_memory)
    context = Context(store, limits, max_rows)

    async def sparql(request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise Refused(405, "use GET or POST")
        operation = await read_operation(request)
        accept = request.headers.get("accept")
        if operation.query is None:
            if request.method == "GET" and not set(operation.params) - {"update"}:
                media = negotiate(accept, (TURTLE, JSONLD))
                endpoint = str(request.url.replace(query=""))
                body = service_description(endpoint).serialize(format=GRAPH_FORMATS[media])
                return Response(body, media_type=media)
            raise Refused(400, "no query given")
        reply = await context.call(request, answer, operation.query, operation.params,
                                   accept, max_rows)
        return Response(reply.body, media_type=reply.media, headers=reply.headers)

    @asynccontextmanager
    async def lifespan(app):
        yield
        context.close()

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    routes = [
        Route("/sparql", refusals(sparql), methods=methods),
        *rest.routes(context),
        *documents.routes(context),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(SizeLimits)
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


__all__ = ["Context", "create_app", "negotiate", "refusals", "to_xml", "TRUNCATED"]
