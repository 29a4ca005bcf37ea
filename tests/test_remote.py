"""The remote backend against real engines on 127.0.0.1 (tests/engines.py): loading over the
Graph Store Protocol, `ccgraph push`, the CLI and the Python API over `--store URL`, and one
clear error (exit 2) for each way a store can fail. The saved-query answers on the remote
engines are checked in test_queries.py, the hostile values in test_query_params.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from rdflib import Graph, Literal, URIRef

import ccgraph
from ccgraph import namespaces as ns
from ccgraph.errors import InputError, StoreError
from ccgraph.store import GraphSet, merged
from ccgraph.store.remote import RemoteStore, graph_store_url, merged_graph
from engines import REMOTE_BACKENDS, start

TURIN = ns.ID["city/it/turin"]


def ccgraph_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ccgraph.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A fresh Oxigraph server of this module's own, so that pushing to it in every way
    leaves the session's engines alone."""
    with start("oxigraph", tmp_path_factory.mktemp("push")) as engine:
        yield engine


def pushed(engine, dataset) -> RemoteStore:
    """The engine holding the shipped data whole again, as `ccgraph push --replace` leaves
    it (the push itself, by the command, is tested above). Pushed again only when its
    graphs or their sizes differ from the build's (each push costs the server 1.6 s of
    CPU; the push tests leave it whole, or with a junk graph when one fails)."""
    store = RemoteStore(engine.query_url)
    built = {URIRef(str(g.identifier)): len(g) for g in dataset.graphs() if len(g)}
    built[merged_graph()] = len(merged(dataset))
    if {name: store.triples_in(name) for name in store.graphs()} != built:
        store.load(dataset, replace=True)
    return store


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns: nothing listens


# --- push ------------------------------------------------------------------------------


def test_push_loads_one_graph_per_source_and_their_merge(oxigraph, dataset):
    result = ccgraph_cli("push", "--store", oxigraph.query_url, "--replace")
    assert result.returncode == 0, result.stderr
    store = RemoteStore(oxigraph.query_url)
    expected = {URIRef(str(g.identifier)): len(g) for g in dataset.graphs() if len(g)}
    expected[merged_graph()] = len(merged(dataset))
    assert {name: store.triples_in(name) for name in store.graphs()} == expected
    for name, count in expected.items():  # the report: one line per graph
        assert f"{count:>8}  {name}" in result.stdout.splitlines()
    assert f"their merge holds {len(merged(dataset))}" in result.stdout


