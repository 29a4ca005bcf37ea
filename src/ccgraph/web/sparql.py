"""A read-only SPARQL 1.1 Protocol endpoint at `/sparql`.

- Queries by GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`) or POST
  `application/sparql-query`. Updates are refused (403): the endpoint is read-only.
- Nothing reaches the network: `SERVICE`, `LOAD` and `FROM`/`FROM NAMED` naming a graph the
  store does not hold are refused (400). `default-graph-uri` / `named-graph-uri` may name
  graphs the store holds (the default graph is then the RDF merge of the ones named);
  naming any other graph is refused (400): the endpoint never fetches one.
- Results by content negotiation (q-values honoured). SELECT/ASK: SPARQL JSON (default),
  SPARQL XML, CSV, TSV (`formats.ROWS`). CONSTRUCT/DESCRIBE: Turtle (default), JSON-LD,
  N-Triples (`formats.GRAPHS`).
- Every query, parsing included, runs in a worker process (`answer`, through the
  `Context`): one running longer than the timeout, or growing past its memory cap, is
  stopped with its worker and answered 503. A SELECT with more than `max_rows` rows, or a
  graph with more than `max_rows` triples, is cut to `max_rows` (the rest is never read
  from the engine) and the response carries the header `X-Result-Truncated: true`.
- A body longer than MAX_BODY bytes gets 413, whatever it declared.
- GET `/sparql` without a query returns the SPARQL service description (Turtle or JSON-LD).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .. import formats
from ..errors import (
    Forbidden,
    InputError,
    MethodNotAllowed,
    Refused,
    TooLarge,
    UnsupportedMedia,
)
from ..guard import analyse, held_graphs
from ..results import render_boolean, to_csv, to_json, to_tsv, to_xml
from ..store import Answer, GraphSet, Store
from .context import MAX_BODY, TRUNCATED, Context
from .errors import handled

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(formats.W3C)
RESULT_TYPES = formats.media(formats.ROWS)
GRAPH_TYPES = formats.media(formats.GRAPHS)
DESCRIPTION_TYPES = formats.media(("turtle", "jsonld"))
RENDER = {"srj": to_json, "srx": to_xml, "csv": to_csv, "tsv": to_tsv}
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]  # 405 but GET, POST


# --- request parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    query: str | None
    params: dict[str, list[str]]


def _one_query(params: dict[str, list[str]]) -> str | None:
    if params.get("update"):
        raise Forbidden("read-only endpoint: updates are refused")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise InputError("give one query, not several")
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
        raise Forbidden("read-only endpoint: updates are refused")
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise UnsupportedMedia(
            "send the query as application/x-www-form-urlencoded (query=...) "
            "or as application/sparql-query",
        )
    if not _charset_ok(content_type):
        raise UnsupportedMedia("the query must be encoded in UTF-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the request body is not UTF-8") from None
    if media == "application/sparql-query":
        if params.get("update") or params.get("query"):
            raise InputError("give the query in the body only")
        return Operation(text, params)
    for key, values in parse_qs(text, keep_blank_values=True).items():
        params.setdefault(key, []).extend(values)
    query = _one_query(params)
    if query is None:
        raise InputError("the form has no query field")
    return Operation(query, params)


async def _body(request: Request) -> bytes:
    """The request body, or 413 once it is longer than MAX_BODY (whatever it declared)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(f"the request body is longer than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(f"the request body is longer than {MAX_BODY} bytes")
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
            f"no graph <{missing[0]}> here: default-graph-uri and named-graph-uri may only "
            "name graphs the endpoint holds (it never fetches one)",
        )
    return GraphSet(tuple(map(URIRef, default)), tuple(map(URIRef, named)))


# --- the service description ----------------------------------------------------------


def service_description(endpoint: str) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in (*formats.ROWS, *formats.GRAPHS):
        graph.add((service, SD.resultFormat, URIRef(str(formats.get(name).w3c))))
    return graph


# --- in a worker process -------------------------------------------------------------


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
    media = formats.negotiate(accept, GRAPH_TYPES if graph_form else RESULT_TYPES)
    name = _name(media)
    headers: dict[str, str] = {}
    if form == "AskQuery":
        return Reply(media, render_boolean(store.ask(query, dataset), name).encode(), headers)
    if not graph_form:
        result = store.select(query, dataset, limit=max_rows + 1)
        if len(result.rows) > max_rows:
            result = Answer(result.variables, result.rows[:max_rows])
            headers[TRUNCATED] = "true"
        return Reply(media, RENDER[name](result).encode("utf-8"), headers)
    graph = store.construct(query, dataset, limit=max_rows + 1)
    if len(graph) > max_rows:
        cut = Graph(namespace_manager=graph.namespace_manager)
        for index, triple in enumerate(graph):
            if index >= max_rows:
                break
            cut.add(triple)
        graph = cut
        headers[TRUNCATED] = "true"
    body = graph.serialize(format=formats.rdflib_format(name))
    return Reply(media, body.encode("utf-8") if isinstance(body, str) else body, headers)


def _name(media: str) -> str:
    found = formats.by_media(media)
    assert found is not None
    return found.name


# --- the route --------------------------------------------------------------------------


def routes(context: Context) -> list[BaseRoute]:
    async def sparql(request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise MethodNotAllowed("use GET or POST")
        operation = await read_operation(request)
        accept = request.headers.get("accept")
        if operation.query is None:
            if request.method == "GET" and not set(operation.params) - {"update"}:
                media = formats.negotiate(accept, DESCRIPTION_TYPES)
                endpoint = str(request.url.replace(query=""))
                body = service_description(endpoint).serialize(
                    format=formats.rdflib_format(_name(media)))
                return Response(body, media_type=media)
            raise InputError("no query given")
        reply = await context.call(request, answer, operation.query, operation.params,
                                   accept, context.max_rows)
        return Response(reply.body, media_type=reply.media, headers=reply.headers)

    return [Route("/sparql", handled(sparql, allow="GET, POST"), methods=METHODS)]


__all__ = ["Operation", "Reply", "answer", "read_operation", "requested_dataset", "routes",
           "service_description"]
