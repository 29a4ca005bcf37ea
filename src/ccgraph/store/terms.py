"""The one converter between rdflib terms, which ccgraph works with, and the other forms
a term takes on its way: pyoxigraph terms (the embedded store, the Oxigraph copy that
validation queries) and the terms of the SPARQL 1.1 Query Results JSON format (what a
remote store answers, and what `srj` answers are written in)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def from_oxigraph(term: Any) -> Identifier | None:
    """The rdflib term of a pyoxigraph term (None, an unbound variable, stays None).
    Called for every cell of an answer: it tests the exact class (pyoxigraph's term
    classes are final), cheaper than `isinstance`."""
    import pyoxigraph as ox

    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.BlankNode:
        return BNode(term.value)
    if kind is ox.Literal:
        return _literal(term.value, term.language, term.datatype.value)
    raise TypeError(f"not an RDF term of Oxigraph: {kind.__name__}")


@lru_cache(maxsize=4096)
def _literal(value: str, language: str | None, datatype: str) -> Literal:
    """An rdflib literal, made once for the values an answer repeats (a status, a count, a
    field: rdflib parses a typed value as it makes the literal; multi-network's 17,691 rows
    at 1M convert in 0.42 s instead of 0.80 s). Literals are immutable: sharing is safe."""
    if language:
        return Literal(value, lang=language)
    if datatype == XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def to_oxigraph(term: Node) -> Any:
    """The pyoxigraph term of an rdflib IRI, blank node or literal; TypeError for any
    other node (a variable, a quoted graph)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise TypeError(f"not an RDF term of Oxigraph: {term!r}")


def from_sparql_json(binding: Mapping[str, str] | None) -> Identifier | None:
    """The rdflib term of a SPARQL 1.1 Query Results JSON term (Virtuoso's `typed-literal`
    too); None, an unbound variable, stays None."""
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype == XSD_BOOLEAN:  # canonical form: Virtuoso writes true as "1"
        return Literal({"1": "true", "0": "false"}.get(binding["value"], binding["value"]),
                       datatype=URIRef(datatype))
    if datatype and datatype != XSD_STRING:
        return Literal(binding["value"], datatype=URIRef(datatype))
    return Literal(binding["value"])


def to_sparql_json(term: Identifier) -> dict[str, str]:
    """A bound rdflib term as a term of the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != XSD_STRING:
        value["datatype"] = str(term.datatype)
    return value


class _RdflibTerms:
    """rdflib's terms as a `store.base.TermKit`."""

    @staticmethod
    def iri(value: str) -> URIRef:
        return URIRef(value)

    @staticmethod
    def literal(value: str, datatype: str | None = None) -> Literal:
        return Literal(value, datatype=URIRef(datatype) if datatype else None)

    @staticmethod
    def text(term: Identifier) -> str:
        return str(term)

    @staticmethod
    def to_rdflib(terms: tuple[Any, ...]) -> tuple[Any, ...]:
        return terms


TERMS = _RdflibTerms()
