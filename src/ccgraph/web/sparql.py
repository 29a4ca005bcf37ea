"""A read-only SPARQL 1.1 Protocol endpoint at `/sparql`.

- Queries by GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`) or POST
  `application/sparql-query`. Updates are refused (403): the endpoint is read-only.
- Nothing reaches the network: `SERVICE`, `LOAD` and `FROM`/`FROM NAMED` naming a graph the
  store does not hold are refused (400). `default-graph-uri` / `named-graph-uri` may name
  graphs the store holds (the default graph is then the RDF merge of the ones named);
  naming any other graph is refused (400): the endpoint never fetches one.
- Results by content negotiation (q-values honoured). SELECT/ASK: SPARQL JSON (default),
  SPARQL XML, CSV, TSV (`formats.ROWS`). CONSTRUCT/DESCRIBE: Turtle (default), JSON-LD,
  N-Triples, RDF/XML (`formats.GRAPHS`; a graph RDF/XML cannot carry comes in the client's
  next acceptable format, or 406).
- Every query, parsing included, runs in a worker process (`answer`, through the
  `Context`), and its answer streams from there to the client as the engine works it out
  (`ccgraph.results.write_select` / `write_construct`; `ccgraph.web.context.Streamed`): any
  size, in bounded memory. A query running longer than the timeout (its answer's delivery
  included), or growing past its memory cap, is stopped with its worker: 503 if nothing
  was sent yet, else the response is broken off (never a complete-looking answer).
- No result cap by default. With one (`max_rows`), a SELECT of more than `max_rows` rows
  or a graph of more than `max_rows` triples is refused whole (400, saying so): an answer
  is never cut.
- A body longer than MAX_BODY bytes gets 413, whatever it declared.
- GET `/sparql` without a query returns the SPARQL service description (in any graph
  format), or, to a browser asking for HTML, the query editor (`ccgraph.web.editor`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import cast
from urllib.parse import parse_qs

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .. import formats, rdfxml
from .. import namespaces as ns
from ..errors import (
    Forbidden,
    InputError,
    MethodNotAllowed,
    Refused,
    TooLarge,
    UnsupportedMedia,
)
from ..guard import analyse, held_graphs
from ..results import capped, render_boolean, write_construct, write_graph, write_select
from ..store import GraphSet, Store
from ..store.base import Triple
from .context import MAX_BODY, Context, Reply
from .description import service_description
from .errors import handled
from .worker import Sink

RESULT_TYPES = formats.media(formats.ROWS)
GRAPH_TYPES = formats.media(formats.GRAPHS)
DESCRIPTION_TYPES = formats.media(formats.GRAPHS)
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


# --- in a worker process -------------------------------------------------------------


def answer(store: Store, sink: Sink, query: str, params: dict[str, list[str]],
           accept: str | None, max_rows: int | None) -> None:
    """The `/sparql` answer to `query`, written to `sink` (`ccgraph.web.pool`) as the
    engine works it out: checked (`ccgraph.guard`), in the negotiated format; refused
    whole if it has more than `max_rows` rows or triples (None: no cap)."""
    def held() -> Collection[URIRef]:  # asked for only by a query that names graphs
        return held_graphs(store)()

    form = analyse(query, held)
    dataset = requested_dataset(params, held)
    graph_form = form in ("ConstructQuery", "DescribeQuery")
    media = formats.negotiate(accept, GRAPH_TYPES if graph_form else RESULT_TYPES)
    name = _name(media)
    if graph_form and name == "rdfxml":
        _rdfxml(store, sink, query, dataset, accept, max_rows)
        return
    sink.start(Reply(media))
    if form == "AskQuery":
        sink.write(render_boolean(store.ask(query, dataset), name))
    elif graph_form:
        write_construct(store, query, name, sink, dataset=dataset, cap=max_rows)
    else:
        write_select(store, query, name, sink, dataset=dataset, cap=max_rows)


def _rdfxml(store: Store, sink: Sink, query: str, dataset: GraphSet | None,
            accept: str | None, max_rows: int | None) -> None:
    """A graph answer for a client that prefers RDF/XML. RDF/XML cannot carry every graph (a
    predicate no XML name can spell, such as <http://example.org/p/1>): the graph is read
    whole first, then written as RDF/XML, or in the client's next acceptable format, or
    refused (406) saying why (`rdfxml.negotiate_graph`)."""
    graph = ns.new_graph()
    for triple in capped(store.triples(query, dataset), max_rows, "triples"):
        graph.add(triple)
    media = rdfxml.negotiate_graph(accept, GRAPH_TYPES, graph)
    sink.start(Reply(media))
    if _name(media) == "rdfxml":
        sink.write(graph.serialize(format="xml", encoding="utf-8"))
    else:
        write_graph(cast("Iterable[Triple]", graph), _name(media), sink)


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
                from . import editor  # a person's browser gets the query editor

                media = formats.negotiate(accept, (*DESCRIPTION_TYPES, editor.HTML))
                if media == editor.HTML:
                    return await editor.page(request, context)
                endpoint = str(request.url.replace(query=""))
                body = service_description(endpoint).serialize(
                    format=formats.rdflib_format(_name(media)))
                return Response(body, media_type=media, headers={"Vary": "Accept"})
            raise InputError("no query given")
        return await context.respond(request, answer, operation.query, operation.params,
                                     accept, context.max_rows)

    return [Route("/sparql", handled(sparql, allow="GET, HEAD, POST"), methods=METHODS)]


__all__ = ["Operation", "Reply", "answer", "read_operation", "requested_dataset", "routes",
           "service_description"]
