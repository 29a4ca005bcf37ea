"""Triple-store backends behind one small interface, exchanging rdflib terms.

- `EmbeddedStore`: a persistent Oxigraph store in a per-user data directory, built from
  the sources on first use and rebuilt when their content hash changes. A build goes to
  a folder aside and is then switched in by atomically replacing a pointer file, so a
  failed build leaves the previous store answering and a reader never sees half a store.
- `MemoryStore`: rdflib in memory, for tests and tiny uses.

Both answer `select(query)` with the variable names and rows of rdflib terms. Saved-query
parameters arrive already bound as checked RDF terms (`ccgraph.queries`): one mechanism
for every backend, since pyoxigraph's `substitutions` only accept variables that the query
projects, which aggregate queries do not.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from . import __version__
from . import namespaces as ns
from .errors import InputError, QueryError

Row = tuple[Identifier | None, ...]
STORE_ENV = "CCGRAPH_DATA_DIR"
POINTER = "current"


@dataclass(frozen=True)
class Answer:
    """A SELECT answer: variable names in order, and rows of rdflib terms (None = unbound)."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class GraphSet:
    """The dataset a request names instead of the store's own (the SPARQL Protocol's
    `default-graph-uri` and `named-graph-uri`): the default graph is the RDF merge of the
    `default` graphs (empty if none is named), and only the `named` graphs are visible to
    GRAPH. Every graph must be one the store holds; none is ever fetched."""

    default: tuple[URIRef, ...] = ()
    named: tuple[URIRef, ...] = ()


class Store(Protocol):
    # how saved-query parameters are bound: "constants" (terms in place of the variables)
    # or "values" (a generated VALUES block, for remote endpoints); see ccgraph.queries
    binding: str

    def select(self, query: str, dataset: GraphSet | None = None) -> Answer: ...

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool: ...

    def construct(self, query: str, dataset: GraphSet | None = None) -> Graph: ...

    def __len__(self) -> int: ...


def source_files() -> list[Path]:
    """The files the store is built from: the ontology and every data file."""
    from .sources import ONTOLOGY_FILE, data_files

    return [ONTOLOGY_FILE, *data_files()]


def fingerprint() -> str:
    """Content hash of the sources, the package version and the base IRI."""
    from .sources import digest

    return f"{digest(source_files())[:24]}-{__version__}-{ns.slug(ns.base())[:40]}"


def default_location() -> Path:
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("ccgraph", appauthor=False))


# --- memory -------------------------------------------------------------------------


