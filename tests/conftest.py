"""Shared fixtures. The shipped dataset is loaded once per session (it is never mutated),
and every test runs with its embedded store in a temporary folder, never the user's."""

from __future__ import annotations

import contextlib
import os

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


@pytest.fixture
def project(tmp_path):
    """A private copy of the project's sources (tests/projects.py), for tests that change
    them; point ccgraph at it with CCGRAPH_HOME."""
    from projects import copy_sources

    return copy_sources(tmp_path)


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="session")
def stores(dataset, tmp_path_factory):
    """Both backends over the shipped data; the embedded store is built once, aside."""
    return {"memory": MemoryStore(dataset),
            "embedded": EmbeddedStore(tmp_path_factory.mktemp("queries-store"))}


@pytest.fixture(scope="session")
def engines(tmp_path_factory):
    """The real remote engines of REMOTE_BACKENDS (tests/engines.py), each started once on
    127.0.0.1 for the session and stopped at its end."""
    from engines import REMOTE_BACKENDS, start

    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(start(name, tmp_path_factory.mktemp(name)))
               for name in REMOTE_BACKENDS}


@pytest.fixture(scope="session")
def remote_stores(engines, dataset):
    """A RemoteStore per engine, holding the shipped dataset (pushed as `ccgraph push` does)."""
    from ccgraph.store.remote import RemoteStore

    remote = {}
    for name, engine in engines.items():
        store = RemoteStore(engine.query_url, gsp_url=engine.gsp_url,
                            environ={**os.environ, **engine.env})
        store.load(dataset, replace=True)
        remote[name] = store
    yield remote
    for store in remote.values():
        store.close()


@pytest.fixture(scope="session")
def all_stores(stores, remote_stores):
    """Every backend: memory, embedded and the remote engines."""
    return {**stores, **remote_stores}


@pytest.fixture(scope="session")
def live_server(stores):
    """`ccgraph serve` for real: the app over the embedded store, served by uvicorn in a
    thread on a free port of 127.0.0.1; its base URL."""
    from ccgraph.web.app import create_app

    with serving(create_app(stores["embedded"])) as url:
        yield url


@contextlib.contextmanager
def serving(app, host: str = "127.0.0.1"):
    """`app` served as `ccgraph serve` serves it (uvicorn, h11, ccgraph's limits) in a
    thread on a free port of `host`; its base URL. Stopped (workers too) on leaving."""
    import threading
    import time

    from ccgraph.web.app import listen, server

    sock = listen(host, 0)
    running = server(app)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        running.should_exit = True
        thread.join(timeout=30)
        sock.close()
