"""What the server says about the dataset and its endpoint: the VoID and DCAT description
(`/.well-known/void`) and the SPARQL 1.1 service description (`GET /sparql`).

Both name things with IRIs under the configured base (`namespaces.base()`, CCGRAPH_BASE),
whatever host serves them, in the VoID document's own namespace (`names()`):

- `{base}.well-known/void#dataset`: the dataset (void:Dataset, dcat:Dataset, and
  sd:Dataset: the default dataset of the endpoint);
- `{base}.well-known/void#sparql`: the SPARQL endpoint as a service (dcat:DataService,
  sd:Service), `#sparql-access` its dcat:Distribution, `#ttl`, `#nt`... the dumps;
- `{base}.well-known/void#default-graph`: the endpoint's default graph, the RDF merge of
  the named graphs (sd:UnionDefaultGraph).

Where things are fetched from (the endpoint URL, the dumps' download URLs) is where this
server answers: the `root` and `endpoint` the routes pass in. Every term either
description uses is declared by VoID, DCAT, SPARQL-SD or DCMI Terms (tested against the
vocabularies themselves, tests/fixtures/vocabularies/).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from .. import formats
from .. import namespaces as ns
from ..describe import (
    DESCRIPTION,
    IANA,
    LICENSE,
    ONTOLOGY_IRI,
    RIGHTS,
    ROOTS,
    SOURCES,
    TERMS,
    VOCABULARY_PREFIXES,
)
from ..sources import graph_names
from ..summary import TRIPLES

if TYPE_CHECKING:
    from ..store import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(formats.W3C)
TITLE = "ccgraph: city cultural networks"
PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


def names() -> Namespace:
    """The namespace of the dataset's own names: `{base}.well-known/void#`."""
    return Namespace(ns.base() + ".well-known/void#")


def dataset_iri() -> URIRef:
    return names().dataset


def service_iri() -> URIRef:
    return names().sparql


def _graph() -> Graph:
    graph = ns.new_graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("sd", SD),
                              ("formats", FORMATS)):
        graph.bind(prefix, namespace)
    return graph


# --- VoID and DCAT -------------------------------------------------------------------------


def void(store: Store, root: str, modified: datetime | None = None) -> Graph:
    """The VoID and DCAT description of the dataset served at `root` (ends with '/'): its
    SPARQL endpoint, its dumps (`formats.DUMPS`), vocabularies, root resources, sources;
    `modified`: when the store was built."""
    graph = _graph()
    here = names()
    dataset, service, access = here.dataset, here.sparql, here["sparql-access"]
    endpoint = URIRef(root + "sparql")
    triples = int(store.select(TRIPLES).rows[0][0])  # type: ignore[arg-type]
    for p, o in (
        (RDF.type, VOID.Dataset),
        (RDF.type, DCAT.Dataset),
        (DCTERMS.title, Literal(TITLE, lang="en")),
        (DCTERMS.description, Literal(DESCRIPTION, lang="en")),
        (DCTERMS.license, LICENSE),
        (DCTERMS.rights, Literal(RIGHTS, lang="en")),
        (DCTERMS.conformsTo, ONTOLOGY_IRI),
        (VOID.uriSpace, Literal(ns.base() + "id/")),
        (VOID.triples, Literal(triples, datatype=XSD.integer)),
        (VOID.sparqlEndpoint, endpoint),
        (DCAT.distribution, access),
    ):
        graph.add((dataset, p, o))
    if modified is not None:
        graph.add((dataset, DCTERMS.modified,
                   Literal(modified.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    for p, o in ((RDF.type, DCAT.DataService), (DCAT.endpointURL, endpoint),
                 (DCAT.endpointDescription, endpoint), (DCAT.servesDataset, dataset),
                 (DCTERMS.conformsTo, PROTOCOL)):
        graph.add((service, p, o))
    for p, o in ((RDF.type, DCAT.Distribution), (DCAT.accessURL, endpoint),
                 (DCAT.accessService, service), (DCTERMS.license, LICENSE)):
        graph.add((access, p, o))
    for (term,) in store.select(TERMS).rows:
        graph.add((dataset, VOID.vocabulary, _namespace_of(term)))
    for (network,) in store.select(ROOTS).rows:
        graph.add((dataset, VOID.rootResource, network))  # type: ignore[arg-type]
    for (source,) in store.select(SOURCES).rows:
        graph.add((dataset, DCTERMS.source, source))  # type: ignore[arg-type]
    for name in formats.DUMPS:
        fmt = formats.get(name)
        url, distribution = URIRef(f"{root}dump.{fmt.extension}"), here[fmt.extension]
        graph.add((dataset, VOID.dataDump, url))
        graph.add((dataset, VOID.feature, URIRef(str(fmt.w3c))))
        graph.add((dataset, DCAT.distribution, distribution))
        for p, o in ((RDF.type, DCAT.Distribution), (DCAT.downloadURL, url),
                     (DCAT.mediaType, IANA[fmt.media]), (DCTERMS.license, LICENSE)):
            graph.add((distribution, p, o))
    return graph


def _namespace_of(term: object) -> URIRef:
    """The vocabulary a property or class belongs to."""
    for prefix in VOCABULARY_PREFIXES:
        namespace = str(ns.PREFIXES[prefix])
        if str(term).startswith(namespace):
            return URIRef(namespace)
    return URIRef(re.sub(r"[^/#]*$", "", str(term)))


# --- the SPARQL service description ----------------------------------------------------------


def service_description(endpoint: str) -> Graph:
    """The SPARQL 1.1 service description of the endpoint at `endpoint`: the language, the
    result formats, and the default dataset, with its default graph (the RDF merge of the
    named graphs) and each named graph the store is built with (`sources.graph_names`)."""
    graph = _graph()
    here = names()
    service, dataset, default = here.sparql, here.dataset, here["default-graph"]
    for p, o in ((RDF.type, SD.Service), (SD.endpoint, URIRef(endpoint)),
                 (SD.supportedLanguage, SD.SPARQL11Query), (SD.feature, SD.UnionDefaultGraph),
                 (SD.defaultDataset, dataset)):
        graph.add((service, p, o))
    for name in (*formats.ROWS, *formats.GRAPHS):
        graph.add((service, SD.resultFormat, URIRef(str(formats.get(name).w3c))))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, DCTERMS.description,
               Literal("The RDF merge of the named graphs.", lang="en")))
    for name in graph_names():
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, name))
    return graph


__all__ = ["SD", "dataset_iri", "names", "service_description", "service_iri", "void"]
