"""Shared fixtures. The shipped dataset is loaded once per session (it is never mutated),
and every test runs with its embedded store in a temporary folder, never the user's."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from ccgraph.sources import load_dataset
from ccgraph.store import EmbeddedStore, MemoryStore


@pytest.fixture(scope="session", autouse=True)
def private_store(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        location = tmp_path_factory.mktemp("store")
        patch.setenv("CCGRAPH_DATA_DIR", str(location))
        yield location


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="session")
def stores(dataset, tmp_path_factory):
    """Both backends over the shipped data; the embedded store is built once, aside."""
    return {"memory": MemoryStore(dataset),
            "embedded": EmbeddedStore(tmp_path_factory.mktemp("queries-store"))}
