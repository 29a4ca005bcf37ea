"""Every format ccgraph reads or writes, in one registry: the name people type (`--format`,
`?format=`, a file's or URL's extension), the media type, what it carries, the rdflib
format, and the W3C format IRI; and content negotiation between them.

Names are settled thus: `srj` is the SPARQL 1.1 Query Results JSON format and `json` a
plain JSON list of records (one object per row), everywhere — except that the CLI's
`--format json`, older than this registry, still means `srj` (`CLI_ALIASES`).

Content negotiation (`negotiate`) follows RFC 9110 §12.5.1: each offered type takes the q
of the most specific range that matches it, so `application/rdf+xml, */*;q=0.1` gets
RDF/XML wherever it is offered, never the first type `*/*` would allow.

Writing RDF/XML, which cannot carry every graph, is `ccgraph.rdfxml`'s. This module imports
no RDF library: the command line reads it at every start.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from .errors import NotAcceptable

W3C = "http://www.w3.org/ns/formats/"


class Format(NamedTuple):  # (not a dataclass, whose import costs every start 10 ms)
    name: str
    media: str
    carries: str  # "rows" (SELECT/ASK answers), "graph", "dataset" (named graphs), "page"
    extensions: tuple[str, ...]  # the first is written, all are read
    rdflib: str | None = None  # rdflib's serializer/parser name
    w3c: str | None = None  # the http://www.w3.org/ns/formats/ IRI
    label: str = ""

    @property
    def extension(self) -> str:
        return self.extensions[0]


REGISTRY = (
    Format("srj", "application/sparql-results+json", "rows", ("srj",),
           w3c=W3C + "SPARQL_Results_JSON", label="SPARQL JSON"),
    Format("srx", "application/sparql-results+xml", "rows", ("srx",),
           w3c=W3C + "SPARQL_Results_XML", label="SPARQL XML"),
    Format("csv", "text/csv", "rows", ("csv",), w3c=W3C + "SPARQL_Results_CSV", label="CSV"),
    Format("tsv", "text/tab-separated-values", "rows", ("tsv",),
           w3c=W3C + "SPARQL_Results_TSV", label="TSV"),
    Format("json", "application/json", "rows", ("json",), label="JSON"),
    Format("table", "text/plain", "rows", ("txt",), label="table"),
    Format("md", "text/markdown", "rows", ("md",), label="Markdown"),
    Format("html", "text/html", "page", ("html",), label="HTML"),
    Format("turtle", "text/turtle", "graph", ("ttl",), "turtle", W3C + "Turtle", "Turtle"),
    Format("jsonld", "application/ld+json", "graph", ("jsonld", "json"), "json-ld",
           W3C + "JSON-LD", "JSON-LD"),
    Format("ntriples", "application/n-triples", "graph", ("nt",), "nt", W3C + "N-Triples",
           "N-Triples"),
    Format("rdfxml", "application/rdf+xml", "graph", ("rdf", "owl", "xml"), "xml",
           W3C + "RDF_XML", "RDF/XML"),
    Format("trig", "application/trig", "dataset", ("trig",), "trig", W3C + "TriG", "TriG"),
    Format("nquads", "application/n-quads", "dataset", ("nq",), "nquads", W3C + "N-Quads",
           "N-Quads"),
)
BY_NAME = {f.name: f for f in REGISTRY}
BY_MEDIA = {f.media: f for f in REGISTRY}
CLI_ALIASES = {"json": "srj"}  # `ccgraph query run --format json`: SPARQL JSON, as before

# what each answer is offered in, the first being the default
ROWS = ("srj", "srx", "csv", "tsv")  # /sparql: SELECT and ASK
GRAPHS = ("turtle", "jsonld", "ntriples", "rdfxml")  # /sparql CONSTRUCT, DESCRIBE; documents
DUMPS = ("turtle", "ntriples", "jsonld", "trig")  # /dump.*
EXPORTS = ("turtle", "jsonld", "ntriples", "trig", "rdfxml")  # ccgraph export
TERMINAL = ("table", "csv", "tsv", "srj", "json", "md")  # query run, sparql (json: srj)
REST = ("json", "srj", "csv", "html")  # /queries/{name}


def terminal_name(name: str) -> str:
    """The registry name of a CLI `--format` value (`json` is the CLI's old name of srj)."""
    return CLI_ALIASES.get(name, name)


def get(name: str) -> Format:
    return BY_NAME[name]


def media(names: tuple[str, ...]) -> tuple[str, ...]:
    """The media types of the formats `names`, in order."""
    return tuple(BY_NAME[n].media for n in names)


def by_media(media_type: str) -> Format | None:
    return BY_MEDIA.get(media_type.split(";")[0].strip().lower())


def by_extension(extension: str, among: tuple[str, ...]) -> Format | None:
    """The format among `among` that a file or URL extension names, if any."""
    extension = extension.lower().lstrip(".")
    return next((BY_NAME[n] for n in among if extension in BY_NAME[n].extensions), None)


def rdflib_format(name: str) -> str:
    """rdflib's name for format `name` (an RDF format)."""
    found = BY_NAME[name].rdflib
    if found is None:
        raise ValueError(f"{name} is not an RDF format")
    return found


# --- content negotiation ---------------------------------------------------------------

_ELEMENTS = re.compile(r'(?:[^,"]|"(?:\\.|[^"\\])*")+')  # list elements; quoted strings whole
_FIELDS = re.compile(r'(?:[^;"]|"(?:\\.|[^"\\])*")+')  # a range and its parameters


def _q(value: str) -> float:
    """A q-value, read leniently: clamped to [0, 1]; 0 if it is not a number."""
    try:
        q = float(value.strip().strip('"'))
    except ValueError:
        return 0.0
    return min(max(q, 0.0), 1.0) if math.isfinite(q) else 0.0


def accept_ranges(accept: str) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header as (type, subtype, q), lower-cased, in order.
    A range's parameters other than q (charset, a JSON-LD profile) are dropped: ccgraph's
    representations have none to choose between. `*` alone is read as `*/*` (old Java
    clients send it); a malformed range is kept as one that matches nothing."""
    ranges = []
    for element in _ELEMENTS.findall(accept):
        fields = [field.strip() for field in _FIELDS.findall(element)]
        if not fields or not fields[0]:
            continue
        media_range = "*/*" if fields[0] == "*" else fields[0].lower()
        major, slash, minor = media_range.partition("/")
        if not (major and slash and minor) or "/" in minor or (major == "*" and minor != "*"):
            major, minor = "", ""  # matches nothing
        q = next((_q(value) for key, _, value in (f.partition("=") for f in fields[1:])
                  if key.strip().lower() == "q"), 1.0)
        ranges.append((major, minor, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """The q the ranges give `media_type`: that of the most specific range matching it
    (2: `type/subtype`, 1: `type/*`, 0: `*/*`; the highest q among equally specific ones),
    with that specificity; (0, -1) if none matches."""
    major, _, minor = media_type.partition("/")
    best = (-1, 0.0)
    for kind, sub, q in ranges:
        if kind == "*":
            specificity = 0
        elif kind != major or sub not in ("*", minor):
            continue
        else:
            specificity = 1 if sub == "*" else 2
        best = max(best, (specificity, q))
    return best[1], best[0]


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str:
    """The offered media type the Accept header prefers (RFC 9110 §12.5.1): each offered
    type takes the q of the most specific range matching it; the highest q wins; on equal
    q, the type matched by the more specific range (`text/turtle;q=0.5, */*;q=0.5` is
    Turtle), then the one offered first. No header (or one without a range): the first
    offered. NotAcceptable when the header gives every offered type q=0."""
    ranges = accept_ranges(accept or "")
    if not ranges:
        return offered[0]
    scored = [(*_quality(media_type, ranges), -index, media_type)
              for index, media_type in enumerate(offered)]
    q, _, _, chosen = max(scored)
    if q <= 0:
        raise NotAcceptable(f"none of the result formats is acceptable: {', '.join(offered)}")
    return chosen
