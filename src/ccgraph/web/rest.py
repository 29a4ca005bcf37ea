"""The saved queries as a REST API (`/queries`, `/queries/{name}`) and its OpenAPI 3 document.

- GET `/queries`: the catalogue: JSON (default: name, summary, description, tags, params,
  columns and the URL of each query) or, for Accept text/html or `format=html`, an index
  with a form per query.
- GET `/queries/{name}?param=value&...` runs saved query `name` as `ccgraph.queries.run`
  does (each value resolved into a checked RDF term, never pasted into the query; the
  bound text is kept for the same request, `respond`). The format is
  chosen by an extension (`/queries/members-at.csv`), else by `format=json|srj|csv|html`, else
  by the Accept header (`formats.REST`; application/json when it leaves the choice open):
  - `application/json`: a list of objects, one per row, the header's columns as keys, typed
    values: numbers as numbers, booleans as booleans, dates as ISO strings (a year or
    year-month as written: no day is invented), IRIs and text as strings, unbound as null;
  - `application/sparql-results+json`: the SPARQL 1.1 Query Results JSON format;
  - `text/csv`: the SPARQL 1.1 CSV format, as `ccgraph query run --format csv` writes it;
  - `text/html`: a table.
  The query runs and its answer is written in a worker process (`respond`), and streams to
  the client from there as it is written (`ccgraph.web.context.Streamed`).
  Unknown query: 404. Unknown, repeated or missing required parameter, bad value or format:
  400 with the library's one-line message. Other methods than GET/HEAD: 405. No acceptable
  format: 406. Timeout: 503. More than `max_rows` rows (when the server has a cap): refused
  whole, 400 — never cut.
- GET `/openapi.json` and `/openapi.yaml`: the OpenAPI 3.1 document (`ccgraph.web.openapi`).

Errors are answered by `ccgraph.web.errors` (text/plain, or problem details for JSON clients).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING, Any

import yaml
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import formats, queries
from ..errors import InputError, NotFound, QueryError
from ..results import capped, write_rows
from ..store import Answer, Rows
from ..store.base import generation
from ..values import single
from . import openapi, pages
from .context import Reply
from .errors import handled
from .openapi import APPLICATION_JSON, FORMATS, HTML

if TYPE_CHECKING:
    from ..store import Store
    from .context import Context

LINKED_TYPES = ("network", "field")  # param types whose known values the store lists


# --- rendering ----------------------------------------------------------------------------


NAMES = {media: name for name, media in FORMATS.items()}  # and html: `pages.answer`


# in each worker process: the texts of the saved queries last run, their values bound
_BOUND: OrderedDict[tuple, str] = OrderedDict()
BOUND_KEPT = 256


def respond(store: Store, sink: Any, name: str, values: dict[str, str], media: str,
            cap: int | None, page: dict[str, Any] | None) -> None:
    """In a worker process: saved query `name` run with `values` (as `queries.run` does)
    and its answer written to `sink` (`ccgraph.web.pool`) in `media` as its rows come;
    refused whole if it has more than `cap` rows (None: no cap). `page`: the links and
    index of `pages.answer`, for text/html.

    The query's text with the values resolved and bound is kept (the BOUND_KEPT last
    ones) for the store's generation and the day (a date defaults to today): the same
    request again runs it without resolving its values again."""
    query = queries.get(name)
    key = (generation(store), date.today(), name, tuple(sorted(values.items())))
    text = _BOUND.get(key) or query.render(queries.resolve(query, values, store),
                                           store.binding)
    result = store.rows(text)
    if result.variables != query.columns:
        raise QueryError(f"query {name!r} answered {result.variables}, not {query.columns}")
    _BOUND[key] = text
    _BOUND.move_to_end(key)
    while len(_BOUND) > BOUND_KEPT:
        _BOUND.popitem(last=False)
    rows = Rows(result.variables, iter(capped(result, cap)))
    sink.start(Reply(media))
    if media == HTML:
        answer = Answer(rows.variables, tuple(rows))
        sink.write(pages.answer(store, query, answer, values, **(page or {})))
    else:
        write_rows(rows, NAMES[media], sink)


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
        page = None
        if media == HTML:
            page = {"index": str(request.url_for("queries")), "links": {
                fmt: str(request.url_for("saved-query", name=f"{name}.{fmt}")
                         .include_query_params(**values)) for fmt in FORMATS}}
        return await context.respond(request, respond, name, values, media, context.max_rows,
                                     page)

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
