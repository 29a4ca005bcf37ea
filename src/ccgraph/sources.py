"""How the RDF sources (ontology, shapes, data, queries) are loaded; where they are is
`ccgraph.layout`'s (its names are given out here too).

`load_dataset()` gives one named graph per data file (graph:{file stem}) plus the
ontology in graph:ontology. RDF files are parsed as they are, in the format their suffix
tells (RDF_SUFFIXES), by `ccgraph.intake`, which treats every file as untrusted: checked
first, parsed with the network shut off, every error one line naming the file and, where
known, the line. CSV tables are mapped by `ccgraph.tables`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, RDF, NamespaceManager
from rdflib.term import IdentifiedNode

from . import bounds, columns, counts, formats, histories, intake, tables
from . import namespaces as ns
from .errors import InputError
from .layout import DATA_DIR, ONTOLOGY_FILE  # where the sources are: no RDF library there
from .layout import HOME_ENV as HOME_ENV
from .layout import QUERIES_DIR as QUERIES_DIR
from .layout import ROOT as ROOT
from .layout import SHAPES_DIR as SHAPES_DIR
from .layout import digest as digest
from .layout import home as home
from .namespaces import CCN

ONTOLOGY_GRAPH = ns.graph_name("ontology")
RDF_SUFFIXES = {  # file suffix -> rdflib format, from the registry of formats
    f".{extension}": fmt.rdflib
    for fmt in formats.REGISTRY if fmt.rdflib
    for extension in fmt.extensions
}
QUAD_FORMATS = {"nquads", "trig", "json-ld"}  # formats that can hold named graphs
MAPPERS = {**tables.MAPPERS, **histories.MAPPERS}  # CSV table (file stem) -> its mapper

# rdflib logs a traceback for every ill-typed literal; ccgraph reports those itself.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The data files that make the graph, in a stable order."""
    files = [
        path
        for path in sorted(data_dir.iterdir())
        if path.suffix == ".ttl" or (path.suffix == ".csv" and path.stem in MAPPERS)
    ]
    if not files:
        raise InputError(f"{data_dir}: no data files (*.ttl, or one of the known *.csv tables)")
    return files


def rdf_format(path: Path) -> str:
    """The rdflib format of an RDF file, told by its suffix (RDF_SUFFIXES)."""
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(RDF_SUFFIXES)
        raise InputError.at(path, None, f"unsupported file type {path.suffix!r} (use {known})")
    return fmt


def parse_file(path: Path, into: Graph | None = None) -> Graph:
    """Parse one RDF file into a graph; a syntax error becomes InputError with file and line.

    The named graphs of a quad format (TriG, N-Quads, JSON-LD) are merged into the graph
    with its default graph: no triple is dropped. `load_file` keeps them apart.
    """
    graph = into if into is not None else ns.new_graph()
    if rdf_format(path) in QUAD_FORMATS:
        parsed = parse_quads(path)
        for prefix, namespace in parsed.namespaces():
            graph.bind(prefix, namespace, override=False)
        graph.addN((s, p, o, graph) for s, p, o, _ in parsed.quads((None, None, None, None)))
    else:
        intake.parse(path, rdf_format(path), graph)
    return graph


def parse_quads(path: Path) -> Dataset:
    """Parse one RDF file of any format into a new Dataset: triples outside a named graph
    land in its default graph (DATASET_DEFAULT_GRAPH_ID), named graphs keep their names.
    Only the file's own prefixes are bound."""
    dataset = Dataset()
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    intake.parse(path, rdf_format(path), dataset)
    return dataset


def load_file(path: Path, into: Dataset | None = None) -> Dataset:
    """One data file's triples, added to `into` (default: a new dataset), which is returned.

    Its triples go to graph:{stem}, but a quad format's named graphs keep their own names
    (a TriG export stays one graph per source).
    """
    dataset = into if into is not None else ns.new_dataset()
    own = ns.graph_name(path.stem)
    if path.suffix != ".csv":
        _add_quads(dataset, parse_quads(path), default=own)
        return dataset
    mapper = MAPPERS.get(path.stem)
    if mapper is None:
        raise InputError.at(path, None, f"unknown table (known: {', '.join(MAPPERS)})")
    try:
        _add_graph(dataset, own, mapper(path))
    except OSError as error:
        raise InputError.at(path, None, error.strerror or str(error)) from None
    return dataset


