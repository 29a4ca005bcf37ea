"""Resource IRIs and the documents that describe them (DESIGN §6): the routes and their
content negotiation. The RDF is made by `ccgraph.describe`, the HTML by `ccgraph.web.pages`.

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

A person's browser gets HTML error pages on the page routes; other clients get plain text
or problem details (`ccgraph.web.errors`).

A request path is mapped onto the configured base (`namespaces.base()`, CCGRAPH_BASE):
`/id/city/it/turin` is `{base}id/city/it/turin` whatever host served it. Only slug-like
paths (`[a-z0-9-]` segments joined by `/`) are looked up; anything else is 404 before the
store is asked (`describe.resource_iri`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import export, formats
from ..describe import describe, dump_of, known, ontology_graph, resource_iri, serialize, void
from ..errors import InputError, NotFound
from ..sources import ONTOLOGY_FILE
from ..values import MAX_VALUE, day
from . import pages
from .errors import handled

if TYPE_CHECKING:
    from .context import Context

DOCUMENTS = ("html", *formats.GRAPHS)  # a resource's document, the ontology
VOIDS = formats.GRAPHS  # the VoID description
DUMPS = formats.DUMPS  # the dumps
HTML = formats.get("html").media
JSONLD = formats.get("jsonld").media
STATIC_DIR = Path(__file__).with_name("static")
OPEN = {"Access-Control-Allow-Origin": "*"}  # read-only public data: any page may fetch it


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


# --- the routes -------------------------------------------------------------------------


def routes(context: Context) -> list[BaseRoute]:
    dumps: dict[tuple[str, str], bytes] = {}  # (store generation, format): the dump

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
        iri = await existing(request, path)
        fmt, headers = choose(request, DOCUMENTS, chosen)
        if fmt.media == HTML:
            body = await context.call(request, pages.resource, iri, date_at(request))
            return HTMLResponse(body, headers=headers)
        headers = {**headers, **OPEN, "Content-Location": f"/doc/{path}.{fmt.extension}"}
        graph = await context.call(request, describe, iri)
        return Response(serialize(graph, fmt.name), media_type=fmt.media, headers=headers)

    async def home(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if len(query) > MAX_VALUE:
            raise InputError(f"the search is longer than {MAX_VALUE} characters")
        return HTMLResponse(await context.call(request, pages.home, query))

    async def ontology(request: Request) -> Response:
        ext = request.path_params.get("ext")
        fmt, headers = choose(request, DOCUMENTS, by_extension(ext, DOCUMENTS))
        if fmt.media == HTML:
            return HTMLResponse(pages.ontology(ontology_graph()), headers=headers)
        if fmt.name == "turtle":
            body = ONTOLOGY_FILE.read_bytes()
        else:
            body = serialize(ontology_graph(), fmt.name)
        return Response(body, media_type=fmt.media, headers={**headers, **OPEN})

    async def context_document(request: Request) -> Response:
        return Response(export.CONTEXT_FILE.read_bytes(), media_type=JSONLD, headers=OPEN)

    async def void_document(request: Request) -> Response:
        ext = request.path_params.get("ext")
        fmt, headers = choose(request, VOIDS, by_extension(ext, VOIDS))
        root = str(request.base_url)
        graph = await context.call(request, void, root if root.endswith("/") else root + "/")
        return Response(serialize(graph, fmt.name), media_type=fmt.media,
                        headers={**headers, **OPEN})

    async def dump(request: Request) -> Response:
        fmt = by_extension(request.path_params["ext"], DUMPS)
        assert fmt is not None
        key = (context.generation(), fmt.name)
        if key not in dumps:
            body = await context.call(request, dump_of, fmt.name)
            for old in [k for k in dumps if k[0] != key[0]]:
                del dumps[old]
            dumps[key] = body
        return Response(dumps[key], media_type=fmt.media, headers=OPEN)

    return [
        Route("/", handled(home, html=True)),
        Route("/search", handled(home, html=True)),
        Route("/id/{path:path}", handled(resource, html=True)),
        Route("/doc/{path:path}", handled(document, html=True)),
        Route("/ontology", handled(ontology, html=True)),
        Route("/ontology.{ext}", handled(ontology, html=True)),
        Route("/context.jsonld", handled(context_document)),
        Route("/.well-known/void", handled(void_document)),
        Route("/.well-known/void.{ext}", handled(void_document)),
        Route("/dump.{ext}", handled(dump)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
