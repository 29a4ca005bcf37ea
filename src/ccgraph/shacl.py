"""A SHACL engine that reads the whole data graph once per property, not once per focus node.

pySHACL evaluates each shape focus node by focus node through its data-graph wrapper (on
Oxigraph, a SPARQL query per lookup). This engine gives pySHACL 0.40's results with its
semantics (ccgraph.constraints follows its code), in time linear in the data:

- a property's values are read in one pass over the data (`Data.values`: subject ->
  objects, as rdflib terms), and `sh:targetClass` from one pass over rdf:type;
- a SHACL-SPARQL constraint with BATCH_FROM focus nodes or more runs as ONE query with
  $this free, its rows kept for the focus nodes, when $this is bound in every solution of
  the top level and in no sub-select (then pre-binding $this and filtering agree);
  otherwise once per focus node, with $this substituted, as pySHACL does;
- results are plain tuples (`Hit`); ccgraph.validation builds the report graph.

`unsupported(shapes, shape)` names what this engine does not implement (sh:closed,
SHACL-AF rules and expressions, $PATH in a SPARQL constraint...): ccgraph.validation runs
such shapes with pySHACL itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, SH
from rdflib.term import Node

from . import constraints

EMPTY: frozenset = frozenset()
BATCH_FROM = 20  # deciding whether it may batch (rdflib's parser: ~0.3 s) costs ~20 queries
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
KINDS = {  # how Engine._check evaluates a parameter other than those of VALUE_TESTS
    SH.minCount: "minCount", SH.maxCount: "maxCount", SH.uniqueLang: "uniqueLang",
    SH.hasValue: "hasValue", SH.qualifiedValueShape: "qualified", SH.property: "property",
    SH.sparql: "sparql", SH.equals: "pair", SH.disjoint: "pair", SH.lessThan: "pair",
    SH.lessThanOrEquals: "pair",
}
VALUE_TESTS = {  # the parameters that test each value node alone
    SH["class"], SH.datatype, SH.nodeKind, *constraints.COMPARISONS, SH.minLength,
    SH.maxLength, SH.pattern, SH.languageIn, SH["in"], SH["not"], SH.node, SH["and"], SH["or"],
    SH.xone,
}
CONSTRAINTS = VALUE_TESTS | set(KINDS)  # each a constraint component of pySHACL's
NOT_CONSTRAINTS = {  # sh: terms a shape may carry that check nothing themselves
    *TARGETS, SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags,
}


class Hit(NamedTuple):  # one validation result
    focus: Node
    path: Node | None
    value: Node | None
    component: URIRef
    shape: Node
    severity: URIRef
    messages: tuple[Node, ...]
    constraint: Node | None = None


class Data:
    """The data graph, read a property at a time: `scan(p)` yields its (subject, object)
    pairs as rdflib terms; `select(query, this)` answers a SPARQL query (rows of
    {name: rdflib term}), with $this substituted when `this` is given."""

    def __init__(self, scan: Callable[[URIRef], Iterable[tuple[Any, Any]]],
                 select: Callable[[str, Node | None], Iterator[dict[str, Any]]]):
        self.scan, self.select = scan, select
        self._out: dict[URIRef, dict[Node, set]] = {}
        self._in: dict[URIRef, dict[Node, set]] = {}
        self._instances: dict[Node, set] = {}

    def values(self, p: Any) -> dict[Node, set]:
        if p not in self._out:
            index: dict[Node, set] = {}
            for s, o in self.scan(p):
                index.setdefault(s, set()).add(o)
            self._out[p] = index
        return self._out[p]

    def inverse(self, p: Any) -> dict[Node, set]:
        if p not in self._in:
            index: dict[Node, set] = {}
            for s, objects in self.values(p).items():
                for o in objects:
                    index.setdefault(o, set()).add(s)
            self._in[p] = index
        return self._in[p]

    def instances(self, cls: Node) -> set:
        """Nodes of rdf:type `cls` or of a subclass (rdfs:subClassOf*, in the data)."""
        if cls not in self._instances:
            classes, todo = {cls}, [cls]
            while todo:
                for sub in self.inverse(RDFS.subClassOf).get(todo.pop(), EMPTY):
                    if sub not in classes:
                        classes.add(sub)
                        todo.append(sub)
            typed = self.inverse(RDF.type)
            self._instances[cls] = set().union(*(typed.get(c, EMPTY) for c in classes))
        return self._instances[cls]


def unsupported(shapes: Graph, shape: Node, seen: set | None = None) -> str | None:
    """What in `shape` (or a shape it refers to) this engine does not evaluate, or None."""
    seen = set() if seen is None else seen
    if shape in seen:
        return None
    seen.add(shape)
    custom = {shapes.value(parameter, SH.path) for component in
              shapes.subjects(RDF.type, SH.ConstraintComponent)
              for parameter in shapes.objects(component, SH.parameter)}
    for p, o in shapes.predicate_objects(shape):
        if p in custom:
            return f"{p.n3()}, the parameter of a SPARQL-based constraint component"
        if p == SH.target and (o, SH.select, None) not in shapes:
            return "a SHACL-AF target other than sh:SPARQLTarget"
        if p in (SH.path, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals) \
                and _path(shapes, o) is None:
            return f"the path {o.n3()}"
        if p == SH.sparql and "$PATH" in str(shapes.value(o, SH.select)) + str(
                shapes.value(o, SH.ask)):
            return "$PATH in a SPARQL constraint"
        if p == SH.sparql and shapes.value(o, SH.select) is None:
            return "a SPARQL constraint without sh:select"
        if p == SH.qualifiedValueShapesDisjoint and _true(o):
            return "sh:qualifiedValueShapesDisjoint"
        if str(p).startswith(str(SH)) and p not in CONSTRAINTS | NOT_CONSTRAINTS:
            return p.n3()
        for nested in _nested(shapes, p, o):
            reason = unsupported(shapes, nested, seen)
            if reason:
                return reason
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        return "an implicit class target"
    return None


def _nested(shapes: Graph, p: Any, o: Any) -> list:
    if p in (SH["and"], SH["or"], SH.xone):
        return list(shapes.items(o))
    return [o] if p in (SH["not"], SH.node, SH.property, SH.qualifiedValueShape) else []


def _path(shapes: Graph, path: Node) -> Callable[[Data], Callable[[Node], Any]] | None:
    """For a data graph, a function giving the values of `path` at a node; None for a path
    not handled (zeroOrMore, oneOrMore, zeroOrOne)."""
    if isinstance(path, URIRef):
        return lambda data: _getter(data.values(path))
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return lambda data: _getter(data.inverse(inverse))
    alternatives = shapes.value(path, SH.alternativePath)
    steps = [_path(shapes, p) for p in shapes.items(alternatives if alternatives else path)]
    if not steps or None in steps or (not alternatives and (path, RDF.first, None) not in shapes):
        return None

    def bind(data: Data) -> Callable[[Node], set]:
        getters = [step(data) for step in steps]  # type: ignore[misc]
        if alternatives is not None:
            return lambda node: set().union(*(get(node) for get in getters))

        def sequence(node: Node) -> set:
            nodes = {node}
            for get in getters:
                nodes = set().union(*(get(n) for n in nodes))
            return nodes

        return sequence

    return bind


def _getter(index: dict) -> Callable[[Node], Any]:
    return lambda node: index.get(node, EMPTY)


class Engine:
    """Evaluates shapes of `shapes` over `data`."""

    def __init__(self, shapes: Graph, data: Data):
        self.shapes, self.data = shapes, data
        self._compiled: dict[Node, tuple | None] = {}
        self._conforms: dict[tuple[Node, Node], bool] = {}

    def focus_nodes(self, shape: Node) -> set:
        g, data, nodes = self.shapes, self.data, set()
        for cls in g.objects(shape, SH.targetClass):
            nodes |= data.instances(cls)
        nodes.update(g.objects(shape, SH.targetNode))
        for p in g.objects(shape, SH.targetSubjectsOf):
            nodes.update(data.values(p))
        for p in g.objects(shape, SH.targetObjectsOf):
            nodes.update(data.inverse(p))
        for target in g.objects(shape, SH.target):
            text = self._prefixes(target) + str(g.value(target, SH.select))
            nodes.update(row["this"] for row in data.select(text, None) if "this" in row)
        return nodes

    def validate(self, shape: Node, focus: Iterable[Node]) -> list[Hit]:
        """The results of validating each of `focus` against `shape` (its targets aside)."""
        compiled = self._compile(shape)
        if compiled is None:  # deactivated
            return []
        path, values, severity, messages, checks = compiled
        focus = list(focus)
        pairs = [(f, values(f) if values else {f}) for f in focus]
        hits: list[Hit] = []
        for kind, parameter, rule, test in checks:
            if kind == "property":
                hits += self.validate(rule, set().union(*(v for _, v in pairs)))
            elif kind == "sparql":
                hits += (hit._replace(severity=severity, path=hit.path or path)
                         for hit in self._sparql(shape, rule, focus))
            else:
                hits += (Hit(f, path, value, component, shape, severity,
                             messages or (Literal(f"{_name(component)} on {f.n3()}"),))
                         for f, value, component in self._check(shape, kind, parameter, rule,
                                                                test, pairs))
        return hits

    def conforms(self, shape: Node, node: Node) -> bool:
        """Whether `node` conforms to `shape` (a shape of sh:or, sh:node...: one whose
        severity is a warning or an info always does, as in pySHACL with allow_warnings)."""
        key = (shape, node)
        if key not in self._conforms:
            compiled = self._compile(shape)
            self._conforms[key] = compiled is None or compiled[2] in (SH.Warning, SH.Info) \
                or not self.validate(shape, [node])
        return self._conforms[key]

    def _compile(self, shape: Node) -> tuple | None:
        """(path, values function, severity, messages, checks) of `shape`, None if it is
        deactivated; each check is (kind, parameter, rule, value test or None)."""
        if shape not in self._compiled:
            g = self.shapes
            if _true(g.value(shape, SH.deactivated)):
                self._compiled[shape] = None
                return None
            path, parameters = g.value(shape, SH.path), set(g.predicates(shape)) & CONSTRAINTS
            checks = [(KINDS.get(parameter, "value"), parameter, rule,  # type: ignore[call-overload]
                       self._value_test(shape, parameter, rule))
                      for parameter in sorted(parameters, key=str)
                      for rule in g.objects(shape, parameter)]
            self._compiled[shape] = (
                path, _path(g, path)(self.data) if path is not None else None,  # type: ignore[misc]
                g.value(shape, SH.severity) or SH.Violation,
                tuple(g.objects(shape, SH.message)), checks)
        return self._compiled[shape]

    # --- the constraint components -------------------------------------------------------

    def _check(self, shape, kind, parameter, rule, test, pairs) -> Iterator[tuple]:
        """(focus, value or None, component) for each result of one constraint."""
        name = _name(parameter)
        component = URIRef(f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent")
        if kind == "value":
            for f, values in pairs:
                for v in values:
                    if not test(v):
                        yield f, v, component
        elif kind in ("minCount", "maxCount"):  # MinCount-, MaxCountConstraintComponent
            limit = int(rule)
            for f, values in pairs:
                if (len(values) < limit) if kind == "minCount" else (len(values) > limit):
                    yield f, None, component
        elif kind == "uniqueLang" and _true(rule):  # UniqueLangConstraintComponent
            for f, values in pairs:
                langs = [v.language.lower() for v in values
                         if isinstance(v, Literal) and v.language]
                for _ in {lang for lang in langs if langs.count(lang) > 1}:
                    yield f, None, component
        elif kind == "hasValue":
            for f, values in pairs:
                if rule not in values:
                    yield f, None, component
        elif kind == "qualified":  # QualifiedValueShapeConstraintComponent
            g = self.shapes
            low, high = g.value(shape, SH.qualifiedMinCount), g.value(shape, SH.qualifiedMaxCount)
            for f, values in pairs:
                n = sum(1 for v in values if self.conforms(rule, v))
                if high is not None and n > int(high):
                    yield f, None, SH.QualifiedMaxCountConstraintComponent
                if low is not None and n < int(low):
                    yield f, None, SH.QualifiedMinCountConstraintComponent
        elif kind == "pair":  # Equals-, Disjoint-, LessThan(OrEquals)ConstraintComponent
            other = _path(self.shapes, rule)(self.data)  # type: ignore[misc]
            for f, values in pairs:
                others = other(f)
                if parameter == SH.equals:
                    bad = (values - others) | (others - values)
                elif parameter == SH.disjoint:
                    bad = values & others
                else:
                    bad = [v for v in values for o in others
                           if not constraints.less(v, o, parameter == SH.lessThanOrEquals)]
                for v in bad:
                    yield f, v, component

    def _value_test(self, shape: Node, parameter: Any, rule: Any) -> Callable | None:
        """The test each value node must pass, for the components that look at one value."""
        g = self.shapes
        if parameter not in VALUE_TESTS:
            return None
        if parameter == SH["class"]:
            instances = self.data.instances(rule)
            return lambda v: not isinstance(v, Literal) and v in instances
        if parameter == SH.datatype:
            return lambda v: constraints.datatype_matches(v, rule)
        if parameter == SH.nodeKind:
            return lambda v: isinstance(v, constraints.NODE_KINDS.get(rule, ()))
        if parameter in constraints.COMPARISONS:  # Min/MaxExclusive/InclusiveConstraintComponent
            return lambda v: constraints.compare(v, rule, constraints.COMPARISONS[parameter])
        if parameter in (SH.minLength, SH.maxLength):
            limit = int(rule)
            fits = (lambda n: n >= limit) if parameter == SH.minLength else (lambda n: n <= limit)
            return lambda v: not isinstance(v, BNode) and fits(len(constraints.as_string(v)))
        if parameter == SH.pattern:
            flags = str(g.value(shape, SH.flags) or "")
            regex = re.compile(str(rule), constraints.regex_flags(flags))
            return lambda v: not isinstance(v, BNode) and bool(
                regex.search(constraints.as_string(v)))
        if parameter == SH.languageIn:
            wanted = {str(lang).lower() for lang in g.items(rule)}
            return lambda v: isinstance(v, Literal) and bool(v.language) and (
                "*" in wanted or str(v.language).lower() in wanted
                or str(v.language).split("-")[0].lower() in wanted)
        if parameter == SH["in"]:
            allowed = list(g.items(rule))
            return lambda v: v in allowed
        if parameter == SH["not"]:
            return lambda v: not self.conforms(rule, v)
        if parameter == SH.node:
            return lambda v: self.conforms(rule, v)
        members = list(g.items(rule))
        if parameter == SH["and"]:
            return lambda v: all(self.conforms(s, v) for s in members)
        if parameter == SH["or"]:
            return lambda v: any(self.conforms(s, v) for s in members)
        return lambda v: sum(1 for s in members if self.conforms(s, v)) == 1  # sh:xone

    def _sparql(self, shape: Node, constraint: Node, focus: list[Node]) -> Iterator[Hit]:
        """SPARQLConstraintComponent, as pySHACL reports it: one result per distinct
        (this, path, value, other variables) row; ?value defaults to the focus node of a
        node shape; messages get {$var}/{?var} replaced by the value's string."""
        g = self.shapes
        if _true(g.value(constraint, SH.deactivated)) or not focus:
            return
        text = self._prefixes(constraint) + str(g.value(constraint, SH.select))
        node_shape = g.value(shape, SH.path) is None
        shape_messages = list(g.objects(shape, SH.message))
        messages = [m for m in g.objects(constraint, SH.message) if m not in shape_messages]
        if len(focus) >= BATCH_FROM and constraints.batchable(text):
            wanted = set(focus)
            rows: Iterable[tuple[Node, dict]] = (
                (row["this"], row) for row in self.data.select(text, None)
                if row.get("this") in wanted)
        else:
            rows = ((f, row) for f in focus for row in self.data.select(text, f))
        seen = set()
        for f, row in rows:
            row = dict(row)
            if row.pop("failure", None) is not None:
                raise ValueError(f"{constraint}: the SPARQL constraint reports a failure")
            path, value, this = row.pop("path", None), row.pop("value", None), row.pop("this", f)
            key = (f, this, path, value, tuple(sorted(row.items())))
            if key in seen:
                continue
            seen.add(key)
            value = value if value is not None else (f if node_shape else None)
            bound = {**row, **{k: v for k, v in (("this", this), ("path", path),
                                                  ("value", value)) if v is not None}}
            texts = tuple(Literal(constraints.format_message(str(m), bound))
                          for m in messages + shape_messages)
            yield Hit(this or f, path, value, SH.SPARQLConstraintComponent, shape, SH.Violation,
                      texts, constraint)

    def _prefixes(self, node: Node) -> str:
        """PREFIX lines: rdf, rdfs, owl, and the sh:declare of each sh:prefixes of `node`."""
        g = self.shapes
        declared = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        for prefixes in g.objects(node, SH.prefixes):
            for declaration in g.objects(prefixes, SH.declare):
                declared[str(g.value(declaration, SH.prefix))] = str(
                    g.value(declaration, SH.namespace))
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared.items())


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def _name(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1]
