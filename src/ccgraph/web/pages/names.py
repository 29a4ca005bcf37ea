"""The names and links the pages show: `ccgraph.labels` names resources (their best label,
or, for the records that have none, a name made of their parts); here they become links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from ... import labels
from ... import namespaces as ns
from ...labels import curie
from .html import Link, local

if TYPE_CHECKING:
    from ...store import Store

PREFIXES = ns.sparql_prologue("ccn", "org", "prov", "rdfs", "skos", "dcterms")


def select(store: Store, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT: rdflib terms, None where unbound (their kinds are the query's)."""
    return [tuple(row) for row in store.select(query).rows]


def label_map(store: Store, iris: Iterable[Any]) -> dict[URIRef, str]:
    """The name of each IRI that has one (`ccgraph.labels.names`)."""
    return labels.names(store, iris)


def link_map(store: Store, terms: Iterable[Any]) -> dict[URIRef, Link]:
    """A link, with its label for text, to each IRI among `terms` (others are left out)."""
    iris = [t for t in terms if isinstance(t, URIRef)]
    labels = label_map(store, iris)
    return {i: Link(local(i), labels.get(i) or curie(i)) for i in iris}
