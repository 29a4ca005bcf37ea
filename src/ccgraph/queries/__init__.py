"""Saved queries: the catalogue of `queries/*.rq`, their parameters, and how values are bound.

- `catalogue`: the files, their `#+` YAML headers and parameters (`SavedQuery`, `Param`);
- `binding`: checked RDF terms written into the query text, never pasted strings;
- `resolve`: the values people give turned into checked terms against the store (their
  syntax is `ccgraph.values`'s).

`run(store, name, values)` does all three and returns the store's Answer; `write(store,
name, values, fmt, output)` writes it in a result format. With the embedded store made
`native` (pyoxigraph's terms), `write` is the light path of `ccgraph query run`: no rdflib
and no YAML library are imported (tests/test_light_path.py, bench/startup.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..errors import QueryError
from ..values import MAX_VALUE, SLUG_PATH
from .binding import MARKER, values_block
from .catalogue import PARAM_TYPES, Param, SavedQuery, catalogue, get, header
from .resolve import known, resolve

if TYPE_CHECKING:
    from ..store import Answer, EmbeddedStore, Store
    from ..store.base import Output


def run(store: Store, name: str, values: Mapping[str, Any] | None = None) -> Answer:
    """Run saved query `name` with `values`; the Answer's columns are the header's columns."""
    query = get(name)
    bindings = resolve(query, values or {}, store)
    answer = store.select(query.render(bindings, store.binding))
    _check(query, answer.variables)
    return answer


def write(store: Store, name: str, values: Mapping[str, Any] | None, fmt: str,
          output: Output) -> None:
    """Run saved query `name` with `values` and write its answer to the binary `output` in
    format `fmt` (a name of `ccgraph.results.RENDERERS`), as `render` writes it. From the
    embedded store made native: csv and tsv by Oxigraph's own writers as the engine works
    the rows out, srj and md from pyoxigraph's terms (`ccgraph.rowformats`), with no RDF
    library but pyoxigraph; the other formats through rdflib's terms."""
    if not getattr(store, "native", False):
        from ..results import render

        output.write(render(run(store, name, values), fmt).encode("utf-8"))
        return
    embedded = cast("EmbeddedStore", store)
    query = get(name)
    text = query.render(resolve(query, values or {}, store), store.binding)
    if fmt in ("csv", "tsv"):
        embedded.serialize(text, fmt, output, columns=query.columns)
        return
    rows = embedded.rows(text)
    _check(query, rows.variables)
    pieces: Iterable[str]
    if fmt in ("srj", "md"):
        from ..rowformats import markdown, srj
        from ..store.native import to_sparql_json

        pieces = srj(rows.variables, rows, to_sparql_json) if fmt == "srj" \
            else [markdown(rows.variables, rows)]
    else:
        from ..results import render
        from ..store import Answer

        converted = tuple(embedded.terms.to_rdflib(row) for row in rows)
        pieces = [render(Answer(rows.variables, converted), fmt)]
    for piece in pieces:
        output.write(piece.encode("utf-8"))


def _check(query: SavedQuery, variables: tuple[str, ...]) -> None:
    if variables != query.columns:
        raise QueryError(f"query {query.name!r} answered {variables}, not {query.columns}")


__all__ = ["MARKER", "MAX_VALUE", "PARAM_TYPES", "SLUG_PATH", "Param", "SavedQuery", "catalogue",
           "get", "header", "known", "resolve", "run", "values_block", "write"]
