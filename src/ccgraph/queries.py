"""Saved queries: the catalogue of `queries/*.rq`, their parameters, and how values are bound.

A saved query is a SPARQL file that starts with a YAML header in `#+ ` comment lines
(grlc's idea): summary, description, tags, params, columns. Parameter values are never
pasted into the query text. Each value is turned into a checked RDF term (the IRI of a
resource the store knows, or a typed literal) and that term, written by `term.n3()`,
takes the place of the parameter's variable in the WHERE group that holds the marker
line `#+bindings` (a SPARQL comment, so the raw file still parses): the substitution
that rdflib's initBindings perform, done the same way for every backend (pyoxigraph's
own `substitutions` refuse variables that an aggregate query does not project).

The one definition of "valid at D" lives in `queries/fragments/valid-at.rq`; a query
includes it with the line `#+include valid-at ?m ?date`, which `SavedQuery.text()` expands
(the fragment's `$m`/`$date` renamed to the given variables, its own variables suffixed
with the number of the include, so two includes never clash).

Header keys of a parameter: `name`, `type` (one of PARAM_TYPES), `required`, `default`,
`allowed` (the only values accepted), `description`, and `variable`: the query variable it
binds, when not the parameter's name (members-at binds `field` to `?role_iri`, because its
`field` column is the field's label). Values are resolved against the store: names are
bound as literals to look them up; a slug is made into a candidate IRI only when it is
nothing but [a-z0-9-/], and an IRI is bound only if it is a well-formed one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from . import namespaces as ns
from .errors import InputError, QueryError
from .sources import QUERIES_DIR

if TYPE_CHECKING:
    from .store import Answer, Store

PARAM_TYPES = ("network", "member", "field", "country", "date", "integer")
MARKER = "#+bindings"
INCLUDE = re.compile(r"^[ \t]*#\+include[ \t]+([\w-]+)((?:[ \t]+[?$]\w+)*)[ \t]*$", re.MULTILINE)
VARIABLE = re.compile(r"[?$](\w+)")
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]+")
SLUG_PATH = re.compile(r"[a-z0-9-]+(?:/[a-z0-9-]+)*")
MAX_VALUE = 300  # characters: longer than any IRI or name in the graph


@dataclass(frozen=True)
class Param:
    """A declared parameter; `variable` is the query variable it binds (default: its name)."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    allowed: tuple[str, ...] | None = None
    description: str = ""
    variable: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    path: Path

    def text(self) -> str:
        """The query with its fragments expanded and the `#+bindings` marker left in place."""
        source = self.path.read_text(encoding="utf-8")
        counter = count(1)
        return INCLUDE.sub(lambda m: _expand(self, m, next(counter)), source)

    def render(self, bindings: Mapping[str, Identifier], style: str = "constants") -> str:
        """The query with `bindings` (parameter name -> checked term) bound.

        `style="constants"` (the embedded and memory stores): inside the WHERE group that
        holds the `#+bindings` marker, each bound variable is replaced by its term (as
        rdflib's initBindings and SPARQL substitution do); where the variable is also used
        outside that group (projection, GROUP BY, HAVING), a `BIND(term AS ?var)` at the
        marker keeps its value there. Engines then evaluate the pattern from the
        constants: a leading VALUES block is joined after the pattern instead, which
        Oxigraph made 100x slower on 35k triples.

        `style="values"` (remote endpoints): generated `VALUES ?var { term }` blocks at the
        marker bind the parameters in the group; inside a sub-select, which
        SPARQL evaluates before the group's bindings reach it, the terms are put in place
        of the variables as above.
        """
        by_name = {p.name: p for p in self.params}
        unknown = [name for name in bindings if name not in by_name]
        if unknown:
            raise InputError(_no_such_param(self, unknown[0]))
        if style not in ("constants", "values"):
            raise ValueError(f"unknown binding style {style!r}")
        text = self.text()
        if MARKER not in text:
            if bindings:
                raise QueryError(f"{self.path}: no {MARKER} marker for the parameters")
            return text
        start = text.index(MARKER)
        end = _group_end(text, start)
        head, body, tail = text[:start], text[start + len(MARKER) : end], text[end:]
        bound = [p for p in self.params if p.name in bindings]
        terms = [_term(bindings[p.name]) for p in bound]
        binds = []
        for param, term in zip(bound, terms, strict=True):
            variable = re.compile(rf"[?$]{re.escape(param.variable)}\b")
            if style == "values":
                body = _in_subselects(body, variable, term)
            else:
                body = _substitute(body, variable, term)
                if variable.search(head) or variable.search(tail):
                    binds.append(f"BIND ({term} AS ?{param.variable})")
        if style == "values":  # one block per variable: Virtuoso fails on VALUES (?a ?b)
            binds += [f"VALUES ?{p.variable} {{ {t} }}" for p, t in zip(bound, terms, strict=True)]
        return head + (" ".join(binds) or "# (parameters bound in place)") + body + tail


