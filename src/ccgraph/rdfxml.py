"""RDF/XML, written by rdflib's serializer with the repairs any graph ccgraph serves needs
(`RdfXmlSerializer`, registered lazily as rdflib's `xml` serializer by
`ccgraph.namespaces`: every `serialize(format="xml")` in ccgraph gets it). A graph RDF/XML
cannot carry at all (a predicate no XML element name can spell, such as
`<http://example.org/p/1>`; a character XML 1.0 forbids) is refused with NotAcceptable
naming the obstacle; `negotiate_graph` chooses another acceptable format for such a graph.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.plugins.serializers.rdfxml import XMLSerializer
from rdflib.plugins.serializers.xmlwriter import ESCAPE_ENTITIES

from .errors import NotAcceptable
from .formats import BY_NAME, negotiate


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
