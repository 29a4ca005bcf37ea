"""The four time bounds of every membership, derived from the evidence when the graph is built.

A membership is one continuous interval [S, E): S its first day, E the first day it no
longer holds (none while it lasts). Neither is known exactly; the evidence bounds them,
as the four bounds of a CIDOC CRM time-span (docs/model.md, "Time bounds"):

    earliestStart <= S <= latestStart        earliestEnd <= E <= latestEnd

- a start or end at its precision: "2008"^^xsd:gYear starts between 2008-01-01 and
  2008-12-31;
- an attestation (or, for a membership with no start, each dated source it is derived
  from and that has no attestation of it): the membership held on some day of the
  attestation's days [a, b], so S <= b and E > a;
- a complete member list of the network, dated [a, b], that does not list the member
  (a list of one kind of member, ccn:listsKind, only of members of that kind):
  if the membership held on some day before a, it had ended by the list's day (E <= b);
  if it held on some day after b, it had not begun on the list's day (S > a);
- the network's founding: S is not before its first day;
- no evidence of an end (no end date, no complete list after it): the membership
  persists, and E has no bounds.

A bound no evidence gives is left out: no earliestStart is "any time", no latestStart
"never certainly begun". Each bound names its basis (an attestation, a complete list, a
source, or the network for its founding), so a contradiction can name both sources:
the shapes (shapes/bounds.ttl) report every membership whose bounds admit no interval.
The rule that reads them, "certain" and "possible" at a date, is written once, in
queries/fragments/valid-at.rq.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, XSD
from rdflib.term import Node

from . import namespaces as ns
from .errors import InputError
from .namespaces import CCN
from .values import days

DERIVED_GRAPH = ns.graph_name("derived")
DAY = timedelta(days=1)
DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)

Evidence = tuple[date, date, Node]  # the membership held on some day of [first, last]


@dataclass
class Bounds:
    """The bounds of one membership, each with its basis; None where nothing bounds it."""

    earliest_start: tuple[date, Node] | None = None
    latest_start: tuple[date, Node] | None = None
    earliest_end: tuple[date, Node] | None = None
    latest_end: tuple[date, Node] | None = None
    held: list[Evidence] = field(default_factory=list)

    def raise_earliest_start(self, day: date, basis: Node) -> None:
        if self.earliest_start is None or day > self.earliest_start[0]:
            self.earliest_start = (day, basis)

    def lower_latest_start(self, day: date, basis: Node) -> None:
        if self.latest_start is None or day < self.latest_start[0]:
            self.latest_start = (day, basis)

    def raise_earliest_end(self, day: date, basis: Node) -> None:
        if self.earliest_end is None or day > self.earliest_end[0]:
            self.earliest_end = (day, basis)

    def lower_latest_end(self, day: date, basis: Node) -> None:
        if self.latest_end is None or day < self.latest_end[0]:
            self.latest_end = (day, basis)

    def hold(self, first: date, last: date, basis: Node) -> None:
        """The membership held on some day of [first, last]."""
        self.held.append((first, last, basis))
        self.lower_latest_start(last, basis)
        self.raise_earliest_end(first + DAY, basis)


def _days(value: Node | None) -> tuple[date, date] | None:
    """The first and last day a date value stands for; None for a value that is not a date
    at a known precision (the shapes report it), which then bounds nothing."""
    if not isinstance(value, Literal) or value.datatype not in DATE_TYPES:
        return None
    try:
        return days(str(value))
    except InputError:
        return None


def _first(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    return min(graph.objects(subject, predicate), key=str, default=None)


@dataclass(frozen=True)
class CompleteList:
    """A dated complete member list: its network, first and last day, and members."""

    node: Node
    network: Node
    kind: Node | None  # only members of this class, when given (ccn:listsKind)
    first: date
    last: date
    listed: frozenset[Node]


def derive(graph: Graph | Dataset) -> Graph:
    """The bounds of every membership of `graph` (a Dataset: of its union graph), as
    triples."""
    bounds = _evidence(graph)
    for listing in _complete_lists(graph):
        _omitted_by(graph, bounds, listing)
    derived = ns.new_graph()
    for membership, bound in bounds.items():
        if bound.latest_end is None:  # no evidence of an end: it persists
            bound.earliest_end = None
        for value, predicate, basis_predicate in (
            (bound.earliest_start, CCN.earliestStart, CCN.earliestStartBasis),
            (bound.latest_start, CCN.latestStart, CCN.latestStartBasis),
            (bound.earliest_end, CCN.earliestEnd, CCN.earliestEndBasis),
            (bound.latest_end, CCN.latestEnd, CCN.latestEndBasis),
        ):
            if value is not None:
                derived.add((membership, predicate, Literal(value[0], datatype=XSD.date)))
                derived.add((membership, basis_predicate, value[1]))
    return derived


def _evidence(graph: Graph) -> dict[Node, Bounds]:
    """Each membership's bounds from its attestations, start, end, sources and network."""
    spans = _source_spans(graph)
    bounds: dict[Node, Bounds] = {m: Bounds() for m in graph.subjects(RDF.type, CCN.Membership)}
    attested: dict[Node, set[Node]] = defaultdict(set)  # membership -> sources attesting it
    for attestation in sorted(graph.subjects(RDF.type, CCN.Attestation), key=str):
        first = _days(graph.value(attestation, CCN.onOrAfter))
        last = _days(graph.value(attestation, CCN.onOrBefore))
        source = graph.value(attestation, PROV.wasDerivedFrom)
        for membership in graph.objects(attestation, CCN.attests):
            attested[membership].add(source)  # type: ignore[arg-type]
            if first is not None and last is not None and membership in bounds:
                bounds[membership].hold(first[0], last[1], attestation)
    for membership, bound in bounds.items():
        sources = sorted(graph.objects(membership, PROV.wasDerivedFrom), key=str)
        basis = sources[0] if sources else membership
        start = _days(_first(graph, membership, CCN.startDate))
        end = _days(_first(graph, membership, CCN.endDate))
        if start is not None:
            bound.raise_earliest_start(start[0], basis)
            bound.hold(*start, basis)
        else:  # each dated source of a membership with no start attests it
            for source in sources:
                if source in spans and source not in attested[membership]:
                    bound.hold(*spans[source], source)
        if end is not None:
            bound.raise_earliest_end(end[0], basis)
            bound.lower_latest_end(end[1], basis)
        network = graph.value(membership, ORG.organization)
        founded = _days(graph.value(network, CCN.foundingDate)) if network is not None else None
        if founded is not None and network is not None:
            bound.raise_earliest_start(founded[0], network)
    return bounds