def _in_subselects(body: str, variable: re.Pattern[str], term: str) -> str:
    """`body` with `term` in place of `variable` inside its sub-selects only."""
    out, last = [], 0
    for match in re.finditer(r"#[^\n]*|\bSELECT\b", body, re.I):
        if match.group(0).startswith("#") or match.start() < last:
            continue
        end = _group_end(body, match.start())
        out += [body[last : match.start()], _substitute(body[match.start() : end], variable, term)]
        last = end
    out.append(body[last:])
    return "".join(out)


# Spans where a variable names a column, not a value: a sub-select's projection, GROUP BY.
_NAMING_SPANS = re.compile(r"SELECT\b.*?\bWHERE\b|GROUP\s+BY\b[^\n{}]*", re.S | re.I)


def _substitute(body: str, variable: re.Pattern[str], term: str) -> str:
    """Replace `variable` by `term` in `body`, except where it names a column."""
    out, last = [], 0
    for span in _NAMING_SPANS.finditer(body):
        out.append(variable.sub(lambda _: term, body[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(variable.sub(lambda _: term, body[last:]))
    return "".join(out)


def _group_end(text: str, start: int) -> int:
    """The index of the `}` closing the group in which `start` lies (comments skipped)."""
    depth = 0
    for match in re.finditer(r"#[^\n]*|[{}]", text[start:]):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                return start + match.start()
            depth -= 1
    raise QueryError("the #+bindings marker is not inside a group")


# --- the catalogue --------------------------------------------------------------------


@lru_cache(maxsize=8)
def catalogue(directory: Path = QUERIES_DIR) -> dict[str, SavedQuery]:
    """Every saved query of `directory` (fragments excluded), by name."""
    return {path.stem: _parse(path) for path in sorted(Path(directory).glob("*.rq"))}


def get(name: str) -> SavedQuery:
    queries = catalogue()
    if name not in queries:
        raise InputError(f"unknown query {name!r} (available: {', '.join(queries)})")
    return queries[name]


def header(path: Path) -> dict[str, Any]:
    """The YAML header of a query or fragment file: its leading `#+` lines."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#+ ") and line != "#+":
            break
        lines.append(line[3:])
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        raise InputError.at(path, None, f"bad header: {str(error).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise InputError.at(path, 1, "the header must be a YAML mapping")
    return meta


def _parse(path: Path) -> SavedQuery:
    meta = header(path)
    params = []
    for spec in meta.get("params") or ():
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise InputError.at(path, None, f"bad parameter {spec!r} (types: {PARAM_TYPES})")
        default, allowed = spec.get("default"), spec.get("allowed")
        params.append(Param(
            name=str(spec["name"]),
            type=spec["type"],
            required=bool(spec.get("required", False)),
            default=None if default is None else str(default),
            allowed=tuple(str(a) for a in allowed) if allowed else None,
            description=str(spec.get("description", "")),
            variable=str(spec.get("variable", spec["name"])),
        ))
    return SavedQuery(
        name=path.stem,
        summary=str(meta.get("summary", "")),
        description=str(meta.get("description", "")).strip(),
        tags=tuple(meta.get("tags") or ()),
        params=tuple(params),
        columns=tuple(meta.get("columns") or ()),
        path=path,
    )


def _expand(query: SavedQuery, match: re.Match[str], number: int) -> str:
    """The fragment named by an `#+include NAME ?a ?b` line, its parameters renamed to the
    given variables and its own variables suffixed with the include's number."""
    path = query.path.parent / "fragments" / f"{match.group(1)}.rq"
    if not path.is_file():
        raise QueryError(f"{query.path}: no fragment {match.group(1)!r} ({path})")
    formal = [str(p) for p in header(path).get("params") or ()]
    actual = [v[1:] for v in match.group(2).split()]
    if len(formal) != len(actual):
        raise QueryError(f"{query.path}: {match.group(1)} takes {len(formal)} variables")
    renaming = dict(zip(formal, actual, strict=True))
    body = [line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#+")]

    def rename(var: re.Match[str]) -> str:
        name = var.group(1)
        if var.group(0)[0] == "$" and name in renaming:
            return "?" + renaming[name]
        return f"?{name}_{match.group(1).replace('-', '_')}{number}"

    indent = re.match(r"[ \t]*", match.group(0)).group(0)  # type: ignore[union-attr]
    lines = [f"{indent}# {match.group(1)}({', '.join(actual)}) from {path.name}"]
    lines += [indent + VARIABLE.sub(rename, line) for line in body if line.strip()]
    return "\n".join(lines)


# --- binding --------------------------------------------------------------------------


def _term(term: Identifier) -> str:
    """The SPARQL form of a checked term; anything that is not one is refused."""
    if isinstance(term, URIRef) and IRI.fullmatch(str(term)):
        return term.n3()
    if isinstance(term, Literal) and not _has_control(str(term)):
        return term.n3()
    raise InputError(f"not a bindable RDF term: {str(term)[:60]!r}")


def values_block(variables: Sequence[str], rows: Sequence[Sequence[Identifier]]) -> str:
    if not variables:
        return ""
    body = " ".join("(" + " ".join(_term(t) for t in row) + ")" for row in rows)
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ {body} }}"


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)


# --- resolving the values people type ---------------------------------------------------


def resolve(query: SavedQuery, values: Mapping[str, Any], store: Store) -> dict[str, Identifier]:
    """Strings (from the CLI or HTTP) -> checked terms, with defaults applied."""
    by_name = {p.name: p for p in query.params}
    for key in values:
        if key not in by_name:
            raise InputError(_no_such_param(query, key))
    bindings: dict[str, Identifier] = {}
    for param in query.params:
        raw = values.get(param.name)
        raw = "" if raw is None else raw.isoformat() if isinstance(raw, date) else str(raw)
        if not raw.strip():
            if param.default is None and param.required:
                raise InputError(f"query {query.name!r} needs parameter {param.name!r} "
                                 f"({param.type}: {param.description or _FORMS[param.type]})")
            if param.default is None:
                continue
            raw = param.default
        bindings[param.name] = _resolve_value(query, param, raw.strip(), store)
    return bindings


def run(store: Store, name: str, values: Mapping[str, Any] | None = None) -> Answer:
    """Run saved query `name` with `values`; the Answer's columns are the header's columns."""
    query = get(name)
    bindings = resolve(query, values or {}, store)
    answer = store.select(query.render(bindings, store.binding))
    if answer.variables != query.columns:
        raise QueryError(f"query {name!r} answered {answer.variables}, not {query.columns}")
    return answer


_FORMS = {
    "network": "a network slug or IRI",
    "member": "an IRI, a slug path such as it/turin, or an English name",
    "field": "a creative field's English label or slug",
    "country": "an ISO 3166-1 alpha-2 code of a country in the graph",
    "date": "a calendar date YYYY-MM-DD, or 'today'",
    "integer": "a whole number",
}

PREFIXES = """PREFIX ccn: <https://w3id.org/ccgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# per type: the classes of its resources, their primary English label, other labels,
# and the IRI path segments a slug may be given under
_LOOKUP = {
    "network": ("ccn:Network", "rdfs:label", "rdfs:label|skos:altLabel", ("network",)),
    "field": ("ccn:CreativeField", "skos:prefLabel", "skos:prefLabel|skos:altLabel", ("field",)),
    "member": ("ccn:City ccn:Province ccn:Region ccn:Country", "rdfs:label",
               "skos:altLabel|rdfs:label", ("city", "province", "region", "country", "")),
}


def _resolve_value(query: SavedQuery, param: Param, raw: str, store: Store) -> Identifier:
    def bad(reason: str) -> InputError:
        return InputError(f"query {query.name!r}, parameter {param.name!r}: {raw!r} {reason}")

    if len(raw) > MAX_VALUE or _has_control(raw):
        raise bad(f"is not {_FORMS[param.type]} (too long, or control characters)")
    if param.allowed and raw.lower() not in {a.lower() for a in param.allowed}:
        raise bad(f"is not allowed (allowed: {', '.join(param.allowed)})")
    if param.type == "date":
        text = date.today().isoformat() if raw.lower() == "today" else raw
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            date.fromisoformat(text)
        except ValueError:
            raise bad(f"is not {_FORMS['date']}") from None
        return Literal(text, datatype=XSD.date)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,9}", raw):
            raise bad(f"is not {_FORMS['integer']}")
        return Literal(int(raw))
    if param.type == "country":
        code = raw.upper()
        found = re.fullmatch(r"[A-Z]{2}", code) and store.ask(
            PREFIXES + "ASK { " + values_block(["code"], [[Literal(code)]])
            + " ?country a ccn:Country ; ccn:isoCode ?code }")
        if not found:
            raise bad(f"is not {_FORMS['country']}")
        return Literal(code)
    hits = _lookup(store, param.type, raw)
    if len(hits) == 1:
        return hits[0][0]
    if hits:
        listed = ", ".join(f"{label or '?'} <{iri}>" for iri, label in hits)
        raise bad(f"is ambiguous: {listed}; give the IRI or the slug path")
    allowed = "" if param.type == "member" else f"; allowed: {', '.join(known(store, param))}"
    raise bad(f"matches no {param.type} ({_FORMS[param.type]}{allowed})")


def _lookup(store: Store, kind: str, raw: str) -> list[tuple[URIRef, str]]:
    """Resources of `kind` whose IRI is `raw`, or {base}id/{segment}/{raw as a slug path};
    failing that, whose primary English label, then any label, is `raw` (in any case).
    Names are bound as literals; an IRI only after it was checked."""
    classes, primary, other, segments = _LOOKUP[kind]
    candidates = [URIRef(raw)] if IRI.fullmatch(raw) else []
    path = raw.lower() if kind == "member" else re.sub(r" +", "-", raw.lower())
    if SLUG_PATH.fullmatch(path):
        candidates += [URIRef(ns.base() + "id/" + "/".join(filter(None, (segment, path))))
                       for segment in segments]
    label = f'OPTIONAL {{ ?x {primary} ?label FILTER (LANG(?label) = "en") }}'
    hits = store.select(PREFIXES + f"""SELECT DISTINCT ?x ?label WHERE {{
      {values_block(["x"], [[c] for c in candidates])}
      ?x a ?class . VALUES ?class {{ {classes} }} {label}
    }} ORDER BY STR(?x)""").rows if candidates else ()
    for predicate, english in ((primary, '&& LANG(?name_) = "en"'), (other, "")):
        if hits:
            break
        hits = store.select(PREFIXES + f"""SELECT DISTINCT ?x ?label WHERE {{
          {values_block(["name"], [[Literal(raw.lower())]])}
          ?x a ?class ; {predicate} ?name_ . VALUES ?class {{ {classes} }}
          FILTER (LCASE(STR(?name_)) = ?name {english}) {label}
        }} ORDER BY STR(?x)""").rows
    return [(row[0], str(row[1] or "")) for row in hits]  # type: ignore[misc]


def known(store: Store, param: Param) -> list[str]:
    """What a network or field parameter accepts: network slugs, fields' English labels."""
    classes, primary, _, _ = _LOOKUP[param.type]
    rows = store.select(PREFIXES + f"""SELECT ?x ?label WHERE {{ ?x a {classes}
        OPTIONAL {{ ?x {primary} ?label FILTER (LANG(?label) = "en") }} }}""").rows
    names = [str(x).rsplit("/", 1)[-1] if param.type == "network" else str(label)
             for x, label in rows]
    return sorted(set(names))


def _no_such_param(query: SavedQuery, name: str) -> str:
    known = ", ".join(p.name for p in query.params) or "none"
    return f"query {query.name!r} has no parameter {name!r} (parameters: {known})"


__all__ = ["Param", "SavedQuery", "catalogue", "get", "known", "resolve", "run", "values_block"]
