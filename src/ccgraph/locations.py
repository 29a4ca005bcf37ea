"""Where in the source files a validation result comes from: file, line, and for a table
the row and column.

    locator = Locator([Path("data/uccn_members.csv"), Path("data/seed-003.ttl")])
    locator.locate(focus, path, value)   # Location("data/uccn_members.csv", 275, ...)

Nothing is kept by the build: the files are read again, at validation time, only when a
validation has results (the shipped data in about a second), so `ccgraph build` pays
nothing for it.

- RDF text files: `ccgraph.statements` finds the line where each statement is written.
- CSV tables: the table's mapper runs again while this module watches it, as a debugger
  would (`sys.setprofile`, this thread only, for that run): each triple the mapper adds
  to its graph is attributed to the row it last read a cell of (`tables.READS`), and to
  the column whose cell the triple's object was made from: the cell equal to the object,
  or whose slug ends its IRI, or that holds it; for a literal made some other way, the
  cell read last before it was added; none for an IRI the mapping puts in every row (a
  class, the network). The mappers stay as they are.

A result is located, in this order, at: the statement focus-path-value (the value where
it is written); the first statement of the focus with that path (a value the build
derived), or its last one for too many values (the value added last); the focus node's
first statement (a missing value); a statement naming the focus as its object. Files
are tried in the order given. Terms are looked up as the validated data holds them and,
under CCGRAPH_BASE, as the files write them (at the shipped base), so rebasing keeps
locations.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from . import formats, histories, tables
from . import namespaces as ns
from .statements import positions

MAPPERS = {**tables.MAPPERS, **histories.MAPPERS}  # as ccgraph.sources reads the tables
FORMATS = {f".{extension}": fmt.rdflib for fmt in formats.REGISTRY if fmt.rdflib
           for extension in fmt.extensions}


@dataclass(frozen=True)
class Location:
    """A place in a source file: lines from 1; for a table also the column's name and
    the row's number (the header not counted)."""

    file: str
    line: int | None = None
    column: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: column {self.column}" if self.column else where

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "row": self.row, "column": self.column}


