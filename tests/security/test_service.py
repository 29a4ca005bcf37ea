"""No query ever connects out (issue 9, point 1).

Every smuggling variant below goes through every entry point — `/sparql` by GET, form POST
and direct POST on a live server; `ccgraph sparql`; `ccgraph.open().sparql` over the
embedded, memory and remote (Oxigraph server) stores; the saved-query REST API's
parameters — while a listener on 127.0.0.1 counts the connections it receives: zero.
"""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from ccgraph.api import Handle
from ccgraph.cli import main
from ccgraph.errors import InputError
from ccgraph.guard import Refused, analyse


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


LISTENER = Listener()
P = LISTENER.port
U = f"<http://127.0.0.1:{P}/sparql>"

VARIANTS = [
    f"SELECT * WHERE {{ SERVICE {U} {{ ?s ?p ?o }} }}",
    f"ASK {{ FILTER EXISTS {{ SERVICE {U} {{ ?s ?p ?o }} }} }}",  # the issue's reproduction
    f"ASK {{ ?a ?b ?c FILTER NOT EXISTS {{ SERVICE {U} {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ ?s ?p ?o MINUS {{ SERVICE {U} {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ ?s ?p ?o OPTIONAL {{ SERVICE {U} {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ {{ SELECT * {{ SERVICE {U} {{ ?s ?p ?o }} }} }} }}",
    f"SELECT * {{ GRAPH ?g {{ SERVICE {U} {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ BIND(EXISTS {{ SERVICE {U} {{ ?s ?p ?o }} }} AS ?x) }}",
    f"SELECT (EXISTS {{ SERVICE {U} {{ ?s ?p ?o }} }} AS ?x) {{ }}",
    f"SELECT * {{ SERVICE SILENT {U} {{ ?s ?p ?o }} }}",
    f"select * {{ service {U} {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SeRvIcE {U} {{ ?s ?p ?o }} }}",
    f"PREFIX r: <http://127.0.0.1:{P}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
    f"SELECT * {{ #\rSERVICE {U} {{ ?s ?p ?o }} }}",  # Oxigraph ends a comment at \r
    f"SELECT * {{ #c\r\nSERVICE {U} {{ ?s ?p ?o }} }}",
    f"SELECT * {{ \\u0053ERVICE {U} {{ ?s ?p ?o }} }}",
    f"SELECT * {{ \\U00000053ERVICE {U} {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERV\\u0049CE {U} {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERVICE <http://127.0.0.1:{P}/\\u0078> {{ }} }}",
    f"SELECT * {{ VALUES ?e {{ {U} }} SERVICE ?e {{ ?s ?p ?o }} }}",
    f"SELECT * {{ BIND({U} AS ?e) SERVICE ?e {{ }} }}",
    f"SELECT * {{ SERVICE ?e {{ }} }} VALUES ?e {{ {U} }}",
    f"SELECT*{{SERVICE{U}{{?s?p?o}}}}",
    f"SELECT * {{ ?a ?b ?c FILTER(?a < '>') SERVICE {U} {{ }} }}",
    f"SELECT * {{ SERVICE #c\n {U} {{ }} }}",
    f"SELECT * {{ SERVICE#c\r{U}{{}} }}",
    f"SELECT * {{ SERVICE\t{U} {{ }} }}",
    f"SELECT * {{ {{ ?s ?p ?o }} UNION {{ SERVICE {U} {{ ?s ?p ?o }} }} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {U} {{ ?s ?p ?o }} }}",
    f"DESCRIBE ?s WHERE {{ SERVICE {U} {{ ?s ?p ?o }} }}",
    f"SELECT (COUNT(*) AS ?n) {{ {{ SELECT ?s {{ SERVICE {U} {{ ?s ?p ?o }} }} }} }}",
    f"BASE <http://127.0.0.1:{P}/> SELECT * {{ SERVICE <sparql> {{ }} }}",
    f"SELECT * {{ ?s ?p ?o MINUS {{ FILTER EXISTS {{ SERVICE {U} {{ }} }} }} }}",
    f"SELECT * {{ OPTIONAL {{ FILTER NOT EXISTS {{ SERVICE SILENT {U} {{ }} }} }} }}",
    f"ASK {{ FILTER(EXISTS {{ SERVICE {U} {{ }} }} || true) }}",
    f"SELECT * {{ SERVICE <http://localhost:{P}/sparql> {{ }} }}",
    "#" + "x" * 20000 + f"\nSELECT * {{ SERVICE {U} {{ }} }}",
    f"SELECT * FROM {U} {{ ?s ?p ?o }}",
    f"SELECT * FROM NAMED {U} {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"SELECT * #\rFROM {U}\n{{ ?s ?p ?o }}",
    f"LOAD {U}",
    f"INSERT DATA {{ <a:a> <a:b> <a:c> }} ; LOAD {U}",
]
IDS = [f"v{number:02d}" for number in range(len(VARIANTS))]

