"""What the server publishes about the graph, made by the library: the RDF document of a
resource, the dumps, the ontology and the VoID/DCAT description of the dataset (DESIGN §6).
The routes that serve them are `ccgraph.web.documents`.

A resource's IRI is `{base}id/{path}` (`namespaces.base()`, CCGRAPH_BASE) for a slug-like
path (`[a-z0-9-]` segments joined by `/`); anything else names no resource, and the IRI
reaches SPARQL only as a checked term in a VALUES block.

The RDF document of a resource R is a symmetric concise bounded description widened to
the n-ary memberships: every triple with R as subject (and those of a blank node it
points to), every triple with R as object, and, for each membership whose member or
organisation is R, all of the membership's own triples (role, dates, sources). So a
city's or a network's document carries its memberships whole, and a country's names the
places in it. Labels of the linked resources are not copied: each has its own document.

Turtle and N-Triples carry the project's prefixes; JSON-LD is compacted with the
project's own context, embedded (`ccgraph.export`): no remote context is referenced.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from . import export, formats
from . import namespaces as ns
from .errors import NotFound
from .queries import values_block
from .sources import load_ontology
from .values import is_slug_path

if TYPE_CHECKING:
    from .store import Store

IANA = Namespace("https://www.iana.org/assignments/media-types/")
ONTOLOGY_IRI = URIRef(str(ns.CCN).rstrip("#"))
# The data's licence: the project's (README, "Licence"; the ontology's dcterms:license).
LICENSE = URIRef("https://www.apache.org/licenses/LICENSE-2.0")
RIGHTS = ("The graph is published under the project's licence, Apache-2.0; the source "
          "documents quoted in data/sources/ belong to their authors.")

DESCRIBE = ns.sparql_prologue("org") + """\
CONSTRUCT { ?r ?p ?o . ?o ?bp ?bo . ?s ?ip ?r . ?m ?mp ?mo }
WHERE {
  %s
  { ?r ?p ?o OPTIONAL { ?o ?bp ?bo FILTER (isBlank(?o)) } }
  UNION { ?s ?ip ?r }
  UNION { ?m org:member|org:organization ?r . ?m ?mp ?mo }
}"""
KNOWN = "ASK { %s ?r ?p ?o }"
QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


# --- resources and their descriptions ---------------------------------------------------


def resource_iri(path: str) -> URIRef:
    """The resource IRI of a path such as `city/it/turin` (NotFound if not slug-like)."""
    if not is_slug_path(path):
        raise NotFound(f"no resource /id/{path[:80]}: not a resource path")
    return URIRef(ns.base() + "id/" + path)


def known(store: Store, iri: URIRef) -> bool:
    """Whether the store holds a triple with `iri` as subject."""
    return store.ask(KNOWN % values_block(["r"], [[iri]]))


def describe(store: Store, iri: URIRef) -> Graph:
    """The RDF document of `iri` (see the module docstring), with the project's prefixes."""
    graph = ns.new_graph()
    graph += store.construct(DESCRIBE % values_block(["r"], [[iri]]))
    return graph


def serialize(graph: Graph, fmt: str) -> bytes:
    """`graph` in the RDF format `fmt` (`formats.GRAPHS`): Turtle or N-Triples with its own
    prefixes, JSON-LD compacted with the project's context (`export.serialize`)."""
    if fmt == "jsonld":
        dataset = ns.new_dataset()
        for triple in graph:
            dataset.add(triple)
        return export.serialize(dataset, "jsonld")
    return graph.serialize(format=formats.rdflib_format(fmt), encoding="utf-8")


def store_dataset(store: Store) -> Dataset:
    """Every named graph the store holds, as an rdflib Dataset (for the dumps)."""
    dataset = ns.new_dataset()
    for name, s, p, o in store.select(QUADS).rows:
        if name != DATASET_DEFAULT_GRAPH_ID:
            dataset.graph(name).add((s, p, o))  # type: ignore[arg-type]
    return dataset


def dump_of(store: Store, fmt: str) -> bytes:
    """The whole dataset the store holds, serialized as `fmt` (`formats.DUMPS`)."""
    return export.serialize(store_dataset(store), fmt)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return load_ontology()


# --- VoID and DCAT -----------------------------------------------------------------------


DESCRIPTION = (
    "The networks that cities join for culture and creativity (the UNESCO Creative Cities "
    "Network and its Italian coordination, Eurocities, GAI, BJCEM): n-ary memberships with "
    "their validity at its known precision, every fact and every number with its dated source.")
TERMS = "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }"
ROOTS = f"SELECT ?r WHERE {{ ?r a {ns.CCN.Network.n3()} }} ORDER BY STR(?r)"
SOURCES = f"SELECT ?r WHERE {{ ?r a {ns.CCN.Source.n3()} }} ORDER BY STR(?r)"
VOCABULARY_PREFIXES = ("ccn", "org", "prov", "time", "skos", "dcterms", "schema", "foaf",
                       "owl", "rdf", "rdfs", "vann")


__all__ = ["describe", "dump_of", "known", "ontology_graph", "resource_iri", "serialize",
           "store_dataset"]