def shown(path: Path) -> str:
    """A path as a person gave it; an absolute one below the current folder made relative
    to it (the shipped data shows as data/…, as CI systems want it)."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


@dataclass
class _Index:
    triples: dict[tuple[Node, Node, Node], Location]
    pairs: dict[tuple[Node, Node], Location]
    last_pairs: dict[tuple[Node, Node], Location]  # where the last value is written
    links: dict[tuple[Node, Node], Location]  # (subject, object) -> where
    subjects: dict[Node, Location]
    objects: dict[Node, Location]

    @classmethod
    def empty(cls) -> _Index:
        return cls({}, {}, {}, {}, {}, {})

    def add(self, s: Node, p: Node, o: Node | None, at: Location, at_o: Location) -> None:
        self.subjects.setdefault(s, at)
        self.pairs.setdefault((s, p), at)
        self.last_pairs[(s, p)] = at_o
        if o is not None:
            self.triples.setdefault((s, p, o), at_o)
            self.links.setdefault((s, o), at_o)
            self.objects.setdefault(o, at_o)


class Locator:
    """Locates results in the given files (read when first needed). With `wanted`, the
    nodes to be located, a table is watched only if it makes one of them: if its graph in
    `data` (graph:{stem}, as ccgraph.sources loads a table) holds one, else if its mapping
    does."""

    def __init__(self, files: Iterable[Path], wanted: Iterable[Node] | None = None,
                 data: Dataset | None = None) -> None:
        self.files = list(files)
        self.wanted = None if wanted is None else {f for n in wanted for f in _forms(n)}
        self.data = data
        self._indexes: list[_Index] | None = None

    @property
    def indexes(self) -> list[_Index]:
        if self._indexes is None:
            self._indexes = [_index(path, self.needed, self.wanted) for path in self.files]
        return self._indexes

    def needed(self, path: Path, mapper: Callable[[Path], Graph]) -> bool:
        """Whether the table at `path` makes one of the wanted nodes."""
        if self.wanted is None:
            return True
        if self.data is not None:
            name = ns.graph_name(path.stem)
            graph = Graph(store=self.data.store,  # a view: the dataset is not changed
                          identifier=URIRef(ns.base() + name[len(ns.DEFAULT_BASE):]))
            if len(graph):
                return _holds(graph, self.wanted)
        return _holds(mapper(path), self.wanted)

    def locate(self, focus: Node, path: Node | None, value: Node | None, *,
               last: bool = False) -> Location | None:
        """Where the statement focus-path-value is written (see the module's docstring);
        `last`: for a path with too many values, where its last value is written."""
        focuses = _forms(focus)
        values = _forms(value) if value is not None else []
        if not any(isinstance(f, URIRef) for f in focuses):
            return None
        for index in self.indexes:
            for f in focuses:
                for v in values:
                    found = (index.triples.get((f, path, v)) if path is not None
                             else index.links.get((f, v)))
                    if found:
                        return found
        pairs = "last_pairs" if last else "pairs"
        steps: list[Callable[[_Index, Node], Location | None]] = [
            lambda index, f: getattr(index, pairs).get((f, path)) if path is not None else None,
            lambda index, f: index.subjects.get(f),
            lambda index, f: index.objects.get(f),
        ]
        for step in steps:
            for index in self.indexes:
                for f in focuses:
                    found = step(index, f)
                    if found:
                        return found
        return None


def _forms(term: Node) -> list[Node]:
    """The term, and the term as the shipped files write it (CCGRAPH_BASE undone)."""
    base = ns.base()
    if base == ns.DEFAULT_BASE or not isinstance(term, URIRef):
        return [term]
    if str(term).startswith((base + "id/", base + "graph/")):
        return [term, URIRef(ns.DEFAULT_BASE + term[len(base):])]
    return [term]


def _index(path: Path, needed: Callable[[Path, Callable[[Path], Graph]], bool],
           wanted: set[Node] | None = None) -> _Index:
    index = _Index.empty()
    name = shown(path)
    if path.suffix == ".csv":
        mapper = MAPPERS.get(path.stem)
        if mapper is not None and needed(path, mapper):
            for (s, p, o), row, column in traced(mapper, path):
                at = Location(name, row.line, column, row.number) if row else Location(name)
                index.add(s, p, o, at, at)
        return index
    fmt = FORMATS.get(path.suffix.lower())
    try:
        spots = positions(path, fmt, wanted=wanted) if fmt else None
    except (OSError, UnicodeDecodeError, ValueError):
        spots = None
    if spots is None:
        return index
    for s, line in spots.subjects.items():
        index.subjects.setdefault(s, Location(name, line))
    for (s, p), line in spots.pairs.items():
        index.pairs.setdefault((s, p), Location(name, line))
    for (s, p, o), line in spots.triples.items():
        index.triples.setdefault((s, p, o), Location(name, line))
        known = index.last_pairs.get((s, p))
        if known is None or (known.line or 0) < line:
            index.last_pairs[(s, p)] = Location(name, line)
        index.links.setdefault((s, o), Location(name, line))
    for o, line in spots.objects.items():
        index.objects.setdefault(o, Location(name, line))
    return index


def _holds(graph: Graph, nodes: set[Node]) -> bool:
    return any((n, None, None) in graph or (None, None, n) in graph for n in nodes)


Made = tuple[tuple[Node, Node, Node], "tables.Row | None", "str | None"]


def traced(mapper: Callable[[Path], Graph], path: Path) -> list[Made]:
    """The triples `mapper` makes of the table at `path`, in the order it adds them, each
    with the row and the column it came from."""
    reads: list[tuple[tables.Row, str]] = []
    added: list[tuple[Graph, tuple, list[tuple[tables.Row, str]]]] = []
    add = Graph.add.__code__
    seen = 0

    def watch(frame, event, _arg):  # noqa: ANN001 (sys.setprofile's signature)
        nonlocal seen
        if event == "call" and frame.f_code is add:
            local = frame.f_locals
            added.append((local["self"], local["triple"], reads[max(0, seen - 1):]))
            seen = len(reads)

    token = tables.READS.set(reads)
    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        graph = mapper(path)
    finally:
        if previous is None or callable(previous):
            sys.setprofile(previous)
        else:  # a profiler written in C (cProfile): it installs itself again
            previous.enable()
        tables.READS.reset(token)
    made: list[Made] = []
    for target, triple, recent in added:
        if target is graph:
            row = recent[-1][0] if recent else None
            made.append((triple, row, _column(triple[2], row, recent)))
    return made


def _column(value: Node, row: tables.Row | None, recent: Sequence[tuple[tables.Row, str]]
            ) -> str | None:
    """The column of `row` that `value` was made from."""
    if row is None:
        return None
    cells = [(column, cell) for column, cell in dict.items(row) if cell]
    text = str(value)
    if isinstance(value, URIRef):
        segment = re.split(r"[/#]", text.rstrip("/"))[-1]
        for column, cell in cells:
            if cell == text or ns.slug(cell) == segment or cell == segment:
                return column
        return None  # a constant of the mapping (a class, the network): no cell made it
    for column, cell in cells:
        if cell == text:
            return column
    for column, cell in cells:
        if len(text) >= 3 and text in cell:
            return column
    mine = [column for r, column in recent if r is row]  # a literal computed from cells
    return mine[-1] if mine else None

