"""The home page: the networks (with their members today), the creative fields, and a
search of labels (`?q=`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from ... import formats
from ... import namespaces as ns
from ...labels import best, curie
from ...queries import values_block
from .html import Link, render
from .model import distinct, members_at
from .names import PREFIXES, link_map, select

if TYPE_CHECKING:
    from ...store import Store

RESULTS_SHOWN = 60
VOID_ALTERNATES = ("turtle", "jsonld")  # the home page links the VoID description in these
NETWORKS = PREFIXES + """SELECT ?network WHERE { ?network a ccn:Network } ORDER BY STR(?network)"""
FIELDS = PREFIXES + """SELECT ?field WHERE { ?field a ccn:CreativeField }"""
SEARCH = PREFIXES + """SELECT ?x ?name ?class ?country WHERE {
  %s
  ?x rdfs:label|skos:prefLabel|skos:altLabel ?name .
  FILTER (STRSTARTS(STR(?x), ?space) && CONTAINS(LCASE(STR(?name)), ?needle))
  OPTIONAL { ?x a ?class }
  OPTIONAL { ?x ccn:country/rdfs:label ?country FILTER (LANG(?country) = "en") }
}"""
NETWORK_FACTS = PREFIXES + """SELECT ?network ?description ?acronym ?founded WHERE {
  %s
  OPTIONAL { ?network dcterms:description ?description }
  OPTIONAL { ?network skos:altLabel ?acronym }
  OPTIONAL { ?network ccn:foundingDate ?founded }
}"""


def home(store: Store, query: str) -> str:
    networks = [n for n, in select(store, NETWORKS)]
    fields = [f for f, in select(store, FIELDS)]
    links = link_map(store, [*networks, *fields])
    facts: dict[URIRef, dict[str, Any]] = {
        n: {"description": [], "acronym": None, "founded": None} for n in networks}
    bound = values_block(["network"], [[n] for n in networks])
    for n, description, acronym, founded in select(store, NETWORK_FACTS % bound):
        entry = facts[n]
        if description is not None:
            entry["description"].append(description)
        entry["acronym"] = entry["acronym"] or acronym
        entry["founded"] = entry["founded"] or founded
    today = date.today()
    listed = [{"link": links[n], "acronym": facts[n]["acronym"],
               "founded": facts[n]["founded"], "description": best(facts[n]["description"]),
               "members": distinct(members_at(store, n, today))}
              for n in networks]
    return render(
        "home.html", title="City cultural networks", page=None,
        alternates=[{"href": f"/.well-known/void.{fmt.extension}", "media": fmt.media,
                     "name": f"VoID ({fmt.label})"} for fmt in map(formats.get, VOID_ALTERNATES)],
        networks=listed, today=today.isoformat(),
        fields=sorted((links[f] for f in fields), key=lambda f: f.text),
        query=query, results=search(store, query) if query else None,
    )


@dataclass(frozen=True)
class Hit:
    link: Link
    kind: str
    country: str
    matched: str


def search(store: Store, query: str) -> list[Hit]:
    """Resources whose label contains `query` (case-insensitive), best matches first."""
    needle = query.lower()
    bound = values_block(["needle", "space"], [[Literal(needle), Literal(ns.base() + "id/")]])
    names: dict[URIRef, set[str]] = defaultdict(set)
    kinds: dict[URIRef, str] = {}
    countries: dict[URIRef, str] = {}
    for x, name, kind, country_label in select(store, SEARCH % bound):
        names[x].add(str(name))
        if country_label is not None:
            countries[x] = str(country_label)
        if kind is not None and (x not in kinds or curie(kind).startswith("ccn:")):
            kinds[x] = curie(kind).removeprefix("ccn:")
    links = link_map(store, names)

    def closeness(name: str) -> tuple[bool, bool, int, str]:
        """Exact matches first, then names that start with the text, then shorter names."""
        lowered = name.lower()
        return (lowered != needle, not lowered.startswith(needle), len(name), lowered)

    hits = [Hit(links[x], kinds.get(x, ""), countries.get(x, ""), min(found, key=closeness))
            for x, found in names.items()]
    return sorted(hits, key=lambda h: (closeness(h.matched), h.link.text))[:RESULTS_SHOWN]
