"""Answers stream, and are never silently cut (issue 12, point 5).

- A real `ccgraph serve` process (no row cap, its default) sends 1,000,000 rows whole as CSV
  and as SPARQL JSON, its processes growing by less than 300 MB (bench/streaming.py's
  scenario; the bench prints the times, which are not asserted here).
- Every format of SELECT (`formats.ROWS`) and CONSTRUCT (`formats.GRAPHS`) answers streams,
  from the embedded store (Oxigraph's writers) and the memory store (ccgraph's), and
  parses back to the whole answer.
- An answer broken off by the timeout is visibly broken for the client (an incomplete
  chunked body, no end to the JSON document), never a well-formed but incomplete one.
- With a cap, an answer longer than the cap is refused whole (400), never cut.
- A client that leaves in the middle of an answer frees its worker.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ccgraph import formats
from ccgraph.web.app import create_app
from conftest import serving

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

import endpoint  # noqa: E402  (bench/endpoint.py)
import streaming  # noqa: E402  (bench/streaming.py)

SIDE = 50  # the in-process answers: SIDE * SIDE rows or triples (JSON: several chunks)
CAP = 100  # the capped server's cap: 10 * 10 rows are answered, 11 * 11 refused
RESULTS = "http://www.w3.org/2005/sparql-results#"
EX = "http://example.org/"


def values(side: int) -> str:
    return " ".join(str(n) for n in range(1, side + 1))


def construct(side: int = SIDE) -> str:
    """A CONSTRUCT of side × side triples <EX s{a}> <EX p> {b}."""
    return (f"CONSTRUCT {{ ?s <{EX}p> ?b }} WHERE {{ VALUES ?a {{ {values(side)} }} "
            f"VALUES ?b {{ {values(side)} }} BIND(IRI(CONCAT(\"{EX}s\", STR(?a))) AS ?s) }}")


def expected_graph(side: int = SIDE) -> Graph:
    graph = Graph()
    for a in range(1, side + 1):
        for b in range(1, side + 1):
            graph.add((URIRef(f"{EX}s{a}"), URIRef(f"{EX}p"), Literal(b)))
    return graph


def pairs(fmt: str, body: bytes) -> list[tuple[int, int]]:
    """The (a, b) rows of a SELECT answer to `streaming.product`, parsed as format `fmt`."""
    text = body.decode("utf-8")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["a", "b"]
        return [(int(a), int(b)) for a, b in rows[1:]]
    if fmt == "tsv":
        lines = text.splitlines()
        assert lines[0] == "?a\t?b"
        return [(int(a), int(b)) for a, b in (line.split("\t") for line in lines[1:])]
    if fmt == "srj":
        document = json.loads(text)
        assert document["head"]["vars"] == ["a", "b"]
        return [(int(r["a"]["value"]), int(r["b"]["value"]))
                for r in document["results"]["bindings"]]
    root = ET.fromstring(body)
    assert [v.get("name") for v in root.iter(f"{{{RESULTS}}}variable")] == ["a", "b"]
    return [tuple(int(b.find(f"{{{RESULTS}}}literal").text) for b in result)  # type: ignore
            for result in root.iter(f"{{{RESULTS}}}result")]


@pytest.fixture(scope="module", params=["embedded", "memory"])
def any_client(request, stores):
    with TestClient(create_app(stores[request.param], max_rows=None)) as test_client:
        yield test_client


# --- a million rows from a real server ----------------------------------------------------


@pytest.fixture(scope="module")
def server(stores):
    """`ccgraph serve` as its own process with its defaults (no row cap) but a timeout long
    enough for a loaded machine; (its URL, the process)."""
    with endpoint.serving(stores["embedded"].location, "--timeout", "120") as running:
        yield running


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_million_rows_arrive_whole_in_bounded_memory(server, fmt, tmp_path):
    url, process = server
    result = streaming.measure(url, process.pid, fmt, tmp_path)
    assert result["status"] == 200
    assert result["rows"] == 1_000_000  # each pair of the product once, the document whole
    assert result["peak"] - result["rest"] < 300 * 2**20, result


# --- every format streams, from both stores -------------------------------------------------


@pytest.mark.parametrize("fmt", formats.ROWS)
def test_select_streams_whole_in_every_format(any_client, fmt):
    response = any_client.post("/sparql", content=streaming.product(SIDE),
                               headers={"Content-Type": "application/sparql-query",
                                        "Accept": formats.get(fmt).media})
    assert response.status_code == 200
    rows = pairs(fmt, response.content)
    assert len(rows) == SIDE * SIDE
    assert set(rows) == {(a, b) for a in range(1, SIDE + 1) for b in range(1, SIDE + 1)}


@pytest.mark.parametrize("fmt", formats.GRAPHS)
def test_construct_streams_whole_in_every_format(any_client, fmt):
    found = formats.get(fmt)
    response = any_client.post("/sparql", content=construct(),
                               headers={"Content-Type": "application/sparql-query",
                                        "Accept": found.media})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=formats.rdflib_format(fmt))
    assert isomorphic(graph, expected_graph())


def test_turtle_uses_the_project_prefixes(client):
    response = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 1"},
                          headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "@prefix ccn: <https://w3id.org/ccgraph/ontology#> ." in response.text


# --- never silently cut ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_server(stores):
    """The app with a 1 s timeout, served by uvicorn as `ccgraph serve` serves it."""
    with serving(create_app(stores["embedded"], timeout=1.0, max_rows=None)) as url:
        httpx.post(f"{url}/sparql", content=b"ASK {}", timeout=30,
                   headers={"Content-Type": "application/sparql-query"})  # a worker is up
        yield url


# 100,000,000 rows: never written within the timeouts here
ENDLESS = (f"SELECT * WHERE {{ VALUES ?a {{ {values(1000)} }} VALUES ?b {{ {values(1000)} }} "
           f"VALUES ?c {{ {values(100)} }} }}")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_answer_cut_by_the_timeout_is_visibly_broken(short_server, fmt, tmp_path):
    path = tmp_path / "answer"
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
        streaming.download(short_server, ENDLESS, streaming.FORMATS[fmt], path)
    body = path.read_bytes()
    assert len(body) > streaming_chunk()  # rows had begun to arrive: it did stream
    if fmt == "json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    # the endpoint goes on answering
    response = httpx.post(f"{short_server}/sparql", content=b"ASK {}", timeout=30,
                          headers={"Content-Type": "application/sparql-query"})
    assert response.json()["boolean"] is True


def streaming_chunk() -> int:
    from ccgraph.web.worker import CHUNK

    return CHUNK


def test_an_error_before_the_first_chunk_is_an_error_answer(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert response.status_code == 400 and "malformed query" in response.text


@pytest.mark.parametrize("kind", ["embedded", "memory"])
def test_a_cap_refuses_a_longer_answer_whole(stores, kind):
    with TestClient(create_app(stores[kind], max_rows=CAP)) as capped:
        for query, what in ((streaming.product(11), "rows"), (construct(11), "triples")):
            response = capped.post("/sparql", content=query,
                                   headers={"Content-Type": "application/sparql-query"})
            assert response.status_code == 400  # 121 > CAP: nothing but the refusal
            assert f"more than {CAP} {what}" in response.text
        response = capped.post("/sparql", content=streaming.product(10),
                               headers={"Content-Type": "application/sparql-query",
                                        "Accept": "text/csv"})
        assert response.status_code == 200 and len(pairs("csv", response.content)) == CAP
        response = capped.post("/sparql", content=construct(10),
                               headers={"Content-Type": "application/sparql-query",
                                        "Accept": "application/n-triples"})
        assert isomorphic(Graph().parse(data=response.content, format="nt"),
                          expected_graph(10))


def test_a_client_leaving_frees_its_worker(stores):
    app = create_app(stores["embedded"], timeout=20.0, workers=1, per_client=1,
                     max_rows=None)
    with serving(app) as url, httpx.Client(timeout=30) as client:
        with client.stream("POST", f"{url}/sparql", content=ENDLESS.encode(),
                           headers={"Content-Type": "application/sparql-query"}) as response:
            assert response.status_code == 200
            next(response.iter_raw())
        # the only worker, held by that answer, was stopped and replaced at once: a query
        # from the same client is answered well before the 20 s timeout
        answer = client.post(f"{url}/sparql", content=b"ASK {}",
                             headers={"Content-Type": "application/sparql-query"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert answer.elapsed.total_seconds() < 10


def test_a_client_that_stops_reading_holds_no_worker_past_the_timeout(stores):
    app = create_app(stores["embedded"], timeout=2.0, workers=1, per_client=1,
                     max_rows=None)
    with serving(app) as url, httpx.Client(timeout=30) as reader, \
            httpx.Client(timeout=30) as other:
        ask = {"content": b"ASK {}", "headers": {"Content-Type": "application/sparql-query"}}
        other.post(f"{url}/sparql", **ask)  # a worker is up
        with reader.stream("POST", f"{url}/sparql", content=ENDLESS.encode(),
                           headers={"Content-Type": "application/sparql-query"}) as response:
            chunks = response.iter_raw()
            next(chunks)
            time.sleep(3.5)  # reads nothing: the worker stops at the timeout all the same
            answer = other.post(f"{url}/sparql", **ask)  # the only worker's place is free
            assert answer.status_code == 200 and answer.json()["boolean"] is True
            with pytest.raises(httpx.RemoteProtocolError):  # and the answer is broken off
                for _ in chunks:
                    pass