# Text that only looks like SERVICE or FROM: answered.
HARMLESS = [
    "SELECT * { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
    'SELECT * { ?s ?p "a public service, from 1997" }',
    "SELECT ?service ?from { ?service ?p ?from }",
    "PREFIX service: <http://example.org/> SELECT * { ?s service:from ?o }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://example.org/> FROM <http://example.org/>\n",
    'SELECT * { ?s ?p "\\u00e9service" }',
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/ccgraph/graph/seed-003> { ?s ?p ?o }",
]


@pytest.fixture(autouse=True)
def no_connection():
    before = LISTENER.connections
    yield
    assert LISTENER.connections == before, "a query connected to the listener"


def test_enough_variants():
    assert len(VARIANTS) >= 30


@pytest.mark.parametrize("query", VARIANTS, ids=IDS)
def test_guard_refuses(query):
    with pytest.raises(Refused) as refusal:
        analyse(query, lambda: frozenset())
    assert refusal.value.status in (400, 403)


@pytest.mark.parametrize("query", HARMLESS)
def test_guard_lets_lookalikes_through(query, stores):
    from ccgraph.guard import held_graphs

    assert analyse(query, held_graphs(stores["embedded"])) == "SelectQuery"
    assert Handle(stores["embedded"]).sparql(query) is not None


@pytest.mark.parametrize("method", ["GET", "form", "direct"])
def test_endpoint_refuses_every_variant(live_server, method):
    statuses = []
    with httpx.Client(base_url=live_server, timeout=30) as client:
        for query in VARIANTS:
            if method == "GET":
                response = client.get("/sparql", params={"query": query})
            elif method == "form":
                response = client.post("/sparql", data={"query": query})
            else:
                response = client.post("/sparql", content=query.encode(),
                                       headers={"Content-Type": "application/sparql-query"})
            statuses.append(response.status_code)
    assert all(status in (400, 403) for status in statuses), statuses


def test_cli_refuses_every_variant(stores, capsys):
    location = str(stores["embedded"].location)
    for query in VARIANTS:
        assert main(["sparql", query, "--data-dir", location]) == 2, query
        assert capsys.readouterr().err.startswith("ccgraph: error: ")


@pytest.mark.parametrize("backend", ["embedded", "memory", "oxigraph"])
def test_python_api_refuses_every_variant(all_stores, backend):
    handle = Handle(all_stores[backend])
    for query in VARIANTS:
        with pytest.raises(InputError):
            handle.sparql(query)


REST_VALUES = [
    f"http://127.0.0.1:{P}/sparql",
    f"<http://127.0.0.1:{P}/sparql>",
    f"http://127.0.0.1:{P}/x> }} SERVICE <http://127.0.0.1:{P}/y> {{",
    f"gai> }} SERVICE <http://127.0.0.1:{P}/y> {{ ?a ?b ?c }} #",
    f'Turin" }} SERVICE <http://127.0.0.1:{P}/y> {{ ?a ?b ?c }} #',
    f"Turin' }} SERVICE <http://127.0.0.1:{P}/y> {{ }} #",
    f"2020-01-01\"^^<x> }} SERVICE <http://127.0.0.1:{P}/y> {{ }} #",
    f"\\u0053ERVICE <http://127.0.0.1:{P}/y>",
    f"it/turin\n}} SERVICE <http://127.0.0.1:{P}/y> {{ }}",
]


@pytest.mark.parametrize("query, param", [
    ("members-at", "network"), ("members-at", "country"), ("members-at", "field"),
    ("members-at", "date"), ("networks-of", "member"), ("shared-members", "network_a"),
])
def test_rest_parameters_cannot_smuggle(live_server, query, param):
    defaults = {"members-at": {"network": "uccn"}, "networks-of": {"member": "Turin"},
                "shared-members": {"network_a": "gai", "network_b": "uccn"}}[query]
    with httpx.Client(base_url=live_server, timeout=30) as client:
        for value in REST_VALUES:
            response = client.get(f"/queries/{query}", params={**defaults, param: value})
            assert response.status_code in (200, 400), response.text
            if response.status_code == 200:
                assert response.json() == []
