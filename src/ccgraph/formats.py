"""Every format ccgraph reads or writes, in one registry: the name people type (`--format`,
`?format=`, a file's or URL's extension), the media type, what it carries, the rdflib
format, and the W3C format IRI; and content negotiation between them.

Names are settled thus: `srj` is the SPARQL 1.1 Query Results JSON format and `json` a
plain JSON list of records (one object per row), everywhere — except that the CLI's
`--format json`, older than this registry, still means `srj` (`CLI_ALIASES`).

Content negotiation (`negotiate`) follows RFC 9110 §12.5.1: each offered type takes the q
of the most specific range that matches it, so `application/rdf+xml, */*;q=0.1` gets
RDF/XML wherever it is offered, never the first type `*/*` would allow.

RDF/XML is written by rdflib's serializer with the repairs any graph ccgraph serves needs
(`RdfXmlSerializer`, registered as rdflib's `xml` serializer: every `serialize(format=
"xml")` in ccgraph gets it). A graph RDF/XML cannot carry at all (a predicate no XML
element name can spell, such as `<http://example.org/p/1>`; a character XML 1.0 forbids)
is refused with NotAcceptable naming the obstacle; `negotiate_graph` chooses another
acceptable format for such a graph.
"""

from __future__ import annotations

import math
import re
import xml.parsers.expat
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef, plugin
from rdflib.namespace import RDF, NamespaceManager
from rdflib.plugins.serializers.rdfxml import XMLSerializer
from rdflib.plugins.serializers.xmlwriter import ESCAPE_ENTITIES
from rdflib.serializer import Serializer

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


def negotiate_graph(accept: str | None, offered: tuple[str, ...], graph: Graph) -> str:
    """`negotiate` for an answer that is `graph`: when the client prefers RDF/XML and RDF/XML
    cannot carry the graph (`rdfxml_obstacle`), the client's next acceptable offered type;
    NotAcceptable naming the obstacle if it accepts no other."""
    chosen = negotiate(accept, offered)
    obstacle = rdfxml_obstacle(graph) if chosen == BY_NAME["rdfxml"].media else None
    if obstacle is None:
        return chosen
    others = tuple(media_type for media_type in offered if media_type != chosen)
    try:
        if others:
            return negotiate(accept, others)
    except NotAcceptable:
        pass
    raise NotAcceptable(f"{obstacle}; ask for {', '.join(others) or 'another format'}")


# --- RDF/XML -------------------------------------------------------------------------------

XML_NAMESPACES = ("http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2000/xmlns/")
# rdf: names RDF/XML keeps for its syntax (no property element may have them), and rdf:li,
# which a parser reads back as rdf:_1, rdf:_2...
RDF_SYNTAX_NAMES = frozenset(URIRef(str(RDF) + name) for name in (
    "RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype", "Description",
    "aboutEach", "aboutEachPrefix", "bagID", "li"))
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
NOT_NAME = re.compile(r"[\x00-\x2c/:-@\[-\^`{-\x7f]")  # ASCII that no XML name has


