"""pyoxigraph's own terms, as the embedded store answers in them when made `native`: the
light path of a saved query (`ccgraph.queries.write`), on which rdflib is never imported.

`TERMS` makes and reads them (a `store.base.TermKit`); `to_sparql_json` writes one in the
SPARQL 1.1 Query Results JSON format, as `store.terms.to_sparql_json` writes rdflib's.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _NativeTerms:
    """pyoxigraph's terms as a `store.base.TermKit`."""

    @staticmethod
    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    @staticmethod
    def literal(value: str, datatype: str | None = None) -> ox.Literal:
        if datatype:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)

    @staticmethod
    def text(term: Any) -> str:
        return str(term.value)

    @staticmethod
    def to_rdflib(terms: tuple[Any, ...]) -> tuple[Any, ...]:
        """The same terms as rdflib's (which this imports): for the rdflib-only renderers."""
        from .terms import from_oxigraph

        return tuple(from_oxigraph(t) for t in terms)


TERMS = _NativeTerms()


def to_sparql_json(term: Any) -> dict[str, str]:
    """A bound pyoxigraph term as a term of the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value
