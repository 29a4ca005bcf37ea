"""SHACL validation: load the shapes, evaluate them (ccgraph.shacl), return a typed report.

    report = validate(load_dataset())
    report.conforms      # False iff some result has severity sh:Violation
    report.counts()      # {"Violation": 0, "Warning": 2, "Info": 0}
    print(report.text())

How it runs, and why (docs/performance.md, "SHACL validation at scale"):

- pySHACL evaluates each shape focus node by focus node; through its Oxigraph data-graph
  wrapper every lookup is a SPARQL query (and every result counts all triples), through
  rdflib every nested shape of sh:or is a new validation. Neither scales: 20k synthetic
  triples took minutes. ccgraph.shacl evaluates the same shapes with pySHACL's semantics,
  reading each property once and running each SPARQL constraint once, in time linear in
  the data (tests/test_validation_scale.py checks that the report is pySHACL's).
- The data is read where it is: an rdflib Graph or Dataset (all its graphs as one, never
  modified: SPARQL runs on an in-memory Oxigraph copy), or a pyoxigraph Store (its default
  graph, e.g. a built store, where the default graph is the merge of the sources).
- With inference, the closure of data + ontology is computed first, on a copy, with
  pySHACL's owlrl semantics (ccgraph.reasoning.closure).
- A shape the engine does not evaluate (ccgraph.shacl.unsupported: sh:closed, SHACL-AF
  rules...) runs with pySHACL over an rdflib copy; the reports are merged.
- Given the files the data was read from (`sources=`), each result is located in them
  (ccgraph.locations: file, line, and for a table row and column): `Result.location`,
  shown by every report format (ccgraph.reports), and in the report graph as one more
  sh:resultMessage ("file:line: column c: message") and the properties ccnsh:sourceFile,
  ccnsh:sourceLine, ccnsh:sourceRow and ccnsh:sourceColumn (docs/maintaining.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from . import namespaces as ns
from . import shacl
from .errors import InputError
from .locations import Location, Locator
from .reasoning import check_profile, closure
from .reports import SEVERITIES, local_name, render
from .reports import show as _show
from .sources import ONTOLOGY_FILE, SHAPES_DIR, parse_file
from .store.terms import from_oxigraph, to_oxigraph

TARGETS = shacl.TARGETS
# where a result was found, in the report graph (docs/maintaining.md)
SOURCE_FILE, SOURCE_LINE = ns.SHAPES.sourceFile, ns.SHAPES.sourceLine
SOURCE_ROW, SOURCE_COLUMN = ns.SHAPES.sourceRow, ns.SHAPES.sourceColumn


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
    messages: tuple[Node, ...] = field(default=(), compare=False)  # every sh:resultMessage
    location: Location | None = field(default=None, compare=False)  # where its data is written


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: warnings and infos never make it fail."""

    conforms: bool
    results: tuple[Result, ...]
    parts: tuple[Graph, ...] = field(default=(), repr=False, compare=False)  # shapes, reports

    @cached_property
    def graph(self) -> Graph:
        """The sh:ValidationReport graph (made when first asked for)."""
        return _report_graph(self.results, self.conforms, self.parts)

    def counts(self) -> dict[str, int]:
        """Results by severity local name: Violation, Warning, Info."""
        counts = dict.fromkeys(SEVERITIES.values(), 0)
        for result in self.results:
            name = local_name(result.severity)
            counts[name] = counts.get(name, 0) + 1
        return counts

    def text(self) -> str:
        """A human-readable summary, then one line per result: where (file:line: column c:),
        severity, focus, path, message."""
        return render(self, "text").rstrip("\n")

    def to_json(self) -> dict:
        """The report as plain JSON: conforms, counts, and one object per result (its
        `location`: file, line, row, column; null when not known)."""

        def term(node: Node | None) -> str | None:
            return None if node is None else str(node)

        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [
                {"severity": term(r.severity), "focus": term(r.focus), "path": term(r.path),
                 "component": term(r.component), "shape": term(r.shape),
                 "value": term(r.value), "message": r.message,
                 "location": r.location.to_json() if r.location else None}
                for r in self.results
            ],
        }


def load_shapes(paths: Iterable[Path] | None = None) -> Graph:
    """The shapes graph: the given Turtle files, by default every shapes/*.ttl.

    The SHACL-SPARQL shapes find their prefixes in shapes/prefixes.ttl: include it when
    choosing files by hand.
    """
    files = sorted(SHAPES_DIR.glob("*.ttl")) if paths is None else [Path(p) for p in paths]
    if not files:
        raise InputError(f"{SHAPES_DIR}: no shapes (*.ttl)")
    graph = ns.new_graph()  # binds ccnsh: with the project's other prefixes
    for path in files:
        parse_file(path, into=graph)
    return graph


