"""The pages of networks and creative fields: a network's offices (seat, secretariat,
presidency), its members valid at a date (saved query `members-at`) and the size claims of
the sources (`claims-check`); a creative field's holders at a date, network by network."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import DCTERMS, SKOS

from ... import queries
from ...namespaces import CCN
from ...queries import values_block
from .html import render
from .model import PREFIXES, Resource, distinct, link_map, members_at, select

if TYPE_CHECKING:
    from ...store import Store

NETWORKS_WITH_ROLE = PREFIXES + """SELECT DISTINCT ?network WHERE {
  %s ?m org:role ?role ; org:organization ?network } ORDER BY STR(?network)"""


def network(store: Store, page: Resource, at: date, common: dict) -> str:
    members = members_at(store, page.iri, at)
    offices = [(str(role), place) for net, role, place in queries.run(store, "seats").rows
               if net == page.iri and isinstance(place, URIRef)]
    claims: list[tuple[Any, ...]] = [row for row in queries.run(store, "claims-check").rows
                                     if row[0] == page.iri]
    links = link_map(store, [p for _, p in offices] + [t for row in claims for t in row[1:3]])
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
        claims=[{"claim": links[c], "source": links[s], "as_of": as_of, "claimed": claimed,
                 "counted": counted, "agrees": agrees}
                for _, c, s, as_of, claimed, counted, agrees in claims],
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
