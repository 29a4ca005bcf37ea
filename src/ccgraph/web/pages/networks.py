"""The pages of networks and creative fields: a network's offices (seat, secretariat,
presidency), its members valid at a date (saved query `members-at`: certain, or only
possible, and then why), and its history: the complete member lists, the size claims of
the sources compared with what the graph counts (`claims-check`) and the sources
themselves, each in date order, undated ones last; a creative field's holders at a date,
network by network."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ... import queries
from ...labels import PLURALS, source_name
from ...namespaces import CCN
from ...queries import values_block
from .html import Link, render
from .model import Member, Resource, at_precision, distinct, members_at, stints
from .names import PREFIXES, link_map, select

if TYPE_CHECKING:
    from ...store import Store

NETWORKS_WITH_ROLE = PREFIXES + """SELECT DISTINCT ?network WHERE {
  %s ?m org:role ?role ; org:organization ?network } ORDER BY STR(?network)"""
# the network's complete member lists, size claims and sources, one UNION branch each
HISTORY = PREFIXES + """SELECT ?what ?x ?source ?first ?last ?n ?value ?qualifier ?quote
       ?measure ?kind ?basis ?note ?url ?counts
WHERE {
  %s
  {
    ?x a ccn:CompleteMemberList ; ccn:aboutNetwork ?network ; prov:wasDerivedFrom ?source .
    BIND ("list" AS ?what)
    OPTIONAL { ?x ccn:onOrAfter ?first ; ccn:onOrBefore ?last }
    OPTIONAL { ?x ccn:listsKind ?kind }
    { SELECT ?x (COUNT(?entry) AS ?n) WHERE { ?entry ccn:inList ?x } GROUP BY ?x }
  } UNION {
    ?x a ccn:SizeClaim ; ccn:aboutNetwork ?network ; ccn:claimedValue ?value ;
       prov:wasDerivedFrom ?source .
    BIND ("claim" AS ?what)
    OPTIONAL { ?x ccn:asOf ?last }
    OPTIONAL { ?x ccn:qualifier ?qualifier }
    OPTIONAL { ?x ccn:quote ?quote }
    OPTIONAL { ?x ccn:measure ?measure }
    OPTIONAL { ?x ccn:countsRole|ccn:countsKind|ccn:countsCountry ?counts }
  } UNION {
    { SELECT DISTINCT ?network ?x WHERE {
        { ?about ccn:aboutNetwork ?network } UNION { ?about org:organization ?network }
        ?about prov:wasDerivedFrom ?x } }
    BIND ("source" AS ?what)
    OPTIONAL { ?x ccn:onOrAfter|ccn:writtenAfter ?first }
    OPTIONAL { ?x ccn:referenceDate ?last }
    OPTIONAL { ?x ccn:dateBasis ?basis }
    OPTIONAL { ?x skos:note ?note }
    OPTIONAL { ?x dcterms:source ?url }
    OPTIONAL { SELECT ?network ?x (COUNT(DISTINCT ?named) AS ?n) WHERE {
        ?attestation a ccn:Attestation ; ccn:aboutNetwork ?network ;
                     prov:wasDerivedFrom ?x ; ccn:attestedMember ?named } GROUP BY ?network ?x }
  }
}"""


@dataclass
class Entry:
    """A complete list, a size claim or a source of the network's history."""

    iri: URIRef
    link: Link
    first: date | None  # the first day it speaks of; None when undated
    dates: tuple[Literal, ...]  # its days at their precision; none when undated
    source: Link | None = None
    count: int | None = None  # members listed or named
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    @property
    def order(self) -> tuple[date, str]:
        """Dated ones first, by their first day."""
        return (self.first or date.max, self.link.text)


