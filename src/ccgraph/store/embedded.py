"""`EmbeddedStore`: a persistent Oxigraph store, opened read-only (see
`ccgraph.store.builds` for how it is made and where it lives).

A reader reads the pointer, takes the shared lock of the store it names, checks that lock
file and folder are still the ones in place (else reads the pointer again), and keeps the
lock while it keeps the store open, so no builder removes a store from under it.

It answers in rdflib terms, or, made `native`, in pyoxigraph's own (`ccgraph.store.native`):
the light path of a saved query, on which no RDF library but pyoxigraph is imported.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .. import formats
from ..errors import CcgraphError, InputError, QueryError, StoreError
from .base import Answer, GraphSet, Output, Rows, Triple, checked_limit, first_line
from .builds import (
    STORE_ENV,
    build,
    built_from_sources,
    current_store,
    default_location,
    lock_file,
    pointed,
    reason,
    unreadable,
)

if TYPE_CHECKING:
    from rdflib import Graph

    from .base import TermKit

T = TypeVar("T")


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
                f"cannot open the store {path}: {reason(error)} (run `ccgraph build "
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


def _read_lock(folder: Path) -> int | None:
    """The shared lock of a store folder, held on an open descriptor; None if the folder,
    its lock file, or the lock file first opened are no longer in place."""
    path = lock_file(folder)
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise unreadable(folder, error) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a builder is removing this store
        held, now = os.fstat(fd), os.stat(path)
        if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino) and folder.is_dir():
            return fd
    except FileNotFoundError:
        pass
    except OSError as error:
        os.close(fd)
        raise unreadable(folder, error) from None
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return None


def _open(location: Path) -> _Opened:
    """Open, read-only and under its shared lock, the store the pointer names."""
    tried = None
    for _ in range(100):  # each miss means a build switched the pointer meanwhile
        name = pointed(location)
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


def _reopen(location: Path, path: Path | None) -> EmbeddedStore:
    """Unpickling: a new read-only handle in this process (never a build)."""
    if path is not None:
        return EmbeddedStore.from_path(path)
    return EmbeddedStore(location, auto_build=False)


class EmbeddedStore:
    """A persistent Oxigraph store, opened read-only; see `build()` for how it is made.

    Made from a location, it follows that location's pointer: `refresh()` switches to the
    store a later build put in place. Made with `from_path`, it stays on that folder.
    Pickling sends the location (or the folder), and unpickling opens a new handle.

    Its answers are in rdflib terms; made `native`, in pyoxigraph's own, which `terms`
    makes and reads (no rdflib is then imported)."""

    binding = "constants"
    native = False

    def __init__(self, location: Path | None = None, *, auto_build: bool = True,
                 native: bool = False):
        self.location = location or default_location()
        self.native = native
        self._follow = True
        self._guard = threading.Lock()
        current = current_store(self.location)
        if auto_build and not built_from_sources(current):
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
        if lock_file(path).exists():
            lock = _read_lock(path)
            if lock is None:
                raise StoreError(f"the store {path} was removed (run `ccgraph build`)")
        store._opened = _Opened(path, lock)
        return store

    def __reduce__(self):
        return (_reopen, (self.location, None if self._follow else self._path))

    @property
    def terms(self) -> TermKit:
        """How terms are made and read for this store's answers (`store.base.TermKit`)."""
        if self.native:
            from . import native as kind
        else:
            from . import terms as kind  # type: ignore[no-redef]
        return kind.TERMS

    @property
    def path(self) -> Path:
        """The store folder open now."""
        return self._path

    def generation(self) -> str:
        """The name of the store folder the pointer names now (it is not opened)."""
        if not self._follow:
            return self._path.name
        name = pointed(self.location)
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
        text = first_line(error)
        if text.startswith(("IO error", "Corruption")):
            return StoreError(f"cannot read the store {path}: {text} (run `ccgraph build "
                              "--force`)")
        return QueryError(f"query failed: {text}")

    @contextmanager
    def _reading(self) -> Iterator[_Opened]:
        opened = self._handle()
        try:
            yield opened
        except (SyntaxError, CcgraphError):
            raise
        except Exception as error:
            raise self._failure(error, opened.path) from None

    def _lazily(self, opened: _Opened, items: Iterable[Any],
                convert: Callable[[Any], T]) -> Iterator[T]:
        """`items` converted one by one as they are asked for, the engine's errors turned
        into ccgraph's; holding `opened` (and its reader lock) until the last one."""
        try:
            for item in items:
                yield convert(item)
        except (SyntaxError, CcgraphError):
            raise
        except Exception as error:
            raise self._failure(error, opened.path) from None

    def _query(self, store, query: str, dataset: GraphSet | None):
        import pyoxigraph as ox

        options: dict[str, Any] = {}
        if dataset is not None:
            from .terms import to_oxigraph

            if len(dataset.default) > 1:
                # Oxigraph reads several default graphs as a union that repeats a triple
                # two of them state; their RDF merge is made in memory instead
                merge = ox.Store()
                for name in dataset.default:
                    for quad in store.quads_for_pattern(None, None, None, to_oxigraph(name)):
                        merge.add(ox.Quad(quad.subject, quad.predicate, quad.object))
                for name in dataset.named:
                    merge.extend(store.quads_for_pattern(None, None, None, to_oxigraph(name)))
                store, default = merge, [ox.DefaultGraph()]
            else:
                default = [to_oxigraph(name) for name in dataset.default]
            options = {"default_graph": default,
                       "named_graphs": [to_oxigraph(name) for name in dataset.named]}
        try:
            return store.query(query, **options)
        except SyntaxError as error:
            raise InputError(f"malformed query: {first_line(error)}") from None

    def rows(self, query: str, dataset: GraphSet | None = None) -> Rows:
        """A SELECT answer, row by row as Oxigraph works them out."""
        import pyoxigraph as ox

        with self._reading() as opened:
            result = self._query(opened.store, query, dataset)
            if not isinstance(result, ox.QuerySolutions):
                raise InputError("not a SELECT query")
            variables = tuple(v.value for v in result.variables)
        if self.native:
            return Rows(variables, self._lazily(opened, result, tuple))
        from .terms import from_oxigraph

        return Rows(variables, self._lazily(
            opened, result, lambda solution: tuple(map(from_oxigraph, solution))))

    def triples(self, query: str, dataset: GraphSet | None = None) -> Iterator[Triple]:
        """A CONSTRUCT or DESCRIBE answer, triple by triple as Oxigraph works them out."""
        import pyoxigraph as ox

        with self._reading() as opened:
            result = self._query(opened.store, query, dataset)
            if not isinstance(result, ox.QueryTriples):
                raise InputError("not a CONSTRUCT or DESCRIBE query")
        if self.native:
            return self._lazily(opened, result, tuple)
        from .terms import from_oxigraph

        return self._lazily(opened, result, lambda triple: cast(
            Triple, tuple(map(from_oxigraph, triple))))  # never None in a triple

    def serialize(self, query: str, fmt: str, output: Output,
                  dataset: GraphSet | None = None, *,
                  columns: tuple[str, ...] | None = None) -> None:
        """The answer to a SELECT, CONSTRUCT or DESCRIBE `query`, written to `output` in
        format `fmt` (a name of `ccgraph.formats`: a SPARQL results format for a SELECT, an
        RDF one for a graph, Turtle with the project's prefixes) by Oxigraph's own writers,
        as the engine works the answer out: nothing is held. InputError for a format that is
        not one of the query's answers; with `columns`, QueryError, before anything is
        written, for a SELECT answer whose variables are not those."""
        import pyoxigraph as ox

        media = formats.get(fmt).media
        with self._reading() as opened:
            result = self._query(opened.store, query, dataset)
            if isinstance(result, ox.QuerySolutions):
                rows = ox.QueryResultsFormat.from_media_type(media)
                if rows is None:
                    raise InputError(f"a SELECT answer cannot be written as {fmt}")
                variables = tuple(v.value for v in result.variables)
                if columns is not None and variables != columns:
                    raise QueryError(f"the query answered {variables}, not {columns}")
                result.serialize(output, rows)  # type: ignore[arg-type]  # needs only `write`
            elif isinstance(result, ox.QueryTriples):
                graph = ox.RdfFormat.from_media_type(media)
                if graph is None:
                    raise InputError(f"a graph cannot be written as {fmt}")
                from .. import namespaces as ns

                prefixes = {name: str(iri) for name, iri in ns.PREFIXES.items()}
                ox.serialize(result, output, graph,  # type: ignore[arg-type]
                             prefixes=prefixes)
            else:
                raise InputError("an ASK answer has no rows or triples to write")

    def select(self, query: str, dataset: GraphSet | None = None, *,
               limit: int | None = None) -> Answer:
        limit = checked_limit(limit)
        answer = self.rows(query, dataset)
        return Answer(answer.variables, tuple(islice(answer, limit)))  # only `limit` are read

    def ask(self, query: str, dataset: GraphSet | None = None) -> bool:
        import pyoxigraph as ox

        with self._reading() as opened:
            result = self._query(opened.store, query, dataset)
            if not isinstance(result, ox.QueryBoolean):
                raise InputError("not an ASK query")
            return bool(result)

    def construct(self, query: str, dataset: GraphSet | None = None, *,
                  limit: int | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer, as an rdflib graph."""
        from rdflib import Graph

        limit = checked_limit(limit)
        graph = Graph()
        for triple in islice(self.triples(query, dataset), limit):
            graph.add(self.terms.to_rdflib(triple) if self.native else triple)
        return graph

    def __len__(self) -> int:
        with self._reading() as opened:
            return len(opened.store)
