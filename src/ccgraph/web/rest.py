"""The saved queries as a REST API (`/queries`, `/queries/{name}`) and its OpenAPI 3 document.

- GET `/queries`: the catalogue: JSON (default: name, summary, description, tags, params,
  columns and the URL of each query) or, for Accept text/html or `format=html`, an index
  with a form per query.
- GET `/queries/{name}?param=value&...` runs saved query `name` with `ccgraph.queries.run`
  (each value resolved into a checked RDF term, never pasted into the query). The format is
  chosen by an extension (`/queries/members-at.csv`), else by `format=json|srj|csv|html`, else
  by the Accept header (`formats.REST`; application/json when it leaves the choice open):
  - `application/json`: a list of objects, one per row, the header's columns as keys, typed
    values: numbers as numbers, booleans as booleans, dates as ISO strings (a year or
    year-month as written: no day is invented), IRIs and text as strings, unbound as null;
  - `application/sparql-results+json`: the SPARQL 1.1 Query Results JSON format;
  - `text/csv`: the SPARQL 1.1 CSV format, as `ccgraph query run --format csv` writes it;
  - `text/html`: a table.
  Unknown query: 404. Unknown, repeated or missing required parameter, bad value or format:
  400 with the library's one-line message. Other methods than GET/HEAD: 405. No acceptable
  format: 406. Timeout: 503. More than `max_rows` rows: cut, with `X-Result-Truncated: true`.
- GET `/openapi.json` and `/openapi.yaml`: the OpenAPI 3.1 document (`ccgraph.web.openapi`).

Errors are answered by `ccgraph.web.errors` (text/plain, or problem details for JSON clients).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml
from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import formats, queries
from ..errors import InputError, NotFound
from ..results import plain, to_csv, to_json, to_records
from ..store import Answer
from ..values import single
from . import openapi, pages
from .context import TRUNCATED
from .errors import handled
from .openapi import APPLICATION_JSON, FORMATS, HTML

if TYPE_CHECKING:
    from ..store import Store
    from .context import Context

LINKED_TYPES = ("network", "field")  # param types whose known values the store lists


# --- rendering ----------------------------------------------------------------------------


def _cell(term: Any) -> tuple[str, str | None]:
    """A cell's text, and where it links (a local path for the graph's resources, an
    http(s) IRI as is; nothing for other IRIs)."""
    text = plain(term)
    href = pages.local(term) if isinstance(term, URIRef) else ""
    return text, href if href.startswith(("/", "http://", "https://")) else None


def to_html(query: queries.SavedQuery, answer: Answer, values: Mapping[str, str], *,
            links: Mapping[str, str], index: str = "", truncated: bool = False) -> str:
    """The `text/html` answer: the query's summary, the values given, and a table; `links`:
    the same answer in the other formats (format -> URL), `index`: the catalogue's URL."""
    rows = [[_cell(t) for t in row] for row in answer.rows]
    alternates = [{"href": href, "media": FORMATS[fmt], "name": fmt}
                  for fmt, href in links.items() if FORMATS[fmt] != HTML]
    return pages.ENV.get_template("queries-result.html").render(
        title=query.name, alternates=alternates, saved=query, columns=answer.variables,
        rows=rows, values=values, index=index, truncated=truncated)


RENDER = {"json": to_records, "srj": to_json, "csv": to_csv}  # and html: `to_html`
NAMES = {media: name for name, media in FORMATS.items()}


# --- the catalogue --------------------------------------------------------------------------


def describe(query: queries.SavedQuery, url: str) -> dict[str, Any]:
    """A saved query as the catalogue lists it."""
    params = [{"name": p.name, "type": p.type, "required": p.required and p.default is None,
               "default": p.default, "allowed": list(p.allowed) if p.allowed else None,
               "description": p.description} for p in query.params]
    return {"name": query.name, "summary": query.summary, "description": query.description,
            "tags": list(query.tags), "params": params, "columns": list(query.columns),
            "url": url}


def known_values(store: Store) -> dict[str, list[str]]:
    """Per linked parameter type: the values the store knows (network slugs, field labels)."""
    examples = {p.type: p for q in queries.catalogue().values() for p in q.params
                if p.type in LINKED_TYPES}
    return {kind: queries.known(store, param) for kind, param in examples.items()}


