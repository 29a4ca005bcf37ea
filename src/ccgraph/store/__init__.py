"""Triple-store backends behind one small interface (`Store`), exchanging rdflib terms.

- `EmbeddedStore` (`embedded`): a persistent Oxigraph store in a per-user data directory,
  built from the sources on first use and rebuilt when they change (`builds`).
- `MemoryStore` (`memory`): rdflib in memory, for tests and tiny uses.
- `RemoteStore` (`remote`): any SPARQL 1.1 endpoint over HTTP; imported only when asked
  for, so that opening the other stores never loads an HTTP client. `MemoryStore` too is
  imported when first asked for, so that opening the embedded store loads no RDF library.

All answer `select(query)` with the variable names and rows of rdflib terms (`terms`
converts), and read the same answers lazily with `rows` and `triples` (streamed: the
embedded store works each row out when it is asked for, the others iterate the answer they
received or made whole); the embedded store also writes an answer with Oxigraph's own
writers (`serialize`), and, made `native`, answers in pyoxigraph's own terms (`native`;
the light path of `ccgraph query run`, on which no rdflib is imported). Saved-query
parameters arrive already bound as checked RDF terms (`ccgraph.queries`): one mechanism for
every backend, since pyoxigraph's `substitutions` only accept variables that the query
projects, which aggregate queries do not.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, StoreError
from .base import Answer, GraphSet, Row, Rows, Store, Triple, merged
from .builds import STORE_ENV, build, current_store, default_location, fingerprint, source_files
from .embedded import EmbeddedStore

if TYPE_CHECKING:
    from .memory import MemoryStore

BACKENDS = ("embedded", "memory", "an http(s) URL of a SPARQL endpoint")
STORE_CHOICE_ENV = "CCGRAPH_STORE"


def open_store(kind: str | None = None, location: Path | None = None, *,
               native: bool = False) -> Store:
    """The store `kind` names: "embedded" (default), "memory", or the URL of a remote
    SPARQL endpoint; without a kind, $CCGRAPH_STORE, else embedded. `native`: the embedded
    store answers in pyoxigraph's own terms (`EmbeddedStore`); the others ignore it."""
    kind = kind or os.environ.get(STORE_CHOICE_ENV) or "embedded"
    if kind == "embedded":
        return EmbeddedStore(location, native=native)
    if kind == "memory":
        from .memory import MemoryStore  # rdflib: only for a memory store

        return MemoryStore()
    from .remote import RemoteStore, is_remote  # httpx: only for a remote store

    if is_remote(kind):
        return RemoteStore(kind)
    raise InputError(f"unknown store {kind!r} (allowed: {', '.join(BACKENDS)})")


def __getattr__(name: str) -> Any:
    if name == "MemoryStore":  # imported when asked for: it loads rdflib
        from .memory import MemoryStore

        return MemoryStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Answer", "GraphSet", "Row", "Rows", "Store", "Triple", "EmbeddedStore", "MemoryStore", "build",
    "open_store", "current_store", "fingerprint", "source_files", "default_location",
    "merged", "STORE_ENV", "STORE_CHOICE_ENV", "BACKENDS", "StoreError",
]
