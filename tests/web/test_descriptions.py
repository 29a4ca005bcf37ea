"""The dataset described where it lives (issue 12 point 6), in process over the embedded
store of the shipped data: the VoID/DCAT description and the SPARQL service description
name the dataset under the configured base, the service description carries the default
dataset with its default graph and named graphs, the ontology's owl:versionIRI
dereferences, and both descriptions use only terms their vocabularies declare, as their
domains and ranges allow (the vocabularies themselves: tests/fixtures/vocabularies/)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID, XSD

from ccgraph import namespaces as ns
from ccgraph.describe import ONTOLOGY_IRI, ontology_graph
from ccgraph.web import description

from .responses import media

VOCABULARIES = Path(__file__).parents[1] / "fixtures" / "vocabularies"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CHECKED = (str(VOID), str(DCAT), str(SD), str(DCTERMS))  # the namespaces checked here
PROPERTIES = {RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
CLASSES = {RDFS.Class, OWL.Class}
# where the dataset is fetched from: the only IRIs of the serving host
LOCATIONS = {VOID.sparqlEndpoint, VOID.dataDump, DCAT.endpointURL, DCAT.endpointDescription,
             DCAT.accessURL, DCAT.downloadURL, SD.endpoint}
TURTLE = "text/turtle"
OTHER_BASE = "https://ccgraph.test/data/"


@lru_cache(maxsize=1)
def vocabularies() -> Graph:
    graph = Graph()
    for path in sorted(VOCABULARIES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def superclasses(vocabulary: Graph, classes: set) -> set:
    """`classes` and every class they are rdfs:subClassOf, transitively."""
    found, todo = set(classes), list(classes)
    while todo:
        for parent in vocabulary.objects(todo.pop(), RDFS.subClassOf):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def problems(graph: Graph) -> list[str]:
    """Every use of a term that VoID, DCAT, SPARQL-SD and DCMI Terms do not declare, or
    that their domains and ranges do not allow; [] when the description validates."""
    vocabulary = vocabularies()
    properties = {s for kind in PROPERTIES for s in vocabulary.subjects(RDF.type, kind)}
    classes = {s for kind in CLASSES for s in vocabulary.subjects(RDF.type, kind)}

    def types(node) -> set:
        return superclasses(vocabulary, set(graph.objects(node, RDF.type))
                            | set(vocabulary.objects(node, RDF.type)))

    found = []
    for s, p, o in graph:
        if p == RDF.type:
            if o not in classes:
                found.append(f"class {o} is not declared")
            continue
        if p not in properties:
            found.append(f"property {p} is not declared")
            continue
        if isinstance(o, URIRef) and str(o).startswith(CHECKED) and (o, None, None) not in \
                vocabulary:
            found.append(f"{o} is not declared")
        for domain in vocabulary.objects(p, RDFS.domain):
            if isinstance(domain, URIRef) and domain != RDFS.Resource \
                    and domain not in types(s):
                found.append(f"{s} has {p} but is no {domain}")
        for range_ in vocabulary.objects(p, RDFS.range):
            if not isinstance(range_, URIRef) or range_ == RDFS.Resource:
                continue
            if range_ == RDFS.Literal or str(range_).startswith(str(XSD)):
                if not isinstance(o, Literal):
                    found.append(f"{p} of {s} is {o}, not a literal")
            elif isinstance(o, Literal):
                found.append(f"{p} of {s} is a literal, not a {range_}")
            elif (types(o) or isinstance(o, BNode)) and range_ not in types(o):
                found.append(f"{p} of {s} is {o}, no {range_}")
    return sorted(set(found))


def parse(response) -> Graph:
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.content, format=media(response).split("/")[1]
                         .replace("ld+json", "json-ld").replace("n-triples", "nt"))


@pytest.fixture(scope="module")
def void(client) -> Graph:
    return parse(client.get("/.well-known/void"))


@pytest.fixture(scope="module")
def service(client) -> Graph:
    return parse(client.get("/sparql", headers={"Accept": TURTLE}))


# --- the vocabularies ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "namespace", "terms"), [
    ("void.ttl", VOID, ("Dataset", "sparqlEndpoint", "dataDump", "triples", "uriSpace")),
    ("dcat.ttl", DCAT, ("Dataset", "DataService", "Distribution", "downloadURL")),
    ("sparql-service-description.ttl", SD, ("Service", "defaultDataset", "namedGraph")),
    ("dcterms.ttl", DCTERMS, ("title", "license", "modified")),
])
def test_the_vocabularies_are_the_real_ones(name, namespace, terms):
    graph = Graph().parse(VOCABULARIES / name, format="turtle")
    assert len(graph) > 100
    for term in terms:
        assert (namespace[term], RDF.type, None) in graph, term


def test_the_check_finds_what_is_wrong():
    graph = Graph()
    thing, other = URIRef("urn:x:thing"), URIRef("urn:x:other")
    graph.add((thing, RDF.type, URIRef(str(VOID) + "Datasett")))
    graph.add((thing, URIRef(str(VOID) + "sparqlEndpointt"), other))
    graph.add((thing, DCAT.downloadURL, other))  # only a Distribution has one
    graph.add((other, RDF.type, DCAT.Distribution))
    graph.add((other, VOID.triples, URIRef("urn:x:many")))  # a literal, on a Dataset
    graph.add((other, SD.feature, SD.UnionDefaultGraphh))  # SD: a plain Namespace
    found = "\n".join(problems(graph))
    for expected in ("Datasett is not declared", "sparqlEndpointt is not declared",
                     "downloadURL but is no", "triples of urn:x:other is urn:x:many",
                     "UnionDefaultGraphh is not declared"):
        assert expected in found


@pytest.mark.parametrize("which", ["void", "service"])
def test_both_descriptions_validate_against_their_vocabularies(request, which):
    graph = request.getfixturevalue(which)
    assert problems(graph) == []


@pytest.mark.parametrize(("path", "accept"), [
    ("/.well-known/void.jsonld", None), ("/.well-known/void.nt", None),
    ("/sparql", "application/ld+json")])
def test_every_format_of_them_validates(client, path, accept):
    graph = parse(client.get(path, headers={"Accept": accept} if accept else {}))
    assert len(graph) > 20 and problems(graph) == []


# --- names under the base ------------------------------------------------------------------


def test_the_void_names_the_dataset_under_the_base(void):
    dataset = URIRef(ns.base() + ".well-known/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert (dataset, RDF.type, DCAT.Dataset) in void
    for s, p, o in void:
        assert isinstance(s, BNode) or str(s).startswith(ns.base()), s
        if "testserver" in str(o):
            assert p in LOCATIONS, (p, o)
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")


def test_the_service_description_names_the_same_dataset(void, service):
    served = service.value(None, RDF.type, SD.Service)
    assert served == URIRef(ns.base() + ".well-known/void#sparql")
    assert (served, RDF.type, DCAT.DataService) in void  # one service, two descriptions
    assert service.value(served, SD.endpoint) == URIRef("http://testserver/sparql")
    dataset = service.value(served, SD.defaultDataset)
    assert dataset == void.value(None, RDF.type, VOID.Dataset)
    assert (dataset, RDF.type, SD.Dataset) in service
    for s, _, _ in service:
        assert isinstance(s, BNode) or str(s).startswith(ns.base()), s


def test_the_default_dataset_has_its_default_graph_and_the_named_graphs(service, stores):
    [dataset] = service.objects(None, SD.defaultDataset)
    [default] = service.objects(dataset, SD.defaultGraph)
    assert (default, RDF.type, SD.Graph) in service
    assert (None, SD.feature, SD.UnionDefaultGraph) in service  # it is their merge
    named = {service.value(g, SD.name) for g in service.objects(dataset, SD.namedGraph)}
    held = {row[0] for row in stores["embedded"].select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows}
    assert named == held and len(named) > 10
    for graph in service.objects(dataset, SD.namedGraph):
        assert (graph, RDF.type, SD.NamedGraph) in service


def test_the_void_says_when_the_store_was_built(client, void):
    modified = void.value(URIRef(ns.base() + ".well-known/void#dataset"), DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    header = client.get("/.well-known/void").headers["last-modified"]
    assert datetime.fromisoformat(str(modified)) == parsedate_to_datetime(header)


def test_another_base_names_them_all(monkeypatch, stores):
    monkeypatch.setenv("CCGRAPH_BASE", OTHER_BASE)
    void = description.void(stores["memory"], "http://127.0.0.1:8000/")
    service = description.service_description("http://127.0.0.1:8000/sparql")
    dataset = URIRef(OTHER_BASE + ".well-known/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert list(service.objects(None, SD.defaultDataset)) == [dataset]
    for graph in (void, service):
        for s, _, _ in graph:
            assert isinstance(s, BNode) or str(s).startswith(OTHER_BASE), s
    names = set(service.objects(None, SD.name))
    assert names and all(str(name).startswith(OTHER_BASE + "graph/") for name in names)
    assert problems(void) == [] and problems(service) == []


# --- the ontology's version IRI -----------------------------------------------------------


def version_iri() -> URIRef:
    found = ontology_graph().value(ONTOLOGY_IRI, OWL.versionIRI)
    assert found is not None
    return URIRef(str(found))


def local(iri: URIRef) -> str:
    """The path a w3id.org/ccgraph IRI is served at here."""
    return str(iri).removeprefix(ns.DEFAULT_BASE.rstrip("/"))


@pytest.mark.parametrize(("suffix", "accept", "expected"), [
    ("", TURTLE, TURTLE), ("", "application/ld+json", "application/ld+json"),
    (".ttl", None, TURTLE), (".nt", None, "application/n-triples"),
])
def test_the_version_iri_dereferences(client, suffix, accept, expected):
    iri = version_iri()
    response = client.get(local(iri) + suffix, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert media(response) == expected
    graph = parse(response)
    assert (ONTOLOGY_IRI, OWL.versionIRI, iri) in graph
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph


def test_the_version_iri_has_a_page_for_people(client):
    response = client.get(local(version_iri()), headers={"Accept": "text/html"})
    assert response.status_code == 200 and media(response) == "text/html"


@pytest.mark.parametrize("path", ["/ontology/0.0.1", "/ontology/", "/ontology/0.1.0.exe",
                                  "/ontology/0.1.0/x"])
def test_another_version_is_not_here(client, path):
    assert client.get(path).status_code == 404