def history(store: Store, network: URIRef) -> dict[str, list[Entry]]:
    """The network's complete member lists, size claims and sources, each in date order."""
    rows = select(store, HISTORY % values_block(["network"], [[network]]))
    links = link_map(store, {t for row in rows for t in (row[1], row[2], row[9], row[14])})
    found: dict[str, dict[URIRef, Entry]] = defaultdict(dict)
    for what, x, source, first, last, n, value, qualifier, quote, measure, kind, basis, note, \
            url, counts in rows:
        entry = found[str(what)].get(x)
        if entry is None:
            first, last = (first or last), (last or first)  # a claim: its one date
            name = source_name(x, links[x].text) if str(what) == "source" else links[x].text
            entry = found[str(what)][x] = Entry(
                x, Link(links[x].href, name), first.toPython() if first else None,
                at_precision(first.toPython(), last.toPython()) if first else (),
                (Link(links[source].href, source_name(source, links[source].text))
                 if source else None),
                int(n) if n is not None else None,
                {"value": value, "qualifier": qualifier, "quote": quote,
                 "measure": links.get(measure), "kind": PLURALS.get(kind), "basis": basis,
                 "counts": []})
        if counts is not None:  # what a claim counts only: a role, a kind, a country
            only = Link(links[counts].href, PLURALS.get(counts) or links[counts].text)
            entry.values["counts"] += [] if only in entry.values["counts"] else [only]
        for text, into in ((note, entry.notes), (url, entry.urls)):
            if text is not None and str(text) not in into:
                into.append(str(text))
    return {what: sorted(found[what].values(), key=lambda e: e.order)
            for what in ("list", "claim", "source")}


def why_possible(store: Store, network: URIRef, members: list[Member], at: date
                 ) -> list[Member]:
    """The members, each possible one with why: the part of its membership holding at `at`
    (its role's membership, if the member has two)."""
    possible = [m.iri for m in members if not m.certain]
    found = stints(store, possible, network)
    out = []
    for m in members:
        held = found.get(m.iri, []) if not m.certain else []
        stint = next((s for s in held if s.role.text == m.role), held[0] if held else None)
        part = next((p for p in stint.parts if p.holds(at)), None) if stint else None
        out.append(replace(m, why=part.why) if part else m)
    return out


def network(store: Store, page: Resource, at: date, common: dict) -> str:
    members = why_possible(store, page.iri, members_at(store, page.iri, at), at)
    offices = [(str(role), place) for net, role, place in queries.run(store, "seats").rows
               if net == page.iri and isinstance(place, URIRef)]
    checked = {row[1]: row for row in queries.run(store, "claims-check").rows
               if row[0] == page.iri}  # claim -> what the graph counts
    links = link_map(store, [p for _, p in offices])
    past = history(store, page.iri)
    for claim in past["claim"]:
        _, _, _, _, _, counted, agrees, possible, _ = checked.get(
            URIRef(claim.iri), (None,) * 9)
        claim.values.update(counted=counted, agrees=agrees, possible=possible)
    return render(
        "network.html", **common,
        description=page.text(DCTERMS.description),
        founded=page.first(CCN.foundingDate),
        founders=page.linked(CCN.founder),
        recognized=page.linked(CCN.recognizedBy),
        groups=page.linked(CCN.groupsMembersOf),
        offices=[(role, links[p]) for role, p in offices],
        members=members,
        distinct=distinct(members),
        possible=distinct([m for m in members if not m.certain]),
        lists=past["list"], claims=past["claim"], sources=past["source"],
    )


def creative_field(store: Store, page: Resource, at: date, common: dict) -> str:
    role = values_block(["role"], [[page.iri]])
    networks = [n for n, in select(store, NETWORKS_WITH_ROLE % role)]
    links = link_map(store, networks)
    holders = [(links[n], members_at(store, n, at, page.iri)) for n in networks]
    return render(
        "field.html", **common,
        definition=page.text(SKOS.definition),
        introduced=page.first(CCN.introducedIn),
        holders=[(n, m, distinct(m)) for n, m in holders],
    )
