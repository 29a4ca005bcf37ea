"""Resource IRIs and the documents that describe them (DESIGN §6): the routes and their
content negotiation. The HTML itself is made by `ccgraph.pages`.

- `/id/{path}`: 303 See Other to `/doc/{path}`; 404 if no triple has the resource as
  subject, or if the path is not slug-like.
- `/doc/{path}`: the resource's document, HTML, Turtle, JSON-LD or N-Triples by Accept
  (`Vary: Accept`; 406 if none is acceptable) or by extension (`.html`, `.ttl`, `.jsonld`,
  `.nt`); 404 as above. The HTML pages of networks and creative fields take
  `?at=YYYY-MM-DD` (default today; 400 if it is not a calendar date).
- `/` and `/search`: the home page (networks, creative fields), searching labels by `?q=`.
- `/ontology` (`.html`, `.ttl`, `.jsonld`, `.nt`): the documentation of `ontology/ccn.ttl`
  in HTML, or the ontology itself (its Turtle is the file as written).
- `/context.jsonld`: the project's JSON-LD `@context`, as `application/ld+json`.
- `/.well-known/void` (`.ttl`, `.jsonld`, `.nt`): the VoID and DCAT description of the
  dataset, Turtle by default.
- `/dump.ttl`, `/dump.nt`, `/dump.jsonld`, `/dump.trig`: the whole graph as the store holds
  it, made by `ccgraph.export` (TriG keeps one named graph per source); made once, kept.
- `/static/style.css`: the pages' style sheet.

A person's browser gets HTML error pages; other clients get plain text (`server.refusals`).

A request path is mapped onto the configured base (`namespaces.base()`, CCGRAPH_BASE):
`/id/city/it/turin` is `{base}id/city/it/turin` whatever host served it. Only slug-like
paths (`[a-z0-9-]` segments joined by `/`) are looked up; anything else is 404 before the
store is asked, and the IRI reaches SPARQL only as a checked term in a VALUES block.

The RDF document of a resource R is a symmetric concise bounded description widened to
the n-ary memberships: every triple with R as subject (and those of a blank node it
points to), every triple with R as object, and, for each membership whose member or
organisation is R, all of the membership's own triples (role, dates, sources). So a
city's or a network's document carries its memberships whole, and a country's names the
places in it. Labels of the linked resources are not copied: each has its own document.

Turtle and N-Triples carry the project's prefixes; JSON-LD is compacted with the
project's own context, embedded (`ccgraph.export`): no remote context is referenced.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from . import export, pages
from . import namespaces as ns
from .guard import Refused
from .queries import MAX_VALUE, SLUG_PATH, values_block
from .server import FORMATS, GRAPH_FORMATS, JSONLD, NTRIPLES, TURTLE, negotiate, refusals
from .sources import ONTOLOGY_FILE, load_ontology
from .summary import TRIPLES

if TYPE_CHECKING:
    from .server import Context
    from .store import Store

HTML = "text/html"
TEXT = "text/plain"
TRIG = "application/trig"
EXTENSIONS = {"html": HTML, "ttl": TURTLE, "jsonld": JSONLD, "nt": NTRIPLES, "trig": TRIG}
SUFFIXES = {media: ext for ext, media in EXTENSIONS.items()}
DOC_TYPES = (HTML, TURTLE, JSONLD, NTRIPLES)
VOID_TYPES = (TURTLE, JSONLD, NTRIPLES)
DUMP_TYPES = (TURTLE, NTRIPLES, JSONLD, TRIG)
EXPORT_NAMES = {TURTLE: "turtle", NTRIPLES: "ntriples", JSONLD: "jsonld", TRIG: "trig"}
IANA = Namespace("https://www.iana.org/assignments/media-types/")
STATIC_DIR = Path(__file__).with_name("static")
ONTOLOGY_IRI = URIRef(str(ns.CCN).rstrip("#"))
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The data's licence: the project's (README, "Licence"; the ontology's dcterms:license).
LICENSE = URIRef("https://www.apache.org/licenses/LICENSE-2.0")
RIGHTS = ("The graph is published under the project's licence, Apache-2.0; the source "
          "documents quoted in data/sources/ belong to their authors.")
OPEN = {"Access-Control-Allow-Origin": "*"}  # read-only public data: any page may fetch it

DESCRIBE = """PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?r ?p ?o . ?o ?bp ?bo . ?s ?ip ?r . ?m ?mp ?mo }
WHERE {
  %s
  { ?r ?p ?o OPTIONAL { ?o ?bp ?bo FILTER (isBlank(?o)) } }
  UNION { ?s ?ip ?r }
  UNION { ?m org:member|org:organization ?r . ?m ?mp ?mo }
}"""
KNOWN = "ASK { %s ?r ?p ?o }"
QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


# --- resources and their descriptions ---------------------------------------------------


def resource_iri(path: str) -> URIRef:
    """The resource IRI of a request path such as `city/it/turin` (404 if not slug-like)."""
    if not SLUG_PATH.fullmatch(path):
        raise Refused(404, f"no resource /id/{path[:80]}: not a resource path")
    return URIRef(ns.base() + "id/" + path)


def known(store: Store, iri: URIRef) -> bool:
    """Whether the store holds a triple with `iri` as subject."""
    return store.ask(KNOWN % values_block(["r"], [[iri]]))


def describe(store: Store, iri: URIRef) -> Graph:
    """The RDF document of `iri` (see the module docstring), with the project's prefixes."""
    graph = ns.new_graph()
    graph += store.construct(DESCRIBE % values_block(["r"], [[iri]]))
    return graph


