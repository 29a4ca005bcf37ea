"""The page of a size claim (`ccn:SizeClaim`): what the source claims, in its own words
(`ccn:quote`, in its language) and as a measure ("more than 130 members", "130,000,000
citizens"), what it counts only (a role, a kind of member, a country), the network, the
date it is read at and its source, and what the graph counts on that date
(`claims-check`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, SKOS

from ... import queries
from ...labels import PLURALS, claim_name, source_name
from ...namespaces import CCN
from .html import Link, render
from .model import Resource

if TYPE_CHECKING:
    from ...store import Store

COLUMNS = ("network", "claim", "source", "as_of", "claimed", "counted", "agrees", "possible",
           "qualifier")  # of claims-check


@dataclass(frozen=True)
class Count:
    """What the graph counts on the claim's date: from the memberships certainly valid then,
    and from those certainly or possibly valid; whether the claim agrees (None: the graph
    cannot tell)."""

    counted: int | None
    possible: int | None
    agrees: bool | None


def counted(store: Store, claim: Any) -> Count:
    """The claim's row of `claims-check`, as a Count."""
    for row in queries.run(store, "claims-check").rows:
        found = dict(zip(COLUMNS, row, strict=True))
        if found["claim"] == claim:
            return Count(*(term.toPython() if isinstance(term, Literal) else None
                           for term in (found["counted"], found["possible"], found["agrees"])))
    return Count(None, None, None)


def claim(store: Store, page: Resource, common: dict) -> str:
    measure = next(iter(page.linked(CCN.measure)), None)
    linked = page.links
    kinds = [Link(linked[k].href, PLURALS.get(k, linked[k].text))
             for k in page.values.get(CCN.countsKind, []) if isinstance(k, URIRef) and k in linked]
    sources = [Link(linked[s].href, source_name(s, linked[s].text))
               for s in page.values.get(PROV.wasDerivedFrom, [])
               if isinstance(s, URIRef) and s in linked]
    quotes = sorted((q for q in page.values.get(CCN.quote, []) if isinstance(q, Literal)),
                    key=lambda q: (q.language != "en", str(q)))
    return render(
        "claim.html", **common,
        amount=claim_name(page.first(CCN.claimedValue), page.first(CCN.qualifier),
                          measure.text if measure else "", None),
        measure=measure, quotes=quotes,
        network=page.linked(CCN.aboutNetwork), sources=sources,
        as_of=page.first(CCN.asOf),
        counts=[*page.linked(CCN.countsRole), *kinds, *page.linked(CCN.countsCountry)],
        notes=[str(n) for n in page.values.get(SKOS.editorialNote, [])],
        count=counted(store, page.iri),
    )
