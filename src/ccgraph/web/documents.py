"""Resource IRIs and the documents that describe them (DESIGN §6): the routes and their
content negotiation. The RDF is made by `ccgraph.describe`, the HTML by `ccgraph.web.pages`.

- `/id/{path}`: 303 See Other to `/doc/{path}`; 404 if no triple has the resource as
  subject, or if the path is not slug-like.
- `/doc/{path}`: the resource's document, HTML, Turtle, JSON-LD, N-Triples or RDF/XML by
  Accept (`Vary: Accept`; 406 if none is acceptable) or by extension (`.html`, `.ttl`,
  `.jsonld`, `.nt`, `.rdf`); 404 as above. The HTML pages of networks and creative fields take
  `?at=YYYY-MM-DD` (default today; 400 if it is not a calendar date).
- `/` and `/search`: the home page (networks, creative fields), searching labels by `?q=`.
- `/ontology` (`.html`, `.ttl`, `.jsonld`, `.nt`, `.rdf`): the documentation of `ontology/ccn.ttl`
  in HTML, or the ontology itself (its Turtle is the file as written).
- `/ontology/{version}` (and its extensions): the same, at the ontology's `owl:versionIRI`
  (`https://w3id.org/ccgraph/ontology/0.1.0` is `/ontology/0.1.0`); 404 for another version.
- `/context.jsonld`: the project's JSON-LD `@context`, as `application/ld+json`.
- `/.well-known/void` (`.ttl`, `.jsonld`, `.nt`, `.rdf`): the VoID and DCAT description of the
  dataset (`ccgraph.web.description`), Turtle by default.
- `/dump.ttl`, `/dump.nt`, `/dump.jsonld`, `/dump.trig`: the whole graph as the store holds
  it, made by `ccgraph.export` (TriG keeps one named graph per source); made once, kept.
- `/static/style.css`: the pages' style sheet.
- `/robots.txt`: crawlers are welcome on the pages and documents, and kept off the query
  answers (`/sparql?query=`, `/queries/...`, `/search`, a page's `?at=` dates): each costs a
  query and their URLs have no end. It names the sitemap.
- `/sitemap.xml`: the URL of every resource's page (`/doc/{path}` of every resource the
  store knows), the home page and the ontology's, each with the store's build time as
  `lastmod`; past SITEMAP_LIMIT URLs, a sitemap index of `/sitemap-{n}.xml` files.

Errors are answered by `ccgraph.web.errors` (an HTML page for a person's browser); caching,
validators, 304 and HEAD by `ccgraph.web.caching`.

A request path is mapped onto the configured base (`namespaces.base()`, CCGRAPH_BASE):
`/id/city/it/turin` is `{base}id/city/it/turin` whatever host served it. Only slug-like
paths (`[a-z0-9-]` segments joined by `/`) are looked up; anything else is 404 before the
store is asked (`describe.resource_iri`).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from rdflib import Literal, URIRef
from rdflib.namespace import OWL
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import export, formats
from .. import namespaces as ns
from ..describe import (
    DESCRIBE,
    ONTOLOGY_IRI,
    describe,
    dump_of,
    known,
    ontology_graph,
    resource_iri,
    serialize,
)
from ..errors import CcgraphError, InputError, NotFound
from ..queries import values_block
from ..results import write_graph
from ..sources import ONTOLOGY_FILE
from ..values import MAX_VALUE, day, is_slug_path
from . import pages
from .caching import version
from .context import Reply
from .description import void
from .errors import handled

if TYPE_CHECKING:
    from ..store import Store
    from .context import Context
    from .worker import Sink

DOCUMENTS = ("html", *formats.GRAPHS)  # a resource's document, the ontology (RDF/XML too)
VOIDS = formats.GRAPHS  # the VoID description (Turtle, JSON-LD, N-Triples, RDF/XML)
DUMPS = formats.DUMPS  # the dumps
HTML = formats.get("html").media
JSONLD = formats.get("jsonld").media
STATIC_DIR = Path(__file__).with_name("static")
XML = "application/xml"
SITEMAP_LIMIT = 50_000  # URLs in one sitemap (the protocol's limit); beyond, an index
SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SUBJECTS = "SELECT DISTINCT ?r WHERE { ?r ?p ?o FILTER (isIRI(?r) && STRSTARTS(STR(?r), %s)) }"
ROBOTS = """\
# ccgraph: the pages and documents are for crawling; query answers are not (each one
# costs a query, and their URLs have no end). Disallow lines come first for the
# crawlers that take the first rule that matches.
User-agent: *
Disallow: /sparql?query=
Disallow: /queries/
Disallow: /search
Disallow: /*?at=
Allow: /

Sitemap: {root}sitemap.xml
"""


# --- request helpers --------------------------------------------------------------------


def by_extension(ext: str | None, offered: tuple[str, ...]) -> formats.Format | None:
    """The format among `offered` (names) that a URL's extension names (None for none);
    404 if it names none of them. A URL names each format by its one written extension."""
    if ext is None:
        return None
    found = next((f for f in map(formats.get, offered) if f.extension == ext), None)
    if found is None:
        raise NotFound(f"no such document: unknown extension .{ext[:10]}")
    return found


def split_extension(path: str, offered: tuple[str, ...]) -> tuple[str, formats.Format | None]:
    """`city/it/turin.ttl` -> (`city/it/turin`, Turtle); no extension -> (path, None)."""
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        return path, None
    return stem, by_extension(ext, offered)


def choose(request: Request, offered: tuple[str, ...],
           chosen: formats.Format | None) -> tuple[formats.Format, dict]:
    """The format to answer in (by extension, else by Accept), and the headers that say how
    it was chosen."""
    if chosen is not None:
        return chosen, {}
    media = formats.negotiate(request.headers.get("accept"), formats.media(offered))
    found = formats.by_media(media)
    assert found is not None
    return found, {"Vary": "Accept"}


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
        return day(raw)
    except InputError:
        raise InputError(f"?at={raw[:40]!r} is not a date (YYYY-MM-DD)") from None


def root_of(request: Request) -> str:
    """Where this server answers, ending with '/' (`http://127.0.0.1:8000/`)."""
    root = str(request.base_url)
    return root if root.endswith("/") else root + "/"


# --- the ontology's versions --------------------------------------------------------------


def ontology_version() -> str | None:
    """The path of the ontology's `owl:versionIRI` under its IRI (`0.1.0`), if it has one
    there."""
    found = ontology_graph().value(ONTOLOGY_IRI, OWL.versionIRI)
    prefix = str(ONTOLOGY_IRI) + "/"
    return str(found)[len(prefix):] if found is not None and str(found).startswith(prefix) \
        else None


def version_format(rest: str) -> formats.Format | None:
    """The format `/ontology/{rest}` names (None: by Accept); 404 if `rest` is not the
    ontology's version, with or without an extension."""
    current = ontology_version()
    if current is not None and rest == current:
        return None
    if current is not None and rest.startswith(current + "."):
        return by_extension(rest[len(current) + 1:], DOCUMENTS)
    raise NotFound(f"no version {rest[:40]!r} of the ontology here (this one is "
                   f"{current or 'unversioned'})")


# --- in a worker process: a resource's document and page ----------------------------------


def _existing(store: Store, iri: URIRef) -> None:
    if not known(store, iri):
        raise NotFound(f"no resource {iri} in the graph")


def document_of(store: Store, sink: Sink, iri: URIRef, fmt: str,
                headers: dict[str, str]) -> None:
    """The RDF document of `iri` (`ccgraph.describe`) in RDF format `fmt`, written to `sink`
    with `headers`; 404 if the store knows no such resource. Turtle and N-Triples are
    written by Oxigraph's writers from the triples as the store gives them, each once
    (`results.write_graph`); JSON-LD (compacted with the project's context) and RDF/XML
    by rdflib (`describe.serialize`)."""
    _existing(store, iri)
    sink.start(Reply(formats.get(fmt).media, headers))
    if fmt in ("turtle", "ntriples"):
        triples = store.triples(DESCRIBE % values_block(["r"], [[iri]]))
        write_graph(dict.fromkeys(triples), fmt, sink)
    else:
        sink.write(serialize(describe(store, iri), fmt))


def page_of(store: Store, iri: URIRef, at: date) -> str:
    """The HTML page of `iri` at date `at` (`pages.resource`); 404 as `document_of`."""
    _existing(store, iri)
    return pages.resource(store, iri, at)


# --- robots and sitemaps ------------------------------------------------------------------


def resource_paths(store) -> list[str]:
    """The path under `{base}id/` of every resource the store knows (a subject of a
    triple), slug-like paths only (the others have no page), sorted."""
    space = ns.base() + "id/"
    rows = store.select(SUBJECTS % Literal(space).n3()).rows
    return sorted(path for (iri,) in rows
                  if is_slug_path(path := str(iri)[len(space):]))


def urlset(urls: list[str], lastmod: str) -> bytes:
    """A sitemap listing `urls`, each modified at `lastmod`."""
    lines = [f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>"
             for url in urls]
    return _xml("urlset", lines)


def sitemap_index(urls: list[str], lastmod: str) -> bytes:
    """A sitemap index listing the sitemaps at `urls`."""
    lines = [f"<sitemap><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></sitemap>"
             for url in urls]
    return _xml("sitemapindex", lines)


def _xml(root: str, lines: list[str]) -> bytes:
    text = "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{SITEMAPS}">',
                      *lines, f"</{root}>", ""])
    return text.encode("utf-8")


# --- the routes -------------------------------------------------------------------------


def routes(context: Context) -> list[BaseRoute]:
    dumps: dict[tuple[str, str], bytes] = {}  # (store generation, format): the dump
    sitemaps: dict[str, list[str]] = {}  # store generation: the paths of the pages

    async def pages_now(request: Request) -> tuple[list[str], str]:
        """The paths (under the root) of every page the sitemap lists, and their lastmod."""
        current = await version(context)
        key = current.name if current is not None else ""
        if key not in sitemaps:
            paths = await context.call(request, resource_paths)
            sitemaps.clear()
            sitemaps[key] = ["", "ontology", *("doc/" + path for path in paths)]
        built = current.built if current is not None else datetime.now().astimezone()
        return sitemaps[key], built.isoformat(timespec="seconds")

    async def existing(request: Request, path: str) -> URIRef:
        iri = resource_iri(path)
        if not await context.call(request, known, iri):
            raise NotFound(f"no resource {iri} in the graph")
        return iri

    async def resource(request: Request) -> Response:
        path = tail(request, "/id/")
        await existing(request, path)
        return RedirectResponse("/doc/" + path, status_code=303)

    async def document(request: Request) -> Response:
        path, chosen = split_extension(tail(request, "/doc/"), DOCUMENTS)
        iri = resource_iri(path)
        try:
            fmt, headers = choose(request, DOCUMENTS, chosen)
            at = date_at(request) if fmt.media == HTML else None
        except CcgraphError:  # (406, 400): a 404 comes first
            await existing(request, path)
            raise
        if at is not None:
            body = await context.call(request, page_of, iri, at)
            return HTMLResponse(body, headers=headers)
        headers = {**headers, "Content-Location": f"/doc/{path}.{fmt.extension}"}
        return await context.respond(request, document_of, iri, fmt.name, headers)

    async def home(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if len(query) > MAX_VALUE:
            raise InputError(f"the search is longer than {MAX_VALUE} characters")
        return HTMLResponse(await context.call(request, pages.home, query))

    async def ontology(request: Request) -> Response:
        ext = request.path_params.get("ext")
        return ontology_answer(request, by_extension(ext, DOCUMENTS))

    async def ontology_at_version(request: Request) -> Response:
        return ontology_answer(request, version_format(tail(request, "/ontology/")))

    def ontology_answer(request: Request, chosen: formats.Format | None) -> Response:
        fmt, headers = choose(request, DOCUMENTS, chosen)
        if fmt.media == HTML:
            return HTMLResponse(pages.ontology(ontology_graph()), headers=headers)
        if fmt.name == "turtle":
            body = ONTOLOGY_FILE.read_bytes()
        else:
            body = serialize(ontology_graph(), fmt.name)
        return Response(body, media_type=fmt.media, headers=headers)

    async def context_document(request: Request) -> Response:
        return Response(export.CONTEXT_FILE.read_bytes(), media_type=JSONLD)

    async def void_document(request: Request) -> Response:
        ext = request.path_params.get("ext")
        fmt, headers = choose(request, VOIDS, by_extension(ext, VOIDS))
        current = await version(context)
        graph = await context.call(request, void, root_of(request),
                                   current.built if current is not None else None)
        return Response(serialize(graph, fmt.name), media_type=fmt.media,
                        headers=headers)

    async def robots(request: Request) -> Response:
        return PlainTextResponse(ROBOTS.format(root=root_of(request)))

    async def sitemap(request: Request) -> Response:
        paths, lastmod = await pages_now(request)
        root = root_of(request)
        if len(paths) <= SITEMAP_LIMIT:
            return Response(urlset([root + path for path in paths], lastmod), media_type=XML)
        parts = range(1, (len(paths) - 1) // SITEMAP_LIMIT + 2)
        return Response(sitemap_index([f"{root}sitemap-{n}.xml" for n in parts], lastmod),
                        media_type=XML)

    async def sitemap_part(request: Request) -> Response:
        paths, lastmod = await pages_now(request)
        part = request.path_params["part"]
        chunk = paths[(part - 1) * SITEMAP_LIMIT: part * SITEMAP_LIMIT]
        if len(paths) <= SITEMAP_LIMIT or part < 1 or not chunk:
            raise NotFound(f"no sitemap part {part}: see /sitemap.xml")
        root = root_of(request)
        return Response(urlset([root + path for path in chunk], lastmod), media_type=XML)

    async def dump(request: Request) -> Response:
        fmt = by_extension(request.path_params["ext"], DUMPS)
        assert fmt is not None
        key = (context.generation(), fmt.name)
        if key not in dumps:
            body = await context.call(request, dump_of, fmt.name)
            for old in [k for k in dumps if k[0] != key[0]]:
                del dumps[old]
            dumps[key] = body
        return Response(dumps[key], media_type=fmt.media)

    return [
        Route("/", handled(home, html=True)),
        Route("/search", handled(home, html=True)),
        Route("/id/{path:path}", handled(resource, html=True)),
        Route("/doc/{path:path}", handled(document, html=True)),
        Route("/ontology", handled(ontology, html=True)),
        Route("/ontology.{ext}", handled(ontology, html=True)),
        Route("/ontology/{rest:path}", handled(ontology_at_version, html=True)),
        Route("/context.jsonld", handled(context_document)),
        Route("/.well-known/void", handled(void_document)),
        Route("/.well-known/void.{ext}", handled(void_document)),
        Route("/dump.{ext}", handled(dump)),
        Route("/robots.txt", handled(robots)),
        Route("/sitemap.xml", handled(sitemap)),
        Route("/sitemap-{part:int}.xml", handled(sitemap_part)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
