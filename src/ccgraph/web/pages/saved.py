"""The page of a saved query's answer (`/queries/{name}` in HTML): its form, offering the
values the store knows for each parameter that names a resource (the networks by name,
the creative fields, the countries by name; a `choice` its allowed values; a date a date
picker), and its answer as a table whose resources are shown by name, linked to their
pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from rdflib import URIRef

from ... import formats
from ...labels import best
from ...results import plain
from .html import local, render
from .names import PREFIXES, label_map, select

if TYPE_CHECKING:
    from ...queries import SavedQuery
    from ...store import Answer, Store

# per parameter type: the resources it names, with the value a query takes for each
CHOICES = {
    "network": "?x a ccn:Network ; rdfs:label ?name . BIND (?x AS ?value)",
    "field": "?x a ccn:CreativeField ; skos:prefLabel ?name . BIND (?x AS ?value)",
    "country": "?x a ccn:Country ; rdfs:label ?name ; ccn:isoCode ?value .",
}


@dataclass(frozen=True)
class Choice:
    value: str  # what the parameter takes: a network's or field's slug, a country's code
    text: str  # its name

    def chosen(self, given: str | None) -> bool:
        """Whether `given` (a value, or a name, in any case) names this choice."""
        return given is not None and given.strip().lower() in (self.value.lower(),
                                                              self.text.lower())


class Cell(NamedTuple):
    text: str
    href: str | None = None
    iri: str | None = None  # the IRI a name stands for


def choices(store: Store) -> dict[str, list[Choice]]:
    """Per parameter type (network, field, country): the values the store knows, by name."""
    found: dict[str, list[Choice]] = {}
    for kind, pattern in CHOICES.items():
        names: dict[str, list[Any]] = {}
        for value, name in select(store, PREFIXES + f"SELECT ?value ?name WHERE {{ {pattern} }}"):
            text = str(value).rsplit("/", 1)[-1] if isinstance(value, URIRef) else str(value)
            names.setdefault(text, []).append(name)
        found[kind] = sorted((Choice(value, best(labels) or value)
                              for value, labels in names.items()), key=lambda c: c.text.lower())
    return found


def cell(term: Any, names: Mapping[URIRef, str]) -> Cell:
    """A cell of the answer: a resource by its name, linked to its page (an http(s) IRI
    with no name as is; no link for other IRIs); a literal by its value."""
    if not isinstance(term, URIRef):
        return Cell(plain(term))
    target = local(term)
    href = target if target.startswith(("/", "http://", "https://")) else None
    if term in names:
        return Cell(names[term], href, str(term))
    return Cell(str(term), href)


def answer(store: Store, query: SavedQuery, found: Answer, values: Mapping[str, str], *,
           links: Mapping[str, str], index: str = "") -> str:
    """The HTML answer of saved query `query`: its form, with `values` given, and the rows
    `found`; `links`: the same answer in each format (name -> URL), `index`: the catalogue's
    URL."""
    names = label_map(store, {t for row in found.rows for t in row if isinstance(t, URIRef)})
    return render(
        "queries-result.html", title=query.name, saved=query, columns=found.variables,
        alternates=[{"href": href, "media": formats.get(name).media, "name": name}
                    for name, href in links.items() if name != "html"],
        rows=[[cell(t, names) for t in row] for row in found.rows], values=values,
        index=index, choices=choices(store),
    )
