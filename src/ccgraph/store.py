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

The data directory, shared by every process of the user (all locks are `flock`s, so a
killed process holds none):

    build.lock                   exclusive while a build runs: one builder at a time
    current                      the pointer: the name of the store to open
    store-<fingerprint>-<id>/    a store, never changed once built; the id is new each build
    store-<fingerprint>-<id>.lock   shared by every process that has that store open
    building-<random>/           a build under way (or one that was killed)

A reader reads the pointer, takes the shared lock of the store it names, checks that lock
file and folder are still the ones in place (else reads the pointer again), and keeps the
lock while it keeps the store open. A builder, under the build lock, writes the store
aside, renames it into place, switches the pointer, then removes every other store whose
lock it can take exclusively without waiting (one still open stays for a later build),
along with whatever killed builds left.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from . import __version__
from . import namespaces as ns
from .errors import CcgraphError, InputError, QueryError, StoreError

Row = tuple[Identifier | None, ...]
STORE_ENV = "CCGRAPH_DATA_DIR"
POINTER = "current"
BUILD_LOCK = "build.lock"
STORE_NAME = re.compile(r"store-(?P<fingerprint>[\w.-]+)-(?P<id>[0-9a-f]{8})")


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

    # `limit`: at most that many rows (triples) are read from the engine; None = all
    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer: ...

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool: ...

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph: ...

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


def _checked(limit: int | None) -> int | None:
    if limit is not None and limit < 0:
        raise InputError(f"a limit must be 0 or more, not {limit}")
    return limit


# --- memory -------------------------------------------------------------------------