def test_push_without_replace_leaves_a_loaded_store_alone(oxigraph):
    assert ccgraph_cli("push", "--store", oxigraph.query_url, "--replace").returncode == 0
    store = RemoteStore(oxigraph.query_url)
    before = {name: store.triples_in(name) for name in store.graphs()}
    result = ccgraph_cli("push", "--store", oxigraph.query_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--replace" in result.stderr
    assert {name: store.triples_in(name) for name in store.graphs()} == before


def test_push_replace_replaces_each_graph_whole_and_drops_graphs_no_longer_built(
        oxigraph, dataset):
    store = RemoteStore(oxigraph.query_url)
    stale, seed = ns.graph_name("retired-source"), ns.graph_name("seed-000")
    junk = Graph()
    junk.add((URIRef("https://example.org/x"), URIRef("https://example.org/p"), Literal("x")))
    store.put(stale, junk)
    store.put(seed, junk)
    assert ccgraph_cli("push", "--store", oxigraph.query_url, "--replace").returncode == 0
    assert stale not in store.graphs()
    assert store.triples_in(seed) == len(dataset.graph(seed))
    assert not store.ask("ASK { <https://example.org/x> ?p ?o }", GraphSet((seed,)))


def test_query_run_and_the_api_answer_from_the_remote_store(oxigraph, dataset):
    pushed(oxigraph, dataset)
    args = ("query", "run", "networks-of", "-p", "member=Turin", "--at", "2021-03-01",
            "--format", "csv")
    remote = ccgraph_cli(*args, "--store", oxigraph.query_url)
    by_env = ccgraph_cli(*args, env={"CCGRAPH_STORE": oxigraph.query_url})
    embedded = ccgraph_cli(*args)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == by_env.stdout == embedded.stdout
    # seed 003 (reference date 2021-03-01): Turin in UCCN, its Italian coordination,
    # Eurocities, GAI and BJCEM
    networks = {str(row.network) for row in ccgraph.open(oxigraph.query_url).query(
        "networks-of", member="Turin", date="2021-03-01")}
    assert networks == {str(ns.ID[f"network/{slug}"]) for slug in
                        ("uccn", "uccn-italy", "eurocities", "gai", "bjcem")}


def test_ask_construct_and_len(oxigraph, dataset):
    store = pushed(oxigraph, dataset)
    assert store.ask(f"ASK {{ {TURIN.n3()} a <{ns.CCN.City}> }}")
    graph = store.construct(f"CONSTRUCT {{ {TURIN.n3()} ?p ?o }} WHERE {{ {TURIN.n3()} ?p ?o }}")
    assert (TURIN, URIRef(str(ns.CCN.country)), ns.ID["country/it"]) in graph
    assert len(store) == len(merged(dataset))


def test_a_query_naming_its_own_graphs_is_answered_from_them(oxigraph, dataset):
    pushed(oxigraph, dataset)
    seed = ns.graph_name("seed-000")
    query = f"SELECT (COUNT(*) AS ?n) FROM {seed.n3()} WHERE {{ ?s ?p ?o }}"
    answer = RemoteStore(oxigraph.query_url).select(query)
    assert int(answer.rows[0][0]) == len(dataset.graph(seed))


def test_a_store_never_pushed_to_says_so(tmp_path):
    with start("oxigraph", tmp_path) as empty:
        result = ccgraph_cli("query", "run", "seats", "--store", empty.query_url)
    assert result.returncode == 2
    assert "ccgraph push --store" in result.stderr and result.stderr.count("\n") == 1


# --- failures: one line, exit 2 ------------------------------------------------------------


def test_unreachable_store(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/query"
    result = ccgraph_cli("query", "run", "seats", "--store", url)
    assert result.returncode == 2
    assert result.stderr.startswith(f"ccgraph: error: {url}: unreachable after 3 attempts")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_read_timeout(oxigraph, dataset):
    pushed(oxigraph, dataset)
    store = RemoteStore(oxigraph.query_url, environ={"CCGRAPH_STORE_READ_TIMEOUT": "0.01"})
    # about half a second of the server's CPU: fifty times the client's wait, and finite,
    # for Oxigraph server keeps working on a query whose client has gone (on the whole
    # graph times itself, it kept a core busy until the module's server was stopped)
    city = f"<{ns.CCN.City}>"
    slow = (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a {city} . ?d a {city} "
            "FILTER (STR(?a) < STR(?d)) }")
    with pytest.raises(StoreError, match="no answer within 0.01 s"):
        store.select(slow)


def test_server_error_is_one_line(oxigraph):
    # Oxigraph answers an ASK with 500 when a SERVICE it was asked to call cannot be
    # reached (a closed port on this machine: nothing leaves it)
    store = RemoteStore(oxigraph.query_url)
    service = f"http://127.0.0.1:{closed_port()}/sparql"
    with pytest.raises(StoreError) as caught:
        store.ask(f"ASK {{ SERVICE <{service}> {{ ?s ?p ?o }} }}", GraphSet())
    assert str(caught.value).startswith(f"{oxigraph.query_url}: 500 Internal Server Error: ")
    assert "\n" not in str(caught.value)


def test_an_answer_that_breaks_off_is_one_line(oxigraph):
    # A SELECT is streamed: Oxigraph has sent 200 and the JSON head when the SERVICE fails
    store = RemoteStore(oxigraph.query_url)
    service = f"http://127.0.0.1:{closed_port()}/sparql"
    with pytest.raises(StoreError, match="the answer broke off") as caught:
        store.select(f"SELECT * WHERE {{ SERVICE <{service}> {{ ?s ?p ?o }} }}", GraphSet())
    assert "\n" not in str(caught.value)


def test_malformed_query_is_an_input_error(oxigraph):
    with pytest.raises(InputError, match="refused the request .400."):
        RemoteStore(oxigraph.query_url).select("SELECT WHERE {", GraphSet())


@pytest.mark.parametrize(("environ", "message"), [
    ({"CCGRAPH_STORE_USER": "u"}, "go together"),
    ({"CCGRAPH_STORE_TOKEN": "t", "CCGRAPH_STORE_USER": "u", "CCGRAPH_STORE_PASSWORD": "p"},
     "not both"),
    ({"CCGRAPH_STORE_READ_TIMEOUT": "soon"}, "CCGRAPH_STORE_READ_TIMEOUT"),
    ({"CCGRAPH_STORE_CONNECT_TIMEOUT": "-1"}, "CCGRAPH_STORE_CONNECT_TIMEOUT"),
])
def test_bad_settings(environ, message):
    with pytest.raises(InputError, match=message):
        RemoteStore("http://127.0.0.1:1/query", environ=environ)


def test_credentials_never_come_from_the_command_line():
    secret = "s3cret-passw0rd"
    result = ccgraph_cli("query", "run", "seats", "--store",
                         f"http://user:{secret}@127.0.0.1:1/query")
    assert result.returncode == 2
    assert "CCGRAPH_STORE_USER" in result.stderr and secret not in result.stderr


def test_not_a_url():
    result = ccgraph_cli("query", "run", "seats", "--store", "ftp://example.org/sparql")
    assert result.returncode == 2 and "unknown store" in result.stderr


@pytest.mark.parametrize(("query_url", "gsp_url"), [
    ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/store"),  # Oxigraph server
    ("http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql-graph-crud"),  # Virtuoso
    ("http://127.0.0.1:3030/ds/query", "http://127.0.0.1:3030/ds/data"),  # Fuseki
    ("http://127.0.0.1:3030/ds/sparql", "http://127.0.0.1:3030/ds/data"),
    ("http://127.0.0.1:7200/repositories/kg",  # GraphDB, RDF4J
     "http://127.0.0.1:7200/repositories/kg/rdf-graphs/service"),
    ("http://127.0.0.1:7001/", None),  # QLever and any other layout: give --gsp
])
def test_graph_store_url_beside_the_query_url(query_url, gsp_url):
    assert graph_store_url(query_url) == gsp_url


def test_push_without_a_graph_store_url_says_how_to_give_one():
    result = ccgraph_cli("push", "--store", "http://127.0.0.1:1/")
    assert result.returncode == 2
    assert "--gsp" in result.stderr


# --- credentials, on Virtuoso (Oxigraph server has no authentication) ---------------------

if "virtuoso" in REMOTE_BACKENDS:

    @pytest.mark.parametrize("password", ["wrong-passw0rd", None])
    def test_refused_credentials_are_one_line_and_never_shown(engines, remote_stores, password):
        engine = engines["virtuoso"]
        env = {"CCGRAPH_STORE_USER": engine.env["CCGRAPH_STORE_USER"],
               "CCGRAPH_STORE_PASSWORD": password} if password else {}
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CCGRAPH_STORE_")}
        result = subprocess.run(
            [sys.executable, "-m", "ccgraph.cli", "query", "run", "seats", "--store",
             engine.query_url], capture_output=True, text=True, env={**clean, **env},
            timeout=120)
        assert result.returncode == 2
        assert result.stderr.startswith(f"ccgraph: error: {engine.query_url}: 401 ")
        assert result.stderr.count("\n") == 1
        if password:
            assert password not in result.stderr

    def test_basic_credentials_from_the_environment_are_accepted(engines, remote_stores):
        engine = engines["virtuoso"]
        result = ccgraph_cli("query", "run", "seats", "--format", "csv", "--store",
                             engine.query_url, env=engine.env)
        assert result.returncode == 0, result.stderr
        assert result.stdout == ccgraph_cli("query", "run", "seats", "--format", "csv").stdout


def test_a_bearer_token_is_sent_and_never_shown():
    """Neither engine here takes bearer tokens, so a plain HTTP server on 127.0.0.1 stands
    in for a store behind a token-checking proxy: it records the header and refuses."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str | None] = []

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            seen.append(self.headers.get("Authorization"))
            self.send_response(403)
            self.end_headers()
            self.wfile.write(b"token not accepted\n")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/query"
        token = "tok-3f9a-secret"
        with pytest.raises(StoreError) as caught:
            RemoteStore(url, environ={"CCGRAPH_STORE_TOKEN": token}).select("ASK {}")
    finally:
        server.shutdown()
    assert seen == [f"Bearer {token}"]
    assert str(caught.value).startswith(f"{url}: 403 Forbidden: the store refused the request")
    assert token not in str(caught.value)
