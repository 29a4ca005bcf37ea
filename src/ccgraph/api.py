"""The Python handle: `ccgraph.open()` and its `.query()` / `.sparql()`.

>>> import ccgraph
>>> kg = ccgraph.open()
>>> rows = kg.query("members-at", network="uccn", date="2017-12-31")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError
from .results import typed_rows
from .store import Store, open_store


class Handle:
    """A store plus the saved-query catalogue; rows come back as typed named tuples."""

    def __init__(self, store: Store):
        self.store = store

    def query(self, name: str, **params: Any) -> list[NamedTuple]:
        """Run saved query `name`. Parameters by keyword; a trailing underscore is dropped
        (`from_="2019-01-01"`), dates may be `datetime.date`."""
        from . import queries
        from .values import keywords

        return list(typed_rows(queries.run(self.store, name, keywords(params))))

    def sparql(self, text: str) -> list[NamedTuple]:
        """Run a read-only SELECT query (the default graph is the union of the sources).
        Checked as the endpoint checks it (`ccgraph.guard`): SERVICE, LOAD, updates and
        FROM naming a graph the store does not hold are refused."""
        from .guard import analyse, held_graphs

        if analyse(text, held_graphs(self.store)) != "SelectQuery":
            raise InputError("sparql() answers SELECT queries; use the store for others")
        return list(typed_rows(self.store.select(text)))


def open(store: str | None = None, location: str | Path | None = None) -> Handle:  # noqa: A001
    """Open the graph: the embedded Oxigraph store by default (built on first use, rebuilt
    when the sources change), `store="memory"` for rdflib in memory, or the URL of a
    SPARQL endpoint holding the graph (`ccgraph push`); without `store`, $CCGRAPH_STORE
    decides, else the embedded store."""
    return Handle(open_store(store, Path(location) if location else None))
