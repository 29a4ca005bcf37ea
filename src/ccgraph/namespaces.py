"""Every IRI ccgraph uses: the ontology's terms, the resource base, the prefix map.

Resource IRIs are minted here and nowhere else (see docs/model.md).
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Namespace, URIRef, plugin
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    XSD,
    DefinedNamespace,
    NamespaceManager,
)
from rdflib.serializer import Serializer

from .naming import DEFAULT_BASE, slug  # the rules that need no RDF library
from .naming import base as base

# RDF/XML with ccgraph's repairs (`ccgraph.rdfxml`) wherever rdflib writes it; registered
# by name, so the module is imported only when RDF/XML is first written
for _name in ("xml", "application/rdf+xml"):
    plugin.register(_name, Serializer, "ccgraph.rdfxml", "RdfXmlSerializer")


class CCN(DefinedNamespace):
    """The ccgraph ontology (ontology/ccn.ttl). A misspelt term raises AttributeError."""

    _NS = Namespace("https://w3id.org/ccgraph/ontology#")
    _fail = True

    # classes
    AdministrativeArea: URIRef
    City: URIRef
    Province: URIRef
    Region: URIRef
    Country: URIRef
    Network: URIRef
    Membership: URIRef
    CreativeField: URIRef
    MembershipRole: URIRef
    Forum: URIRef
    WorkingGroup: URIRef
    RecurringEvent: URIRef
    Source: URIRef
    SizeClaim: URIRef
    Measure: URIRef
    Attestation: URIRef
    CompleteMemberList: URIRef
    # memberships
    startDate: URIRef
    endDate: URIRef
    attestedOn: URIRef
    citedSource: URIRef
    hasMembership: URIRef
    # time bounds of a membership (derived on build, graph:derived)
    earliestStart: URIRef
    latestStart: URIRef
    earliestEnd: URIRef
    latestEnd: URIRef
    earliestStartBasis: URIRef
    latestStartBasis: URIRef
    earliestEndBasis: URIRef
    latestEndBasis: URIRef
    # what the graph counts for a dated size claim (derived on build, graph:derived)
    certainCount: URIRef
    possibleCount: URIRef
    # attestations and complete lists
    attests: URIRef
    attestedMember: URIRef
    statedRole: URIRef
    inList: URIRef
    listsKind: URIRef
    onOrAfter: URIRef
    onOrBefore: URIRef
    # places
    country: URIRef
    isoCode: URIRef
    # networks, units, events
    foundingDate: URIRef
    founder: URIRef
    recognizedBy: URIRef
    officeLocation: URIRef
    seat: URIRef
    secretariat: URIRef
    presidency: URIRef
    groupsMembersOf: URIRef
    coordinatedBy: URIRef
    coordinates: URIRef
    organizedBy: URIRef
    organizes: URIRef
    frequency: URIRef
    introducedIn: URIRef
    # sources
    referenceDate: URIRef
    writtenAfter: URIRef
    writtenBefore: URIRef
    dateBasis: URIRef
    localCopy: URIRef
    # size claims
    aboutNetwork: URIRef
    measure: URIRef
    claimedValue: URIRef
    countsRole: URIRef
    countsKind: URIRef
    countsCountry: URIRef
    asOf: URIRef
    quote: URIRef
    qualifier: URIRef


# The shapes' own IRIs (shapes/*.ttl): vocabulary like ccn:, never rebased.
SHAPES = Namespace("https://w3id.org/ccgraph/shapes#")

# The shipped files are written against the default base; `sources` rebases on load.
ID = Namespace(DEFAULT_BASE + "id/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")

PREFIXES: dict[str, Namespace] = {
    "ccn": Namespace(str(CCN)),
    "ccnsh": SHAPES,
    "id": ID,
    "graph": GRAPH,
    "org": Namespace(str(ORG)),
    "prov": Namespace(str(PROV)),
    "time": Namespace(str(TIME)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "schema": Namespace(str(SDO)),
    "foaf": Namespace(str(FOAF)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "sh": Namespace(str(SH)),
    "vann": Namespace(str(VANN)),
}

NETWORK_SLUGS = ("uccn", "uccn-italy", "eurocities", "gai", "bjcem")
KIND_SEGMENTS = {CCN.City: "city", CCN.Province: "province", CCN.Region: "region"}


def sparql_prologue(*names: str) -> str:
    """The SPARQL PREFIX lines for the project prefixes `names` (all of them if none)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in chosen)


def bind_prefixes(graph: Graph | Dataset) -> Graph | Dataset:
    """Bind exactly the project's prefix map (no rdflib defaults) and return the graph."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def new_dataset() -> Dataset:
    """An empty Dataset whose default graph is the union of its named graphs,
    with only ccgraph's prefixes bound."""
    dataset = Dataset(default_union=True)
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    return bind_prefixes(dataset)  # type: ignore[return-value]


def new_graph() -> Graph:
    return bind_prefixes(Graph(bind_namespaces="none"))  # type: ignore[return-value]


def table_graph() -> Graph:
    """A graph for the triples a table makes, which are copied into a dataset's named graph
    (sources.load_file): rdflib's plain store, which does not track graphs, and no prefixes
    (loading the shipped data takes 13 % less time than with `new_graph`)."""
    return Graph(store="SimpleMemory", bind_namespaces="none")


def country(code: str) -> URIRef:
    return ID[f"country/{code.lower()}"]


def place(kind: URIRef, code: str, name: str) -> URIRef:
    """A city, province or region inside the country with ISO code `code`."""
    return ID[f"{KIND_SEGMENTS[kind]}/{code.lower()}/{slug(name)}"]


def city(code: str, name: str) -> URIRef:
    return place(CCN.City, code, name)


def network(name: str) -> URIRef:
    return ID[f"network/{slug(name)}"]


def field(label: str) -> URIRef:
    return ID[f"field/{slug(label)}"]


def role(label: str) -> URIRef:
    return ID[f"role/{slug(label)}"]


def measure(label: str) -> URIRef:
    return ID[f"measure/{slug(label)}"]


def source(name: str) -> URIRef:
    return ID[f"source/{slug(name)}"]


def claim(source_name: str, key: int | str) -> URIRef:
    """id:claim/{source}/{key}: a number within a seed, or a stable slug in a table."""
    return ID[f"claim/{slug(source_name)}/{key}"]


def graph_name(stem: str) -> URIRef:
    return GRAPH[slug(stem)]


def membership(network_iri: URIRef, member_iri: URIRef, role_iri: URIRef) -> URIRef:
    """id:membership/{network}/{member path}/{role}, e.g. .../uccn/city/it/turin/design."""
    net = str(network_iri).rsplit("/", 1)[1]
    member_path = str(member_iri).removeprefix(str(ID))
    role_slug = str(role_iri).rsplit("/", 1)[1]
    return ID[f"membership/{net}/{member_path}/{role_slug}"]
