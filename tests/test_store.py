"""The embedded store end to end, in fresh processes over a copy of the project:
built on first use, rebuilt when a source changes, and a failed build changes nothing; and
what every store shares: `limit`, and pickling for worker processes. Concurrent processes,
kills and faults of the environment: tests/security/test_store_concurrency.py."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccgraph.errors import InputError
from ccgraph.store import EmbeddedStore, MemoryStore
from projects import COUNT_CITIES, NEW_CITY, SHIPPED_CITIES


def env(project: Path) -> dict[str, str]:
    return {**os.environ, "CCGRAPH_HOME": str(project), "CCGRAPH_DATA_DIR": str(project / "store")}


def ccgraph(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccgraph.cli", *args],
        capture_output=True,
        text=True,
        env=env(project),
        check=False,
    )


def cities(project: Path) -> tuple[int, str]:
    result = ccgraph(project, "sparql", COUNT_CITIES, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return int(result.stdout.splitlines()[1]), result.stderr


def pointer(project: Path) -> str:
    return (project / "store" / "current").read_text().strip()


def test_built_on_first_use_and_reused(project: Path):
    assert cities(project)[0] == SHIPPED_CITIES
    first = pointer(project)
    assert cities(project)[0] == SHIPPED_CITIES
    assert pointer(project) == first
    assert sorted(p.name for p in (project / "store").iterdir()) == [
        "build.lock", "current", first, f"{first}.lock"
    ]


def test_build_keeps_a_current_store_as_it_is(project: Path):
    assert ccgraph(project, "build").returncode == 0
    first = pointer(project)
    inode = (project / "store" / first).stat().st_ino
    again = ccgraph(project, "build")
    assert again.returncode == 0, again.stderr
    assert f"store: {project / 'store' / first}" in again.stdout
    assert pointer(project) == first and (project / "store" / first).stat().st_ino == inode


def test_rebuilt_when_a_source_changes(project: Path):
    assert cities(project)[0] == SHIPPED_CITIES
    first = pointer(project)
    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write(NEW_CITY)
    assert cities(project)[0] == SHIPPED_CITIES + 1
    assert pointer(project) != first
    assert not (project / "store" / first).exists()  # the old one is cleaned up
    assert not (project / "store" / f"{first}.lock").exists()


def test_failed_build_leaves_the_previous_store_answering(project: Path):
    assert cities(project)[0] == SHIPPED_CITIES
    first = pointer(project)
    listing = sorted(p.name for p in (project / "store").iterdir())
    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write('<https://w3id.org/ccgraph/id/x> <https://w3id.org/ccgraph/id/y> "oops .\n')

    explicit = ccgraph(project, "build")
    assert explicit.returncode == 2
    assert "gazetteer.ttl:" in explicit.stderr and "Traceback" not in explicit.stderr

    count, warning = cities(project)  # a reader still gets the whole previous store
    assert count == SHIPPED_CITIES
    assert "answering from the previous store" in warning
    assert pointer(project) == first
    assert sorted(p.name for p in (project / "store").iterdir()) == listing  # nothing left over


def test_an_iri_rdflib_reads_but_rdf_refuses_is_an_input_error(project: Path):
    """rdflib reads `<http://example.org/{x}>` (with a warning); Oxigraph, rightly, does
    not take it: the build says which IRI and which source's graph, exit 2."""
    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write("<https://w3id.org/ccgraph/id/city/it/turin> "
                     "<http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://example.org/{x}> .\n")
    build = ccgraph(project, "build")
    assert build.returncode == 2
    [line] = build.stderr.splitlines()
    assert line.startswith("ccgraph: error: <http://example.org/{x}> in graph "
                           "<https://w3id.org/ccgraph/graph/gazetteer>: not an IRI"), line
    assert sorted(p.name for p in (project / "store").iterdir()) == ["build.lock"]


