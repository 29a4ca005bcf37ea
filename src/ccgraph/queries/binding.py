"""Binding checked RDF terms into a saved query's text, in each store's binding style.

Parameter values are never pasted into the query text. Each value is a checked RDF term
(the IRI of a resource the store knows, or a typed literal) and that term, written by
`term.n3()`, takes the place of the parameter's variable in the WHERE group that holds the
marker line `#+bindings` (a SPARQL comment, so the raw file still parses): the
substitution that rdflib's initBindings perform, done the same way for every backend
(pyoxigraph's own `substitutions` refuse variables that an aggregate query does not
project). Anything that is not a checked term is refused (`term`). A term is rdflib's or
pyoxigraph's (the light path's, `ccgraph.store.native`); neither library is imported here
for the other's terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, QueryError
from ..values import has_control, is_iri

MARKER = "#+bindings"
STYLES = ("constants", "values", "patterns")
# A sub-select that reads one pattern whole, `{ SELECT ?a ?b WHERE { ?a p ?b } }` (with at
# most a FILTER), is how a saved query asks a row-at-a-time engine (Oxigraph) for a scan and
# a hash join. rdflib evaluates a sub-select anew for each row it is joined with: the
# "patterns" style (the memory store) puts such a sub-select back as its pattern, the same
# solutions.
_SCAN = re.compile(r"\{\s*SELECT\s+\?(\w+)\s+\?(\w+)\s+WHERE\s*\{\s*(\?(\w+)\s+(\S+)\s+\?(\w+)"
                   r"\s*(?:FILTER\s*\((?:[^()]|\([^()]*\))*\)\s*)?)\}\s*\}", re.I)


def term(value: Any) -> str:
    """The SPARQL form of a checked term, rdflib's or pyoxigraph's (an IRI or a literal);
    anything that is not one is refused."""
    if isinstance(value, str):  # rdflib's terms are strings
        from rdflib import Literal, URIRef

        if isinstance(value, URIRef) and is_iri(str(value)):
            return value.n3()
        if isinstance(value, Literal) and not has_control(str(value)):
            return value.n3()
    elif type(value).__module__ == "pyoxigraph":
        import pyoxigraph as ox

        if isinstance(value, ox.NamedNode) and is_iri(value.value):
            return str(value)
        if isinstance(value, ox.Literal) and not has_control(value.value):
            return str(value)  # N-Triples: escaped, and typed or tagged as it is
    raise InputError(f"not a bindable RDF term: {str(value)[:60]!r}")


def values_block(variables: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """`VALUES (?a ?b) { (t1 t2) ... }` of checked terms; nothing for no variables."""
    if not variables:
        return ""
    body = " ".join("(" + " ".join(term(t) for t in row) + ")" for row in rows)
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ {body} }}"


# A scan of one time bound filtered by the date (queries/fragments/bounds-at.rq). The
# "values" style (remote endpoints) reads the bound whole instead, as all-bounds.rq does:
# the same status at the date, for valid-at reads an unbound bound as one that does not
# decide. Virtuoso 7.2.5 answers a sub-select with a FILTER empty in some servers (the
# same every time in that server: docs/performance.md, "Three stores at 1M"); here that
# made a certain membership "possible".
_FILTERED_BOUND = re.compile(
    r"(\{\s*SELECT\s+\?(\w+)\s+\?(\w+)\s+WHERE\s*\{\s*\?\2\s+"
    r"ccn:(?:earliestStart|latestStart|earliestEnd|latestEnd)\s+\?\3)"
    r"\s+FILTER\s*\((?:[^()]|\([^()]*\))*\)(\s*\}\s*\})")


def bind(text: str, bound: Sequence[tuple[str, Any]], style: str, where: Path) -> str:
    """`text` (a query with its fragments expanded) with each (variable, term) of `bound`
    bound at its `#+bindings` marker; `where` names the query file in errors.

    `style="constants"` (the embedded and memory stores): inside the WHERE group that
    holds the marker, each bound variable is replaced by its term (as rdflib's
    initBindings and SPARQL substitution do); where the variable is also used outside
    that group (projection, GROUP BY, HAVING), a `BIND(term AS ?var)` at the marker keeps
    its value there. Engines then evaluate the pattern from the constants: a leading
    VALUES block is joined after the pattern instead, which Oxigraph made 100x slower on
    35k triples.

    `style="values"` (remote endpoints): generated `VALUES ?var { term }` blocks at the
    marker bind the parameters in the group; inside a sub-select, which SPARQL evaluates
    before the group's bindings reach it, the terms are put in place of the variables as
    above. The time bounds are read whole (`_FILTERED_BOUND`).
    """
    if style not in STYLES:
        raise ValueError(f"unknown binding style {style!r}")
    if style == "patterns":  # before any value is in the text
        text, style = _SCAN.sub(_as_pattern, text), "constants"
    elif style == "values":
        text = _FILTERED_BOUND.sub(r"\1\4", text)
    if MARKER not in text:
        if bound:
            raise QueryError(f"{where}: no {MARKER} marker for the parameters")
        return text
    start = text.index(MARKER)
    end = _group_end(text, start)
    head, body, tail = text[:start], text[start + len(MARKER) : end], text[end:]
    terms = [(name, term(value)) for name, value in bound]
    binds = []
    for name, written in terms:
        variable = re.compile(rf"[?$]{re.escape(name)}\b")
        if style == "values":
            body = _in_subselects(body, variable, written)
        else:
            body = _substitute(body, variable, written)
            if variable.search(head) or variable.search(tail):
                binds.append(f"BIND ({written} AS ?{name})")
    if style == "values":  # one block per variable: Virtuoso fails on VALUES (?a ?b)
        binds += [f"VALUES ?{name} {{ {written} }}" for name, written in terms]
    return head + (" ".join(binds) or "# (parameters bound in place)") + body + tail


def _as_pattern(scan: re.Match[str]) -> str:
    """A one-pattern sub-select (`_SCAN`) that projects the pattern's two variables as the
    pattern itself, among the other triples of its group (so that rdflib joins them as
    one basic graph pattern), or as a group where the syntax wants one (after OPTIONAL,
    MINUS, GRAPH, around UNION); any other as it is."""
    if {scan.group(1), scan.group(2)} != {scan.group(4), scan.group(6)}:
        return scan.group(0)
    before, after = scan.string[: scan.start()], scan.string[scan.end() :]
    if re.search(r"(OPTIONAL|MINUS|UNION|GRAPH\s+\S+)\s*$", before, re.I) \
            or re.match(r"\s*UNION\b", after, re.I) or "FILTER" in scan.group(3).upper():
        return "{ " + scan.group(3) + "}"
    return scan.group(3).rstrip() + " ."


# What a scan of the text steps over whole: an IRI, a string (a term put in writes both, and
# either may hold "#", braces or keywords) and a comment.
_OPAQUE = r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"""


