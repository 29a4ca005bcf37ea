"""`MemoryStore`: rdflib in memory, for tests and tiny uses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from rdflib import Dataset, Graph

from .. import namespaces as ns
from ..errors import InputError, QueryError
from .base import Answer, GraphSet, Row, Rows, Triple, checked_limit, first_line


class MemoryStore:
    """rdflib in memory; the default graph is the union of the named graphs.

    Pickled as its dataset in N-Quads (serialized once, then reused), so a worker process
    gets its own copy."""

    binding = "patterns"  # constants, one-pattern sub-selects as patterns (queries.binding)

    def __init__(self, dataset: Dataset | None = None):
        if dataset is None:
            from ..sources import load_dataset

            dataset = load_dataset()
        self.dataset = dataset
        self._nquads: bytes | None = None
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches a graph

    def __reduce__(self):
        if self._nquads is None:
            self._nquads = self.dataset.serialize(format="nquads", encoding="utf-8")
        return (_memory_from_nquads, (self._nquads,))

    def _run(self, query: str, dataset: GraphSet | None,
             kinds: tuple[str, ...] = ("SelectQuery", "AskQuery")):
        from rdflib.plugins.sparql import prepareQuery

        try:
            prepared = prepareQuery(query)
        except Exception as error:
            raise InputError(f"malformed query: {first_line(error)}") from None
        if dataset is not None:  # the protocol's dataset overrides FROM / FROM NAMED
            prepared.algebra["datasetClause"] = None
        if prepared.algebra.name not in kinds:
            wanted = " and ".join(kind.removesuffix("Query").upper() for kind in kinds)
            raise InputError(f"only {wanted} queries are answered here")
        try:
            return self._dataset(dataset).query(prepared)
        except Exception as error:
            raise QueryError(f"query failed: {first_line(error)}") from None

    def _dataset(self, graphs: GraphSet | None) -> Dataset:
        if graphs is None:
            return self.dataset
        chosen = Dataset()
        for name in graphs.default:
            for triple in self.dataset.graph(name):
                chosen.add(triple)
        for name in graphs.named:
            target = chosen.graph(name)
            for triple in self.dataset.graph(name):
                target.add(triple)
        return chosen

    def rows(self, query: str, dataset: GraphSet | None = None) -> Rows:
        """A SELECT answer, row by row as rdflib finds them."""
        result = self._run(query, dataset)
        if result.type != "SELECT":
            raise InputError("not a SELECT query")
        return Rows(tuple(str(v) for v in result.vars), _lazily(result))

    def triples(self, query: str, dataset: GraphSet | None = None) -> Iterator[Triple]:
        """A CONSTRUCT or DESCRIBE answer (rdflib makes it whole), triple by triple."""
        result = self._run(query, dataset, ("ConstructQuery", "DescribeQuery"))
        assert result.graph is not None
        return iter(result.graph)  # type: ignore[arg-type]

    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer:
        limit = checked_limit(limit)
        answer = self.rows(query, dataset)
        # rdflib yields the rows as it finds them: only `limit` are worked out
        return Answer(answer.variables, tuple(islice(answer, limit)))

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        result = self._run(query, dataset)
        if result.type != "ASK":
            raise InputError("not an ASK query")
        return bool(result.askAnswer)

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as a graph."""
        limit = checked_limit(limit)
        result = self._run(query, dataset, ("ConstructQuery", "DescribeQuery"))
        assert result.graph is not None
        if limit is None:
            return result.graph
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in result.graph.namespaces():
            graph.bind(prefix, namespace)
        for triple in islice(result.graph, limit):
            graph.add(triple)
        return graph

    def __len__(self) -> int:
        return len(set(self.dataset.triples((None, None, None))))


def _lazily(rows: Iterable) -> Iterator[Row]:
    """rdflib's rows as tuples, its errors as QueryErrors."""
    try:
        for row in rows:
            yield tuple(row)
    except Exception as error:
        raise QueryError(f"query failed: {first_line(error)}") from None


def _memory_from_nquads(data: bytes) -> MemoryStore:
    """Unpickling: the same named graphs in a new dataset (default graph = their union)."""
    dataset = ns.new_dataset()
    dataset.parse(data=data, format="nquads")
    store = MemoryStore(dataset)
    store._nquads = data
    return store