class MemoryStore:
    """rdflib in memory; the default graph is the union of the named graphs."""

    binding = "constants"

    def __init__(self, dataset: Dataset | None = None):
        if dataset is None:
            from .sources import load_dataset

            dataset = load_dataset()
        self.dataset = dataset
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches a graph

    def _run(self, query: str, dataset: GraphSet | None,
             kinds: tuple[str, ...] = ("SelectQuery", "AskQuery")):
        from rdflib.plugins.sparql import prepareQuery

        try:
            prepared = prepareQuery(query)
        except Exception as error:
            raise InputError(f"malformed query: {_first_line(error)}") from None
        if dataset is not None:  # the protocol's dataset overrides FROM / FROM NAMED
            prepared.algebra["datasetClause"] = None
        if prepared.algebra.name not in kinds:
            wanted = " and ".join(kind.removesuffix("Query").upper() for kind in kinds)
            raise InputError(f"only {wanted} queries are answered here")
        try:
            return self._dataset(dataset).query(prepared)
        except Exception as error:
            raise QueryError(f"query failed: {_first_line(error)}") from None

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

    def select(self, query: str, dataset: GraphSet | None = None) -> Answer:
        result = self._run(query, dataset)
        if result.type != "SELECT":
            raise InputError("not a SELECT query")
        variables = tuple(str(v) for v in result.vars)
        return Answer(variables, tuple(tuple(row) for row in result))

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        result = self._run(query, dataset)
        if result.type != "ASK":
            raise InputError("not an ASK query")
        return bool(result.askAnswer)

    def construct(self, query: str, dataset: GraphSet | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as a graph."""
        result = self._run(query, dataset, ("ConstructQuery", "DescribeQuery"))
        assert result.graph is not None
        return result.graph

    def __len__(self) -> int:
        return len(set(self.dataset.triples((None, None, None))))


# --- embedded Oxigraph --------------------------------------------------------------


def _from_oxigraph(term) -> Identifier | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def _node(iri: URIRef):
    import pyoxigraph as ox

    return ox.NamedNode(str(iri))


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


class EmbeddedStore:
    """A persistent Oxigraph store, opened read-only; see `build()` for how it is made."""

    binding = "constants"

    def __init__(self, location: Path | None = None, *, auto_build: bool = True):
        self.location = location or default_location()
        current = current_store(self.location)
        if auto_build and (current is None or current.name != f"store-{fingerprint()}"):
            try:
                current = build(self.location)
            except InputError as error:
                if current is None:
                    raise
                print(
                    f"ccgraph: warning: the sources changed but do not build ({error}); "
                    f"answering from the previous store",
                    file=sys.stderr,
                )
        if current is None:
            raise InputError(f"{self.location}: no store built yet (run `ccgraph build`)")
        import pyoxigraph as ox

        self.path = current
        self._store = ox.Store.read_only(str(current))

    @classmethod
    def from_path(cls, path: Path) -> EmbeddedStore:
        """Open an existing store folder read-only, as it is (benchmarks, other tools)."""
        import pyoxigraph as ox

        store = cls.__new__(cls)
        store.location, store.path = path.parent, path
        store._store = ox.Store.read_only(str(path))
        return store

    def _query(self, query: str, dataset: GraphSet | None):
        import pyoxigraph as ox

        store = self._store
        options: dict[str, Any] = {}
        if dataset is not None:
            if len(dataset.default) > 1:
                # Oxigraph reads several default graphs as a union that repeats a triple
                # two of them state; their RDF merge is made in memory instead
                store = ox.Store()
                for name in dataset.default:
                    for quad in self._store.quads_for_pattern(None, None, None, _node(name)):
                        store.add(ox.Quad(quad.subject, quad.predicate, quad.object))
                for name in dataset.named:
                    store.extend(self._store.quads_for_pattern(None, None, None, _node(name)))
                default = [ox.DefaultGraph()]
            else:
                default = [_node(name) for name in dataset.default]
            options = {"default_graph": default,
                       "named_graphs": [_node(name) for name in dataset.named]}
        try:
            return store.query(query, **options)
        except SyntaxError as error:
            raise InputError(f"malformed query: {_first_line(error)}") from None
        except Exception as error:
            raise QueryError(f"query failed: {_first_line(error)}") from None

    def select(self, query: str, dataset: GraphSet | None = None) -> Answer:
        import pyoxigraph as ox

        result = self._query(query, dataset)
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("not a SELECT query")
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(_from_oxigraph(solution[v]) for v in variables) for solution in result)
        return Answer(variables, rows)

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        import pyoxigraph as ox

        result = self._query(query, dataset)
        if not isinstance(result, ox.QueryBoolean):
            raise InputError("not an ASK query")
        return bool(result)

    def construct(self, query: str, dataset: GraphSet | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as a graph."""
        import pyoxigraph as ox

        result = self._query(query, dataset)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("not a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for triple in result:
            graph.add(tuple(_from_oxigraph(t) for t in triple))  # type: ignore[arg-type]
        return graph

    def __len__(self) -> int:
        return len(self._store)


def current_store(location: Path) -> Path | None:
    """The store folder the pointer file names, if it exists."""
    try:
        name = (location / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = location / name
    return path if name.startswith("store-") and path.is_dir() else None


def build(location: Path | None = None, *, force: bool = False) -> Path:
    """Build the store aside from the sources, then switch the pointer to it atomically.

    Returns the folder of the store now current. Without `force`, a store already built
    from the same sources is reused.
    """
    import pyoxigraph as ox

    from .sources import load_dataset

    location = location or default_location()
    location.mkdir(parents=True, exist_ok=True)
    target = location / f"store-{fingerprint()}"
    if target.is_dir() and not force:
        _point_to(location, target)
        return target

    dataset = load_dataset()  # raises InputError before anything on disk changes
    aside = Path(tempfile.mkdtemp(prefix="building-", dir=location))
    try:
        store = ox.Store(str(aside))
        store.bulk_load(dataset.serialize(format="nquads").encode("utf-8"), ox.RdfFormat.N_QUADS)
        # The default graph holds the RDF merge of the named graphs (a set: Oxigraph's own
        # union default graph repeats a triple that two sources state).
        store.bulk_load(
            merged(dataset).serialize(format="nt").encode("utf-8"),
            ox.RdfFormat.N_TRIPLES,
            to_graph=ox.DefaultGraph(),
        )
        store.flush()
        store.optimize()
        del store
        if target.is_dir():  # forced rebuild of the same sources: move the old one away
            retired = Path(tempfile.mkdtemp(prefix="retired-", dir=location))
            os.replace(target, retired / target.name)
        os.replace(aside, target)
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        raise
    _point_to(location, target)
    _clean(location, keep={target.name})
    return target


def _point_to(location: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".pointer-", dir=location)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(target.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, location / POINTER)


def merged(dataset: Dataset):
    """The RDF merge of a dataset's named graphs, each triple once."""
    graph = ns.new_graph()
    for triple in dataset.triples((None, None, None)):
        graph.add(triple)
    return graph


def _clean(location: Path, keep: set[str]) -> None:
    """Remove stores no longer pointed to, and leftovers of builds that died (an hour old:
    a build running now in another process is left alone)."""
    import time

    for path in location.iterdir():
        if not path.is_dir() or path.name in keep:
            continue
        age = time.time() - path.stat().st_mtime
        stale_build = path.name.startswith("building-") and age > 3600
        if path.name.startswith(("store-", "retired-")) or stale_build:
            shutil.rmtree(path, ignore_errors=True)


BACKENDS = ("embedded", "memory", "an http(s) URL of a SPARQL endpoint")
STORE_CHOICE_ENV = "CCGRAPH_STORE"


def open_store(kind: str | None = None, location: Path | None = None) -> Store:
    """The store `kind` names: "embedded" (default), "memory", or the URL of a remote
    SPARQL endpoint; without a kind, $CCGRAPH_STORE, else embedded."""
    kind = kind or os.environ.get(STORE_CHOICE_ENV) or "embedded"
    if kind == "embedded":
        return EmbeddedStore(location)
    if kind == "memory":
        return MemoryStore()
    from .remote import RemoteStore, is_remote

    if is_remote(kind):
        return RemoteStore(kind)
    raise InputError(f"unknown store {kind!r} (allowed: {', '.join(BACKENDS)})")


__all__: Sequence[str] = [
    "Answer", "GraphSet", "Store", "EmbeddedStore", "MemoryStore", "build", "open_store",
]
