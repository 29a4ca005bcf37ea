"""The HTML pages: what each one shows, read from the store with SPARQL, rendered with the
Jinja2 templates in `templates/` (autoescaped; no script, nothing loaded from the network).

- a place (city, province, region): its names in every language, its country, its
  coordinates, its memberships as a timeline (network, role, start, end, sources);
- a network: its offices (seat, secretariat, presidency), its members valid at a date
  (saved query `members-at`), and the size claims of the sources (`claims-check`);
- a creative field: the members holding it at a date, network by network;
- a country: its own memberships, and the places in it with theirs;
- any other resource: its statements, and the resources that point to it;
- the home page (the networks, the creative fields, a search of labels) and the
  documentation of the ontology.

Links go to local `/id/...` paths (which 303 to `/doc/...`), so the pages work on any host.
Dates are shown at their precision: a year stays a year, a month a month.
Every value reaches a query as a checked RDF term (`queries.values_block`), never as text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SDO, SKOS, XSD
from rdflib.term import Identifier, Node

from . import namespaces as ns
from . import queries
from .namespaces import CCN
from .queries import values_block

if TYPE_CHECKING:
    from .store import Store

TEMPLATES = Path(__file__).with_name("templates")
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
PREFIXES = """PREFIX ccn: <https://w3id.org/ccgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
LANGUAGES = {"en": "English", "it": "Italian", "fr": "French", "": "name"}
LABEL_ORDER = ("en", "", "it", "fr")
PLACES = (CCN.City, CCN.Province, CCN.Region)
INCOMING_SHOWN = 300
RESULTS_SHOWN = 60
RDF_ALTERNATES = (("ttl", "text/turtle", "Turtle"), ("jsonld", "application/ld+json", "JSON-LD"),
                  ("nt", "application/n-triples", "N-Triples"))


# --- links, labels, dates ---------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def local(iri: object) -> str:
    """Where a link to `iri` goes: a local /id/ path for the graph's resources, the ontology
    page for its terms, the IRI itself for anything else."""
    text = str(iri)
    if text.startswith(ns.base() + "id/"):
        return "/id/" + text[len(ns.base() + "id/"):]
    if text.startswith(str(CCN)):
        return "/ontology#" + text[len(str(CCN)):]
    if text == str(CCN).rstrip("#"):
        return "/ontology"
    return text


def curie(iri: object) -> str:
    """`org:member` for a term of a known vocabulary; the resource path or IRI otherwise."""
    text = str(iri)
    if text.startswith(ns.base() + "id/"):
        return text[len(ns.base() + "id/"):]
    try:
        return ns.new_graph().namespace_manager.curie(URIRef(text), generate=False)
    except (KeyError, ValueError):
        return text


def best(labels: Iterable[Literal]) -> str | None:
    """The English label, else one without language, else Italian, French, any."""
    by_lang: dict[str, str] = {}
    for label in labels:
        by_lang.setdefault(label.language or "", str(label))
    for lang in LABEL_ORDER:
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), None)


def label_map(store: Store, iris: Iterable[Any]) -> dict[URIRef, str]:
    """The best label (rdfs:label, skos:prefLabel or dcterms:title) of each IRI that has one."""
    wanted = sorted({i for i in iris if isinstance(i, URIRef)})
    if not wanted:
        return {}
    bound = values_block(["x"], [[i] for i in wanted])
    rows = select(store, PREFIXES + f"SELECT ?x ?label WHERE {{ {bound} "
                  "?x rdfs:label|skos:prefLabel|dcterms:title ?label }")
    found: dict[URIRef, list[Literal]] = defaultdict(list)
    for iri, label in rows:
        found[iri].append(label)
    return {iri: text for iri, labels in found.items() if (text := best(labels))}


def link_map(store: Store, terms: Iterable[Any]) -> dict[URIRef, Link]:
    """A link, with its label for text, to each IRI among `terms` (others are left out)."""
    iris = [t for t in terms if isinstance(t, URIRef)]
    labels = label_map(store, iris)
    return {i: Link(local(i), labels.get(i) or curie(i)) for i in iris}