def load_ontology() -> Graph:
    return parse_file(ONTOLOGY_FILE)


def load_dataset(paths: Iterable[Path] | None = None, *, include_ontology: bool = True) -> Dataset:
    """Every data file as its own named graph (graph:{stem}); the ontology in graph:ontology.

    The dataset's default graph is the union of the named graphs. See `completed` for what
    is added to the files' own triples.
    """
    files = load_files(paths if paths is not None else data_files())
    return complete(files, include_ontology)


def load_files(paths: Iterable[Path]) -> Dataset:
    """The triples of the given files and nothing else, each file's as `load_file` adds them.

    Every cell of the tables among them is checked first (`ccgraph.columns`): all the bad
    ones are reported at once, before any RDF is made."""
    paths = list(paths)
    columns.check(paths, DATA_DIR / "vocabulary.ttl")
    dataset = ns.new_dataset()
    for path in paths:
        load_file(path, into=dataset)
    return dataset


def completed(files: Dataset, *, include_ontology: bool = True) -> Dataset:
    """A copy of `files` (see load_files) with the ontology in graph:ontology and the derived
    attestations, rebased to the configured base: what `load_dataset` gives for them.

    The shipped ontology is always added, so the shapes see the class hierarchy they were
    written against, even when the files carry an ontology of their own. An export does:
    its IRI triples then coincide with the shipped ones, its blank-node axioms (unions,
    disjointness) appear twice, which no shape reads. Attestations an export already holds
    are derived again: the same triples in the same graphs.
    """
    copy = ns.new_dataset()
    _add_quads(copy, files)
    return complete(copy, include_ontology)


def complete(dataset: Dataset, include_ontology: bool = True) -> Dataset:
    """`completed`, adding to `dataset` itself (one of ours, fresh from load_files): for a
    caller that has no further use for the files' own triples, saving the copy."""
    if include_ontology:
        _add_graph(dataset, ONTOLOGY_GRAPH, load_ontology())
    derive_attestations(dataset)
    _add_graph(dataset, bounds.DERIVED_GRAPH, bounds.derive(dataset))
    _add_graph(dataset, bounds.DERIVED_GRAPH, counts.derive(dataset))  # from the bounds
    return rebase(dataset, ns.base())


def graph_names() -> list[URIRef]:
    """The names of the graphs `load_dataset()` makes, at the configured base."""
    stems = [path.stem for path in data_files()] + ["ontology", "derived"]
    return [URIRef(ns.base() + ns.graph_name(stem)[len(ns.DEFAULT_BASE):]) for stem in stems]


def _add_graph(dataset: Dataset, name: IdentifiedNode, graph: Graph) -> None:
    target = dataset.graph(name)
    target.addN((s, p, o, target) for s, p, o in graph)


def _add_quads(dataset: Dataset, source: Dataset, default: URIRef | None = None) -> None:
    """Every graph of `source` into the graph of the same name in `dataset`; the triples of
    its default graph into `default` if given."""
    for graph in source.graphs():
        name: IdentifiedNode = graph.identifier
        if name == DATASET_DEFAULT_GRAPH_ID and default is not None:
            name = default
        if len(graph):
            _add_graph(dataset, name, graph)


def derive_attestations(dataset: Dataset) -> None:
    """A membership with no known start is attested on its sources' reference dates.

    The triple goes into the graph of the source's statement, so it keeps its provenance:
    for every named graph G stating `?m a ccn:Membership ; prov:wasDerivedFrom ?source`,
    where ?m has no ccn:startDate and ?source a ccn:referenceDate ?date (in any graph),
    G gets `?m ccn:attestedOn ?date`. Walked by hand: rdflib's SPARQL took 0.45 s of the
    shipped data's 1.3 s load for it (docs/performance.md).
    """
    started = set(dataset.subjects(CCN.startDate, None))
    found = set()
    for membership, _, source, name in dataset.quads((None, PROV.wasDerivedFrom, None, None)):
        if membership in started or name in (None, DATASET_DEFAULT_GRAPH_ID):
            continue
        if (membership, RDF.type, CCN.Membership, name) not in dataset:
            continue
        for date in dataset.objects(source, CCN.referenceDate):
            found.add((name, membership, date))
    for name, membership, date in sorted(found):
        dataset.graph(name).add((membership, CCN.attestedOn, date))


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


