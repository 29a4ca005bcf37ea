"""A triple store reached over HTTP: any SPARQL 1.1 engine (Oxigraph server, Virtuoso,
Fuseki, GraphDB, QLever...), queried over the SPARQL 1.1 Protocol and loaded over the
SPARQL 1.1 Graph Store HTTP Protocol. See docs/stores.md.

What ccgraph puts in the store (`RemoteStore.load`): each named graph of the dataset as
it is (`<base>graph/{source}`, one per source file, each replaced whole by a PUT), and
one more graph holding their RDF merge, `<base>graph/merged`. Every query is sent with
that merge as its default graph (`default-graph-uri`) and the source graphs as its named
graphs (`named-graph-uri`): the dataset of the embedded store, whatever the engine takes
its own default graph to be (Oxigraph's union repeats a triple two graphs state,
Virtuoso's default graph is every graph it holds).

Saved-query parameters arrive as checked RDF terms and are sent in a generated VALUES
block (`binding = "values"`, see ccgraph.queries).

Settings come from the environment, credentials only from there (never from the command
line, never in a message):

| variable | meaning |
|---|---|
| CCGRAPH_STORE_USER, CCGRAPH_STORE_PASSWORD | HTTP Basic credentials |
| CCGRAPH_STORE_TOKEN | a bearer token (not together with Basic) |
| CCGRAPH_STORE_GSP | the Graph Store endpoint, when it cannot be told from the query URL |
| CCGRAPH_STORE_CONNECT_TIMEOUT | seconds to connect (default 5) |
| CCGRAPH_STORE_READ_TIMEOUT | seconds to wait for an answer (default 60) |

A connection that fails is tried twice more (after 0.5 s, then 1 s); an unreachable
store, a refused credential (401, 403), a server error (5xx) or a timeout is a StoreError:
one line, exit code 2.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from rdflib import Dataset, Graph, Literal, URIRef

from .. import formats
from .. import namespaces as ns
from ..errors import InputError, StoreError
from .base import Answer, GraphSet, Rows, Triple, merged
from .terms import from_sparql_json

RETRY_DELAYS = (0.5, 1.0)
ENGINE_DATASET = GraphSet()  # sent as no dataset at all: the engine's own (or the FROMs)
SPARQL_JSON = formats.get("srj").media
GRAPH_ANSWERS = ("ntriples", "turtle", "rdfxml")  # asked for in this order of preference
GRAPH_ACCEPT = ", ".join(f"{m};q={1 - i / 4:g}" if i else m
                         for i, m in enumerate(formats.media(GRAPH_ANSWERS)))
# media type of a CONSTRUCT answer -> rdflib parser (and two older names engines send)
PARSERS = {**{formats.get(n).media: formats.rdflib_format(n) for n in GRAPH_ANSWERS},
           "text/plain": "nt", "application/x-turtle": "turtle"}


def _reopen(url: str, gsp_url: str | None, environ: Mapping[str, str]) -> RemoteStore:
    return RemoteStore(url, gsp_url=gsp_url, environ=environ)


def merged_graph() -> URIRef:
    """The graph holding the RDF merge of the sources: the default graph of every query."""
    return URIRef(ns.base() + "graph/merged")


def is_remote(kind: str) -> bool:
    return kind.startswith(("http://", "https://"))


class RemoteStore:
    """A SPARQL 1.1 endpoint at `url` (and a Graph Store endpoint for loading)."""

    binding = "values"

    def __init__(self, url: str, *, gsp_url: str | None = None,
                 environ: Mapping[str, str] = os.environ):
        self.url = _checked_url(url, "the store URL")
        gsp = gsp_url or environ.get("CCGRAPH_STORE_GSP")
        self.gsp_url = _checked_url(gsp, "CCGRAPH_STORE_GSP") if gsp else graph_store_url(url)
        self._timeout = httpx.Timeout(
            _seconds(environ, "CCGRAPH_STORE_READ_TIMEOUT", 60.0),
            connect=_seconds(environ, "CCGRAPH_STORE_CONNECT_TIMEOUT", 5.0),
        )
        self._environ = {k: v for k, v in environ.items() if k.startswith("CCGRAPH_STORE")}
        self._auth, self._headers = _credentials(environ)
        self._client = httpx.Client(timeout=self._timeout, auth=self._auth,
                                    headers=self._headers, follow_redirects=False)
        self._graphs: GraphSet | None = None

    def __reduce__(self):  # a worker process opens its own connection to the same store
        return (_reopen, (self.url, self.gsp_url, self._environ))

    # --- queries --------------------------------------------------------------------

    def rows(self, query: str, dataset: GraphSet | None = None) -> Rows:
        """A SELECT answer (received whole), row by row."""
        body = self._json(self._query(query, dataset, SPARQL_JSON))
        if "results" not in body:
            raise InputError("not a SELECT query")
        variables = tuple(body["head"].get("vars", ()))
        return Rows(variables, (tuple(from_sparql_json(binding.get(v)) for v in variables)
                                for binding in body["results"]["bindings"]))

    def triples(self, query: str, dataset: GraphSet | None = None) -> Iterator[Triple]:
        """A CONSTRUCT or DESCRIBE answer (received whole), triple by triple."""
        return iter(self.construct(query, dataset))  # type: ignore[arg-type]

    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer:
        answer = self.rows(query, dataset)
        return Answer(answer.variables, tuple(islice(answer, limit)))

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        body = self._json(self._query(query, dataset, SPARQL_JSON))
        if "boolean" not in body:
            raise InputError("not an ASK query")
        return bool(body["boolean"])

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as a graph (the whole answer: `limit` is for the
        caller to apply; an engine sends what it sends)."""
        response = self._query(query, dataset, GRAPH_ACCEPT)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in PARSERS:
            raise InputError(f"not a CONSTRUCT or DESCRIBE query (the store sent {media})")
        graph = ns.new_graph()
        try:
            graph.parse(data=response.content, format=PARSERS[media])
        except Exception as error:  # rdflib raises several unrelated types
            raise StoreError(f"{self.url}: the answer broke off or is not {media} "
                             f"({_reason(error)})") from None
        return graph

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        """The SPARQL JSON body; an engine that fails after it began to answer (Oxigraph
        streams its results) leaves it cut short."""
        try:
            body = response.json()
        except ValueError as error:
            raise StoreError(f"{self.url}: the answer broke off or is not SPARQL JSON "
                             f"({_reason(error)})") from None
        if not isinstance(body, dict):
            raise StoreError(f"{self.url}: the answer is not SPARQL JSON")
        return body

    def __len__(self) -> int:
        answer = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(answer.rows[0][0])  # type: ignore[arg-type]

    def graphs(self) -> list[URIRef]:
        """The ccgraph graphs the store holds (the sources and the merge)."""
        prefix = Literal(ns.base() + "graph/")
        answer = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER (STRSTARTS(STR(?g), {prefix.n3()})) }} ORDER BY ?g",
            ENGINE_DATASET,
        )
        return [row[0] for row in answer.rows]  # type: ignore[misc]

    def _query(self, query: str, dataset: GraphSet | None, accept: str) -> httpx.Response:
        if dataset is None:  # ccgraph's dataset, unless the query names its own
            dataset = ENGINE_DATASET if _names_dataset(query) else self._dataset()
        form = {
            "query": query,
            "default-graph-uri": [str(g) for g in dataset.default],
            "named-graph-uri": [str(g) for g in dataset.named],
        }
        return self._send("POST", self.url, data=form, headers={"Accept": accept})

    def _dataset(self) -> GraphSet:
        """The merge as default graph, the sources as named graphs; worked out (and the
        store checked to hold the merge) on first use, then kept until the next load."""
        if self._graphs is None:
            from ..sources import graph_names

            merge = merged_graph()
            query = f"ASK {{ GRAPH {merge.n3()} {{ ?s ?p ?o }} }}"
            if not self.ask(query, GraphSet(named=(merge,))):
                raise StoreError(
                    f"{self.url}: holds no ccgraph graph <{merge}>; load it with "
                    f"`ccgraph push --store {self.url}`"
                )
            self._graphs = GraphSet((merge,), tuple(graph_names()))
        return self._graphs

    # --- loading --------------------------------------------------------------------

    def load(self, dataset: Dataset, *, replace: bool = False) -> dict[URIRef, int]:
        """Put each named graph of `dataset`, and their merge, into the store, each
        replacing the graph of that name whole; returns the triples the store then holds
        per graph. Without `replace`, a store already holding ccgraph graphs is left alone
        (StoreError); with it, ccgraph graphs the dataset no longer has are deleted."""
        self._graph_store()  # known before anything is sent
        existing = self.graphs()
        if existing and not replace:
            raise StoreError(
                f"{self.url}: already holds {len(existing)} ccgraph graphs; give --replace "
                "to replace them"
            )
        graphs = {URIRef(str(g.identifier)): g for g in dataset.graphs() if len(g)}
        graphs.pop(URIRef("urn:x-rdflib:default"), None)
        graphs[merged_graph()] = merged(dataset)
        for name, graph in graphs.items():
            self.put(name, graph)
        for name in existing:
            if name not in graphs:
                self._send("DELETE", self._graph_store(), params={"graph": str(name)})
        self._graphs = None
        return {name: self.triples_in(name) for name in graphs}

    def put(self, name: URIRef, graph: Graph) -> None:
        """Replace graph `name` whole with `graph` (Graph Store Protocol PUT)."""
        body = graph.serialize(format="nt", encoding="utf-8")
        self._send("PUT", self._graph_store(), params={"graph": str(name)}, content=body,
                   headers={"Content-Type": formats.get("ntriples").media})

    def _graph_store(self) -> str:
        if self.gsp_url is None:
            raise InputError(
                f"cannot tell the Graph Store endpoint of {self.url}: give --gsp URL "
                "(or set CCGRAPH_STORE_GSP)"
            )
        return self.gsp_url

    def triples_in(self, name: URIRef) -> int:
        """How many triples graph `name` holds in the store."""
        answer = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {name.n3()} {{ ?s ?p ?o }} }}",
            GraphSet(named=(name,)),
        )
        return int(answer.rows[0][0])  # type: ignore[arg-type]

    # --- HTTP -----------------------------------------------------------------------

    def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        for attempt, delay in enumerate((*RETRY_DELAYS, None)):
            try:
                response = self._client.request(method, url, **options)
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if delay is None:
                    raise StoreError(
                        f"{url}: unreachable after {attempt + 1} attempts ({_reason(error)})"
                    ) from None
                time.sleep(delay)
            except httpx.TimeoutException:
                raise StoreError(
                    f"{url}: no answer within {self._timeout.read:g} s "
                    "(CCGRAPH_STORE_READ_TIMEOUT)"
                ) from None
            except httpx.HTTPError as error:
                raise StoreError(f"{url}: {_reason(error)}") from None
        status = response.status_code
        if status < 300:
            return response
        detail = _first_line(response.text)
        if status in (401, 403):
            raise StoreError(
                f"{url}: {status} {response.reason_phrase}: the store refused the request "
                "(credentials from CCGRAPH_STORE_USER/CCGRAPH_STORE_PASSWORD or "
                "CCGRAPH_STORE_TOKEN)"
            )
        if status == 400:
            raise InputError(f"{url}: the store refused the request (400): {detail}")
        raise StoreError(f"{url}: {status} {response.reason_phrase}: {detail}")

    def close(self) -> None:
        self._client.close()


