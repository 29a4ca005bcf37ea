"""What a resource is called: the best of its labels (rdfs:label, skos:prefLabel or
dcterms:title; English first, then no language, Italian, French, any), and, for the records
that have none (memberships, attestations, complete lists, size claims), a name made of
their parts. The pages (`ccgraph.web.pages`) and the terminal's tables use it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from . import namespaces as ns
from .namespaces import CCN
from .queries.binding import values_block
from .values import is_iri

if TYPE_CHECKING:
    from .store import Store

LABEL_ORDER = ("en", "", "it", "fr")
PREFIXES = ns.sparql_prologue("ccn", "org", "prov", "rdfs", "skos", "dcterms")
LABELS = ns.sparql_prologue("rdfs", "skos", "dcterms") + (
    "SELECT ?x ?label WHERE {{ {values} ?x rdfs:label|skos:prefLabel|dcterms:title ?label }}")


def best(labels: Iterable[Literal]) -> str | None:
    """The English label, else one without language, else Italian, French, any."""
    by_lang: dict[str, str] = {}
    for label in labels:
        by_lang.setdefault(label.language or "", str(label))
    for lang in LABEL_ORDER:
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), None)


def names(store: Store, terms: Iterable[Any]) -> dict[URIRef, str]:
    """The name of each IRI among `terms` that has one: its best label, else, for the
    records that have none, one made of their parts (`name_map`). Others are left out; a
    string that is not a valid IRI names nothing and never reaches a query."""
    wanted = {t for t in terms if isinstance(t, URIRef) and is_iri(str(t))}
    found = _labels(store, wanted)
    unlabelled = wanted - set(found)
    return {**found, **name_map(store, unlabelled)} if unlabelled else found


def _labels(store: Store, terms: Iterable[Any]) -> dict[URIRef, str]:
    wanted = sorted({t for t in terms if isinstance(t, URIRef) and is_iri(str(t))})
    if not wanted:
        return {}
    rows = store.select(LABELS.format(values=values_block(["x"], [[i] for i in wanted]))).rows
    found: dict[URIRef, list[Literal]] = defaultdict(list)
    for iri, label in rows:
        if isinstance(iri, URIRef) and isinstance(label, Literal):
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
    rows = _rows(store, PARTS % values_block(["x"], [[i] for i in wanted]))
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
            names[x] = f"{called(a)} named by {source_name(c, called(c))}"
        elif str(kind) == "list":
            names[x] = (f"Complete member list of {called(b)}, "
                        f"{source_name(c, called(c))}")
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


def source_name(iri: URIRef, label: str) -> str:
    """A source by its label ("gai: torino-1997", which shows its slug), else by its slug
    and title (seed-003 “UNESCO Creative Cities of Design and cluster”)."""
    slug = str(iri).rsplit("/", 1)[-1]
    return label if label.replace(": ", "-") == slug else f"{slug} “{label}”"


def curie(iri: object) -> str:
    """`org:member` for a term of a known vocabulary; the resource path or IRI otherwise."""
    text = str(iri)
    if text.startswith(ns.base() + "id/"):
        return text[len(ns.base() + "id/"):]
    try:
        return ns.new_graph().namespace_manager.curie(URIRef(text), generate=False)
    except (KeyError, ValueError):
        return text


def number(value: Any) -> str:
    """A whole number with its thousands marked, as English writes it: 130,000,000; any
    other value as it is written."""
    text = str(value)
    return f"{int(text):,}" if re.fullmatch(r"[+-]?\d+", text) else text


def _rows(store: Store, query: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.select(query).rows]