def xml_name(name: str) -> bool:
    """Whether `name` is an XML name without a colon (NCName) that every XML parser reads:
    ASCII names by their rule, others as expat judges them (expat keeps the narrower rule of
    XML 1.0 before its 5th edition). rdflib's `is_ncname` is looser (it takes `%`, `(`)."""
    if ASCII_NAME.fullmatch(name):
        return True
    if not name or NOT_NAME.search(name):
        return False
    try:
        xml.parsers.expat.ParserCreate().Parse(f"<{name}/>", True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _prefixed(graph: Graph) -> Graph:
    """An empty graph with those prefixes of `graph` that XML can declare."""
    prefixed = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        if (prefix and not xml_name(prefix)) or prefix.lower().startswith("xml"):
            continue  # not a name XML lets a prefix have
        if str(namespace) in XML_NAMESPACES or (prefix == "rdf" and str(namespace) != str(RDF)):
            continue
        prefixed.bind(prefix, namespace, override=True, replace=True)
    return prefixed


def _predicate_obstacle(predicate: URIRef, names: NamespaceManager) -> str | None:
    if predicate in RDF_SYNTAX_NAMES:
        return f"RDF/XML cannot write the predicate <{predicate}>: its syntax keeps the name"
    try:  # rdflib's split may leave a local name XML refuses (`%`, `(`): checked here
        _, namespace, local = names.compute_qname_strict(predicate)
    except ValueError:
        namespace, local = "", ""
    if not xml_name(str(local)):
        return (f"RDF/XML cannot write the predicate <{predicate}>: no XML element name "
                "can spell it")
    if str(namespace) in XML_NAMESPACES:
        return f"RDF/XML cannot write the predicate <{predicate}>: its namespace is XML's own"
    return None


def _term_obstacle(term: Any) -> str | None:
    if isinstance(term, BNode):
        return None  # relabelled when it is not an XML name
    for text in (str(term), str(getattr(term, "datatype", None) or "")):
        bad = NOT_XML.search(text)
        if bad:
            return (f"RDF/XML cannot carry the character U+{ord(bad.group()):04X} in "
                    f"{text[:60]!r}: XML 1.0 has no way to write it")
    return None


def rdfxml_obstacle(graph: Graph, prefixed: Graph | None = None) -> str | None:
    """Why RDF/XML cannot carry `graph` (one line), or None if it can: a predicate no XML
    element name can spell (`<http://example.org/p/1>`: no split of it leaves a local name
    that is an XML name), an `rdf:` name its syntax keeps, a character XML 1.0 forbids."""
    manager = (prefixed if prefixed is not None else _prefixed(graph)).namespace_manager
    for predicate in set(graph.predicates()):
        obstacle = _predicate_obstacle(predicate, manager)  # type: ignore[arg-type]
        if obstacle:
            return obstacle
    for triple in graph:
        for term in triple:
            obstacle = _term_obstacle(term)
            if obstacle:
                return obstacle
    return None


class RdfXmlSerializer(XMLSerializer):
    """rdflib's RDF/XML serializer, writing a copy of the graph (the input, its prefixes
    included, is never changed) with the repairs RDF/XML needs: blank nodes whose labels are
    not XML names (Oxigraph's are hex, often starting with a digit) relabelled, datatype
    IRIs quoted as attributes. A graph RDF/XML cannot carry: NotAcceptable."""

    def __init__(self, store: Graph):
        copy = _prefixed(store)
        obstacle = rdfxml_obstacle(store, copy)
        if obstacle:
            raise NotAcceptable(obstacle)
        labels: dict[BNode, BNode] = {}

        def named(term: Any) -> Any:
            if isinstance(term, BNode) and not xml_name(str(term)):
                return labels.setdefault(term, BNode())  # rdflib's labels are XML names
            return term

        for s, p, o in store:
            copy.add((named(s), p, named(o)))
        super().__init__(copy)

    def serialize(self, stream: IO[bytes], base: str | None = None,
                  encoding: str | None = None, **kwargs: Any) -> None:
        super().serialize(stream, base=None, encoding=encoding)  # IRIs written whole

    def predicate(self, predicate: Any, value: Any, depth: int = 1) -> None:
        if not (isinstance(value, Literal) and value.datatype):
            super().predicate(predicate, value, depth)
            return
        qname = self.store.namespace_manager.qname_strict(predicate)
        datatype = quoteattr(str(value.datatype))
        text = escape(str(value), ESCAPE_ENTITIES)
        self.write(f"{'  ' * depth}<{qname} rdf:datatype={datatype}>{text}</{qname}>\n")


for _name in ("xml", "application/rdf+xml"):
    plugin.register(_name, Serializer, __name__, "RdfXmlSerializer")
