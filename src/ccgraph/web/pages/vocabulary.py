"""The documentation of the ontology (`ontology/ccn.ttl`): every class and property of the
`ccn:` namespace with its labels, comments, parents, domain, range, inverse and see-also."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from ...labels import curie
from ...namespaces import CCN
from .html import RDF_ALTERNATES, Link, render


@dataclass(frozen=True)
class Term:
    anchor: str
    iri: str
    labels: dict[str, str]
    comments: dict[str, str]
    parents: list[list[Link]]
    domain: list[list[Link]]
    range: list[list[Link]]
    inverse: list[Link]
    see_also: list[Link]


SECTIONS = (("Classes", OWL.Class, RDFS.subClassOf),
            ("Object properties", OWL.ObjectProperty, RDFS.subPropertyOf),
            ("Datatype properties", OWL.DatatypeProperty, RDFS.subPropertyOf))


def term_link(node: Node) -> Link:
    if str(node).startswith(str(CCN)):
        return Link("#" + str(node)[len(str(CCN)):], curie(node))
    return Link(str(node), curie(node))


def alternatives(graph: Graph, node: Node) -> list[Link]:
    """A class or datatype, or the members of an owl:unionOf or owl:oneOf."""
    if isinstance(node, BNode):
        for listing in (OWL.unionOf, OWL.oneOf):
            members = graph.value(node, listing)
            if members is not None:
                return [term_link(n) for n in Collection(graph, members)]
    return [term_link(node)]


def by_lang(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {o.language or "": str(o) for o in graph.objects(subject, predicate)
            if isinstance(o, Literal)}


@lru_cache(maxsize=2)
def ontology(graph: Graph) -> str:
    """The documentation of every class and property of ontology/ccn.ttl."""
    sections = []
    for title, kind, parent in SECTIONS:
        terms = []
        for subject in sorted((s for s in graph.subjects(RDF.type, kind)
                               if str(s).startswith(str(CCN))), key=str):
            terms.append(Term(
                anchor=str(subject)[len(str(CCN)):], iri=str(subject),
                labels=by_lang(graph, subject, RDFS.label),
                comments=by_lang(graph, subject, RDFS.comment),
                parents=[alternatives(graph, o) for o in graph.objects(subject, parent)],
                domain=[alternatives(graph, o) for o in graph.objects(subject, RDFS.domain)],
                range=[alternatives(graph, o) for o in graph.objects(subject, RDFS.range)],
                inverse=[term_link(o) for o in graph.objects(subject, OWL.inverseOf)],
                see_also=[term_link(o) for o in graph.objects(subject, RDFS.seeAlso)],
            ))
        sections.append((title, terms))
    head = URIRef(str(CCN).rstrip("#"))
    return render(
        "ontology.html", title="The ccgraph ontology", page=None,
        alternates=[{"href": f"/ontology.{fmt.extension}", "media": fmt.media,
                     "name": fmt.label} for fmt in RDF_ALTERNATES],
        iri=str(head), namespace=str(CCN),
        titles=by_lang(graph, head, DCTERMS.title),
        descriptions=by_lang(graph, head, DCTERMS.description),
        version=str(graph.value(head, OWL.versionInfo) or ""),
        license=str(graph.value(head, DCTERMS.license) or ""),
        sections=sections,
    )
