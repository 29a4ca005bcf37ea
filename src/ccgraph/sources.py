"""Where the RDF sources are (ontology, shapes, data, queries) and how they are loaded.

`load_dataset()` gives one named graph per data file (graph:{file stem}) plus the
ontology in graph:ontology. Turtle files are parsed as they are; CSV tables are mapped
by `ccgraph.tables`. Every error names the file and, where known, the line.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV

from . import namespaces as ns
from . import tables
from .errors import InputError
from .namespaces import CCN

ROOT = Path(os.environ.get("CCGRAPH_HOME") or Path(__file__).resolve().parents[2])
ONTOLOGY_FILE = ROOT / "ontology" / "ccn.ttl"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"

ONTOLOGY_GRAPH = ns.graph_name("ontology")
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".trig": "trig"}

# rdflib logs a traceback for every ill-typed literal; ccgraph reports those itself.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The data files that make the graph, in a stable order."""
    files = [
        path
        for path in sorted(data_dir.iterdir())
        if path.suffix == ".ttl" or (path.suffix == ".csv" and path.stem in tables.MAPPERS)
    ]
    if not files:
        raise InputError(f"{data_dir}: no data files (*.ttl, or one of the known *.csv tables)")
    return files


def parse_file(path: Path, into: Graph | None = None) -> Graph:
    """Parse one RDF file; a syntax error becomes InputError with file and line."""
    graph = into if into is not None else ns.new_graph()
    fmt = RDF_SUFFIXES.get(path.suffix)
    if fmt is None:
        raise InputError.at(
            path, None, f"unsupported file type {path.suffix!r} (use .ttl, .nt or .trig)"
        )
    try:
        graph.parse(path, format=fmt)
    except FileNotFoundError:
        raise InputError.at(path, None, "no such file") from None
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        raise InputError.at(path, _line_of(error), _reason(error)) from None
    return graph


def _line_of(error: Exception) -> int | None:
    lines = getattr(error, "lines", None)  # notation3.BadSyntax: 0-based line
    if isinstance(lines, int):
        return lines + 1
    line = getattr(error, "line", None)
    return line if isinstance(line, int) else None


def _reason(error: Exception) -> str:
    message = getattr(error, "_why", None) or str(error) or type(error).__name__
    return f"bad syntax: {str(message).splitlines()[0]}"


def load_file(path: Path) -> Graph:
    """One data file as the triples of its named graph."""
    if path.suffix == ".csv":
        mapper = tables.MAPPERS.get(path.stem)
        if mapper is None:
            raise InputError.at(path, None, f"unknown table (known: {', '.join(tables.MAPPERS)})")
        try:
            return mapper(path)
        except OSError as error:
            raise InputError.at(path, None, error.strerror or str(error)) from None
    return parse_file(path)


def load_ontology() -> Graph:
    return parse_file(ONTOLOGY_FILE)


def load_dataset(paths: Iterable[Path] | None = None, *, include_ontology: bool = True) -> Dataset:
    """Every data file as its own named graph (graph:{stem}); the ontology in graph:ontology.

    The dataset's default graph is the union of the named graphs.
    """
    dataset = ns.new_dataset()
    for path in paths if paths is not None else data_files():
        _add_graph(dataset, ns.graph_name(path.stem), load_file(path))
    if include_ontology:
        _add_graph(dataset, ONTOLOGY_GRAPH, load_ontology())
    derive_attestations(dataset)
    return rebase(dataset, ns.base())


def graph_names() -> list[URIRef]:
    """The names of the graphs `load_dataset()` makes, at the configured base."""
    stems = [path.stem for path in data_files()] + ["ontology"]
    return [URIRef(ns.base() + ns.graph_name(stem)[len(ns.DEFAULT_BASE):]) for stem in stems]


def _add_graph(dataset: Dataset, name: URIRef, graph: Graph) -> None:
    target = dataset.graph(name)
    for triple in graph:
        target.add(triple)


def derive_attestations(dataset: Dataset) -> None:
    """A membership with no known start is attested on its sources' reference dates.

    The triple goes into the graph of the source's statement, so it keeps its provenance.
    """
    query = """
        SELECT DISTINCT ?g ?m ?date WHERE {
          GRAPH ?g { ?m a ccn:Membership ; prov:wasDerivedFrom ?source }
          ?source ccn:referenceDate ?date .
          FILTER NOT EXISTS { ?m ccn:startDate ?start }
        }"""
    rows = list(dataset.query(query, initNs={"ccn": ns.PREFIXES["ccn"], "prov": PROV}))
    for graph_name, membership, date in rows:  # type: ignore[misc]
        dataset.graph(graph_name).add((membership, CCN.attestedOn, date))  # type: ignore[arg-type]


def rebase(dataset: Dataset, base: str) -> Dataset:
    """Rewrite resource and graph IRIs (id:, graph:) from the shipped base to `base`.

    Ontology terms (ccn:) are vocabulary, not resources: they never move.
    """
    if base == ns.DEFAULT_BASE:
        return dataset
    movable = (str(ns.ID), str(ns.GRAPH))

    def move(term):
        if isinstance(term, URIRef) and str(term).startswith(movable):
            return URIRef(base + term[len(ns.DEFAULT_BASE) :])
        return term

    moved = ns.new_dataset()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        moved.add((move(s), move(p), move(o), moved.graph(move(g))))
    return moved


def digest(paths: Iterable[Path]) -> str:
    """A content hash of the given files (with their names), for rebuild-on-change."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()
