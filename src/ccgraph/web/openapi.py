"""The OpenAPI 3.1 document of the REST API, generated from the saved-query catalogue.

One path per saved query (`/queries/members-at`, ...) with its typed parameters; the
answer's media types (`FORMATS`, from `formats.REST`) with schemas built from the query's
columns; `/queries` (the catalogue) and `/sparql` (the SPARQL 1.1 Protocol endpoint) in
brief. Errors are one line of text/plain, or RFC 9457 problem details for JSON clients
(`ccgraph.web.errors`).

Parameter schemas: a date is `string` `format: date` (or the word `today`); an integer is
`integer`; a country is two letters; a member is a string (IRI, slug path or name). Values
a header declares as `allowed` make an `enum`; the networks and creative fields the store
knows (`known`) make an open enum (`anyOf` the known values or any string), since a network
is also accepted by IRI and a field by slug, in any case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import formats
from ..queries import Param, SavedQuery
from ..version import __version__
from .errors import PROBLEM

# the `format` parameter / file extension of a query's answer -> its media type (the first
# is the default when the Accept header leaves the choice open)
FORMATS = {name: formats.get(name).media for name in formats.REST}
APPLICATION_JSON = FORMATS["json"]
SPARQL_JSON = FORMATS["srj"]
CSV = FORMATS["csv"]
HTML = FORMATS["html"]
TEXT = formats.get("table").media  # text/plain
YAML = "application/yaml"  # the OpenAPI document's other form (not a format of answers)

Schema = dict[str, Any]

_TERM: Schema = {
    "type": "object",
    "description": "an RDF term (SPARQL 1.1 Query Results JSON Format, section 3.2.2)",
    "required": ["type", "value"],
    "properties": {
        "type": {"enum": ["uri", "literal", "bnode"]},
        "value": {"type": "string"},
        "datatype": {"type": "string", "format": "iri"},
        "xml:lang": {"type": "string"},
    },
}
_PROBLEM: Schema = {  # RFC 9457
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                   "status": {"type": "integer"}, "detail": {"type": "string"}},
}
_ERROR_BODY = {TEXT: {"schema": {"type": "string"}}, PROBLEM: {"schema": _PROBLEM}}


def _error(description: str) -> Schema:
    return {"description": description, "content": _ERROR_BODY}


_ERRORS = {
    "400": _error("a bad parameter or value (one line naming it), or an answer longer than "
                  "the server's result cap (`ccgraph serve --max-rows`; none by default), "
                  "which is refused whole, never cut"),
    "406": _error("no acceptable media type"),
    "503": _error("the query ran longer than the server's timeout"),
}


def param_schema(param: Param, known: Sequence[str] = ()) -> Schema:
    """The JSON Schema of a parameter's values, with its default."""
    schema: Schema
    if param.allowed:
        schema = {"type": "string", "enum": list(param.allowed)}
    elif param.type == "date":
        schema = {"type": "string", "format": "date"}
        if param.default == "today":
            schema = {"anyOf": [schema, {"const": "today"}]}
    elif param.type == "integer":
        schema = {"type": "integer"}
    elif param.type == "country":
        schema = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
    elif known:
        schema = {"anyOf": [{"type": "string", "enum": list(known)}, {"type": "string"}]}
    else:
        schema = {"type": "string"}
    if param.default is not None:
        schema["default"] = int(param.default) if param.type == "integer" else param.default
    return schema


def _parameter(param: Param, known: Sequence[str]) -> Schema:
    return {
        "name": param.name,
        "in": "query",
        "required": param.required and param.default is None,
        "description": param.description or param.type,
        "schema": param_schema(param, known),
    }


_FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "the answer's format, instead of the Accept header (a file extension "
    "does the same: /queries/NAME.csv)",
    "schema": {"type": "string", "enum": list(FORMATS)},
}


def _answer(query: SavedQuery) -> Schema:
    columns = list(query.columns)
    value = {"type": ["string", "number", "boolean", "null"]}
    records = {
        "type": "array",
        "description": "one object per row, every column a key: IRIs and text as strings, "
        "numbers as numbers, booleans as booleans, dates as ISO strings (a year or "
        "year-month as such), an unbound value as null",
        "items": {
            "type": "object",
            "properties": dict.fromkeys(columns, value),
            "required": columns,
            "additionalProperties": False,
        },
    }
    sparql = {
        "type": "object",
        "required": ["head", "results"],
        "properties": {
            "head": {"type": "object", "properties": {
                "vars": {"type": "array", "items": {"enum": columns}}}},
            "results": {"type": "object", "properties": {"bindings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": dict.fromkeys(columns, {"$ref": "#/components/schemas/Term"}),
                    "additionalProperties": False,
                },
            }}},
        },
    }
    text = {"type": "string"}
    return {
        "description": f"the rows (columns: {', '.join(columns)})",
        "content": {
            APPLICATION_JSON: {"schema": records},
            SPARQL_JSON: {"schema": sparql},
            CSV: {"schema": {**text, "description": "SPARQL 1.1 CSV: a header row "
                             f"({','.join(columns)}), then plain values"}},
            HTML: {"schema": {**text, "description": "a table"}},
        },
    }


def _operation(query: SavedQuery, known: Mapping[str, Sequence[str]]) -> Schema:
    return {"get": {
        "operationId": query.name.replace("-", "_"),
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": [_parameter(p, known.get(p.type, ())) for p in query.params]
        + ([] if any(p.name == "format" for p in query.params) else [_FORMAT_PARAMETER]),
        "responses": {"200": _answer(query), **_ERRORS},
    }}


_CATALOGUE = {"get": {
    "operationId": "catalogue",
    "summary": "The saved queries, their parameters and columns",
    "responses": {
        "200": {"description": "the catalogue", "content": {
            APPLICATION_JSON: {"schema": {"type": "object"}},
            HTML: {"schema": {"type": "string", "description": "an index with a form per query"}},
        }},
        "406": _ERRORS["406"],
    },
}}

_SPARQL = {"get": {
    "operationId": "sparql",
    "summary": "SPARQL 1.1 Protocol endpoint (read-only)",
    "description": "Any read-only SPARQL query; POST (form or application/sparql-query) "
    "works too. Without a query: the service description. SERVICE, LOAD and remote FROM "
    "are refused. Results by content negotiation.",
    "parameters": [{"name": "query", "in": "query", "required": False,
                    "schema": {"type": "string"}}],
    "responses": {
        "200": {"description": "the answer", "content": {
            media: {"schema": {"type": "string" if media != SPARQL_JSON else "object"}}
            for media in formats.media((*formats.ROWS, *formats.GRAPHS))
        }},
        **_ERRORS,
        "403": _error("an update (the endpoint is read-only)"),
    },
}}


def document(catalogue: Mapping[str, SavedQuery],
             known: Mapping[str, Sequence[str]] | None = None) -> Schema:
    """The OpenAPI document of `catalogue`; `known`: param type -> values the store knows."""
    paths = {f"/queries/{name}": _operation(query, known or {})
             for name, query in sorted(catalogue.items())}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ccgraph",
            "version": __version__,
            "description": "The saved queries of ccgraph, a knowledge graph of the networks "
            "cities join for culture and creativity, as REST operations. Values are bound "
            "as checked RDF terms, never pasted into the query.",
        },
        "paths": {"/queries": _CATALOGUE, **paths, "/sparql": _SPARQL},
        "components": {"schemas": {"Term": _TERM}},
    }


__all__ = ["FORMATS", "document", "param_schema"]
