"""The page of a resource, chosen by its class: a network, a creative field, a country, a
place (`networks`, `places`), a size claim (`claims`), or any other resource (its
statements, and the resources that point to it)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDF

from ...namespaces import CCN
from .claims import claim
from .html import alternates, render
from .model import gather
from .networks import creative_field, network
from .places import PLACES, country, place

if TYPE_CHECKING:
    from ...store import Store


def resource(store: Store, iri: URIRef, at: date) -> str:
    """The HTML page of a resource, chosen by its class."""
    page = gather(store, iri)
    kinds = set(page.values.get(RDF.type, []))
    common = {"page": page, "title": page.title, "alternates": alternates(page.path),
              "at": at.isoformat()}
    if CCN.Network in kinds:
        return network(store, page, at, common)
    if CCN.CreativeField in kinds:
        return creative_field(store, page, at, common)
    if CCN.Country in kinds:
        return country(store, page, common)
    if kinds & set(PLACES):
        return place(store, page, common)
    if CCN.SizeClaim in kinds:
        return claim(store, page, common)
    return render("resource.html", **common)
