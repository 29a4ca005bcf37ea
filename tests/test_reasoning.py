"""OWL-RL closure of ontology + data: it runs, adds the declared inferences, mutates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import ORG, OWL, RDF, SDO

from ccgraph import namespaces as ns
from ccgraph.errors import UsageError
from ccgraph.namespaces import CCN
from ccgraph.reasoning import INFERRED_GRAPH, closure, infer, with_inferences
from ccgraph.sources import ONTOLOGY_FILE, data_files, load_dataset, parse_file

TURIN = ns.city("IT", "Turin")
GAI = ns.network("gai")
TURIN_GAI = ns.membership(GAI, TURIN, ns.role("member"))


@pytest.fixture(scope="module")
def dataset():
    """The shipped data but the bulk tables (tests/projects.py): every kind of statement
    the ontology draws inferences from, in a third of owlrl's time."""
    from projects import BULK_TABLES

    return load_dataset([path for path in data_files() if path.name not in BULK_TABLES])


@pytest.fixture(scope="module")
def inferred(dataset):
    before = len(list(dataset.quads((None, None, None, None))))
    graph = infer(dataset, "owlrl")
    assert len(list(dataset.quads((None, None, None, None)))) == before  # input untouched
    return graph


@pytest.mark.parametrize(
    "triple",
    [
        (TURIN, ORG.memberOf, GAI),  # property chain (ccn:hasMembership, org:organization)
        (GAI, ORG.hasMember, TURIN),  # inverse of org:memberOf
        (TURIN, CCN.hasMembership, TURIN_GAI),  # inverse of org:member
        (TURIN_GAI, RDF.type, ORG.Membership),  # ccn:Membership subclass of org:Membership
        (TURIN, RDF.type, SDO.AdministrativeArea),  # ccn:City subclass chain
        (ns.network("bjcem"), CCN.officeLocation, ns.city("BE", "Brussels")),  # ccn:seat
        (TURIN, CCN.coordinates, ns.ID["unit/eurocities/public-art-working-group"]),
        (TURIN, SDO.containedInPlace, ns.country("IT")),  # ccn:country subproperty
    ],
    ids=[
        "memberOf-chain",
        "hasMember-inverse",
        "hasMembership-inverse",
        "Membership-subclass",
        "AdministrativeArea-subclass",
        "seat-subproperty",
        "coordinates-inverse",
        "containedInPlace-subproperty",
    ],
)
def test_declared_inference(dataset, inferred, triple):
    assert triple not in dataset  # not asserted ...
    assert triple in inferred  # ... but inferred


def test_no_reflexive_sameas_noise(inferred):
    assert not any(s == o for s, _, o in inferred.triples((None, OWL.sameAs, None)))


@pytest.fixture(scope="module")
def expanded(dataset):
    """The shipped data with its RDFS inferences in graph:inferred."""
    return with_inferences(dataset, "rdfs")


def test_inferences_go_to_their_own_graph(dataset, expanded):
    assert (TURIN_GAI, RDF.type, ORG.Membership) in expanded.graph(INFERRED_GRAPH)
    for graph in dataset.graphs():
        assert len(expanded.graph(graph.identifier)) == len(graph)


def test_unknown_profile_is_a_usage_error(dataset):
    with pytest.raises(UsageError, match="allowed: none, rdfs, owlrl"):
        infer(dataset, "owl2dl")


@pytest.mark.parametrize("profile", ["rdfs", "owlrl"])
def test_closure_is_plain_rdf_and_keeps_literals_intact(dataset, profile, request):
    from rdflib import Literal
    from rdflib.namespace import RDFS

    # the closures are the module's (each takes seconds to compute)
    if profile == "owlrl":
        closure = request.getfixturevalue("inferred")
    else:
        closure = request.getfixturevalue("expanded").graph(INFERRED_GRAPH)
    assert not any(isinstance(s, Literal) for s, _, _ in closure)  # no generalised RDF
    # owlrl's RDFS rules once turned "Torino"@it into a plain "Torino": no new labels.
    assert not list(closure.triples((None, RDFS.label, None)))