def _omitted_by(graph: Graph, bounds: dict[Node, Bounds], listing: CompleteList) -> None:
    """What a complete list says of the memberships of its network it does not list."""
    for membership in graph.subjects(ORG.organization, listing.network):
        member = graph.value(membership, ORG.member)
        if membership not in bounds or member in listing.listed:
            continue
        if listing.kind is not None and (member, RDF.type, listing.kind) not in graph:
            continue  # a list of countries says nothing of a city member
        bound = bounds[membership]
        if any(held_last < listing.first for _, held_last, _ in bound.held):
            bound.lower_latest_end(listing.last, listing.node)
        if any(held_first > listing.last for held_first, _, _ in bound.held):
            bound.raise_earliest_start(listing.first + DAY, listing.node)


def _source_spans(graph: Graph) -> dict[Node, tuple[date, date]]:
    """The days each dated source speaks of: from its ccn:onOrAfter (else its
    ccn:writtenAfter, else its reference date) to its ccn:referenceDate."""
    spans = {}
    for source, reference in graph.subject_objects(CCN.referenceDate):
        last = _days(reference)
        first = _days(graph.value(source, CCN.onOrAfter)
                      or graph.value(source, CCN.writtenAfter) or reference)
        if first is not None and last is not None:
            spans[source] = (first[0], last[1])
    return spans


def _complete_lists(graph: Graph) -> list[CompleteList]:
    """The dated complete member lists of `graph` (an undated one bounds nothing)."""
    lists = []
    for node in sorted(graph.subjects(RDF.type, CCN.CompleteMemberList), key=str):
        first = _days(graph.value(node, CCN.onOrAfter))
        last = _days(graph.value(node, CCN.onOrBefore))
        network = graph.value(node, CCN.aboutNetwork)
        if first is None or last is None or network is None:
            continue
        listed = frozenset(member for attestation in graph.subjects(CCN.inList, node)
                           if (member := graph.value(attestation, CCN.attestedMember)))
        lists.append(CompleteList(node, network, graph.value(node, CCN.listsKind),
                                  first[0], last[1], listed))
    return lists
