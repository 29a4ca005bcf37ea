"""The result formats of SELECT rows that need no RDF library, for rdflib's terms and
pyoxigraph's alike: SPARQL 1.1 Query Results JSON (`srj`, one binding a line) and Markdown,
with the plain value of a term (`plain`) and the JSON array written as it goes
(`json_list`). `ccgraph.results` gives them out with the other formats; the light path of a
saved query (`ccgraph.queries.write`) writes pyoxigraph's terms with them, with no rdflib.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any


def plain(term: Any) -> str:
    """A term as a plain string: IRIs and literals by their value, unbound as ''."""
    if term is None:
        return ""
    return str(term) if isinstance(term, str) else str(term.value)  # rdflib's terms are str


def json_list(opening: str, items: Iterable[Any], closing: str) -> Iterator[str]:
    """`opening`, the items as JSON one a line, `closing`: a JSON array written as it goes."""
    yield opening
    separator = "\n"
    for item in items:
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield ("\n" if separator == ",\n" else "") + closing


def srj(variables: Sequence[str], rows: Iterable[Sequence[Any]],
        json_term: Callable[[Any], dict[str, str]]) -> Iterator[str]:
    """The SPARQL 1.1 Query Results JSON format, one binding a line, piece by piece as the
    rows come; `json_term` writes a bound term (`store.terms.to_sparql_json` for rdflib's,
    `store.native.to_sparql_json` for pyoxigraph's)."""
    opening = json.dumps({"head": {"vars": list(variables)}}, ensure_ascii=False)[:-1]
    bindings = ({v: json_term(t) for v, t in zip(variables, row, strict=True)
                 if t is not None} for row in rows)
    yield from json_list(opening + ', "results": {"bindings": [', bindings, "]}}\n")


def markdown(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table of the plain values."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
    out += ["| " + " | ".join(cell(plain(t)) for t in row) + " |" for row in rows]
    return "\n".join(out) + "\n"