def when(value: Identifier | None) -> Markup:
    """A date at its own precision, in a <time> element: 2014 stays 2014."""
    if value is None:
        return Markup("")
    text = str(value)
    shown = text
    datatype = value.datatype if isinstance(value, Literal) else None
    parts = text.split("-")
    try:
        if datatype == XSD.date and len(parts) == 3:
            shown = f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        elif datatype == XSD.gYearMonth and len(parts) == 2:
            shown = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        shown = text
    return Markup('<time datetime="{}">{}</time>').format(text, shown)


def is_date(value: Any) -> bool:
    return isinstance(value, Literal) and value.datatype in (XSD.date, XSD.gYear, XSD.gYearMonth)


ENV.filters["when"] = when
ENV.tests["link"] = lambda value: isinstance(value, Link)
ENV.tests["date"] = is_date
ENV.globals["languages"] = LANGUAGES


def select(store: Store, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT: rdflib terms, None where unbound (their kinds are the query's)."""
    return [tuple(row) for row in store.select(query).rows]


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


# --- what every resource page shows -----------------------------------------------------


@dataclass(frozen=True)
class Statement:
    property: Link
    value: Link | Literal


@dataclass(frozen=True)
class Name:
    text: str
    lang: str
    alternative: bool  # skos:altLabel


@dataclass
class Resource:
    """The common part of a resource page: its IRI, kinds, names and statements."""

    iri: URIRef
    title: str
    kinds: list[Link]
    names: list[Name]
    values: dict[URIRef, list[Identifier]]
    outgoing: list[Statement]
    incoming: list[Statement]
    incoming_total: int
    links: dict[URIRef, Link] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return "/doc/" + local(self.iri).removeprefix("/id/")

    def first(self, predicate: URIRef) -> Identifier | None:
        return next(iter(self.values.get(predicate, [])), None)

    def linked(self, predicate: URIRef) -> list[Link]:
        return [self.links[v] for v in self.values.get(predicate, [])
                if isinstance(v, URIRef) and v in self.links]

    def text(self, predicate: URIRef) -> str | None:
        return best(v for v in self.values.get(predicate, []) if isinstance(v, Literal))


def gather(store: Store, iri: URIRef) -> Resource:
    """The resource's own statements and the statements pointing to it, with labels."""
    term = values_block(["x"], [[iri]])
    outgoing = select(store, f"SELECT ?p ?o WHERE {{ {term} ?x ?p ?o }}")
    incoming = select(store, f"SELECT ?s ?p WHERE {{ {term} ?s ?p ?x }} "
                             "ORDER BY STR(?p) STR(?s)")
    shown = incoming[:INCOMING_SHOWN]
    values: dict[URIRef, list[Identifier]] = defaultdict(list)
    for p, o in outgoing:
        values[p].append(o)
    mentioned = [iri, *(t for row in outgoing for t in row), *(t for row in shown for t in row)]
    links = link_map(store, mentioned)
    names = sorted((Name(str(o), o.language or "", p == SKOS.altLabel) for p, o in outgoing
                    if p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) and isinstance(o, Literal)),
                   key=lambda n: (n.alternative, _lang_rank(n.lang), n.text))

    def statement(p: URIRef, o: Identifier) -> Statement:
        if isinstance(o, URIRef):
            return Statement(links[p], links[o])
        if isinstance(o, Literal):
            return Statement(links[p], o)
        return Statement(links[p], Link("", "(blank node)"))

    return Resource(
        iri=iri,
        title=links[iri].text,
        kinds=sorted((links[o] for p, o in outgoing if p == RDF.type and o in links),
                     key=lambda k: k.text),
        names=names,
        values=values,
        outgoing=sorted((statement(p, o) for p, o in outgoing),
                        key=lambda s: (s.property.text, _sort_text(s.value))),
        incoming=[Statement(links[p], links[s]) for s, p in shown if s in links],
        incoming_total=len(incoming),
        links=links,
    )


def _lang_rank(lang: str | None) -> tuple[int, str]:
    order = list(LABEL_ORDER)
    return (order.index(lang or "") if (lang or "") in order else len(order), lang or "")


def _sort_text(value: Link | Literal) -> str:
    return value.text if isinstance(value, Link) else f"{value.language or ''} {value}"


def alternates(path: str) -> list[dict[str, str]]:
    return [{"href": f"{path}.{ext}", "media": media, "name": name}
            for ext, media, name in RDF_ALTERNATES]


# --- memberships ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stint:
    """One membership, as a page shows it."""

    record: Link
    member: Link
    network: Link
    role: Link
    is_field: bool
    start: Literal | None
    end: Literal | None
    attested: Literal | None
    sources: tuple[Link, ...]


STINTS = PREFIXES + """SELECT ?member ?m ?network ?role ?start ?end ?attested ?source ?field
WHERE {
  %s
  ?m org:member ?member ; org:organization ?network ; org:role ?role .
  OPTIONAL { ?m ccn:startDate ?start }
  OPTIONAL { ?m ccn:endDate ?end }
  OPTIONAL { ?m ccn:attestedOn ?attested }
  OPTIONAL { ?m prov:wasDerivedFrom ?source }
  BIND (EXISTS { ?role a ccn:CreativeField } AS ?field)
}"""


def stints(store: Store, members: list[URIRef]) -> dict[URIRef, list[Stint]]:
    """The memberships of each member, in the order they began."""
    if not members:
        return {}
    rows = select(store, STINTS % values_block(["member"], [[m] for m in members]))
    found: dict[URIRef, dict[str, Any]] = {}
    for member, m, network, role, start, end, attested, source, is_field in rows:
        entry = found.setdefault(m, {
            "member": member, "network": network, "role": role, "start": start, "end": end,
            "attested": set(), "sources": set(), "field": bool(is_field and is_field.toPython()),
        })
        if attested is not None:
            entry["attested"].add(attested)
        if source is not None:
            entry["sources"].add(source)
    iris = {t for e in found.values() for t in (e["member"], e["network"], e["role"])}
    iris |= {s for e in found.values() for s in e["sources"]} | set(found)
    links = link_map(store, iris)
    out: dict[URIRef, list[Stint]] = defaultdict(list)
    for m, e in found.items():
        out[e["member"]].append(Stint(
            record=links[m], member=links[e["member"]], network=links[e["network"]],
            role=links[e["role"]], is_field=e["field"], start=e["start"], end=e["end"],
            attested=min(e["attested"], key=str, default=None),
            sources=tuple(sorted((links[s] for s in e["sources"]), key=lambda s: s.text)),
        ))
    for member_stints in out.values():
        member_stints.sort(key=lambda s: (str(s.start or s.attested or ""), s.network.text))
    return out


@dataclass(frozen=True)
class Member:
    """A row of `members-at`."""

    member: Link
    kind: str
    country: str
    role: str
    is_field: bool
    start: Literal | None
    end: Literal | None


def members_at(store: Store, network: URIRef, at: date, field_iri: URIRef | None = None
               ) -> list[Member]:
    values = {"network": str(network), "date": at.isoformat()}
    if field_iri is not None:
        values["field"] = str(field_iri)
    rows: list[tuple[Any, ...]] = list(queries.run(store, "members-at", values).rows)
    return [Member(Link(local(m), str(label or curie(m))), str(kind), str(country or ""),
                   str(role or ""), field_ is not None, start, end)
            for m, label, kind, country, field_, role, start, end in rows]


def _distinct(members: list[Member]) -> int:
    return len({m.member.href for m in members})


# --- the pages --------------------------------------------------------------------------


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
    return render("resource.html", **common)


def place(store: Store, page: Resource, common: dict) -> str:
    lat, lon = page.first(SDO.latitude), page.first(SDO.longitude)
    return render(
        "place.html", **common,
        country=page.linked(CCN.country),
        coordinates=(str(lat), str(lon)) if lat is not None and lon is not None else None,
        stints=stints(store, [page.iri]).get(page.iri, []),
        roles=[s for s in page.incoming if s.property.href != local(ns.PREFIXES["org"].member)],
    )


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
        distinct=_distinct(members),
        claims=[{"claim": links[c], "source": links[s], "as_of": as_of, "claimed": claimed,
                 "counted": counted, "agrees": agrees}
                for _, c, s, as_of, claimed, counted, agrees in claims],
    )


