"""A read-only SPARQL 1.1 Protocol endpoint at `/sparql` (a Starlette ASGI app).

- Queries by GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`) or POST
  `application/sparql-query`. Updates are refused (403): the endpoint is read-only.
- Nothing reaches the network: `SERVICE`, `LOAD` and `FROM`/`FROM NAMED` naming a graph the
  store does not hold are refused (400). `default-graph-uri` / `named-graph-uri` may name
  graphs the store holds (the default graph is then the RDF merge of the ones named);
  naming any other graph is refused (400): the endpoint never fetches one.
- Results by content negotiation (q-values honoured). SELECT/ASK: SPARQL JSON (default),
  SPARQL XML, CSV, TSV. CONSTRUCT/DESCRIBE: Turtle (default), JSON-LD, N-Triples.
- A query running longer than `timeout` seconds gets 503 (the worker thread is left to
  finish; its answer is dropped). A SELECT with more than `max_rows` rows, or a graph with
  more than `max_rows` triples, is cut to `max_rows` and the response carries the header
  `X-Result-Truncated: true`.
- GET `/sparql` without a query returns the SPARQL service description (Turtle or JSON-LD).
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .errors import InputError, QueryError
from .guard import Refused, analyse
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
    body = await request.body()
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


# --- the app --------------------------------------------------------------------------


class Context:
    """What every route of the app shares: the store (opened on first use, in a worker),
    the worker threads, the query timeout and the result cap."""

    def __init__(self, store: Store | None, timeout: float, max_rows: int):
        self.timeout = timeout
        self.max_rows = max_rows
        self.workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ccgraph-query")
        self._store = store
        self._held: set | None = None
        self._lock = asyncio.Lock()

    async def in_thread(self, function, *args):
        """`function(*args)` in a worker thread, given up with 503 after the timeout; a
        malformed query is a 400, a failing one a 500."""
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self.workers, function, *args), self.timeout
            )
        except TimeoutError:
            message = f"the query ran longer than {self.timeout:g} s and was given up"
            raise Refused(503, message) from None
        except Refused:
            raise
        except InputError as error:
            raise Refused(400, str(error)) from None
        except QueryError as error:
            raise Refused(500, str(error)) from None

    async def store(self) -> Store:
        async with self._lock:
            if self._store is None:
                loop = asyncio.get_running_loop()
                self._store = await loop.run_in_executor(self.workers, open_store, None)
        return self._store

    def held_graphs(self, current: Store):
        """A callable naming the graphs `current` holds (asked once, then remembered)."""

        def held() -> set:
            if self._held is None:
                answer = current.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
                self._held = {row[0] for row in answer.rows}
            return self._held

        return held


def refusals(handler):
    """An endpoint whose `Refused` errors become plain-text responses with their status."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refusal:
            headers = {"Allow": "GET, POST"} if refusal.status == 405 else None
            return PlainTextResponse(
                str(refusal) + "\n", status_code=refusal.status, headers=headers
            )

    return endpoint


def create_app(store: Store | None = None, *, timeout: float = 10.0,
               max_rows: int = 10000) -> Starlette:
    """The app over `store` (default: the embedded store, opened on first request):
    `/sparql`, the saved queries (`ccgraph.rest`) and the documents (`ccgraph.documents`)."""
    from . import documents, rest

    context = Context(store, timeout, max_rows)

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
        current = await context.store()
        held = context.held_graphs(current)
        form = analyse(operation.query, held)
        dataset = requested_dataset(operation.params, held)
        graph_form = form in ("ConstructQuery", "DescribeQuery")
        media = negotiate(accept, GRAPH_TYPES if graph_form else RESULT_TYPES)
        run = (
            current.construct if graph_form else current.ask if form == "AskQuery"
            else current.select
        )
        result = await context.in_thread(run, operation.query, dataset)
        headers: dict[str, str] = {}
        if isinstance(result, bool):
            body = render_boolean(result, media)
        elif isinstance(result, Answer):
            if len(result.rows) > max_rows:
                result = Answer(result.variables, result.rows[:max_rows])
                headers[TRUNCATED] = "true"
            body = RENDER[media](result)
        else:
            if len(result) > max_rows:
                cut = Graph(namespace_manager=result.namespace_manager)
                for index, triple in enumerate(result):
                    if index >= max_rows:
                        break
                    cut.add(triple)
                result = cut
                headers[TRUNCATED] = "true"
            body = result.serialize(format=GRAPH_FORMATS[media])
        return Response(body, media_type=media, headers=headers)

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    routes = [
        Route("/sparql", refusals(sparql), methods=methods),
        *rest.routes(context),
        *documents.routes(context),
    ]
    app = Starlette(routes=routes)
    app.state.workers = context.workers
    app.state.context = context
    return app


__all__ = ["Context", "create_app", "negotiate", "refusals", "to_xml", "TRUNCATED"]
