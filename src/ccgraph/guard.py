"""What a SPARQL text is, and whether ccgraph may run it: read-only, and nothing that
would reach the network (SERVICE, LOAD, FROM / FROM NAMED naming a graph the store does not
hold). Used by `ccgraph sparql` and by the SPARQL endpoint; the checks read rdflib's parse
tree, not the raw text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from .errors import InputError


class Refused(InputError):
    """A query ccgraph will not run; `status` is the HTTP status the endpoint answers."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _walk(node: Any):
    """Every value inside an rdflib parse tree (CompValues, lists, ParseResults)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _walk(value)


def analyse(text: str, held_graphs: Callable[[], Collection[Any]] = frozenset) -> str:
    """The query form (SelectQuery, AskQuery, ConstructQuery, DescribeQuery), or Refused."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
        query = translateQuery(tree)
    except Exception as query_error:
        try:
            update = parseUpdate(text)
        except Exception:
            first = (str(query_error).strip() or type(query_error).__name__).splitlines()[0]
            raise Refused(400, f"malformed query: {first}") from None
        if any(isinstance(n, CompValue) and n.name == "Load" for n in _walk(update)):
            raise Refused(400, "LOAD is refused: ccgraph does not fetch remote data") from None
        raise Refused(403, "read-only: updates are refused") from None
    if any(isinstance(n, CompValue) and n.name == "ServiceGraphPattern" for n in _walk(tree)):
        raise Refused(400, "SERVICE is refused: ccgraph does not query remote services")
    clauses = query.algebra.get("datasetClause") or []
    named = [c.default if c.default is not None else c.named for c in clauses]
    if named:
        held = held_graphs()
        remote = [str(iri) for iri in named if iri not in held]
        if remote:
            raise Refused(
                400,
                f"FROM / FROM NAMED {', '.join(f'<{r}>' for r in remote)} is refused: ccgraph "
                "does not fetch remote graphs, and holds no graph of that name",
            )
    return str(query.algebra.name)
