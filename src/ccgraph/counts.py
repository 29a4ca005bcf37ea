"""What the graph counts for each dated size claim, derived when the graph is built.

A size claim ("GAI gathers 33 administrations", as of a date) is checked against the
number of members the graph holds at the claim's date: those whose membership is
certainly valid then, and those certainly or possibly valid (docs/model.md, "Time
bounds"). The counts depend on the graph alone (claims-check has no parameters), so the
build derives them once, as it derives the time bounds they are counted from, and keeps
them in graph:derived:

    <claim> ccn:certainCount 31 ; ccn:possibleCount 35 .

They are counted by `queries/derived/claim-counts.rq`, which judges each membership with
the valid-at fragment: the rule stays written once. `derive` counts in an in-memory
Oxigraph copy of the graph; `tally` counts in any pyoxigraph store (the benchmarks'
synthetic stores).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, SKOS, XSD

from . import namespaces as ns
from .layout import QUERIES_DIR
from .namespaces import CCN
from .store.terms import to_oxigraph

COUNT_QUERY = QUERIES_DIR / "derived" / "claim-counts.rq"
READ = (  # the properties the counting query reads
    RDF.type, ORG.organization, ORG.member, ORG.role, CCN.country,
    CCN.earliestStart, CCN.latestStart, CCN.earliestEnd, CCN.latestEnd,
    CCN.aboutNetwork, CCN.measure, SKOS.notation, CCN.asOf,
    CCN.countsRole, CCN.countsKind, CCN.countsCountry,
)


@lru_cache(maxsize=1)
def query_text() -> str:
    """The counting query with its fragments expanded."""
    from .queries import catalogue

    return catalogue(COUNT_QUERY.parent)[COUNT_QUERY.stem].text()


def tally(store: Any) -> list[tuple[str, int, int]]:
    """(claim IRI, certain count, possible count) of every countable dated claim of a
    pyoxigraph store (its default graph)."""
    return [(row["claim"].value, int(row["certain"].value), int(row["possible"].value))
            for row in store.query(query_text())]


def triples(counts: list[tuple[str, int, int]]) -> Graph:
    """The counts as ccn:certainCount and ccn:possibleCount triples."""
    graph = ns.new_graph()
    for claim, certain, possible in counts:
        graph.add((URIRef(claim), CCN.certainCount, Literal(certain, datatype=XSD.integer)))
        graph.add((URIRef(claim), CCN.possibleCount, Literal(possible, datatype=XSD.integer)))
    return graph


def derive(dataset: Dataset) -> Graph:
    """The counts of every countable dated claim of `dataset` (its union, the time bounds
    included)."""
    import pyoxigraph as ox

    copy = ox.Store()  # of the statements the count reads, not the whole graph
    copy.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
                     for predicate in READ
                     for s, p, o, _ in dataset.quads((None, predicate, None, None)))
    return triples(tally(copy))
