"""Inference: the RDFS or OWL-RL closure of ontology + data, kept apart from the assertions.

`infer()` never mutates its input: it returns only the triples the closure adds, which
callers put in graph:inferred, so exports can choose asserted-only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import OWL, RDF, XSD
from rdflib.term import Node

from . import namespaces as ns
from .errors import UsageError

PROFILES = ("none", "rdfs", "owlrl")
INFERRED_GRAPH = ns.graph_name("inferred")


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise UsageError(f"unknown inference profile {profile!r} (allowed: {', '.join(PROFILES)})")
    return profile


def infer(dataset: Dataset | Graph, profile: str = "owlrl") -> Graph:
    """The triples that the `profile` closure adds to the union of `dataset`'s graphs."""
    check_profile(profile)
    inferred = ns.new_graph()
    if profile == "none":
        return inferred
    asserted = set(dataset.triples((None, None, None)))
    for triple in closure(asserted, profile):
        s, p, o = triple
        if triple in asserted or isinstance(s, Literal):  # literal subjects: not RDF
            continue
        if s == o and p in SELF_NOISE:  # x sameAs x, x equivalentClass x...: noise
            continue
        if str(s).startswith(DATATYPE_SPACES):  # OWL-RL's statements about datatypes would
            continue  # make xsd: datatypes classes: illegal punning for the OWL tools
        inferred.add(triple)
    return inferred


def closure(triples: Iterable[tuple[Node, Node, Node]], profile: str) -> Graph:
    """`triples` with everything their RDFS or OWL-RL closure adds, in a new graph: the closure
    pySHACL computes before it validates (owlrl's `DeductiveClosure` with pySHACL's
    semantics and owlrl's default options), which `infer` filters and validation with
    inference reads whole. The new graph keeps no named graphs: owlrl reads it a few
    million times, and rdflib's default store, which looks up each triple's graphs,
    answers 15-20 % slower."""
    import owlrl  # heavy: only on the reasoning path

    if profile == "owlrl":
        semantics = owlrl.OWLRL_Semantics
    else:  # owlrl's plain RDFS semantics swaps literals for proxies and mixes them up
        from pyshacl.inference import CustomRDFSSemantics as semantics
    expanded = _Closing()
    expanded += triples
    with _terms_made_once():
        owlrl.DeductiveClosure(semantics, axiomatic_triples=False,
                               datatype_axioms=False).expand(expanded)
    return expanded


class _Closing(Graph):
    """The graph owlrl expands: rdflib's plain store, and a test of a whole triple (`t in
    graph`, which owlrl makes before every triple it might add: a million times for the
    shipped data) answered by a set of the triples instead of rdflib's pattern search, a
    third of the closure's time. The set holds what the store holds: every add and remove
    goes through both."""

    def __init__(self) -> None:
        super().__init__(store="SimpleMemory")
        self._triples: set = set()

    def add(self, triple):  # type: ignore[no-untyped-def]
        self._triples.add(tuple(triple))
        return super().add(triple)

    def addN(self, quads):  # type: ignore[no-untyped-def]  # noqa: N802 (rdflib's name)
        for s, p, o, _ in quads:
            self.add((s, p, o))
        return self

    def remove(self, triple):  # type: ignore[no-untyped-def]
        self._triples.difference_update(list(self.triples(triple)))
        return super().remove(triple)

    def __contains__(self, triple) -> bool:  # type: ignore[no-untyped-def]
        if None not in triple and len(triple) == 3:
            return tuple(triple) in self._triples
        return super().__contains__(triple)


class _Terms:
    """A vocabulary whose terms are each made once. rdflib's vocabularies (`OWL`, `RDF`,
    `RDFS`) make a new URIRef on every attribute read, about a microsecond each; owlrl's
    rules read them for every triple on every pass (five million reads for the shipped
    data), which was half of the closure's time."""

    def __init__(self, vocabulary: object) -> None:
        self._vocabulary = vocabulary

    def __getattr__(self, name: str) -> object:
        term = getattr(self._vocabulary, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> object:
        return self._vocabulary[name]  # type: ignore[index]


_SWAP = threading.Lock()


@contextmanager
def _terms_made_once() -> Iterator[None]:
    """owlrl's rule modules read `_Terms` in place of rdflib's vocabularies while the
    closure runs (the same terms: the same closure), and rdflib's again afterwards, so
    nothing outside `closure` sees the swap. One closure at a time holds it."""
    import owlrl.Closure
    import owlrl.OWLRL
    import owlrl.RDFSClosure
    from pyshacl.inference import custom_rdfs_closure

    modules = (owlrl.OWLRL, owlrl.Closure, owlrl.RDFSClosure, custom_rdfs_closure)
    with _SWAP:
        saved = [(module, name, getattr(module, name)) for module in modules
                 for name in ("OWL", "RDF", "RDFS") if hasattr(module, name)]
        for module, name, vocabulary in saved:
            setattr(module, name, _Terms(vocabulary))
        try:
            yield
        finally:
            for module, name, vocabulary in saved:
                setattr(module, name, vocabulary)


SELF_NOISE = (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty)
DATATYPE_SPACES = (str(XSD), str(RDF.langString), str(RDF.PlainLiteral))


def with_inferences(dataset: Dataset, profile: str) -> Dataset:
    """A copy of `dataset` with the inferred triples added in graph:inferred."""
    copy = ns.new_dataset()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        copy.graph(g).add((s, p, o))
    target = copy.graph(INFERRED_GRAPH)
    for triple in infer(dataset, profile):
        target.add(triple)
    return copy