@pytest.mark.parametrize("profile", ["rdfs", "owlrl"])
def test_the_closure_is_the_one_pyshacl_computes(profile):
    """`ccgraph validate --inference` reads `closure` instead of letting pySHACL expand the
    data (on a faster store): the same triples pySHACL's own pre-inference adds to data
    that carries the ontology (as the data ccgraph validates always does: pySHACL mixes
    in only the ontology's axioms, `closure` reads the graph it is given), but for the
    labels of blank nodes."""
    import pyshacl

    ontology = parse_file(ONTOLOGY_FILE)
    data = Graph().parse(Path(__file__).parent / "fixtures" / "reasoning" / "memberships.ttl")
    data += ontology
    theirs = Graph()
    theirs += data
    pyshacl.validate(theirs, shacl_graph=Graph(), ont_graph=ontology, inference=profile,
                     inplace=True)

    def named(graph: Graph) -> set:
        return {t for t in graph if not any(isinstance(term, BNode) for term in t)}

    ours = named(closure(data, profile))
    assert ours == named(theirs)
    assert len(ours) > len(named(data)) + 100  # it did infer


def test_the_closure_leaves_owlrls_vocabularies_as_it_found_them(monkeypatch):
    """`closure` lends owlrl terms made once while it runs (the test above holds its
    closure to pySHACL's, made with owlrl's own vocabularies); afterwards owlrl reads
    rdflib's vocabularies again, even when the closure failed."""
    import owlrl
    import owlrl.OWLRL
    import owlrl.RDFSClosure
    from rdflib.namespace import RDFS

    def vocabularies():
        return (owlrl.OWLRL.OWL, owlrl.OWLRL.RDFS, owlrl.RDFSClosure.RDF)

    data = Graph().parse(Path(__file__).parent / "fixtures" / "reasoning" / "memberships.ttl")
    closure(data, "owlrl")
    assert all(a is b for a, b in zip(vocabularies(), (OWL, RDFS, RDF), strict=True))

    seen = []

    class Failing:
        def __init__(self, *args, **kwargs):
            seen.append(vocabularies())

        def expand(self, graph):
            raise RuntimeError("stopped")

    monkeypatch.setattr(owlrl, "DeductiveClosure", Failing)
    with pytest.raises(RuntimeError, match="stopped"):
        closure(data, "rdfs")
    assert seen and seen[0][0] is not OWL  # the swap was in place ...
    # ... and undone
    assert all(a is b for a, b in zip(vocabularies(), (OWL, RDFS, RDF), strict=True))


def test_the_graph_owlrl_expands_tests_membership_as_rdflib_does():
    """`closure` hands owlrl a graph whose `triple in graph` is a set lookup: it must hold
    exactly what rdflib's own graph holds through adds, removes (by pattern too) and +=."""
    from rdflib import Literal, URIRef

    from ccgraph.reasoning import _Closing

    ex = "https://example.org/"
    a, b, p, q = (URIRef(ex + n) for n in ("a", "b", "p", "q"))
    ours, theirs = _Closing(), Graph()
    for graph in (ours, theirs):
        graph += [(a, p, b), (a, q, Literal("x")), (b, p, a)]
        graph.add((b, q, Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))))
        graph.remove((a, None, None))
        graph.add((a, p, a))
    assert set(ours) == set(theirs) and len(ours) == 3
    probes = [(a, p, b), (a, p, a), (b, p, a), (a, q, Literal("x")), (b, q, Literal("1")),
              (b, q, Literal("01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))),
              (b, q, Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))),
              (None, p, None), (a, None, None), (None, None, Literal("x"))]
    assert [t in ours for t in probes] == [t in theirs for t in probes]
    # (rdflib normalises "01"^^xsd:integer to "1" when it makes the literal)
    assert [t in ours for t in probes][:7] == [False, True, True, False, False, True, True]