def _in_subselects(body: str, variable: re.Pattern[str], term: str) -> str:
    """`body` with `term` in place of `variable` inside its sub-selects only."""
    out, last = [], 0
    for match in re.finditer(rf"{_OPAQUE}|\bSELECT\b", body, re.I):
        if match.group(0)[0] in "<\"'#" or match.start() < last:
            continue
        end = _group_end(body, match.start())
        out += [body[last : match.start()],
                _bind_projected(body[match.start() : end], variable, term)]
        last = end
    out.append(body[last:])
    return "".join(out)


def _bind_projected(sub: str, variable: re.Pattern[str], term: str) -> str:
    """`sub` (sub-selects) with `term` in place of `variable`, and where a sub-select
    projects `variable` and holds no sub-select that projects it, `variable` bound to
    `term` at the end of its WHERE group: Virtuoso joins a projected but unbound variable
    with nothing, where SPARQL joins it with anything. (The places are found in the text
    as written, before a term, which may hold any characters, is put in.)"""
    projecting = []  # (the variable as written, where its WHERE group starts and ends)
    for match in re.finditer(r"\bSELECT\b(.*?)\bWHERE\s*\{", sub, re.S | re.I):
        projection = match.group(1)
        while "(" in projection:  # the variables projected as they are, not in expressions
            projection, before = re.sub(r"\([^()]*\)", " ", projection), projection
            if projection == before:
                break
        if found := variable.search(projection):
            projecting.append((found.group(0)[1:], match.end(), _group_end(sub, match.end())))
    out, last = [], 0
    for name, start, close in projecting:
        if not any(start < inner < close for _, inner, _ in projecting):
            out += [_substitute(sub[last:close], variable, term), f" BIND ({term} AS ?{name}) "]
            last = close
    out.append(_substitute(sub[last:], variable, term))
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
    """The index of the `}` closing the group in which `start` lies (IRIs, strings and
    comments skipped)."""
    depth = 0
    for match in re.finditer(rf"{_OPAQUE}|[{{}}]", text[start:]):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                return start + match.start()
            depth -= 1
    raise QueryError("the #+bindings marker is not inside a group")
