"""What the pages show, read from the store with SPARQL: labels, a resource's statements,
memberships and the members of a network at a date. Every value reaches a query as a
checked RDF term (`queries.values_block`), never as text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Identifier

from ... import namespaces as ns
from ... import queries
from ...queries import values_block
from .html import Link, curie, local

if TYPE_CHECKING:
    from ...store import Store

PREFIXES = ns.sparql_prologue("ccn", "org", "prov", "rdfs", "skos", "dcterms")
LABEL_ORDER = ("en", "", "it", "fr")
INCOMING_SHOWN = 300


# --- labels -----------------------------------------------------------------------------


def best(labels: Iterable[Literal]) -> str | None:
    """The English label, else one without language, else Italian, French, any."""
    by_lang: dict[str, str] = {}
    for label in labels:
        by_lang.setdefault(label.language or "", str(label))
    for lang in LABEL_ORDER:
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), None)


def select(store: Store, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT: rdflib terms, None where unbound (their kinds are the query's)."""
    return [tuple(row) for row in store.select(query).rows]


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


def distinct(members: list[Member]) -> int:
    """How many members (a member holding two roles counts once)."""
    return len({m.member.href for m in members})