# --- requests ------------------------------------------------------------------------------


def _split(name: str) -> tuple[str, str | None]:
    """`members-at.csv` -> (`members-at`, `csv`); a name without a known extension as is."""
    stem, dot, extension = name.rpartition(".")
    return (stem, extension) if dot and extension in FORMATS else (name, None)


def _request_values(request: Request) -> dict[str, str]:
    return single(request.query_params.multi_items())


def _media(query: queries.SavedQuery, values: dict[str, str], extension: str | None,
           accept: str | None) -> str:
    """The answer's media type; takes the `format` switch out of `values`."""
    declared = any(p.name == "format" for p in query.params)
    chosen = None if declared else values.pop("format", None)
    if chosen is not None and chosen not in FORMATS:
        raise InputError(f"format {chosen!r} is not one of {', '.join(FORMATS)}")
    if chosen and extension and chosen != extension:
        raise InputError(f"the extension asks for {extension}, format= for {chosen}")
    chosen = extension or chosen
    return FORMATS[chosen] if chosen else formats.negotiate(accept, tuple(FORMATS.values()))


def routes(context: Context) -> list[BaseRoute]:
    known: dict[str, dict[str, list[str]]] = {}  # per store generation

    async def known_now(request: Request) -> dict[str, list[str]]:
        generation = context.generation()
        if generation not in known:
            values = await context.call(request, known_values)
            known.clear()
            known[generation] = values
        return known[generation]

    async def catalogue(request: Request) -> Response:
        chosen = request.query_params.get("format")
        if chosen not in (None, "json", "html"):
            raise InputError(f"format {chosen!r} is not one of json, html")
        media = FORMATS[chosen] if chosen else formats.negotiate(
            request.headers.get("accept"), (APPLICATION_JSON, HTML))
        saved = sorted(queries.catalogue().items())
        if media == HTML:
            openapi_url = str(request.url_for("openapi-json"))
            page = pages.ENV.get_template("queries.html").render(
                title="Saved queries", queries=[query for _, query in saved],
                known=await known_now(request), formats=list(FORMATS), openapi=openapi_url,
                url=lambda n: request.url_for("saved-query", name=n), alternates=[
                    {"href": str(request.url_for("queries").include_query_params(format="json")),
                     "media": APPLICATION_JSON, "name": "JSON"},
                    {"href": openapi_url, "media": APPLICATION_JSON, "name": "OpenAPI"}])
            return HTMLResponse(page)
        return JSONResponse({
            "queries": [describe(q, str(request.url_for("saved-query", name=n)))
                        for n, q in saved],
            "openapi": str(request.url_for("openapi-json")),
        })

    async def answer(request: Request) -> Response:
        name, extension = _split(request.path_params["name"])
        try:
            query = queries.get(name)
        except InputError as error:
            raise NotFound(str(error)) from None
        values = _request_values(request)
        media = _media(query, values, extension, request.headers.get("accept"))
        result = await context.call(request, queries.run, name, values)
        headers = {}
        if len(result.rows) > context.max_rows:
            result = Answer(result.variables, result.rows[: context.max_rows])
            headers[TRUNCATED] = "true"
        if media == HTML:
            links = {fmt: str(request.url_for("saved-query", name=f"{name}.{fmt}")
                              .include_query_params(**values)) for fmt in FORMATS}
            body = to_html(query, result, values, links=links, truncated=bool(headers),
                           index=str(request.url_for("queries")))
        else:
            body = RENDER[NAMES[media]](result)
        return Response(body, media_type=media, headers=headers)

    async def document(request: Request) -> dict[str, Any]:
        return openapi.document(queries.catalogue(), await known_now(request))

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(await document(request))

    async def openapi_yaml(request: Request) -> Response:
        text = yaml.safe_dump(await document(request), sort_keys=False, allow_unicode=True)
        return Response(text, media_type=openapi.YAML)

    return [
        Route("/queries", handled(catalogue), methods=["GET"], name="queries"),
        Route("/queries/{name}", handled(answer), methods=["GET"], name="saved-query"),
        Route("/openapi.json", handled(openapi_json), methods=["GET"], name="openapi-json"),
        Route("/openapi.yaml", handled(openapi_yaml), methods=["GET"], name="openapi-yaml"),
    ]