class MemoryStore:
    """rdflib in memory; the default graph is the union of the named graphs.

    Pickled as its dataset in N-Quads (serialized once, then reused), so a worker process
    gets its own copy."""

    binding = "constants"

    def __init__(self, dataset: Dataset | None = None):
        if dataset is None:
            from .sources import load_dataset

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

    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer:
        limit = _checked(limit)
        result = self._run(query, dataset)
        if result.type != "SELECT":
            raise InputError("not a SELECT query")
        variables = tuple(str(v) for v in result.vars)
        try:  # rdflib yields the rows as it finds them: only `limit` are worked out
            rows = tuple(tuple(row) for row in islice(result, limit))
        except Exception as error:
            raise QueryError(f"query failed: {_first_line(error)}") from None
        return Answer(variables, rows)  # type: ignore[arg-type]

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        result = self._run(query, dataset)
        if result.type != "ASK":
            raise InputError("not an ASK query")
        return bool(result.askAnswer)

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as a graph."""
        limit = _checked(limit)
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


def _memory_from_nquads(data: bytes) -> MemoryStore:
    """Unpickling: the same named graphs in a new dataset (default graph = their union)."""
    dataset = ns.new_dataset()
    dataset.parse(data=data, format="nquads")
    store = MemoryStore(dataset)
    store._nquads = data
    return store


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


class _Opened:
    """One store folder held open: the pyoxigraph handle, and the shared lock that keeps a
    builder from removing the folder. Both go when it is closed or no longer referenced
    (a query under way holds a reference, so a refresh never pulls a store from under it)."""

    def __init__(self, path: Path, lock: int | None):
        import pyoxigraph as ox

        self.path, self.lock = path, lock
        try:
            self.store: Any = ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:  # RocksDB: IO error, Corruption
            self.close()
            raise StoreError(
                f"cannot open the store {path}: {_reason(error)} (run `ccgraph build "
                f"--force`, or choose another folder with --data-dir or {STORE_ENV})"
            ) from None

    def close(self) -> None:
        self.store = None
        lock, self.lock = self.lock, None
        if lock is not None:
            os.close(lock)

    def __del__(self) -> None:
        with suppress(Exception):
            self.close()


def _lock_file(folder: Path) -> Path:
    return folder.with_name(folder.name + ".lock")


def _read_lock(folder: Path) -> int | None:
    """The shared lock of a store folder, held on an open descriptor; None if the folder,
    its lock file, or the lock file first opened are no longer in place."""
    path = _lock_file(folder)
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise _unreadable(folder, error) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a builder is removing this store
        held, now = os.fstat(fd), os.stat(path)
        if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino) and folder.is_dir():
            return fd
    except FileNotFoundError:
        pass
    except OSError as error:
        os.close(fd)
        raise _unreadable(folder, error) from None
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return None


def _unreadable(where: Path, error: OSError) -> StoreError:
    return StoreError(f"cannot read the store in {where}: {_reason(error)} "
                      f"(choose another folder with --data-dir or {STORE_ENV})")


def _pointed(location: Path) -> str | None:
    """The store name the pointer file holds, if there is a well-formed one."""
    try:
        name = (location / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise _unreadable(location, error) from None
    return name if STORE_NAME.fullmatch(name) else None


def _open(location: Path) -> _Opened:
    """Open, read-only and under its shared lock, the store the pointer names."""
    tried = None
    for _ in range(100):  # each miss means a build switched the pointer meanwhile
        name = _pointed(location)
        if name is None:
            raise InputError(f"{location}: no store built yet (run `ccgraph build`)")
        folder = location / name
        lock = _read_lock(folder)
        if lock is not None:
            return _Opened(folder, lock)
        if name == tried:  # the pointer names a store that is not there
            raise StoreError(f"the store {folder} is missing (run `ccgraph build`)")
        tried = name
    raise StoreError(f"{location}: the store keeps changing; try again")


def _built_from_sources(path: Path | None) -> bool:
    match = STORE_NAME.fullmatch(path.name) if path is not None else None
    return match is not None and match["fingerprint"] == fingerprint()


def _reopen(location: Path, path: Path | None) -> EmbeddedStore:
    """Unpickling: a new read-only handle in this process (never a build)."""
    if path is not None:
        return EmbeddedStore.from_path(path)
    return EmbeddedStore(location, auto_build=False)


class EmbeddedStore:
    """A persistent Oxigraph store, opened read-only; see `build()` for how it is made.

    Made from a location, it follows that location's pointer: `refresh()` switches to the
    store a later build put in place. Made with `from_path`, it stays on that folder.
    Pickling sends the location (or the folder), and unpickling opens a new handle."""

    binding = "constants"

    def __init__(self, location: Path | None = None, *, auto_build: bool = True):
        self.location = location or default_location()
        self._follow = True
        self._guard = threading.Lock()
        current = current_store(self.location)
        if auto_build and not _built_from_sources(current):
            try:
                build(self.location)  # waits for a build under way, then reuses its store
            except CcgraphError as error:
                if current is None:
                    raise
                print(
                    f"ccgraph: warning: the sources changed but the store is not rebuilt "
                    f"({error}); answering from the previous store",
                    file=sys.stderr,
                )
        self._opened: _Opened | None = _open(self.location)
        self._path = self._opened.path

    @classmethod
    def from_path(cls, path: Path) -> EmbeddedStore:
        """Open an existing store folder read-only, as it is (benchmarks, other tools).
        It holds the folder's reader lock if it has one; `refresh()` does nothing."""
        store = cls.__new__(cls)
        store.location, store._path = path.parent, path
        store._follow, store._guard = False, threading.Lock()
        lock = None
        if _lock_file(path).exists():
            lock = _read_lock(path)
            if lock is None:
                raise StoreError(f"the store {path} was removed (run `ccgraph build`)")
        store._opened = _Opened(path, lock)
        return store

    def __reduce__(self):
        return (_reopen, (self.location, None if self._follow else self._path))

    @property
    def path(self) -> Path:
        """The store folder open now."""
        return self._path

    def generation(self) -> str:
        """The name of the store folder the pointer names now (it is not opened)."""
        if not self._follow:
            return self._path.name
        name = _pointed(self.location)
        if name is None:
            raise StoreError(f"no store in {self.location} any more (run `ccgraph build`)")
        return name

    def refresh(self) -> bool:
        """Switch to the store the pointer names now, if a build put another one in place;
        whether it changed. Costs a small file read and a stat when nothing changed."""
        if not self._follow:
            return False
        with self._guard:
            name = self.generation()
            if name == self._path.name and self._opened is not None:
                if not self._path.is_dir():
                    raise StoreError(
                        f"the store {self._path} was removed while in use (run `ccgraph build`)"
                    )
                return False
            try:
                opened = _open(self.location)
            except InputError:
                raise StoreError(
                    f"no store in {self.location} any more (run `ccgraph build`)"
                ) from None
            changed = opened.path != self._path
            self._opened, self._path = opened, opened.path  # the old one goes when unused
            return changed

    def close(self) -> None:
        """Drop the pyoxigraph handle and the reader lock (a later build may remove it)."""
        with self._guard:
            opened, self._opened = self._opened, None
        if opened is not None:
            opened.close()

    def _handle(self) -> _Opened:
        opened = self._opened
        if opened is None or opened.store is None:
            raise StoreError(f"the store {self._path} is closed")
        return opened

    def _failure(self, error: Exception, path: Path) -> CcgraphError:
        """A storage fault is the environment's (exit 2); anything else, the query's."""
        if not path.is_dir():
            return StoreError(f"the store {path} was removed while in use "
                              "(run the command again, or `ccgraph build`)")
        text = _first_line(error)
        if text.startswith(("IO error", "Corruption")):
            return StoreError(f"cannot read the store {path}: {text} (run `ccgraph build "
                              "--force`)")
        return QueryError(f"query failed: {text}")

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        opened = self._handle()
        try:
            yield opened.store
        except (SyntaxError, CcgraphError):
            raise
        except Exception as error:
            raise self._failure(error, opened.path) from None

    def _query(self, store, query: str, dataset: GraphSet | None):
        import pyoxigraph as ox

        options: dict[str, Any] = {}
        if dataset is not None:
            if len(dataset.default) > 1:
                # Oxigraph reads several default graphs as a union that repeats a triple
                # two of them state; their RDF merge is made in memory instead
                merge = ox.Store()
                for name in dataset.default:
                    for quad in store.quads_for_pattern(None, None, None, _node(name)):
                        merge.add(ox.Quad(quad.subject, quad.predicate, quad.object))
                for name in dataset.named:
                    merge.extend(store.quads_for_pattern(None, None, None, _node(name)))
                store, default = merge, [ox.DefaultGraph()]
            else:
                default = [_node(name) for name in dataset.default]
            options = {"default_graph": default,
                       "named_graphs": [_node(name) for name in dataset.named]}
        try:
            return store.query(query, **options)
        except SyntaxError as error:
            raise InputError(f"malformed query: {_first_line(error)}") from None

    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer:
        import pyoxigraph as ox

        limit = _checked(limit)
        with self._reading() as store:
            result = self._query(store, query, dataset)
            if not isinstance(result, ox.QuerySolutions):
                raise InputError("not a SELECT query")
            variables = tuple(v.value for v in result.variables)
            rows = tuple(tuple(_from_oxigraph(solution[v]) for v in variables)
                         for solution in islice(result, limit))  # lazy: only `limit` are read
        return Answer(variables, rows)

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        import pyoxigraph as ox

        with self._reading() as store:
            result = self._query(store, query, dataset)
            if not isinstance(result, ox.QueryBoolean):
                raise InputError("not an ASK query")
            return bool(result)

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as a graph."""
        import pyoxigraph as ox

        limit = _checked(limit)
        graph = Graph()
        with self._reading() as store:
            result = self._query(store, query, dataset)
            if not isinstance(result, ox.QueryTriples):
                raise InputError("not a CONSTRUCT or DESCRIBE query")
            for triple in islice(result, limit):
                graph.add(tuple(_from_oxigraph(t) for t in triple))  # type: ignore[arg-type]
        return graph

    def __len__(self) -> int:
        with self._reading() as store:
            return len(store)


def current_store(location: Path) -> Path | None:
    """The store folder the pointer names, if it is in place (folder and reader lock)."""
    name = _pointed(location)
    if name is None:
        return None
    path = location / name
    return path if path.is_dir() and _lock_file(path).is_file() else None


# --- building -----------------------------------------------------------------------


def _reason(error: Exception) -> str:
    code = getattr(error, "errno", None)
    if code:
        return os.strerror(code)
    return _first_line(error).rsplit(": ", 1)[-1]  # RocksDB: "IO error: While ...: reason"


def _unwritable(location: Path, error: OSError) -> StoreError:
    reason = _reason(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT) or reason in (
        os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT)
    ):
        advice = "free some space, or choose another folder"
    else:
        advice = "choose a writable folder"
    return StoreError(f"cannot write the store in {location}: {reason} "
                      f"({advice} with --data-dir or {STORE_ENV})")


@contextmanager
def _build_lock(location: Path) -> Iterator[None]:
    """Held by one builder at a time; the others wait here."""
    try:
        location.mkdir(parents=True, exist_ok=True)
        fd = os.open(location / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        try:  # a read-only folder can still say its store is current
            fd = os.open(location / BUILD_LOCK, os.O_RDONLY)
        except OSError:
            raise _unwritable(location, error) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def build(location: Path | None = None, *, force: bool = False) -> Path:
    """Build the store aside from the sources, then switch the pointer to it atomically.

    Returns the folder of the store now current. Without `force`, a store already built
    from the same sources is kept as it is. One build runs at a time; a second waits for
    the first, then finds its store. Whatever builds that were killed left is removed.
    """
    location = location or default_location()
    with _build_lock(location):
        _clean(location, keep={_pointed(location) or ""})
        current = current_store(location)
        if not force and _built_from_sources(current):
            assert current is not None
            return current

        from .sources import load_dataset

        name = f"store-{fingerprint()}"  # before loading: if a source changes meanwhile,
        dataset = load_dataset()  # the next check rebuilds; InputError changes nothing
        try:
            target = _write(location, name, dataset)
            _point_to(location, target)
        except OSError as error:
            raise _unwritable(location, error) from None
        _clean(location, keep={target.name})
        return target


def _write(location: Path, name: str, dataset: Dataset) -> Path:
    """The dataset as a complete store folder in place, with its reader lock file; not yet
    pointed to."""
    import pyoxigraph as ox

    aside = Path(tempfile.mkdtemp(prefix="building-", dir=location))
    target = None
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
        target = location / f"{name}-{secrets.token_hex(4)}"
        while target.exists() or _lock_file(target).exists():
            target = location / f"{name}-{secrets.token_hex(4)}"
        _lock_file(target).touch(exist_ok=False)  # the lock file is there before the store
        os.rename(aside, target)
        return target
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        if target is not None and not target.exists():
            with suppress(OSError):
                _lock_file(target).unlink()
        raise


def _point_to(location: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".pointer-", dir=location)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(target.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, location / POINTER)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def merged(dataset: Dataset):
    """The RDF merge of a dataset's named graphs, each triple once."""
    graph = ns.new_graph()
    for triple in dataset.triples((None, None, None)):
        graph.add(triple)
    return graph


def _clean(location: Path, keep: set[str]) -> None:
    """Under the build lock: remove the stores not in `keep` that no process has open, and
    what killed builds left (their folders, pointer drafts, lock files of no store).
    Best effort: what cannot be removed now is left for a later build."""
    try:
        paths = sorted(location.iterdir())
    except OSError:
        return
    for path in paths:
        name = path.name
        store = location / name.removesuffix(".lock")
        with suppress(OSError):
            if store.name in keep:
                continue
            if name.startswith(("building-", "retired-")):  # retired-: an earlier layout
                shutil.rmtree(path)
            elif name.startswith(".pointer-"):
                path.unlink()
            elif name.startswith("store-") and (path == store or not store.exists()):
                _remove_store(store)  # a store, or the lock file of a store that is gone


def _remove_store(folder: Path) -> None:
    """Remove a store folder and its lock file, unless a reader holds the lock."""
    lock = _lock_file(folder)
    try:
        fd: int | None = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        fd = None  # no reader opens a store without its lock file
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # open somewhere: a later build removes it
        shutil.rmtree(folder, ignore_errors=True)
        if fd is not None and not folder.exists():
            lock.unlink()  # last, so a folder is never left without its lock file
    finally:
        if fd is not None:
            os.close(fd)


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
