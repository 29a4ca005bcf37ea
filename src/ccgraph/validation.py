"""SHACL validation: load the shapes, run pySHACL, return a typed report.

    report = validate(load_dataset())
    report.conforms      # False iff some result has severity sh:Violation
    report.counts()      # {"Violation": 0, "Warning": 2, "Info": 0}
    print(report.text())

The shapes (`shapes/*.ttl`) use SHACL-SPARQL constraints with SPARQL-based targets
(SHACL-AF), so pySHACL always runs with `advanced=True`. The data is copied into an
in-memory Oxigraph store before validation: pySHACL then runs every SPARQL query (targets
and constraints) with Oxigraph's engine instead of rdflib's, which is several times
faster, and the caller's graph is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from . import namespaces as ns
from .errors import InputError
from .reasoning import check_profile
from .sources import ONTOLOGY_FILE, SHAPES_DIR, parse_file

SHAPES_PREFIX = ("ccnsh", "https://w3id.org/ccgraph/shapes#")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult."""

    focus: Node
    path: Node | None
    component: URIRef
    severity: URIRef
    shape: Node
    message: str
    value: Node | None
    constraint: Node | None = None  # sh:sourceConstraint: which SHACL-SPARQL constraint


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: warnings and infos never make it fail."""

    conforms: bool
    results: tuple[Result, ...]
    graph: Graph  # the sh:ValidationReport graph

    def counts(self) -> dict[str, int]:
        """Results by severity local name: Violation, Warning, Info."""
        counts = dict.fromkeys(SEVERITIES.values(), 0)
        for result in self.results:
            counts[_severity_name(result.severity)] += 1
        return counts

    def text(self) -> str:
        """A human-readable summary, one line per result: severity, focus, path, message."""
        counts = self.counts()
        lines = [
            f"Conforms: {self.conforms}",
            "Results: {} ({})".format(
                len(self.results), ", ".join(f"{n} {name}" for name, n in counts.items())
            ),
        ]
        for r in self.results:
            path = _show(r.path) if r.path is not None else "-"
            lines.append(f"{_severity_name(r.severity)}  {_show(r.focus)}  {path}  {r.message}")
        return "\n".join(lines)


def load_shapes(paths: Iterable[Path] | None = None) -> Graph:
    """The shapes graph: the given Turtle files, by default every shapes/*.ttl.

    The SHACL-SPARQL shapes find their prefixes in shapes/prefixes.ttl: pass it too when
    choosing files by hand.
    """
    files = sorted(SHAPES_DIR.glob("*.ttl")) if paths is None else list(paths)
    if not files:
        raise InputError(f"{SHAPES_DIR}: no shapes (*.ttl)")
    graph = ns.new_graph()
    graph.bind(*SHAPES_PREFIX)
    for path in files:
        parse_file(Path(path), into=graph)
    return graph


def validate(
    data: Graph | Dataset, *, shapes: Graph | None = None, inference: str = "none"
) -> Report:
    """Validate `data` (all its graphs, as one) against `shapes` (default: load_shapes()).

    `inference` ("none", "rdfs", "owlrl") validates the data plus the closure of data and
    ontology (ontology/ccn.ttl, read only then), as `ccgraph.reasoning` computes it.
    `data` is never modified.
    """
    import pyshacl  # heavy: only on the validation path
    from pyshacl.errors import ReportableRuntimeError

    check_profile(inference)
    store = _oxigraph_copy(data, inference)
    shapes_graph = shapes if shapes is not None else load_shapes()
    try:
        _, report_graph, _ = pyshacl.validate(
            store,
            shacl_graph=shapes_graph,
            advanced=True,  # SPARQL-based targets (SHACL-AF)
            inference="none",  # done by ccgraph.reasoning, see _oxigraph_copy
            inplace=True,  # the store is our own copy
            allow_warnings=True,  # so the report's sh:conforms agrees with Report.conforms
        )
    except ReportableRuntimeError as error:  # malformed shapes, or a query pySHACL refuses
        raise InputError(f"shapes: {error}") from None
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure instead
        raise InputError(f"shapes: {report_graph}")
    results = tuple(sorted(_results(report_graph), key=_sort_key))
    conforms = not any(r.severity == SH.Violation for r in results)
    return Report(conforms=conforms, results=results, graph=report_graph)


def _oxigraph_copy(data: Graph | Dataset, inference: str):
    """A new in-memory Oxigraph store with every triple of `data` in its default graph.

    With inference, the triples that the closure of data + ontology adds come too. Named
    graphs are merged: SHACL validates the union, as pySHACL does with a Dataset.
    """
    import pyoxigraph as ox

    source: Graph | Dataset = data
    if inference != "none":
        from .reasoning import infer

        source = Dataset()
        for triple in data.triples((None, None, None)):
            source.add(triple)
        if not _has_ontology(data):
            for triple in _ontology():
                source.add(triple)
        for triple in infer(source, inference):
            source.add(triple)
    store = ox.Store()
    terms: dict[Node, object] = {}

    def term(node: Node):
        converted = terms.get(node)
        if converted is None:
            converted = terms[node] = _to_ox(node, ox)
        return converted

    store.bulk_extend(
        ox.Quad(term(s), term(p), term(o), ox.DefaultGraph())
        for s, p, o in _all_triples(source)
    )
    return store


def _all_triples(data: Graph | Dataset):
    if isinstance(data, Dataset):  # the union of the default graph and every named graph
        return (triple for triple, _ in _quads_as_triples(data))
    return data.triples((None, None, None))


def _quads_as_triples(data: Dataset):
    for s, p, o, g in data.quads((None, None, None, None)):
        yield (s, p, o), g


def _to_ox(node: Node, ox):
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise InputError(f"cannot validate a graph holding {node!r}")


def _has_ontology(data: Graph | Dataset) -> bool:
    ontology_graph = ns.graph_name("ontology")
    if isinstance(data, Dataset) and any(
        g.identifier == ontology_graph and len(g) for g in data.graphs()
    ):
        return True
    return (None, RDF.type, URIRef(str(ns.CCN.City)[: -len("City")].rstrip("#"))) in data


def _ontology() -> Graph:
    if not ONTOLOGY_FILE.is_file():
        raise InputError(f"{ONTOLOGY_FILE}: the ontology is missing; inference needs it")
    return parse_file(ONTOLOGY_FILE)


def _results(report: Graph) -> Iterable[Result]:
    for node in report.objects(None, SH.result):
        yield Result(
            focus=report.value(node, SH.focusNode),
            path=report.value(node, SH.resultPath),
            component=report.value(node, SH.sourceConstraintComponent),
            severity=report.value(node, SH.resultSeverity),
            shape=report.value(node, SH.sourceShape),
            message=_message(report, node),
            value=report.value(node, SH.value),
            constraint=report.value(node, SH.sourceConstraint),
        )


def _message(report: Graph, node: Node) -> str:
    messages = sorted(report.objects(node, SH.resultMessage), key=lambda m: (m.language != "en", m))
    if messages:
        return str(messages[0])
    component = report.value(node, SH.sourceConstraintComponent)
    return _show(component) if component is not None else "(no message)"


def _severity_name(severity: Node) -> str:
    return SEVERITIES.get(severity, str(severity))  # type: ignore[call-overload]


def _sort_key(r: Result) -> tuple:
    order = list(SEVERITIES).index(r.severity) if r.severity in SEVERITIES else len(SEVERITIES)
    return (order, str(r.focus), str(r.path or ""), str(r.component), r.message)


def _show(node: Node) -> str:
    """A compact form for people: a prefixed name where a project prefix fits."""
    if isinstance(node, URIRef):
        for prefix, namespace in (*ns.PREFIXES.items(), SHAPES_PREFIX):
            if node.startswith(str(namespace)) and node != URIRef(str(namespace)):
                return f"{prefix}:{node[len(str(namespace)):]}"
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


__all__ = ["Report", "Result", "load_shapes", "validate", "DATASET_DEFAULT_GRAPH_ID"]
