"""The pages of places: a city, province or region (its names, country, coordinates and
memberships as a timeline), and a country (its own memberships, and the places in it with
theirs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib.namespace import SDO

from ... import namespaces as ns
from ...namespaces import CCN
from ...queries import values_block
from .html import local, render
from .model import PREFIXES, Resource, link_map, select, stints

if TYPE_CHECKING:
    from ...store import Store

PLACES = (CCN.City, CCN.Province, CCN.Region)
PLACES_IN = PREFIXES + """SELECT ?place WHERE { %s ?place ccn:country ?country }"""


def place(store: Store, page: Resource, common: dict) -> str:
    lat, lon = page.first(SDO.latitude), page.first(SDO.longitude)
    return render(
        "place.html", **common,
        country=page.linked(CCN.country),
        coordinates=(str(lat), str(lon)) if lat is not None and lon is not None else None,
        stints=stints(store, [page.iri]).get(page.iri, []),
        roles=[s for s in page.incoming if s.property.href != local(ns.PREFIXES["org"].member)],
    )


def country(store: Store, page: Resource, common: dict) -> str:
    places = [p for p, in select(store, PLACES_IN % values_block(["country"], [[page.iri]]))]
    found = stints(store, [page.iri, *places])
    links = link_map(store, places)
    listed = sorted(((links[p], found.get(p, [])) for p in places),
                    key=lambda item: item[0].text)
    return render(
        "country.html", **common,
        code=page.first(CCN.isoCode),
        stints=found.get(page.iri, []),
        places=listed,
        with_memberships=sum(1 for _, s in listed if s),
    )
