"""The pages of places: a city, province or region (its names, country, coordinates and
memberships as a timeline), and a country (its own memberships, and the places in it with
theirs).

The timeline draws each membership on one axis, from the first year any of them may have
begun to today: the part the evidence makes certain solid, the parts it only allows
hatched, each with a hover text (its title) saying why (`model.Stint.parts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup
from rdflib import Literal
from rdflib.namespace import SDO, XSD

from ... import namespaces as ns
from ...namespaces import CCN
from ...queries import values_block
from .html import local, render, when
from .model import BOUNDS, Bound, Part, Resource, Stint, stints
from .names import PREFIXES, link_map, select

if TYPE_CHECKING:
    from ...store import Store

PLACES = (CCN.City, CCN.Province, CCN.Region)
PLACES_IN = PREFIXES + """SELECT ?place WHERE { %s ?place ccn:country ?country }"""


@dataclass(frozen=True)
class Bar:
    """A part of a membership on the axis: where it starts and how wide it is, in percent
    of the axis; `open` when nothing bounds its start (it fades in)."""

    part: Part
    left: float
    width: float
    open: bool


@dataclass(frozen=True)
class Row:
    stint: Stint
    dates: Markup
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Timeline:
    first: int  # the year the axis begins; it ends today
    rows: tuple[Row, ...]


def timeline(found: list[Stint], today: date) -> Timeline:
    """The memberships on one axis, from January of the first year they may have begun."""
    known = [d for s in found for p in s.parts for d in (p.first, p.until) if d and d <= today]
    first = date(min(known, default=today).year, 1, 1)
    length = max((today - first).days, 1)

    def at(day: date | None, default: date) -> float:
        return round(100 * (min(day or default, today) - first).days / length, 2)

    return Timeline(first.year, tuple(
        Row(s, dates(s), tuple(Bar(p, at(p.first, first),
                                   round(at(p.until, today) - at(p.first, first), 2),
                                   p.first is None) for p in s.parts))
        for s in found))


def dates(stint: Stint) -> Markup:
    """When a membership held, in words, with its dates at their precision: "since 2005",
    "2008 – 31 October 2023", "began between 1 January 1997 and 25 July 1997 · ended
    between 26 July 1997 and 1 March 2021"."""
    start, end = stint.start, stint.end
    es, ls, ee, le = (stint.bounds.get(name) for name in BOUNDS)
    if start is not None and end is not None:
        return Markup("{} – {}").format(when(start), when(end))
    if start is not None or (es and ls and es.day == ls.day):
        began = Markup("since {}").format(when(start) if start is not None else _on(ls))
    elif ls:
        began = (Markup("began between {} and {}").format(_on(es), _on(ls)) if es
                 else Markup("began by {}").format(_on(ls)))
    elif es:
        began = Markup("possibly since {}").format(_on(es))
    else:
        began = Markup('<span class="muted">start unknown</span>')
    if end is not None:
        return Markup("{} · until {}").format(began, when(end))
    if le:
        ended = (Markup("between {} and {}").format(_on(ee), _on(le)) if ee and ee.day != le.day
                 else Markup("by {}").format(_on(le)))
        return Markup("{} · ended {}").format(began, ended)
    return began


def _on(bound: Bound | None) -> Markup:
    return when(Literal(bound.day, datatype=XSD.date)) if bound else Markup("")


def place(store: Store, page: Resource, common: dict) -> str:
    lat, lon = page.first(SDO.latitude), page.first(SDO.longitude)
    return render(
        "place.html", **common,
        country=page.linked(CCN.country),
        coordinates=(str(lat), str(lon)) if lat is not None and lon is not None else None,
        timeline=timeline(stints(store, [page.iri]).get(page.iri, []), date.today()),
        roles=[s for s in page.incoming if s.property.href != local(ns.PREFIXES["org"].member)],
    )


def country(store: Store, page: Resource, common: dict) -> str:
    places = [p for p, in select(store, PLACES_IN % values_block(["country"], [[page.iri]]))]
    found = stints(store, [page.iri, *places])
    links = link_map(store, places)
    today = date.today()
    listed = sorted(((links[p], timeline(found.get(p, []), today).rows) for p in places),
                    key=lambda item: item[0].text)
    return render(
        "country.html", **common,
        code=page.first(CCN.isoCode),
        timeline=timeline(found.get(page.iri, []), today),
        places=listed,
        with_memberships=sum(1 for _, rows in listed if rows),
    )
