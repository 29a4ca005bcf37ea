"""How errors are answered (`ccgraph.web.errors`), in process, over the embedded store: the
status from the error's class, one line of text/plain by default, RFC 9457 problem details
for a client that prefers JSON, the HTML page for a browser on every route, `Allow` on a
405, `Retry-After` on a 503, and a bug as a 500 with one line and no traceback."""

from __future__ import annotations

import warnings

import pytest

from ccgraph.errors import Unavailable
from ccgraph.web import errors
from ccgraph.web.context import MAX_BODY

from .responses import media

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")

PROBLEM = "application/problem+json"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(("path", "status"), [
    ("/queries/nope", 404),
    ("/queries/members-at.csv?network=nowhere", 400),
    ("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", 400),
    ("/sparql?update=CLEAR%20ALL", 403),
    ("/doc/city/it/nowhere", 404),
    ("/no/such/route", 404),
])
@pytest.mark.parametrize("accept", ["application/json", PROBLEM,
                                    "application/problem+json, text/plain;q=0.5"])
def test_a_json_client_gets_problem_details(client, path, status, accept):
    plain = client.get(path)
    assert plain.status_code == status
    assert media(plain) == "text/plain"
    assert plain.text.count("\n") == 1
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == status
    assert media(response) == PROBLEM
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["detail"] == plain.text.rstrip("\n")
    assert body["title"]


@pytest.mark.parametrize("accept", ["*/*", "text/plain", "text/*, application/json;q=0.5",
                                    "application/sparql-results+json", "image/png"])
def test_anyone_else_gets_one_line_of_text(client, accept):
    response = client.get("/queries/nope", headers={"Accept": accept})
    assert response.status_code == 404
    assert media(response) == "text/plain"
    assert response.text.count("\n") == 1


@pytest.mark.parametrize("path", ["/doc/city/it/nowhere", "/queries/nope", "/no/such/route",
                                  "/sparql?query=SELECT"])
def test_a_browser_gets_the_page_on_every_route(client, path):
    page = client.get(path, headers={"Accept": BROWSER})
    assert media(page) == "text/html"
    assert page.status_code in (400, 404)


def test_a_406_is_never_an_html_page(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert response.status_code == 406 and media(response) == "text/plain"


def test_405_names_the_methods(client):
    response = client.put("/sparql", headers={"Accept": PROBLEM})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert response.json()["status"] == 405
    response = client.post("/queries", headers={"Accept": PROBLEM})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert media(response) == PROBLEM


def test_503_says_when_to_retry():
    response = errors.response(Unavailable("the endpoint is busy"), PROBLEM)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.media_type == PROBLEM


def test_an_overlong_body_gets_problem_details(client):
    response = client.post("/sparql", content=b"x" * (MAX_BODY + 1),
                           headers={"Accept": PROBLEM,
                                    "Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_a_bug_is_500_in_one_line(client, monkeypatch):
    import ccgraph.web.documents

    def broken():
        raise RuntimeError("a secret path /home/x\n  File 'ccgraph/describe.py', line 1")

    monkeypatch.setattr(ccgraph.web.documents, "ontology_graph", broken)
    for accept in (None, PROBLEM):
        response = client.get("/ontology.nt", headers={"Accept": accept} if accept else {})
        assert response.status_code == 500
        assert "Traceback" not in response.text and "File " not in response.text
        assert "secret" not in response.text
        text = response.json()["detail"] if accept else response.text
        assert text.rstrip("\n") == "internal error: RuntimeError"
