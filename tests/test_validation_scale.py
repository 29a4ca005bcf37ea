"""Issue 14, point 1: SHACL validation that scales (ccgraph.shacl), with pySHACL's semantics.

Speed is measured by bench/validate.py; these tests assert outcomes:
- on every shape fixture, and on the shipped data plus a slice of the benchmark's synthetic
  graph, the report is the one pySHACL itself gives, result by result (focus, path, value,
  component, shape, constraint, severity and every message);
- violations planted among ~25k synthetic triples (bench/synthetic.py, with the bounds the
  build derives) are reported with their focus nodes, and nothing else changes;
- an rdflib Dataset and a pyoxigraph Store of the same triples give the same report;
- a shape the engine does not evaluate (sh:closed) is left to pySHACL;
- a SPARQL constraint runs once for all focus nodes only when that cannot change its rows.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from ccgraph import constraints
from ccgraph import namespaces as ns
from ccgraph.bounds import derive
from ccgraph.namespaces import CCN
from ccgraph.validation import Report, load_shapes, validate

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "shapes").glob("*/*.ttl"))
BENCH = Path(__file__).parent.parent / "bench"
BASE = "https://w3id.org/ccgraph/id/"
ORG = "http://www.w3.org/ns/org#"
SYNTHETIC = URIRef("urn:x-ccgraph-test:synthetic")
CCNSH = "https://w3id.org/ccgraph/shapes#"


def _bench(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # bench/queries.py imports bench/synthetic.py
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def full(report: Graph) -> set[tuple]:
    """Every result of a report graph, whole (a blank-node path or value as its kind)."""

    def term(node):
        return "a blank node" if isinstance(node, BNode) else node

    return {
        tuple(term(report.value(r, p)) for p in (
            SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent, SH.sourceShape,
            SH.sourceConstraint, SH.resultSeverity))
        + (frozenset(report.objects(r, SH.resultMessage)),)
        for r in report.objects(None, SH.result)
    }


def pyshacl_report(graph: Graph, shapes: Graph) -> Graph:
    """What pySHACL itself reports: the core shapes on rdflib; the SPARQL shapes (SPARQL
    targets) on an Oxigraph copy, as ccgraph ran them before issue 14 (on rdflib they take
    0.1 s per focus node)."""
    import pyoxigraph as ox
    import pyshacl

    from ccgraph.store.terms import to_oxigraph

    sparql = set(shapes.subjects(SH.sparql)) | set(shapes.subjects(SH.target))
    core, advanced = Graph(), Graph()
    for s, p, o in shapes:
        is_target = p in (SH.targetClass, SH.target, SH.targetNode)
        if not (is_target and s in sparql):
            core.add((s, p, o))
        if not (is_target and s not in sparql):
            advanced.add((s, p, o))
    store = ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    merged = Graph()
    for data, shapes_graph in ((graph, core), (store, advanced)):
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, advanced=True,
                                        allow_warnings=True)
        merged += report
    return merged


@pytest.fixture(scope="module")
def synthetic(dataset: Dataset) -> Graph:
    """About 25,000 synthetic triples and their derived bounds, as bench/validate.py makes
    them at its sizes (bench/queries.py: derived_bounds)."""
    lines = "".join(line + "\n" for line in _bench("synthetic").triples(20_000)).encode()
    derived = _bench("queries").derived_bounds(lines, dataset)
    return Graph().parse(data=(lines + derived).decode(), format="nt")


@pytest.fixture(scope="module")
def clean_report(dataset: Dataset, synthetic: Graph, shapes: Graph) -> Report:
    """The report on the shipped data with the synthetic rows, as a dataset."""
    return validate(with_synthetic(dataset, synthetic), shapes=shapes)


def with_synthetic(dataset: Dataset, synthetic: Graph) -> Dataset:
    copy = ns.new_dataset()
    copy.addN(dataset.quads((None, None, None, None)))
    graph = copy.graph(SYNTHETIC)
    graph.addN((s, p, o, graph) for s, p, o in synthetic)
    return copy


# --- the same report as pySHACL --------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fixture_gets_pyshacls_report(path: Path, shapes: Graph):
    graph = Graph().parse(path, format="turtle")
    graph += derive(graph)
    assert full(validate(graph, shapes=shapes).graph) == full(pyshacl_report(graph, shapes))


def test_shipped_data_and_a_synthetic_slice_get_pyshacls_report(dataset: Dataset,
                                                                 shapes: Graph):
    lines = "".join(line + "\n" for line in _bench("synthetic").triples(2_500)).encode()
    derived = _bench("queries").derived_bounds(lines, dataset)
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o, _ in dataset.quads((None, None, None, None)))
    graph.parse(data=(lines + derived).decode(), format="nt")
    ours = full(validate(graph, shapes=shapes).graph)
    assert ours == full(pyshacl_report(graph, shapes))
    # the synthetic rows break shapes of several kinds: so the comparison covers them
    kinds = {(component, shape) for _, _, _, component, shape, *_ in ours}
    assert len(kinds) >= 5, kinds


# --- planted violations among synthetic rows -----------------------------------------


def test_planted_violations_are_found_with_their_focus_nodes(dataset: Dataset,
                                                             synthetic: Graph, shapes: Graph,
                                                             clean_report: Report):
    before = clean_report
    cities = sorted(synthetic.subjects(RDF.type, CCN.City))
    city = cities[len(cities) // 2]
    uccn = URIRef(BASE + "network/uccn")
    membership = next(
        m for m in sorted(synthetic.subjects(URIRef(ORG + "organization"), uccn))
        if str(synthetic.value(m, CCN.startDate))[:4] < "2020"
    )
    role = synthetic.value(membership, URIRef(ORG + "role"))
    planted = with_synthetic(dataset, synthetic)
    graph = planted.graph(SYNTHETIC)
    # a city with a second country (core: sh:maxCount)
    graph.add((city, CCN.country, URIRef(BASE + "country/it")))
    # a membership in Architecture years before the field existed (SHACL-SPARQL)
    graph.remove((membership, URIRef(ORG + "role"), role))
    graph.add((membership, URIRef(ORG + "role"), URIRef(BASE + "field/architecture")))
    after = validate(planted, shapes=shapes)

    def keys(report: Report) -> set[tuple]:
        return {(r.focus, r.component, r.constraint or r.shape) for r in report.results}

    assert len(synthetic) > 20_000
    assert keys(after) - keys(before) == {
        (city, SH.MaxCountConstraintComponent, URIRef(CCNSH + "country")),
        (membership, SH.SPARQLConstraintComponent,
         URIRef(CCNSH + "NoArchitectureBefore2025")),
    }
    assert keys(before) - keys(after) == set()
    assert not after.conforms


def test_a_store_and_a_dataset_of_the_same_triples_agree(dataset: Dataset, synthetic: Graph,
                                                         shapes: Graph, clean_report: Report):
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(_nt(with_synthetic(dataset, synthetic)), ox.RdfFormat.N_TRIPLES)
    from_store, from_dataset = validate(store, shapes=shapes), clean_report
    assert from_store.results == from_dataset.results
    assert from_store.counts() == from_dataset.counts()


def _nt(data: Dataset) -> bytes:
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o, _ in data.quads((None, None, None, None)))
    return graph.serialize(format="nt", encoding="utf-8")


# --- what the engine leaves to pySHACL, and when it batches ------------------------------


def test_a_shape_the_engine_does_not_evaluate_is_left_to_pyshacl(shapes: Graph):
    closed = URIRef(CCNSH + "ClosedCityShape")
    extra = Graph()
    extra.add((closed, RDF.type, SH.NodeShape))
    extra.add((closed, SH.targetClass, CCN.City))
    extra.add((closed, SH.closed, Literal(True)))
    extra.add((closed, SH.ignoredProperties, RDF.nil))
    graph = Graph().parse(FIXTURES[0].parent.parent / "valid" / "minimal.ttl")
    graph += derive(graph)
    report = validate(graph, shapes=shapes + extra)
    assert {r.shape for r in report.results} == {closed}
    assert {r.component for r in report.results} == {SH.ClosedConstraintComponent}
    assert full(report.graph) == full(pyshacl_report(graph, shapes + extra))


@pytest.mark.parametrize(
    ("select", "once"),
    [
        ("SELECT $this WHERE { $this a ?c }", True),
        ("SELECT $this WHERE { { $this a ?c } UNION { $this ?p ?o } }", True),
        ("SELECT $this WHERE { ?x ?p ?o OPTIONAL { $this ?p ?o } }", False),
        ("SELECT $this WHERE { { $this a ?c } UNION { ?x a ?c } }", False),
        ("SELECT $this WHERE { $this a ?c { SELECT ?c WHERE { $this ?p ?c } } }", False),
        ("SELECT (COUNT(*) AS ?n) WHERE { $this a ?c }", False),
    ],
)
def test_a_sparql_constraint_runs_once_only_when_that_is_safe(select: str, once: bool):
    assert constraints.batchable(select) is once


def test_every_shipped_sparql_constraint_runs_once(shapes: Graph):
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        text = "PREFIX ccn: <https://w3id.org/ccgraph/ontology#>\n" \
               "PREFIX org: <http://www.w3.org/ns/org#>\n" \
               "PREFIX prov: <http://www.w3.org/ns/prov#>\n" + str(shapes.value(constraint,
                                                                              SH.select))
        assert constraints.batchable(text), constraint


def test_literal_values_compare_as_pyshacl_compares_them():
    date = Literal("2020-01-01", datatype=XSD.date)
    assert constraints.less(date, Literal("2020-01-02", datatype=XSD.date), False)
    assert not constraints.less(date, Literal("2020-01-01"), True)  # a string: incomparable
    assert not constraints.datatype_matches(Literal("2020-13-45", datatype=XSD.date), XSD.date)
