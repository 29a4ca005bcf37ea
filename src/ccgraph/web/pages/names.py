"""The names and links the pages show: `ccgraph.labels` names resources (their best label,
or, for the records that have none, a name made of their parts); here they become links."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from ... import labels
from ... import namespaces as ns
from ...labels import curie
from ...store import EmbeddedStore
from .html import Link, local

if TYPE_CHECKING:
    from ...store import Store

PREFIXES = ns.sparql_prologue("ccn", "org", "prov", "rdfs", "skos", "dcterms")


def select(store: Store, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT: rdflib terms, None where unbound (their kinds are the query's)."""
    return [tuple(row) for row in store.select(query).rows]


# the names looked up so far in the embedded store folder open now (its content never
# changes: a rebuild opens another one): each process keeps those of one folder
_NAMES: dict[Path, dict[URIRef, str | None]] = {}
NAMES_KEPT = 100_000


def label_map(store: Store, iris: Iterable[Any]) -> dict[URIRef, str]:
    """The name of each IRI that has one (`ccgraph.labels.names`); for the embedded store,
    each IRI is looked up once per store folder (the names of a page's links are mostly
    those of the last: networks, fields, roles, countries)."""
    if not isinstance(store, EmbeddedStore):
        return labels.names(store, iris)
    folder = store.path
    known = _NAMES.get(folder)
    if known is None or len(known) > NAMES_KEPT:
        _NAMES.clear()
        known = _NAMES[folder] = {}
    wanted = {i for i in iris if isinstance(i, URIRef)}
    missing = wanted - known.keys()
    if missing:
        found = labels.names(store, missing)
        known.update((i, found.get(i)) for i in missing)
    return {i: name for i in wanted if (name := known[i]) is not None}


def link_map(store: Store, terms: Iterable[Any]) -> dict[URIRef, Link]:
    """A link, with its label for text, to each IRI among `terms` (others are left out)."""
    iris = [t for t in terms if isinstance(t, URIRef)]
    labels = label_map(store, iris)
    return {i: Link(local(i), labels.get(i) or curie(i)) for i in iris}
