"""The SPARQL 1.1 Protocol endpoint, in process, over the embedded store of the shipped data."""

from __future__ import annotations

import csv
import io
import json
import warnings
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef

from ccgraph.formats import negotiate
from ccgraph.web.app import create_app

from .responses import media

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CITIES = (
    "SELECT (COUNT(DISTINCT ?c) AS ?n) "
    "WHERE { ?c a <https://w3id.org/ccgraph/ontology#City> }"
)
ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"
ASK = "ASK { ?c a <https://w3id.org/ccgraph/ontology#City> }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
DESCRIBE = "DESCRIBE ?c WHERE { ?c a <https://w3id.org/ccgraph/ontology#City> } LIMIT 1"
# About a second and a half over the real data: 60 subjects against every triple.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 60 } "
    "?d ?e ?f FILTER(STR(?a) < STR(?d)) }"
)
SPARQL_JSON = "application/sparql-results+json"


def get(client: TestClient, query: str, accept: str | None = None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


# --- answers --------------------------------------------------------------------------


def test_city_count_in_json(client):
    response = get(client, CITIES)
    assert response.status_code == 200
    assert media(response) == SPARQL_JSON
    body = response.json()
    assert body["head"]["vars"] == ["n"]
    assert body["results"]["bindings"][0]["n"]["value"] == "464"


def test_city_count_in_csv(client):
    response = get(client, CITIES, "text/csv")
    assert response.status_code == 200
    assert media(response) == "text/csv"
    assert list(csv.reader(io.StringIO(response.text))) == [["n"], ["464"]]


def test_select_in_tsv(client):
    response = get(client, CITIES, "text/tab-separated-values")
    assert response.status_code == 200
    assert media(response) == "text/tab-separated-values"
    # an xsd:integer in Turtle's short form, as the SPARQL 1.1 TSV format allows
    assert response.text.splitlines() == ["?n", "464"]


def test_select_in_xml(client):
    response = get(client, ROWS, "application/sparql-results+xml")
    assert response.status_code == 200
    assert media(response) == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(response.content)
    names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    assert names == ["s", "p", "o"]
    assert len(root.findall("r:results/r:result", ns)) == 10


def test_ask_by_form_post(client):
    response = client.post("/sparql", data={"query": ASK})
    assert response.status_code == 200
    assert response.json() == {"head": {}, "boolean": True}


def test_ask_in_xml(client):
    response = get(client, ASK, "application/sparql-results+xml")
    assert response.status_code == 200
    assert "<boolean>true</boolean>" in response.text


def test_direct_post(client):
    response = client.post(
        "/sparql", content=CITIES, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "464"


@pytest.mark.parametrize(
    ("accept", "expected", "rdf_format"),
    [
        (None, "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_construct_formats(client, accept, expected, rdf_format):
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200
    assert media(response) == expected
    assert len(Graph().parse(data=response.text, format=rdf_format)) == 5


def test_describe(client):
    response = get(client, DESCRIBE)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 0


def test_q_values_are_honoured(client):
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"
    assert media(get(client, CITIES, accept)) == "text/csv"


def test_negotiate_wildcards():
    offered = ("a/x", "b/y")
    assert negotiate("*/*", offered) == "a/x"
    assert negotiate("b/*", offered) == "b/y"
    assert negotiate("a/x;q=0, */*", offered) == "b/y"


def test_service_description(client):
    response = client.get("/sparql")
    assert response.status_code == 200
    assert media(response) == "text/turtle"
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in graph
    assert (None, URIRef(sd + "endpoint"), URIRef("http://testserver/sparql")) in graph
    # SPARQL JSON, XML, CSV, TSV for SELECT and ASK; Turtle, JSON-LD, N-Triples, RDF/XML for
    # CONSTRUCT and DESCRIBE (the W3C format IRIs)
    w3c = "http://www.w3.org/ns/formats/"
    assert set(graph.objects(None, URIRef(sd + "resultFormat"))) == {
        URIRef(w3c + name) for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML",
                                        "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
                                        "JSON-LD", "N-Triples", "RDF_XML")}


def test_service_description_in_json_ld(client):
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert media(response) == "application/ld+json"
    assert json.loads(response.text)


# --- refusals -------------------------------------------------------------------------


def test_malformed_query(client):
    response = get(client, "SELECT ?x WHERE {")
    assert response.status_code == 400
    assert media(response) == "text/plain"
    assert "malformed query" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/remote> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/remote> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
    ids=["service", "from", "from-named"],
)
def test_remote_access_is_refused(client, query):
    response = get(client, query)
    assert response.status_code == 400
    assert "remote" in response.text


def test_from_a_held_graph_is_answered(client):
    query = (
        "ASK FROM <https://w3id.org/ccgraph/graph/vocabulary> WHERE { ?s ?p ?o }"
    )
    assert get(client, query).json()["boolean"] is True


def test_load_is_refused(client):
    response = client.post("/sparql", content="LOAD <http://example.org/data.ttl>",
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "LOAD" in response.text


@pytest.mark.parametrize("key", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_naming_a_graph_not_held_is_refused(client, key):
    response = get(client, ASK, **{key: "http://example.org/graph"})
    assert response.status_code == 400
    assert "<http://example.org/graph>" in response.text
    assert "never fetches" in response.text


GRAPH = "https://w3id.org/ccgraph/graph/"
DESIGN_CITIES = (
    "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m "
    "<http://www.w3.org/ns/org#role> <https://w3id.org/ccgraph/id/field/design> }"
)


def test_default_graph_uri_chooses_the_default_graph(client):
    # The UCCN table lists the Cities of Design; the seeds name none by that role alone
    # (seed 000 lists Turin's design designation, which is the same membership resource).
    table = get(client, DESIGN_CITIES, **{"default-graph-uri": GRAPH + "uccn-members"})
    ontology = get(client, DESIGN_CITIES, **{"default-graph-uri": GRAPH + "ontology"})
    assert int(table.json()["results"]["bindings"][0]["n"]["value"]) > 40
    assert ontology.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_several_default_graphs_are_merged_not_repeated(client):
    # Turin's City of Design membership is stated by the table and by seed 000: the
    # merge of the two graphs holds its org:role triple once.
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?m <http://www.w3.org/ns/org#member> "
        "<https://w3id.org/ccgraph/id/city/it/turin> ; "
        "<http://www.w3.org/ns/org#role> <https://w3id.org/ccgraph/id/field/design> }"
    )
    both = [GRAPH + "uccn-members", GRAPH + "seed-000"]
    response = client.get("/sparql", params=[("query", query)] + [
        ("default-graph-uri", g) for g in both])
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_named_graph_uri_limits_graph(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = get(client, query, **{"named-graph-uri": GRAPH + "seed-003"})
    graphs = [b["g"]["value"] for b in response.json()["results"]["bindings"]]
    assert graphs == [GRAPH + "seed-003"]


def test_update_field_is_refused(client):
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403
    assert "read-only" in response.text


def test_update_as_query_is_refused(client):
    response = get(client, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert response.status_code == 403
    assert "read-only" in response.text


def test_other_methods(client):
    response = client.put("/sparql", content="ASK {}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert client.delete("/sparql").status_code == 405


def test_nothing_acceptable(client):
    assert get(client, CITIES, "image/png").status_code == 406
    assert get(client, CONSTRUCT, "application/sparql-results+json").status_code == 406


def test_unsupported_content_type(client):
    response = client.post("/sparql", content=ASK, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_timeout(stores):
    with TestClient(create_app(stores["embedded"], timeout=0.05)) as slow_client:
        response = get(slow_client, SLOW)
    assert response.status_code == 503
    assert "longer than" in response.text


def test_result_cap_refuses_rather_than_cuts(stores):
    with TestClient(create_app(stores["embedded"], max_rows=3)) as small_client:
        response = get(small_client, ROWS)
        assert response.status_code == 400
        assert "more than 3 rows" in response.text
        whole = get(small_client, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
        assert whole.status_code == 200 and "X-Result-Truncated" not in whole.headers
        assert len(whole.json()["results"]["bindings"]) == 3
        graph = get(small_client, CONSTRUCT)
        assert graph.status_code == 400 and "more than 3 triples" in graph.text
        three = get(small_client, CONSTRUCT.replace("LIMIT 5", "LIMIT 3"))
        assert len(Graph().parse(data=three.text, format="turtle")) == 3


def test_store_is_opened_lazily_once(stores, monkeypatch):
    import ccgraph.web.context

    opened = []

    def fake_open(kind):
        opened.append(kind)
        return stores["memory"]

    monkeypatch.setattr(ccgraph.web.context, "open_store", fake_open)
    app = create_app()
    assert opened == []
    with TestClient(app) as lazy_client:
        assert get(lazy_client, ASK).json()["boolean"] is True
        assert get(lazy_client, ASK).json()["boolean"] is True
    assert opened == [None]  # None: $CCGRAPH_STORE, else the embedded store


def test_query_path_does_not_import_starlette():
    import subprocess
    import sys

    code = (
        "import sys, ccgraph.cli, ccgraph.store, ccgraph.results, ccgraph.queries; "
        "ccgraph.cli.build_parser(); print('starlette' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_serve_command_options():
    from ccgraph.cli import build_parser
    from ccgraph.cli.commands import run_serve

    args = build_parser().parse_args(
        ["serve", "--port", "8123", "--timeout", "2.5", "--max-rows", "7", "--store", "memory"]
    )
    assert (args.host, args.port, args.timeout, args.max_rows) == ("127.0.0.1", 8123, 2.5, 7)
    assert args.store == "memory" and args.run is run_serve