NETWORKS_WITH_ROLE = PREFIXES + """SELECT DISTINCT ?network WHERE {
  %s ?m org:role ?role ; org:organization ?network } ORDER BY STR(?network)"""


def creative_field(store: Store, page: Resource, at: date, common: dict) -> str:
    role = values_block(["role"], [[page.iri]])
    networks = [n for n, in select(store, NETWORKS_WITH_ROLE % role)]
    links = link_map(store, networks)
    holders = [(links[n], members_at(store, n, at, page.iri)) for n in networks]
    return render(
        "field.html", **common,
        definition=page.text(SKOS.definition),
        introduced=page.first(CCN.introducedIn),
        holders=[(n, m, _distinct(m)) for n, m in holders],
    )


PLACES_IN = PREFIXES + """SELECT ?place WHERE { %s ?place ccn:country ?country }"""


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
               "members": _distinct(members_at(store, n, today))}
              for n in networks]
    return render(
        "home.html", title="City cultural networks", page=None,
        alternates=[{"href": "/.well-known/void.ttl", "media": "text/turtle",
                     "name": "VoID (Turtle)"},
                    {"href": "/.well-known/void.jsonld", "media": "application/ld+json",
                     "name": "VoID (JSON-LD)"}],
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


def error(status: int, message: str) -> str:
    titles = {400: "Bad request", 404: "Not found", 503: "Service unavailable"}
    return render("error.html", title=titles.get(status, f"Error {status}"), page=None,
                  alternates=[], status=status, message=message)


# --- the ontology -----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    anchor: str
    iri: str
    labels: dict[str, str]
    comments: dict[str, str]
    parents: list[list[Link]]
    domain: list[list[Link]]
    range: list[list[Link]]
    inverse: list[Link]
    see_also: list[Link]


SECTIONS = (("Classes", OWL.Class, RDFS.subClassOf),
            ("Object properties", OWL.ObjectProperty, RDFS.subPropertyOf),
            ("Datatype properties", OWL.DatatypeProperty, RDFS.subPropertyOf))


def term_link(node: Node) -> Link:
    if str(node).startswith(str(CCN)):
        return Link("#" + str(node)[len(str(CCN)):], curie(node))
    return Link(str(node), curie(node))


def alternatives(graph: Graph, node: Node) -> list[Link]:
    """A class or datatype, or the members of an owl:unionOf."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return [term_link(n) for n in Collection(graph, union)]
    return [term_link(node)]


def by_lang(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {o.language or "": str(o) for o in graph.objects(subject, predicate)
            if isinstance(o, Literal)}


@lru_cache(maxsize=2)
def ontology(graph: Graph) -> str:
    """The documentation of every class and property of ontology/ccn.ttl."""
    sections = []
    for title, kind, parent in SECTIONS:
        terms = []
        for subject in sorted((s for s in graph.subjects(RDF.type, kind)
                               if str(s).startswith(str(CCN))), key=str):
            terms.append(Term(
                anchor=str(subject)[len(str(CCN)):], iri=str(subject),
                labels=by_lang(graph, subject, RDFS.label),
                comments=by_lang(graph, subject, RDFS.comment),
                parents=[alternatives(graph, o) for o in graph.objects(subject, parent)],
                domain=[alternatives(graph, o) for o in graph.objects(subject, RDFS.domain)],
                range=[alternatives(graph, o) for o in graph.objects(subject, RDFS.range)],
                inverse=[term_link(o) for o in graph.objects(subject, OWL.inverseOf)],
                see_also=[term_link(o) for o in graph.objects(subject, RDFS.seeAlso)],
            ))
        sections.append((title, terms))
    head = URIRef(str(CCN).rstrip("#"))
    return render(
        "ontology.html", title="The ccgraph ontology", page=None,
        alternates=[{"href": f"/ontology.{ext}", "media": media, "name": name}
                    for ext, media, name in RDF_ALTERNATES],
        iri=str(head), namespace=str(CCN),
        titles=by_lang(graph, head, DCTERMS.title),
        descriptions=by_lang(graph, head, DCTERMS.description),
        version=str(graph.value(head, OWL.versionInfo) or ""),
        license=str(graph.value(head, DCTERMS.license) or ""),
        sections=sections,
    )
