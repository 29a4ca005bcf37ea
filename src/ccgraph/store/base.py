"""What every store backend shares: the answer types, the `Store` protocol they all
follow, the limit check, and the RDF merge of a dataset's named graphs. It imports no RDF
library (rdflib's types are named for the type checker only): the light query path of the
embedded store reads it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeAlias

from ..errors import InputError
from ..errors import first_line as first_line  # the engines' messages, one line

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef
    from rdflib.term import Identifier

Row: TypeAlias = "tuple[Identifier | None, ...]"
Triple: TypeAlias = "tuple[Identifier, Identifier, Identifier]"


# (records are NamedTuples, not dataclasses: importing dataclasses, which imports inspect,
# costs a saved query's start 10 ms; bench/startup.py)
class Answer(NamedTuple):
    """A SELECT answer: variable names in order, and rows of rdflib terms (None = unbound)."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]


class Rows:
    """A SELECT answer as the engine gives it: the variable names, and the rows (rdflib
    terms, None = unbound) as an iterator that is read once, each row worked out when it is
    asked for, so that reading an answer of any size through takes no memory."""

    __slots__ = ("rows", "variables")

    def __init__(self, variables: tuple[str, ...], rows: Iterator[Row]):
        self.variables, self.rows = variables, rows

    def __iter__(self) -> Iterator[Row]:
        return self.rows

    def __repr__(self) -> str:
        return f"Rows(variables={self.variables!r}, rows={self.rows!r})"


class GraphSet(NamedTuple):
    """The dataset a request names instead of the store's own (the SPARQL Protocol's
    `default-graph-uri` and `named-graph-uri`): the default graph is the RDF merge of the
    `default` graphs (empty if none is named), and only the `named` graphs are visible to
    GRAPH. Every graph must be one the store holds; none is ever fetched."""

    default: tuple[URIRef, ...] = ()
    named: tuple[URIRef, ...] = ()


class Store(Protocol):
    # how saved-query parameters are bound: "constants" (terms in place of the variables),
    # "patterns" (the same, one-pattern sub-selects as patterns: rdflib) or "values" (a
    # generated VALUES block, for remote endpoints); see ccgraph.queries.binding
    binding: str

    # `limit`: at most that many rows (triples) are read from the engine; None = all
    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer: ...

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool: ...

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph: ...

    # the same answers read lazily (streamed): a SELECT's rows, a CONSTRUCT's or DESCRIBE's
    # triples (a triple the engine derives twice may come twice: still the same graph)
    def rows(self, query: str, dataset: GraphSet | None = None) -> Rows: ...

    def triples(self, query: str, dataset: GraphSet | None = None) -> Iterator[Triple]: ...

    def __len__(self) -> int: ...


class TermKit(Protocol):
    """How a store's answers' terms are made and read, whichever library's they are
    (rdflib's, `store.terms.TERMS`; pyoxigraph's, `store.native.TERMS`): saved-query
    values are made into the terms the store answers in, and its answers read back."""

    def iri(self, value: str) -> Any: ...

    def literal(self, value: str, datatype: str | None = None) -> Any: ...

    def text(self, term: Any) -> str: ...  # an IRI's, literal's or blank node's value

    def to_rdflib(self, terms: tuple[Any, ...]) -> tuple[Any, ...]: ...


class Output(Protocol):
    """Where an answer is written: a binary file, or anything with its `write`."""

    def write(self, data: bytes, /) -> Any: ...


class Writing(Protocol):
    """What a store may offer besides `Store`: `serialize`, the answer to a SELECT,
    CONSTRUCT or DESCRIBE query written by the engine's own writers as the engine produces
    it (the embedded store: Oxigraph's, ten times faster than rendering rdflib terms)."""

    def serialize(self, query: str, fmt: str, output: Output,
                  dataset: GraphSet | None = None) -> None: ...


def checked_limit(limit: int | None) -> int | None:
    """A `limit` argument, refused if negative."""
    if limit is not None and limit < 0:
        raise InputError(f"a limit must be 0 or more, not {limit}")
    return limit


def merged(dataset: Dataset) -> Graph:
    """The RDF merge of a dataset's named graphs, each triple once."""
    from .. import namespaces as ns

    graph = ns.new_graph()
    for triple in dataset.triples((None, None, None)):
        graph.add(triple)
    return graph


def generation(store: Any) -> str:
    """Names what `store` answers from now: it changes when the store is rebuilt ("" for a
    store that never is)."""
    named = getattr(store, "generation", None)
    return named() if callable(named) else ""
