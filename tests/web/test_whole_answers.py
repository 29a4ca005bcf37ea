"""Issue 14, point 2 (an endpoint close to its store): what the faster paths must keep.

- an answer that fits in one chunk comes whole, with its Content-Length; a longer one
  still streams (chunked), whole;
- the REST route keeps a saved query's bound text per request: the same request answers
  the same, another value or date answers for that value or date;
- a resource's document is made in one worker call and keeps its error order: 404 for an
  unknown resource before 406 or 400; its N-Triples list each triple once.
"""

from __future__ import annotations

import json
import warnings

import pytest
from rdflib import Graph

from ccgraph.web.app import create_app
from ccgraph.web.worker import CHUNK

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

JSON = "application/sparql-results+json"
NETWORKS = """PREFIX ccn: <https://w3id.org/ccgraph/ontology#>
SELECT ?n WHERE { ?n a ccn:Network }"""
HUNDRED = " ".join(map(str, range(100)))
MANY = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {HUNDRED} }} VALUES ?b {{ {HUNDRED} }} }}"  # 10k


@pytest.fixture(scope="module")
def one_worker(stores):
    """The app with one worker process: every request meets what the last one left."""
    with TestClient(create_app(stores["embedded"], workers=1)) as test_client:
        yield test_client


def test_a_small_answer_comes_whole_with_its_length(client):
    response = client.get("/sparql", params={"query": NETWORKS}, headers={"Accept": JSON})
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert "transfer-encoding" not in response.headers
    assert len(response.json()["results"]["bindings"]) == 5


def test_a_long_answer_still_streams_whole(client):
    response = client.get("/sparql", params={"query": MANY}, headers={"Accept": JSON})
    assert response.status_code == 200
    assert len(response.content) > CHUNK
    assert "content-length" not in response.headers
    assert len(json.loads(response.content)["results"]["bindings"]) == 10_000


def rows(client, name: str = "networks-of", **params: str) -> list[dict]:
    response = client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_same_request_answers_the_same(one_worker):
    first = rows(one_worker, member="Turin", date="2022-01-01")
    assert first and rows(one_worker, member="Turin", date="2022-01-01") == first


def test_another_value_answers_for_that_value(one_worker):
    turin = rows(one_worker, member="Turin", date="2022-01-01")
    milan = rows(one_worker, member="Milan", date="2022-01-01")
    assert turin and milan and turin != milan
    assert rows(one_worker, member="Turin", date="2022-01-01") == turin
    assert rows(one_worker, member="Turin") == rows(one_worker, member="Turin", date="today")
    gai = {"name": "members-at", "network": "gai"}
    assert len(rows(one_worker, **gai, date="2022-01-01", certainty="certain")) == 33
    assert rows(one_worker, **gai, date="1996-12-31") == []  # before its founding


def test_a_bad_value_is_refused_after_a_good_one(one_worker):
    assert rows(one_worker, member="Turin")
    response = one_worker.get("/queries/networks-of", params={"member": "Atlantis"})
    assert response.status_code == 400


@pytest.mark.parametrize(("path", "accept", "params"), [
    ("/doc/city/it/nowhere", "image/png", {}),  # else 406
    ("/doc/city/it/nowhere", "text/html", {"at": "yesterday"}),  # else 400
])
def test_an_unknown_resource_is_404_first(client, path, accept, params):
    response = client.get(path, params=params, headers={"Accept": accept})
    assert response.status_code == 404


def test_a_document_lists_each_triple_once(client):
    response = client.get("/doc/city/it/turin.nt")
    assert response.status_code == 200
    lines = [line for line in response.text.splitlines() if line.strip()]
    assert lines and len(lines) == len(set(lines))
    assert len(Graph().parse(data=response.text, format="nt")) == len(lines)
