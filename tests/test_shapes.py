"""The SHACL shapes (shapes/*.ttl) and ccgraph.validation, data-driven (pySHACL-suite style).

- tests/fixtures/shapes/valid/*.ttl conform, without even a warning.
- tests/fixtures/shapes/invalid/NAME.ttl is a complete graph with one defect. Its `#+`
  header (YAML) lists every result expected, no more, no less: focus node, constraint
  component, result path (if any), source (sh:sourceConstraint for a SHACL-SPARQL
  constraint, else sh:sourceShape) and severity (default sh:Violation). Messages are not
  compared.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from ccgraph import validation
from ccgraph.bounds import derive
from ccgraph.errors import InputError, UsageError
from ccgraph.sources import SHAPES_DIR
from ccgraph.validation import Report, load_shapes, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SHAPE_FILES = sorted(SHAPES_DIR.glob("*.ttl"))
CCNSH = "https://w3id.org/ccgraph/shapes#"

# Constraint parameters the shapes use directly, and the component each one reports.
COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def parse(path: Path) -> Graph:
    """A fixture as the build completes it: with the time bounds of its memberships."""
    graph = Graph().parse(path, format="turtle")
    graph += derive(graph)
    return graph


def expected(path: Path, graph: Graph) -> set[tuple]:
    """The (focus, component, path, source, severity) results a fixture's header expects."""
    header = "\n".join(
        line.removeprefix("#+").removeprefix(" ")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#+")
    )

    def term(text: str | None) -> URIRef | None:
        if text is None:
            return None
        if text.startswith("<"):
            return URIRef(text.strip("<>"))
        return graph.namespace_manager.expand_curie(text)

    return {
        (
            term(e["focus"]),
            term(e["component"]),
            term(e.get("path")),
            term(e["source"]),
            term(e.get("severity", "sh:Violation")),
        )
        for e in yaml.safe_load(header)["expect"]
    }


def actual(report: Report) -> set[tuple]:
    return {
        (r.focus, r.component, r.path, r.constraint or r.shape, r.severity) for r in report.results
    }


# --- fixtures -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path: Path, shapes: Graph):
    report = validate(parse(path), shapes=shapes)
    assert report.conforms, report.text()
    assert report.results == (), report.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_the_expected_results(path: Path, shapes: Graph):
    graph = parse(path)
    report = validate(graph, shapes=shapes)
    assert actual(report) == expected(path, graph), report.text()
    violations = any(severity == SH.Violation for *_, severity in expected(path, graph))
    assert report.conforms is not violations


def test_every_constraint_family_and_sparql_constraint_has_an_invalid_fixture(shapes: Graph):
    named_shapes = set(shapes.objects(None, SH.property)) | {
        s for p in (SH.targetClass, SH.target) for s in shapes.subjects(p)
    }
    used = {
        COMPONENTS[p] for shape in named_shapes for p in shapes.predicates(shape) if p in COMPONENTS
    }
    sparql_constraints = set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    covered = set()
    for path in INVALID:
        for _, component, _, source, _ in expected(path, parse(path)):
            covered |= {component, source}
    assert used - covered == set()
    assert len(sparql_constraints) == 5
    assert sparql_constraints - covered == set()


SPARQL_FIXTURES = [
    path
    for path in INVALID
    if any(c == SH.SPARQLConstraintComponent for _, c, *_ in expected(path, parse(path)))
]


@pytest.mark.parametrize("path", VALID + SPARQL_FIXTURES, ids=lambda p: p.stem)
def test_rdflib_engine_agrees_with_oxigraph(path: Path, shapes: Graph):
    """validate() runs the SPARQL shapes with Oxigraph; plain pySHACL (rdflib) must agree."""
    import pyshacl

    graph = parse(path)
    _, report_graph, _ = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    plain = {
        (
            report_graph.value(r, SH.focusNode),
            report_graph.value(r, SH.sourceConstraintComponent),
            report_graph.value(r, SH.resultPath),
            report_graph.value(r, SH.sourceConstraint) or report_graph.value(r, SH.sourceShape),
            report_graph.value(r, SH.resultSeverity),
        )
        for r in report_graph.objects(None, SH.result)
    }
    assert plain == actual(validate(graph, shapes=shapes))


# --- the shapes themselves ------------------------------------------------------------


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_shapes_file_conforms_to_shacl_shacl(path: Path, shapes: Graph):
    """Each file, with the shared property shapes it borrows from other files."""
    import pyshacl

    graph = parse(path)
    for borrowed in set(graph.objects(None, SH.property)) - set(graph.subjects()):
        graph += shapes.cbd(borrowed)
    shacl_shacl = Graph().parse(files("pyshacl") / "assets" / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shacl_shacl)
    assert conforms, text