# --- helpers ----------------------------------------------------------------------------

_GRAPH_STORES = (  # query path -> Graph Store path, for the layouts engines ship with
    (re.compile(r"/query"), lambda m: "/store"),  # Oxigraph server
    (re.compile(r"/sparql/?"), lambda m: "/sparql-graph-crud"),  # Virtuoso
    (re.compile(r"/([^/]+)/(?:query|sparql)"), lambda m: f"/{m.group(1)}/data"),  # Fuseki
    (re.compile(r"(/repositories/[^/]+)"), lambda m: f"{m.group(1)}/rdf-graphs/service"),
)


def graph_store_url(query_url: str) -> str | None:
    """The Graph Store endpoint beside a query endpoint, for the layouts of Oxigraph
    server, Virtuoso, Fuseki and GraphDB/RDF4J; None when it cannot be told."""
    parts = urlsplit(query_url)
    for pattern, path in _GRAPH_STORES:
        match = pattern.fullmatch(parts.path)
        if match:
            return urlunsplit((parts.scheme, parts.netloc, path(match), "", ""))
    return None


def _names_dataset(query: str) -> bool:
    """Whether the query has FROM / FROM NAMED clauses (which a protocol dataset would
    override: the engine then draws those graphs from its store, as Oxigraph does)."""
    if not re.search(r"\bFROM\b", query, re.I):
        return False
    from rdflib.plugins.sparql import prepareQuery

    try:
        return bool(prepareQuery(query).algebra.get("datasetClause"))
    except Exception:
        return False  # malformed: the engine will say so