def serialize(graph: Graph, media: str) -> bytes:
    """`graph` as Turtle or N-Triples with its own prefixes, or as JSON-LD compacted with
    the project's context (`export.serialize`)."""
    if media == JSONLD:
        dataset = ns.new_dataset()
        for triple in graph:
            dataset.add(triple)
        return export.serialize(dataset, "jsonld")
    return graph.serialize(format=GRAPH_FORMATS[media], encoding="utf-8")


def store_dataset(store: Store) -> Dataset:
    """Every named graph the store holds, as an rdflib Dataset (for the dumps)."""
    dataset = ns.new_dataset()
    for name, s, p, o in store.select(QUADS).rows:
        if name != DATASET_DEFAULT_GRAPH_ID:
            dataset.graph(name).add((s, p, o))  # type: ignore[arg-type]
    return dataset


def dump_of(store: Store, fmt: str) -> bytes:
    """The whole dataset the store holds, serialized as `fmt` (`ccgraph.export` names)."""
    return export.serialize(store_dataset(store), fmt)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return load_ontology()


# --- VoID and DCAT -----------------------------------------------------------------------


DESCRIPTION = (
    "The networks that cities join for culture and creativity (the UNESCO Creative Cities "
    "Network and its Italian coordination, Eurocities, GAI, BJCEM): n-ary memberships with "
    "their validity at its known precision, every fact and every number with its dated source.")
FORMATS_BY_TYPE = {TURTLE: FORMATS.Turtle, NTRIPLES: FORMATS["N-Triples"],
                   JSONLD: FORMATS["JSON-LD"], TRIG: FORMATS.TriG}
TERMS = "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }"
ROOTS = f"SELECT ?r WHERE {{ ?r a {ns.CCN.Network.n3()} }} ORDER BY STR(?r)"
SOURCES = f"SELECT ?r WHERE {{ ?r a {ns.CCN.Source.n3()} }} ORDER BY STR(?r)"
VOCABULARY_PREFIXES = ("ccn", "org", "prov", "time", "skos", "dcterms", "schema", "foaf",
                       "owl", "rdf", "rdfs", "vann")