def test_every_shape_and_sparql_constraint_is_named_and_has_a_message(shapes: Graph):
    targeted = {s for p in validation.TARGETS for s in shapes.subjects(p)}
    properties = set(shapes.objects(None, SH.property))
    constraints = set(shapes.objects(None, SH.sparql))
    for node in targeted | properties | constraints:
        assert isinstance(node, URIRef) and node.startswith(CCNSH), node
    for node in properties | constraints | {s for s in targeted if (s, SH["or"], None) in shapes}:
        assert shapes.value(node, SH.message) is not None, node
    for shape in {s for s in targeted if (s, SH.sparql, None) in shapes}:
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape


def test_every_ccn_class_has_a_node_shape(shapes: Graph):
    from ccgraph.namespaces import CCN

    classes = {
        CCN[name]
        for name in (
            "City Province Region Country Network Membership CreativeField MembershipRole "
            "Forum WorkingGroup RecurringEvent Source SizeClaim Measure"
        ).split()
    }
    assert classes <= set(shapes.objects(None, SH.targetClass))


# --- the shipped data -----------------------------------------------------------------


def test_shipped_data_conforms(dataset: Dataset, shapes: Graph):
    report = validate(dataset, shapes=shapes)
    assert report.conforms, report.text()
    assert report.counts()["Violation"] == 0


# --- ccgraph.validation ---------------------------------------------------------------


def test_report_counts_text_and_graph(shapes: Graph):
    graph = parse(FIXTURES / "invalid" / "source-lower-bound-only.ttl")
    graph += parse(FIXTURES / "invalid" / "membership-ends-before-it-starts.ttl")
    report = validate(graph, shapes=shapes)
    assert not report.conforms
    assert report.counts() == {"Violation": 1, "Warning": 1, "Info": 0}
    lines = report.text().splitlines()
    assert lines[:2] == ["Conforms: False", "Results: 2 (1 Violation, 1 Warning, 0 Info)"]
    assert lines[2].startswith("Violation  id:membership/uccn/city/it/turin/design  -  ")
    assert lines[3].startswith("Warning  id:source/seed-000  -  ")
    roots = list(report.graph.subjects(RDF.type, SH.ValidationReport))
    assert len(roots) == 1
    assert report.graph.value(roots[0], SH.conforms).toPython() is False
    assert len(list(report.graph.objects(roots[0], SH.result))) == 2


def test_warnings_alone_conform(shapes: Graph):
    report = validate(parse(FIXTURES / "invalid" / "source-lower-bound-only.ttl"), shapes=shapes)
    assert report.conforms
    assert report.counts() == {"Violation": 0, "Warning": 1, "Info": 0}


def test_validate_never_modifies_its_input(shapes: Graph):
    dataset = Dataset()
    dataset.bind("ccn", "https://w3id.org/ccgraph/ontology#")
    for path in (
        FIXTURES / "valid" / "minimal.ttl",
        FIXTURES / "invalid" / "uccn-two-open-fields.ttl",
    ):
        dataset.graph(URIRef(f"https://w3id.org/ccgraph/graph/{path.stem}")).parse(path)
    quads = set(dataset.quads((None, None, None, None)))
    prefixes = set(dataset.namespaces())
    shape_triples = set(shapes)
    for inference in ("none", "rdfs"):
        assert not validate(dataset, shapes=shapes, inference=inference).conforms
    assert set(dataset.quads((None, None, None, None))) == quads
    assert set(dataset.namespaces()) == prefixes
    assert set(shapes) == shape_triples


@pytest.mark.parametrize("inference", ["rdfs", "owlrl"])
def test_inference_profiles(inference: str, shapes: Graph):
    report = validate(parse(FIXTURES / "valid" / "minimal.ttl"), shapes=shapes, inference=inference)
    assert report.conforms, report.text()


def test_unknown_inference_profile_is_a_usage_error():
    with pytest.raises(UsageError, match="magic"):
        validate(Graph(), inference="magic")


def test_inference_without_the_ontology_is_a_clear_error(monkeypatch, tmp_path: Path):
    missing = tmp_path / "ccn.ttl"
    monkeypatch.setattr(validation, "ONTOLOGY_FILE", missing)
    with pytest.raises(InputError, match=f"{missing}: no such file; inference needs the ontology"):
        validate(Graph(), inference="rdfs")
    assert validate(Graph()).conforms  # without inference the ontology is never read


def test_load_shapes_reads_every_file_and_reports_bad_syntax(tmp_path: Path):
    one_by_one = Graph()
    for path in SHAPE_FILES:
        one_by_one += parse(path)
    assert isomorphic(load_shapes(), one_by_one)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y .\nsh:z\n")
    with pytest.raises(InputError, match=str(bad)):
        load_shapes([bad])


def test_importing_validation_stays_cheap():
    heavy = "{'pyshacl', 'pyoxigraph', 'owlrl'}"
    code = f"import sys, ccgraph.validation; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