def test_force_rebuilds_the_same_sources(project: Path):
    assert ccgraph(project, "build").returncode == 0
    first = pointer(project)
    forced = ccgraph(project, "build", "--force")
    assert forced.returncode == 0, forced.stderr
    second = pointer(project)  # a new folder: one a reader has open is never replaced
    assert second != first and second.rsplit("-", 1)[0] == first.rsplit("-", 1)[0]
    assert not (project / "store" / first).exists()
    assert cities(project)[0] == SHIPPED_CITIES


# --- limit --------------------------------------------------------------------------

EVERY_TRIPLE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
# the whole graph times itself: tens of millions of rows, which a limit must never make
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.mark.parametrize("backend", ["memory", "embedded"])
def test_a_limit_reads_at_most_that_many_rows(stores, backend):
    store = stores[backend]
    everything = store.select(EVERY_TRIPLE)
    assert len(everything.rows) > 7000
    assert store.select(EVERY_TRIPLE, limit=None) == everything
    some = store.select(EVERY_TRIPLE, limit=5)
    assert some.variables == everything.variables and len(some.rows) == 5
    assert set(some.rows) <= set(everything.rows)
    assert store.select(EVERY_TRIPLE, limit=0).rows == ()
    assert len(store.select(CROSS_PRODUCT, limit=3).rows) == 3
    with pytest.raises(InputError):
        store.select(EVERY_TRIPLE, limit=-1)


@pytest.mark.parametrize("backend", ["memory", "embedded"])
def test_a_limit_reads_at_most_that_many_triples(stores, backend):
    store = stores[backend]
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert len(store.construct(query)) == len(store.select(EVERY_TRIPLE).rows)
    assert len(store.construct(query, limit=7)) == 7
    assert len(store.construct(query, limit=0)) == 0
    if backend == "embedded":  # Oxigraph streams CONSTRUCT; rdflib makes the graph first
        assert 0 < len(store.construct("CONSTRUCT { ?a ?e ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
                                       limit=5)) <= 5


# --- pickling (the web server's worker processes) ---------------------------------------

def test_a_memory_store_pickles_as_its_named_graphs(stores):
    memory = stores["memory"]
    blob = pickle.dumps(memory)
    cached = memory._nquads
    assert cached is not None and pickle.dumps(memory) == blob and memory._nquads is cached
    copy = pickle.loads(blob)
    assert isinstance(copy, MemoryStore) and copy.dataset.default_union

    def sizes(store):
        return sorted((str(g.identifier), len(g)) for g in store.dataset.graphs() if len(g))

    assert sizes(copy) == sizes(memory) and len(copy) == len(memory)
    assert copy.select(COUNT_CITIES) == memory.select(COUNT_CITIES)


UNPICKLE = (
    "import pickle, sys; store = pickle.loads(sys.stdin.buffer.read()); "
    "print(store.path.name, len(store))"
)


def test_an_embedded_store_pickles_as_a_new_handle(project: Path):
    """Unpickled in another process: the pointer's store (never built there), or the
    pinned folder."""
    assert ccgraph(project, "build").returncode == 0
    location = project / "store"
    following = EmbeddedStore(location, auto_build=False)
    pinned = EmbeddedStore.from_path(following.path)
    assert ccgraph(project, "build", "--force").returncode == 0
    for store, expected in ((following, pointer(project)), (pinned, pinned.path.name)):
        blob = pickle.dumps(store)
        assert len(blob) < 1000  # a location or a path, never the data
        other = subprocess.run([sys.executable, "-c", UNPICKLE], input=blob,
                               capture_output=True, check=False, env=env(project))
        assert other.returncode == 0, other.stderr
        assert other.stdout.decode().split() == [expected, str(len(store))]
    copy = pickle.loads(pickle.dumps(following))
    assert copy._opened is not following._opened and copy.path == location / pointer(project)

    blob = pickle.dumps(following)
    for path in location.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    with pytest.raises(InputError, match="no store built yet"):
        pickle.loads(blob)
    assert list(location.iterdir()) == []
