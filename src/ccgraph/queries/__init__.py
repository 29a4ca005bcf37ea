"""Saved queries: the catalogue of `queries/*.rq`, their parameters, and how values are bound.

- `catalogue`: the files, their `#+` YAML headers and parameters (`SavedQuery`, `Param`);
- `binding`: checked RDF terms written into the query text, never pasted strings;
- `resolve`: the values people give turned into checked terms against the store (their
  syntax is `ccgraph.values`'s).

`run(store, name, values)` does all three and returns the store's Answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import QueryError
from ..values import MAX_VALUE, SLUG_PATH
from .binding import MARKER, values_block
from .catalogue import PARAM_TYPES, Param, SavedQuery, catalogue, get, header
from .resolve import known, resolve

if TYPE_CHECKING:
    from ..store import Answer, Store


def run(store: Store, name: str, values: Mapping[str, Any] | None = None) -> Answer:
    """Run saved query `name` with `values`; the Answer's columns are the header's columns."""
    query = get(name)
    bindings = resolve(query, values or {}, store)
    answer = store.select(query.render(bindings, store.binding))
    if answer.variables != query.columns:
        raise QueryError(f"query {name!r} answered {answer.variables}, not {query.columns}")
    return answer


__all__ = ["MARKER", "MAX_VALUE", "PARAM_TYPES", "SLUG_PATH", "Param", "SavedQuery", "catalogue",
           "get", "header", "known", "resolve", "run", "values_block"]