def _checked_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what} {url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise InputError(
            f"{what}: credentials do not go in the URL; set CCGRAPH_STORE_USER and "
            "CCGRAPH_STORE_PASSWORD, or CCGRAPH_STORE_TOKEN"
        )
    return url


def _credentials(environ: Mapping[str, str]) -> tuple[httpx.Auth | None, dict[str, str]]:
    user, password = environ.get("CCGRAPH_STORE_USER"), environ.get("CCGRAPH_STORE_PASSWORD")
    token = environ.get("CCGRAPH_STORE_TOKEN")
    if token and (user or password):
        raise InputError("set CCGRAPH_STORE_TOKEN or CCGRAPH_STORE_USER/PASSWORD, not both")
    if bool(user) != bool(password):
        raise InputError("CCGRAPH_STORE_USER and CCGRAPH_STORE_PASSWORD go together")
    if user and password:
        return httpx.BasicAuth(user, password), {}
    return None, ({"Authorization": f"Bearer {token}"} if token else {})


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise InputError(f"{name}={raw!r} is not a positive number of seconds")
    return value


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:200] if lines else "(no message)"


def _reason(error: Exception) -> str:
    return _first_line(str(error)) if str(error) else type(error).__name__


def graph_counts(counts: Mapping[URIRef, int]) -> Iterable[str]:
    """`ccgraph push`'s report: one line per graph, then the sources' total."""
    for name, count in counts.items():
        yield f"{count:>8}  {name}"
    sources = {name: count for name, count in counts.items() if name != merged_graph()}
    yield (f"{sum(sources.values()):>8}  triples in {len(sources)} source graphs; "
           f"their merge holds {counts.get(merged_graph(), 0)}")