def validate(
    data: Graph | Dataset | Any, *, shapes: Graph | None = None, inference: str = "none",
    sources: Sequence[Path] | None = None,
) -> Report:
    """Validate `data` (all its graphs, as one; for a pyoxigraph Store, its default graph)
    against `shapes` (default: load_shapes()); with `sources`, the files `data` was read
    from, each result is located in them (`Result.location`).

    `inference` ("none", "rdfs", "owlrl") validates the closure of data + ontology
    (ontology/ccn.ttl, read only then, added whole) with owlrl and pySHACL's semantics
    (`reasoning.closure`): its RDFS closure leaves out the rules that rewrite literals.
    `data` and `shapes` are never modified.
    """
    check_profile(inference)
    shapes = shapes if shapes is not None else load_shapes()
    targeted = {s for p in TARGETS for s in shapes.subjects(p)}
    targeted |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)
                 if (s, RDF.type, RDFS.Class) in shapes or (s, RDF.type, OWL.Class) in shapes}
    by_pyshacl = {s for s in targeted if shacl.unsupported(shapes, s)}
    source = data
    if inference != "none":  # the closure pySHACL computes, of data + ontology
        # (the whole ontology: pySHACL's ont_graph mixed in only its axioms)
        asserted = chain(_union_triples(data), _ontology())
        source = ns.new_graph()  # rdflib's default store: pySHACL's own shapes need it
        source.addN((s, p, o, source) for s, p, o in closure(asserted, inference))
    collecting = gc.isenabled()
    gc.disable()  # the engine makes millions of objects and few cycles: at 1M quads, the
    try:  # collector's passes over them took a third of the time (docs/performance.md)
        store = source if _is_store(source) else _oxigraph_copy(source)
        engine = shacl.Engine(shapes, _data(source, store))
        hits = [hit for shape in sorted(targeted - by_pyshacl, key=str)
                for hit in engine.validate(shape, engine.focus_nodes(shape))]
    except (ValueError, SyntaxError) as error:  # what pySHACL reports as a runtime error
        raise InputError(f"shapes: {error}") from None
    finally:
        if collecting:
            gc.enable()
    results = [Result(h.focus, h.path, h.component, h.severity, h.shape, _first(h.messages),
                      h.value, h.constraint, h.messages) for h in hits]
    parts = [shapes]
    if by_pyshacl:  # the shapes this engine does not evaluate, with pySHACL itself
        graph = source if isinstance(source, Graph) and source is not data else _union_copy(data)
        parts.append(_run(graph, _only(shapes, by_pyshacl)))
        results += _results(parts[-1])
    if sources and results:
        locator = Locator(sources, wanted={r.focus for r in results},
                          data=data if isinstance(data, Dataset) else None)
        results = [replace(r, location=locator.locate(
            r.focus, r.path, r.value, last=r.component == SH.MaxCountConstraintComponent))
            for r in results]
    results.sort(key=_sort_key)
    conforms = not any(r.severity == SH.Violation for r in results)
    return Report(conforms=conforms, results=tuple(results), parts=tuple(parts))


def _is_store(data: Any) -> bool:
    return hasattr(data, "quads_for_pattern")


def _data(source: Any, store: Any) -> shacl.Data:
    """The engine's view of the data: values read from `source` (rdflib, or a pyoxigraph
    Store), SPARQL answered by `store` (Oxigraph)."""
    import pyoxigraph as ox

    terms: dict[Any, Node | None] = {}

    def term(value: Any) -> Node | None:
        if value not in terms:
            terms[value] = from_oxigraph(value)
        return terms[value]

    def scan(p: URIRef) -> Iterable[tuple[Any, Any]]:
        if isinstance(source, Dataset):
            return ((s, o) for s, _, o, _ in source.quads((None, p, None, None)))
        if isinstance(source, Graph):
            return source.subject_objects(p)
        return ((term(q.subject), term(q.object))
                for q in store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph()))

    def select(query: str, this: Node | None) -> Iterator[dict[str, Any]]:
        bindings = {} if this is None else {ox.Variable("this"): _to_oxigraph(this)}
        try:
            solutions = store.query(query, substitutions=bindings)
        except SyntaxError as error:
            raise InputError(f"shapes: a SPARQL query does not parse: {error}") from None
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield {n: term(solution[n]) for n in names if solution[n] is not None}

    return shacl.Data(scan, select)


def _only(shapes: Graph, keep: set) -> Graph:
    """A copy of `shapes` in which only the shapes of `keep` have targets."""
    copy = _copy(shapes)
    for target in TARGETS:
        for shape, value in shapes.subject_objects(target):
            if shape not in keep:
                copy.remove((shape, target, value))
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) - keep:
        copy.remove((shape, RDF.type, RDFS.Class))
        copy.remove((shape, RDF.type, OWL.Class))
    return copy


def _union_copy(data: Any) -> Graph:
    """Every triple of `data` (of every graph, for a Dataset) in a new rdflib graph."""
    graph = ns.new_graph()
    graph.addN((s, p, o, graph) for s, p, o in _union_triples(data))
    return graph


