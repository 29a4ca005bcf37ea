"""Every format ccgraph reads or writes, in one registry: the name people type (`--format`,
`?format=`, a file's or URL's extension), the media type, what it carries, the rdflib
format, and the W3C format IRI; and content negotiation between them.

Names are settled thus: `srj` is the SPARQL 1.1 Query Results JSON format and `json` a
plain JSON list of records (one object per row), everywhere — except that the CLI's
`--format json`, older than this registry, still means `srj` (`CLI_ALIASES`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NotAcceptable

W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
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
GRAPHS = ("turtle", "jsonld", "ntriples")  # /sparql: CONSTRUCT and DESCRIBE; documents
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


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str:
    """The offered media type the Accept header prefers (the first offered on a tie);
    NotAcceptable when the header accepts none of them."""
    if not accept or not accept.strip():
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            key, _, value = field.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))

    def quality(media_type: str) -> tuple[int, float]:
        best: tuple[int, float] = (-1, 0.0)
        major = media_type.split("/")[0]
        for pattern, q in ranges:
            specificity = (
                2 if pattern == media_type else 1 if pattern == f"{major}/*" else
                0 if pattern == "*/*" else -1
            )
            if specificity > best[0]:
                best = (specificity, q)
        return best

    scored = [(quality(m)[1], -i, m) for i, m in enumerate(offered)]
    q, _, chosen = max(scored)
    if q <= 0:
        raise NotAcceptable(f"none of the result formats is acceptable: {', '.join(offered)}")
    return chosen
