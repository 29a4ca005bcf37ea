"""What the pages show, read from the store with SPARQL: a resource's statements,
memberships and the members of a network at a date (names: `ccgraph.web.pages.names`).
Every value reaches a query as a checked RDF term (`queries.values_block`), never as
text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Identifier

from ... import queries
from ...labels import LABEL_ORDER, best, curie, source_name
from ...queries import values_block
from ...values import days
from .html import Link, local
from .names import PREFIXES, link_map, select

if TYPE_CHECKING:
    from ...store import Store

INCOMING_SHOWN = 300


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


# --- memberships and their time bounds --------------------------------------------------
# A membership began in [earliestStart, latestStart] and stopped holding in [earliestEnd,
# latestEnd] (bounds.py; a missing bound is unbounded): certain from latestStart until
# earliestEnd, only possible before and after. A timeline draws these parts, with why.

BOUNDS = ("earliestStart", "latestStart", "earliestEnd", "latestEnd")  # by their ccn: names
EVIDENCE = {  # how a bound reads, by the kind of its basis; {when}: the basis's days
    ("earliestStart", "network"): "the network was founded {when}",
    ("earliestStart", "list"): "not in the complete list of {source} {when}",
    ("latestStart", "attestation"): "first attested by {source} {when}",
    ("latestStart", "source"): "named by {source} {when}",
    ("earliestEnd", "attestation"): "last attested by {source} {when}",
    ("earliestEnd", "source"): "named by {source} {when}",
    ("latestEnd", "list"): "not in the complete list of {source} {when}",
}
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Bound:
    """A bound of a membership, and its basis: its kind (attestation, list, source or
    network), the days it speaks of in words ("in 2005"), and its source by name."""

    day: date
    kind: str
    when: str
    source: str


@dataclass(frozen=True)
class Part:
    """A stretch of a membership, certain or only possible, from `first` until the day
    before `until` (None: unbounded), and why."""

    certain: bool
    first: date | None
    until: date | None
    why: str

    def holds(self, day: date) -> bool:
        return (self.first or date.min) <= day < (self.until or date.max)


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
    sources: tuple[Link, ...]
    bounds: dict[str, Bound]
    undated: tuple[str, ...]  # the sources naming it that have no date, by name

    def bound(self, name: str) -> date | None:
        return self.bounds[name].day if name in self.bounds else None

    @property
    def parts(self) -> tuple[Part, ...]:
        es, ls, ee, le = (self.bound(name) for name in BOUNDS)
        if ls is None:  # never certainly begun: possible throughout
            span = (f" from {es}" if es else "") + (f" until {le}" if le else "")
            why = [*self._evidence("earliestStart", "latestEnd"), "nothing dated shows it held"]
            why += [f"named by {', '.join(self.undated)}, undated"] if self.undated else []
            return (Part(False, es, le, _why(f"possibly a member{span}, never certainly", why)),)
        ee = ee or (ls + DAY if le else None)  # ended, with no evidence of its last day
        parts = []
        if es != ls:
            began = f"began {spoken(es, ls)}" if es else f"began on or before {ls}"
            parts.append(Part(False, es, ls, _why(began, self._evidence("earliestStart",
                                                                        "latestStart"))))
        held = (f"certainly a member since {ls}, with no evidence of an end" if ee is None
                else f"certainly a member on {ls}" if ee == ls + DAY
                else f"certainly a member from {ls} to {ee - DAY}")
        parts.append(Part(True, ls, ee, _why(held, self._evidence("latestStart", "earliestEnd"))))
        if le and ee and ee != le:
            parts.append(Part(False, ee, le, _why(f"ended {spoken(ee, le)}",
                                                  self._evidence("earliestEnd", "latestEnd"))))
        return tuple(parts)

    def _evidence(self, *names: str) -> list[str]:
        """What the named bounds rest on, in words, each once."""
        found: list[str] = []
        for name in (n for n in names if n in self.bounds):
            bound = self.bounds[name]
            which = "start" if name.endswith("Start") else "end"
            side = self.start if which == "start" else self.end
            if bound.kind == "source" and side is not None and \
                    days(str(side))[0] <= bound.day <= days(str(side))[1]:  # the date's own
                text = str(side)
                precision = {4: "year", 7: "month"}.get(len(text))
                words = (f"{which} known only to the {precision} {text}" if precision
                         else f"{which}ed on {text}") + f" ({bound.source})"
            else:
                words = EVIDENCE.get((name, bound.kind), "according to {source} {when}"
                                     ).format(source=bound.source, when=bound.when)
            found += [] if words in found else [words]
        return found


def _why(headline: str, evidence: list[str]) -> str:
    return f"{headline}: {'; '.join(evidence)}" if evidence else headline


def at_precision(first: date, last: date) -> tuple[Literal, ...]:
    """The days [first, last] at the coarsest precision that gives them whole, as one or two
    typed literals: `2005`, `2019-10-30`, `2017` and `2020`."""
    for size, datatype in ((4, XSD.gYear), (7, XSD.gYearMonth), (10, XSD.date)):
        ends = tuple(Literal(d.isoformat()[:size], datatype=datatype) for d in (first, last))
        if days(str(ends[0]))[0] == first and days(str(ends[1]))[1] == last:
            break
    return ends[:1] if ends[0] == ends[1] else ends


def spoken(first: date, last: date) -> str:
    """Days in words at their precision: "in 2005", "on 1997-07-25", "between A and B"."""
    ends = at_precision(first, last)
    on = "on" if ends[0].datatype == XSD.date else "in"
    return f"between {ends[0]} and {ends[1]}" if len(ends) == 2 else f"{on} {ends[0]}"


def _days_of(first: Literal | None, last: Literal | None) -> str:
    """The days a basis speaks of, in words (a network's: its founding, at its precision)."""
    if first is None and last is None:
        return "(undated)"
    return spoken(days(str(first or last))[0], days(str(last or first))[1])


BASES = " ".join(f'("{name}" ccn:{name} ccn:{name}Basis)' for name in BOUNDS)
STINTS = PREFIXES + """SELECT ?member ?m ?network ?role ?start ?end ?field ?source ?dated
       ?bound ?day ?kind ?first ?last ?basis ?origin
WHERE {
  %s
  ?m org:member ?member ; org:organization ?network ; org:role ?role .
  OPTIONAL { ?m ccn:startDate ?start } OPTIONAL { ?m ccn:endDate ?end }
  BIND (EXISTS { ?role a ccn:CreativeField } AS ?field)
  {
    ?m prov:wasDerivedFrom ?source .
    BIND (EXISTS { ?source ccn:referenceDate ?reference } AS ?dated)
  } UNION {
    VALUES (?bound ?value ?based_on) { %s }
    ?m ?value ?day ; ?based_on ?basis .
    OPTIONAL { ?basis a ?class . VALUES (?class ?kind) { (ccn:Attestation "attestation")
      (ccn:CompleteMemberList "list") (ccn:Source "source") (ccn:Network "network") } }
    OPTIONAL { ?basis ccn:onOrAfter|ccn:writtenAfter|ccn:foundingDate ?first }
    OPTIONAL { ?basis ccn:onOrBefore|ccn:referenceDate ?last }
    OPTIONAL { ?basis prov:wasDerivedFrom ?origin }
  }
}"""


def stints(store: Store, members: list[URIRef], network: URIRef | None = None
           ) -> dict[URIRef, list[Stint]]:
    """The memberships of each member (of `network` only, if given) with their bounds, in
    the order they may have begun."""
    if not members:
        return {}
    bindings = values_block(["member"], [[m] for m in members])
    if network is not None:
        bindings += " " + values_block(["network"], [[network]])
    found: dict[URIRef, dict[str, Any]] = {}
    for (member, m, net, role, start, end, is_field, source, dated, bound, day, kind, first,
         last, basis, origin) in select(store, STINTS % (bindings, BASES)):
        entry = found.setdefault(m, {
            "member": member, "network": net, "role": role, "start": start, "end": end,
            "field": bool(is_field and is_field.toPython()), "sources": {}, "bounds": {}})
        if source is not None:
            entry["sources"][source] = bool(dated and dated.toPython())
        if bound is not None:
            entry["bounds"][str(bound)] = (day.toPython(), str(kind or ""), first, last,
                                           origin or basis)
    links = link_map(store, set(found) | {t for e in found.values() for t in (
        e["member"], e["network"], e["role"], *e["sources"], *(b[4] for b in e["bounds"].values())
    )})

    def named(iri: URIRef) -> str:
        return source_name(iri, links[iri].text) if iri in links else curie(iri)

    out: dict[URIRef, list[Stint]] = defaultdict(list)
    for m, e in found.items():
        out[e["member"]].append(Stint(
            record=links[m], member=links[e["member"]], network=links[e["network"]],
            role=links[e["role"]], is_field=e["field"], start=e["start"], end=e["end"],
            sources=tuple(sorted((links[s] for s in e["sources"]), key=lambda s: s.text)),
            bounds={name: Bound(day, kind, _days_of(first, last), named(source))
                    for name, (day, kind, first, last, source) in e["bounds"].items()},
            undated=tuple(sorted(named(s) for s, dated in e["sources"].items() if not dated)),
        ))
    for member_stints in out.values():  # unknown starts last
        member_stints.sort(key=lambda s: (s.bound("earliestStart") or s.bound("latestStart")
                                          or date.max, s.network.text))
    return out


@dataclass(frozen=True)
class Member:
    """A row of `members-at`, certain or only possible (and then why, if the page knows)."""

    iri: URIRef
    member: Link
    kind: str
    country: str
    role: str
    is_field: bool
    start: Literal | None
    end: Literal | None
    certain: bool
    why: str = ""


def members_at(store: Store, network: URIRef, at: date, field_iri: URIRef | None = None
               ) -> list[Member]:
    values = {"network": str(network), "date": at.isoformat()}
    if field_iri is not None:
        values["field"] = str(field_iri)
    rows: list[tuple[Any, ...]] = list(queries.run(store, "members-at", values).rows)
    return [Member(m, Link(local(m), str(label or curie(m))), str(kind), str(country or ""),
                   str(role or ""), field_ is not None, start, end, str(status) == "certain")
            for m, label, kind, country, field_, role, start, end, status in rows]


def distinct(members: list[Member]) -> int:
    """How many members (a member holding two roles counts once)."""
    return len({m.member.href for m in members})