def _union_triples(data: Any) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple of `data`: of every graph, for a Dataset; of its default graph, for a
    pyoxigraph Store."""
    if isinstance(data, Dataset):
        yield from ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
    elif isinstance(data, Graph):
        yield from data
    else:
        import pyoxigraph as ox

        for q in data.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)  # type: ignore[misc]


def _ontology() -> Graph:
    if not ONTOLOGY_FILE.is_file():
        raise InputError(f"{ONTOLOGY_FILE}: no such file; inference needs the ontology")
    return parse_file(ONTOLOGY_FILE)


def _copy(graph: Graph) -> Graph:
    copy = ns.new_graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy += graph
    return copy


def _oxigraph_copy(data: Graph | Dataset):
    """The triples of `data` (every graph of a Dataset) in a new in-memory Oxigraph store
    (its default graph)."""
    import pyoxigraph as ox

    terms: dict[Node, object] = {}

    def term(node: Node):
        if node not in terms:
            terms[node] = _to_oxigraph(node)
        return terms[node]

    triples = ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None))) \
        if isinstance(data, Dataset) else iter(data)
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(term(s), term(p), term(o))
        for s, p, o in triples
        if not isinstance(s, Literal)  # generalized triples an OWL-RL closure may leave
    )
    return store


def _to_oxigraph(node: Node):
    try:
        return to_oxigraph(node)
    except TypeError:
        raise InputError(f"cannot validate a graph that holds {node!r}") from None


def _run(data, shapes: Graph) -> Graph:
    """One pySHACL pass over an rdflib graph (our own copy, which pySHACL may change in
    place); its report graph."""
    import pyshacl  # heavy: only on the validation path
    from pyshacl.errors import ReportableRuntimeError

    try:
        _, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            advanced=True,  # SPARQL-based targets (SHACL-AF)
            inplace=True,  # `data` is validate()'s own copy
            allow_warnings=True,  # so sh:conforms agrees with Report.conforms
        )
    except ReportableRuntimeError as error:  # malformed shapes, or a query pySHACL refuses
        raise InputError(f"shapes: {error}") from None
    if not isinstance(report, Graph):  # pySHACL returns a ValidationFailure instead
        raise InputError(f"shapes: {report}")
    return report


def _report_graph(results: Iterable[Result], conforms: bool, parts: Iterable[Graph]) -> Graph:
    """One sh:ValidationReport, as pySHACL writes it: one sh:ValidationResult per result,
    blank-node paths and shapes copied from the graph (`parts`) that describes them."""
    graph = ns.new_graph()
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(conforms)))
    parts = list(parts)
    for r in results:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        for p, o in ((SH.focusNode, r.focus), (SH.resultPath, r.path), (SH.value, r.value),
                     (SH.resultSeverity, r.severity), (SH.sourceConstraintComponent, r.component),
                     (SH.sourceShape, r.shape), (SH.sourceConstraint, r.constraint)):
            if o is not None:
                graph.add((node, p, o))
                if isinstance(o, BNode) and p != SH.focusNode:
                    for part in parts:
                        if (o, None, None) in part:
                            graph += part.cbd(o)
                            break
        for message in r.messages or (Literal(r.message),):
            graph.add((node, SH.resultMessage, message))
        if r.location is not None:
            where = r.location
            graph.add((node, SH.resultMessage, Literal(f"{where}: {r.message}")))
            graph.add((node, SOURCE_FILE, Literal(where.file)))
            for p, number in ((SOURCE_LINE, where.line), (SOURCE_ROW, where.row)):
                if number:
                    graph.add((node, p, Literal(number, datatype=XSD.integer)))
            if where.column:
                graph.add((node, SOURCE_COLUMN, Literal(where.column)))
    return graph


def _results(report: Graph) -> Iterator[Result]:
    for node in report.objects(None, SH.result):
        yield Result(
            focus=report.value(node, SH.focusNode),  # type: ignore[arg-type]
            path=report.value(node, SH.resultPath),
            component=report.value(node, SH.sourceConstraintComponent),  # type: ignore[arg-type]
            severity=report.value(node, SH.resultSeverity),  # type: ignore[arg-type]
            shape=report.value(node, SH.sourceShape),  # type: ignore[arg-type]
            message=_message(report, node),
            value=report.value(node, SH.value),
            constraint=report.value(node, SH.sourceConstraint),
            messages=tuple(report.objects(node, SH.resultMessage)),
        )


def _message(report: Graph, node: Node) -> str:
    """The English sh:resultMessage if there is one, else any, else the component's name."""
    return _first(tuple(report.objects(node, SH.resultMessage))) or _show(
        report.value(node, SH.sourceConstraintComponent))  # type: ignore[arg-type]


def _first(messages: tuple[Node, ...]) -> str:
    """The English message if there is one, else any ("" for none)."""
    ranked = sorted(messages, key=lambda m: (getattr(m, "language", None) != "en", str(m)))
    return str(ranked[0]) if ranked else ""


def _sort_key(r: Result) -> tuple:
    rank = list(SEVERITIES).index(r.severity) if r.severity in SEVERITIES else len(SEVERITIES)
    return (rank, str(r.focus), str(r.path or ""), str(r.component), r.message)
