"""Resolving the values people give a saved query into checked RDF terms, against the store.

A value's syntax is checked by `ccgraph.values`; here it becomes a term the query can bind.
Dates and integers become typed literals; a country code must be one the graph holds;
networks, fields and members are looked up in the store: names are bound as literals to
look them up, a slug is made into a candidate IRI only when it is nothing but
[a-z0-9-/], and an IRI is bound only if it is a well-formed one.

The terms are made in the store's own kind (`store.terms`, a `store.base.TermKit`: rdflib's
terms unless the store says otherwise), so that the light path, whose embedded store answers
in pyoxigraph's terms, resolves with the same code and no rdflib.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..naming import base
from ..spelling import did_you_mean
from ..values import XSD, as_text, date_form, is_iri, is_plain, is_slug_path
from .binding import term, values_block
from .catalogue import Param, SavedQuery

if TYPE_CHECKING:
    from rdflib.term import Identifier

    from ..store import Store
    from ..store.base import TermKit

_FORMS = {
    "network": "a network slug or IRI",
    "member": "an IRI, a slug path such as it/turin, or an English name",
    "field": "a creative field's English label or slug",
    "country": "an ISO 3166-1 alpha-2 code of a country in the graph",
    "date": "a calendar date YYYY-MM-DD, or 'today'",
    "integer": "a whole number",
    "choice": "one of the allowed values",
}

PREFIXES = """PREFIX ccn: <https://w3id.org/ccgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# per type: the classes of its resources, their primary English label, other labels,
# and the IRI path segments a slug may be given under
_LOOKUP = {
    "network": ("ccn:Network", "rdfs:label", "rdfs:label|skos:altLabel", ("network",)),
    "field": ("ccn:CreativeField", "skos:prefLabel", "skos:prefLabel|skos:altLabel", ("field",)),
    "member": ("ccn:City ccn:Province ccn:Region ccn:Country org:FormalOrganization",
               "rdfs:label", "skos:altLabel|rdfs:label",
               ("city", "province", "region", "country", "org", "")),
}


def terms(store: Store) -> TermKit:
    """The kind of terms `store` answers in: its `terms`, else rdflib's."""
    kit: TermKit | None = getattr(store, "terms", None)
    if kit is None:
        from ..store.terms import TERMS

        return TERMS
    return kit


def resolve(query: SavedQuery, values: Mapping[str, Any], store: Store) -> dict[str, Identifier]:
    """Strings (from the CLI or HTTP), or dates, -> checked terms (of the kind the store
    answers in), with defaults applied."""
    query.check(values)
    bindings: dict[str, Identifier] = {}
    for param in query.params:
        raw = values.get(param.name)
        raw = "" if raw is None else as_text(raw)
        if not raw.strip():
            if param.default is None and param.required:
                raise InputError(f"query {query.name!r} needs parameter {param.name!r} "
                                 f"({param.type}: {param.description or _FORMS[param.type]})")
            if param.default is None:
                continue
            raw = param.default
        bindings[param.name] = _resolve_value(query, param, raw.strip(), store)
    return bindings