def void(store: Store, root: str) -> Graph:
    """The VoID and DCAT description of the dataset served at `root` (ends with '/')."""
    graph = ns.new_graph()
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    here = Namespace(root + ".well-known/void#")
    dataset, endpoint = here.dataset, URIRef(root + "sparql")
    service, access = here.sparql, here["sparql-access"]  # a DataService; its Distribution
    triples = int(store.select(TRIPLES).rows[0][0])  # type: ignore[arg-type]
    for p, o in (
        (RDF.type, VOID.Dataset),
        (RDF.type, DCAT.Dataset),
        (DCTERMS.title, Literal("ccgraph: city cultural networks", lang="en")),
        (DCTERMS.description, Literal(DESCRIPTION, lang="en")),
        (DCTERMS.license, LICENSE),
        (DCTERMS.rights, Literal(RIGHTS, lang="en")),
        (DCTERMS.conformsTo, ONTOLOGY_IRI),
        (VOID.uriSpace, Literal(ns.base() + "id/")),
        (VOID.triples, Literal(triples, datatype=XSD.integer)),
        (VOID.sparqlEndpoint, endpoint),
        (DCAT.distribution, access),
    ):
        graph.add((dataset, p, o))
    for p, o in ((RDF.type, DCAT.DataService), (DCAT.endpointURL, endpoint),
                 (DCAT.servesDataset, dataset),
                 (DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/"))):
        graph.add((service, p, o))
    for p, o in ((RDF.type, DCAT.Distribution), (DCAT.accessURL, endpoint),
                 (DCAT.accessService, service), (DCTERMS.license, LICENSE)):
        graph.add((access, p, o))
    for (term,) in store.select(TERMS).rows:
        graph.add((dataset, VOID.vocabulary, _namespace_of(term)))
    for (network,) in store.select(ROOTS).rows:
        graph.add((dataset, VOID.rootResource, network))  # type: ignore[arg-type]
    for (source,) in store.select(SOURCES).rows:
        graph.add((dataset, DCTERMS.source, source))  # type: ignore[arg-type]
    for media in DUMP_TYPES:
        url, distribution = URIRef(f"{root}dump.{SUFFIXES[media]}"), here[SUFFIXES[media]]
        graph.add((dataset, VOID.dataDump, url))
        graph.add((dataset, VOID.feature, FORMATS_BY_TYPE[media]))
        graph.add((dataset, DCAT.distribution, distribution))
        for p, o in ((RDF.type, DCAT.Distribution), (DCAT.downloadURL, url),
                     (DCAT.mediaType, IANA[media]), (DCTERMS.license, LICENSE)):
            graph.add((distribution, p, o))
    return graph


def _namespace_of(term: object) -> URIRef:
    """The vocabulary a property or class belongs to."""
    for prefix in VOCABULARY_PREFIXES:
        namespace = str(ns.PREFIXES[prefix])
        if str(term).startswith(namespace):
            return URIRef(namespace)
    return URIRef(re.sub(r"[^/#]*$", "", str(term)))


# --- request helpers --------------------------------------------------------------------


def by_extension(ext: str | None, offered: tuple[str, ...]) -> str | None:
    """The media type an extension names (None for none); 404 if it names none offered."""
    if ext is None:
        return None
    media = EXTENSIONS.get(ext)
    if media not in offered:
        raise Refused(404, f"no such document: unknown extension .{ext[:10]}")
    return media


def split_extension(path: str, offered: tuple[str, ...]) -> tuple[str, str | None]:
    """`city/it/turin.ttl` -> (`city/it/turin`, Turtle); no extension -> (path, None)."""
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        return path, None
    return stem, by_extension(ext, offered)


def choose(request: Request, offered: tuple[str, ...], media: str | None) -> tuple[str, dict]:
    """The media type to answer in (by extension, else by Accept), and the headers that say
    how it was chosen."""
    if media is not None:
        return media, {}
    return negotiate(request.headers.get("accept"), offered), {"Vary": "Accept"}


def tail(request: Request, prefix: str) -> str:
    """The request path after `prefix`, as sent (Starlette's `{path:path}` parameter drops a
    trailing newline, which must be refused, not ignored)."""
    return str(request.scope["path"]).removeprefix(prefix)


def date_at(request: Request) -> date:
    """The `?at=YYYY-MM-DD` of a page (default: today); 400 if it is not a calendar date."""
    raw = request.query_params.get("at", "").strip()
    if not raw:
        return date.today()
    try:
        if not DATE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise Refused(400, f"?at={raw[:40]!r} is not a date (YYYY-MM-DD)") from None


def wants_html(request: Request) -> bool:
    if request.url.path.endswith(".html"):
        return True
    try:
        return negotiate(request.headers.get("accept"), (TEXT, HTML)) == HTML
    except Refused:
        return False


def with_pages(handler):
    """`refusals(handler)`, except that a person's browser gets an HTML error page."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refusal:
            if refusal.status == 406 or not wants_html(request):
                raise
            body = pages.error(refusal.status, str(refusal))
            return HTMLResponse(body, status_code=refusal.status)

    return refusals(endpoint)


# --- the routes -------------------------------------------------------------------------


def routes(context: Context) -> list[BaseRoute]:
    dumps: dict[tuple[str, str], bytes] = {}  # (store generation, media): the dump

    async def existing(request: Request, path: str) -> URIRef:
        iri = resource_iri(path)
        if not await context.call(request, known, iri):
            raise Refused(404, f"no resource {iri} in the graph")
        return iri

    async def resource(request: Request) -> Response:
        path = tail(request, "/id/")
        await existing(request, path)
        return RedirectResponse("/doc/" + path, status_code=303)

    async def document(request: Request) -> Response:
        path, media = split_extension(tail(request, "/doc/"), DOC_TYPES)
        iri = await existing(request, path)
        media, headers = choose(request, DOC_TYPES, media)
        if media == HTML:
            body = await context.call(request, pages.resource, iri, date_at(request))
            return HTMLResponse(body, headers=headers)
        headers = {**headers, **OPEN, "Content-Location": f"/doc/{path}.{SUFFIXES[media]}"}
        graph = await context.call(request, describe, iri)
        return Response(serialize(graph, media), media_type=media, headers=headers)

    async def home(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if len(query) > MAX_VALUE:
            raise Refused(400, f"the search is longer than {MAX_VALUE} characters")
        return HTMLResponse(await context.call(request, pages.home, query))

    async def ontology(request: Request) -> Response:
        ext = request.path_params.get("ext")
        media, headers = choose(request, DOC_TYPES, by_extension(ext, DOC_TYPES))
        if media == HTML:
            return HTMLResponse(pages.ontology(ontology_graph()), headers=headers)
        if media == TURTLE:
            body = ONTOLOGY_FILE.read_bytes()
        else:
            body = serialize(ontology_graph(), media)
        return Response(body, media_type=media, headers={**headers, **OPEN})

    async def context_document(request: Request) -> Response:
        return Response(export.CONTEXT_FILE.read_bytes(), media_type=JSONLD, headers=OPEN)

    async def void_document(request: Request) -> Response:
        ext = request.path_params.get("ext")
        media, headers = choose(request, VOID_TYPES, by_extension(ext, VOID_TYPES))
        root = str(request.base_url)
        graph = await context.call(request, void, root if root.endswith("/") else root + "/")
        return Response(serialize(graph, media), media_type=media, headers={**headers, **OPEN})

    async def dump(request: Request) -> Response:
        media = by_extension(request.path_params["ext"], DUMP_TYPES)
        assert media is not None
        key = (context.generation(), media)
        if key not in dumps:
            body = await context.call(request, dump_of, EXPORT_NAMES[media])
            for old in [k for k in dumps if k[0] != key[0]]:
                del dumps[old]
            dumps[key] = body
        return Response(dumps[key], media_type=media, headers=OPEN)

    return [
        Route("/", with_pages(home)),
        Route("/search", with_pages(home)),
        Route("/id/{path:path}", with_pages(resource)),
        Route("/doc/{path:path}", with_pages(document)),
        Route("/ontology", with_pages(ontology)),
        Route("/ontology.{ext}", with_pages(ontology)),
        Route("/context.jsonld", refusals(context_document)),
        Route("/.well-known/void", refusals(void_document)),
        Route("/.well-known/void.{ext}", refusals(void_document)),
        Route("/dump.{ext}", refusals(dump)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]

