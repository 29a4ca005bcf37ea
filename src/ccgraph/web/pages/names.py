"""What a resource is called on the pages: its best label (English first), and, for the
records that have none (memberships, attestations, complete lists, size claims), a name
made of their parts. Every IRI reaches a query as a checked RDF term
(`queries.values_block`); one that is not a valid IRI has no name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from ... import namespaces as ns
from ...namespaces import CCN
from ...queries import values_block
from ...values import is_iri
from .html import Link, curie, local, number

if TYPE_CHECKING:
    from ...store import Store

PREFIXES = ns.sparql_prologue("ccn", "org", "prov", "rdfs", "skos", "dcterms")
LABEL_ORDER = ("en", "", "it", "fr")


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
    """The name of each IRI that has one: its best label (rdfs:label, skos:prefLabel or
    dcterms:title), else, for the records that have none, one made of their parts
    (`name_map`)."""
    wanted = {i for i in iris if isinstance(i, URIRef) and is_iri(str(i))}
    labels = _labels(store, wanted)
    unlabelled = wanted - set(labels)
    return {**labels, **name_map(store, unlabelled)} if unlabelled else labels


def _labels(store: Store, iris: Iterable[Any]) -> dict[URIRef, str]:
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


# the parts of the records that have no label, one UNION branch per class: ?a, ?b, ?c
# are resources (named by their labels), the rest literals
PARTS = PREFIXES + """SELECT ?x ?kind ?a ?b ?c ?value ?qualifier ?quote ?role ?of ?in WHERE {
  %s
  {
    ?x a ccn:Membership ; org:member ?a ; org:organization ?b ; org:role ?c .
    BIND ("membership" AS ?kind)
  } UNION {
    ?x a ccn:Attestation ; ccn:attestedMember ?a ; prov:wasDerivedFrom ?c .
    BIND ("attestation" AS ?kind)
  } UNION {
    ?x a ccn:CompleteMemberList ; ccn:aboutNetwork ?b ; prov:wasDerivedFrom ?c .
    BIND ("list" AS ?kind)
  } UNION {
    ?x a ccn:SizeClaim ; ccn:claimedValue ?value ; ccn:measure ?a .
    BIND ("claim" AS ?kind)
    OPTIONAL { ?x ccn:qualifier ?qualifier }
    OPTIONAL { ?x ccn:quote ?quote }
    OPTIONAL { ?x ccn:countsRole ?role }
    OPTIONAL { ?x ccn:countsKind ?of }
    OPTIONAL { ?x ccn:countsCountry ?in }
  }
}"""
QUOTE_SHOWN = 80  # characters of a claim's words in its name
PLURALS = {CCN.City: "cities", CCN.Country: "countries", CCN.Province: "provinces",
           CCN.Region: "regions"}


def name_map(store: Store, iris: Iterable[URIRef]) -> dict[URIRef, str]:
    """Names for the records that have no label, made of their parts: a membership
    "Turin in UNESCO Creative Cities Network (Design)", an attestation "Aosta named by gai:
    torino-1997", a complete member list "Complete member list of GAI …, gai: torino-1997",
    a size claim by its measure and words: "130,000,000 citizens: “130 million citizens”"."""
    wanted = sorted(iris)
    if not wanted:
        return {}
    rows = select(store, PARTS % values_block(["x"], [[i] for i in wanted]))
    if not rows:
        return {}
    parts = {t for row in rows for t in (row[2], row[3], row[4], row[8], row[9], row[10])}
    labels = _labels(store, parts)

    def called(iri: Any) -> str:
        return labels.get(iri) or curie(iri)

    quotes: dict[URIRef, list[Literal]] = defaultdict(list)
    for x, *_, quote, _, _, _ in rows:
        if quote is not None:
            quotes[x].append(quote)
    names: dict[URIRef, str] = {}
    for x, kind, a, b, c, value, qualifier, _, role, of, in_ in rows:
        if x in names:
            continue
        if str(kind) == "membership":
            names[x] = f"{called(a)} in {called(b)} ({called(c)})"
        elif str(kind) == "attestation":
            names[x] = f"{called(a)} named by {source_name(c, Link('', called(c)))}"
        elif str(kind) == "list":
            names[x] = (f"Complete member list of {called(b)}, "
                        f"{source_name(c, Link('', called(c)))}")
        else:
            names[x] = claim_name(value, qualifier, called(a), best(quotes[x]),
                                  [called(role) if role is not None else None,
                                   PLURALS.get(of) or (called(of) if of is not None else None),
                                   called(in_) if in_ is not None else None])
    return names


def claim_name(value: Any, qualifier: Any, measure: str, quote: str | None,
               counts: Iterable[str | None] = ()) -> str:
    """A size claim in words: its qualifier, value and measure, what it counts, and the
    start of its source's words: "more than 130 members (partner): “…”"."""
    amount = number(value)
    said = " ".join(str(p) for p in (qualifier, amount, measure.lower()) if p)
    narrowed = ", ".join(c for c in counts if c)
    said += f" ({narrowed})" if narrowed else ""
    if quote:
        words = quote if len(quote) <= QUOTE_SHOWN else (
            quote[:QUOTE_SHOWN].rsplit(" ", 1)[0].rstrip(",;:.") + "…")
        said += f": “{words}”"
    return said


def link_map(store: Store, terms: Iterable[Any]) -> dict[URIRef, Link]:
    """A link, with its label for text, to each IRI among `terms` (others are left out)."""
    iris = [t for t in terms if isinstance(t, URIRef)]
    labels = label_map(store, iris)
    return {i: Link(local(i), labels.get(i) or curie(i)) for i in iris}


def source_name(iri: URIRef, link: Link) -> str:
    """A source by its label ("gai: torino-1997", which shows its slug), else by its slug
    and title (seed-003 “UNESCO Creative Cities of Design and cluster”)."""
    slug = str(iri).rsplit("/", 1)[-1]
    return link.text if link.text.replace(": ", "-") == slug else f"{slug} “{link.text}”"