def _resolve_value(query: SavedQuery, param: Param, raw: str, store: Store) -> Identifier:
    kit = terms(store)

    def bad(reason: str) -> InputError:
        return InputError(f"query {query.name!r}, parameter {param.name!r}: {raw!r} {reason}")

    if not is_plain(raw):
        raise bad(f"is not {_FORMS[param.type]} (too long, or control characters)")
    if param.allowed and raw.lower() not in {a.lower() for a in param.allowed}:
        raise bad(f"is not allowed{did_you_mean(raw, param.allowed)} "
                  f"(allowed: {', '.join(param.allowed)})")
    if param.type == "date":
        try:
            return kit.literal(*date_form(raw, today=True))
        except InputError:
            raise bad(f"is not {_FORMS['date']}") from None
    if param.type == "choice":
        return kit.literal(raw.lower())
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,9}", raw):
            raise bad(f"is not {_FORMS['integer']}")
        return kit.literal(str(int(raw)), XSD + "integer")
    if param.type == "country":
        code = raw.upper()
        found = re.fullmatch(r"[A-Z]{2}", code) and store.ask(
            PREFIXES + "ASK { " + values_block(["code"], [[kit.literal(code)]])
            + " ?country a ccn:Country ; ccn:isoCode ?code }")
        if not found:
            raise bad(f"is not {_FORMS['country']}")
        return kit.literal(code)
    hits = _lookup(store, param.type, raw)
    if len(hits) == 1:
        return hits[0][0]
    if hits:
        listed = ", ".join(f"{label or '?'} <{iri}>" for iri, label in hits)
        raise bad(f"is ambiguous: {listed}; give the IRI or the slug path")
    if param.type == "member":
        raise bad(f"matches no member ({_FORMS['member']})")
    names = known(store, param)
    raise bad(f"matches no {param.type}{did_you_mean(raw, names)} ({_FORMS[param.type]}; "
              f"allowed: {', '.join(names)})")


def _lookup(store: Store, kind: str, raw: str) -> list[tuple[Identifier, str]]:
    """Resources of `kind` whose IRI is `raw`, or {base}id/{segment}/{raw as a slug path};
    failing that, whose primary English label, then any label, is `raw` (in any case).
    Names are bound as literals; an IRI only after it was checked."""
    kit = terms(store)
    classes, primary, other, segments = _LOOKUP[kind]
    candidates = [kit.iri(raw)] if is_iri(raw) else []
    path = raw.lower() if kind == "member" else re.sub(r" +", "-", raw.lower())
    if is_slug_path(path):
        candidates += [kit.iri(base() + "id/" + "/".join(filter(None, (segment, path))))
                       for segment in segments]
    label = f'OPTIONAL {{ ?x {primary} ?label FILTER (LANG(?label) = "en") }}'
    hits = store.select(PREFIXES + f"""SELECT DISTINCT ?x ?label WHERE {{
      {values_block(["x"], [[c] for c in candidates])}
      ?x a ?class . VALUES ?class {{ {classes} }} {label}
    }} ORDER BY STR(?x)""").rows if candidates else ()
    name = term(kit.literal(raw.lower()))  # a checked literal, put in place
    for predicate, english in ((primary, '&& LANG(?name_) = "en"'), (other, "")):
        if hits:
            break
        scan = f"?x {predicate} ?name_ FILTER (LCASE(STR(?name_)) = {name} {english})"
        if store.binding != "values":
            # the labels scanned and compared with the name before anything else is
            # joined: at 1M quads 0.04 s against 0.2 s. Not on remote endpoints: Virtuoso
            # answers a sub-select with a FILTER empty in some servers (ccgraph.queries.
            # binding, _FILTERED_BOUND)
            scan = f"{{ SELECT DISTINCT ?x WHERE {{ {scan} }} }}"
        hits = store.select(PREFIXES + f"""SELECT DISTINCT ?x ?label WHERE {{
          {scan} ?x a ?class . VALUES ?class {{ {classes} }} {label}
        }} ORDER BY STR(?x)""").rows
    return [(row[0], "" if row[1] is None else kit.text(row[1]))  # type: ignore[misc]
            for row in hits]


def known(store: Store, param: Param) -> list[str]:
    """What a network or field parameter accepts: network slugs, fields' English labels."""
    classes, primary, _, _ = _LOOKUP[param.type]
    rows = store.select(PREFIXES + f"""SELECT ?x ?label WHERE {{ ?x a {classes}
        OPTIONAL {{ ?x {primary} ?label FILTER (LANG(?label) = "en") }} }}""").rows
    kit = terms(store)
    names = [kit.text(x).rsplit("/", 1)[-1] if param.type == "network"
             else str(label) if label is None else kit.text(label) for x, label in rows]
    return sorted(set(names))
