"""The Python handle: `ccgraph.open()` and its `.query()` / `.sparql()`.

>>> import ccgraph
>>> kg = ccgraph.open()
>>> rows = kg.query("members-at", network="uccn", date="2017-12-31")
>>> frame = rows.to_pandas()   # with pandas installed (`pip install ccgraph[pandas]`)

Rows are named tuples of Python values, one type per column: IRIs and text as str, counts
as int, dates as `ccgraph.dates.PartialDate` (known to the day, month or year; prints as
ISO, compares by its days), unbound as None. In a notebook, rows show as a table.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from rdflib import Graph

from .errors import InputError
from .results import typed_rows
from .store import Answer, Store, open_store


class Rows(list):
    """The rows of an answer (a list of named tuples), with their `columns`, kept even when
    there are no rows."""

    def __init__(self, rows: Iterable[NamedTuple], columns: tuple[str, ...]):
        super().__init__(rows)
        self.columns = columns

    def to_pandas(self) -> Any:
        """A pandas DataFrame: one column per answer column (every one, even with no rows),
        counts as integers, dates as `PartialDate` objects, unbound as None."""
        try:
            import pandas
        except ImportError:
            raise InputError("to_pandas() needs pandas: pip install 'ccgraph[pandas]'") from None
        frame = pandas.DataFrame.from_records(list(self), columns=list(self.columns))
        for column in frame.columns:  # a column of whole numbers stays one of integers
            values = [v for v in frame[column] if v is not None]
            if values and all(type(v) is int for v in values):
                frame[column] = frame[column].astype("Int64")
        return frame

    def _repr_html_(self) -> str:
        """The rows as an HTML table (Jupyter shows it)."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in row)
            + "</tr>" for row in self)
        count = f"<p>{len(self)} row{'s' if len(self) != 1 else ''}</p>"
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{count}"


def _rows(answer: Answer) -> Rows:
    return Rows(typed_rows(answer), tuple(answer.variables))


class Handle:
    """A store plus the saved-query catalogue; rows come back as `Rows` of named tuples."""

    def __init__(self, store: Store):
        self.store = store

    def __repr__(self) -> str:
        where = getattr(self.store, "path", None) or getattr(self.store, "url", None)
        kind = type(self.store).__name__.removesuffix("Store").lower()
        return f"<ccgraph {kind} store{f' at {where}' if where else ''}>"

    def query(self, name: str, **params: Any) -> Rows:
        """Run saved query `name`. Parameters by keyword; a trailing underscore is dropped
        (`from_="2019-01-01"`), dates may be `datetime.date`."""
        from . import queries
        from .values import keywords

        return _rows(queries.run(self.store, name, keywords(params)))

    def sparql(self, text: str) -> Rows | bool | Graph:
        """Run a read-only query (the default graph is the union of the sources): a SELECT
        gives `Rows`, an ASK a bool, a CONSTRUCT or DESCRIBE an rdflib Graph (with the
        project's prefixes). Checked as the endpoint checks it (`ccgraph.guard`): SERVICE,
        LOAD, updates and FROM naming a graph the store does not hold are refused."""
        from . import namespaces as ns
        from .guard import analyse, held_graphs

        form = analyse(text, held_graphs(self.store))
        if form == "AskQuery":
            return self.store.ask(text)
        if form in ("ConstructQuery", "DescribeQuery"):
            return ns.bind_prefixes(self.store.construct(text))
        return _rows(self.store.select(text))


def open(store: str | None = None, location: str | Path | None = None) -> Handle:  # noqa: A001
    """Open the graph: the embedded Oxigraph store by default (built on first use, rebuilt
    when the sources change), `store="memory"` for rdflib in memory, or the URL of a
    SPARQL endpoint holding the graph (`ccgraph push`); without `store`, $CCGRAPH_STORE
    decides, else the embedded store."""
    return Handle(open_store(store, Path(location) if location else None))


__all__ = ["Handle", "Rows", "open"]
