"""CORS on the read-only routes (issue 12, point 1; `ccgraph.web.cors`), in process over the
embedded store of the shipped data: preflights answered, every answer open to any origin,
errors included, and the endpoint still read-only. The real browser's side of it is
`test_editor_browser.py`'s YASGUI served from another origin."""

from __future__ import annotations

import warnings

import pytest

from ccgraph.web.app import create_app
from ccgraph.web.context import MAX_BODY
from ccgraph.web.cors import ALLOWED_HEADERS, EXPOSED, MAX_AGE

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ORIGIN = "http://127.0.0.1:9999"  # a page served elsewhere
ASK = "ASK { ?c a <https://w3id.org/ccgraph/ontology#City> }"
READ_ONLY = ["/sparql", "/queries", "/queries/members-at?network=gai", "/queries/seats.csv",
             "/openapi.json", "/openapi.yaml", "/id/city/it/turin", "/doc/city/it/turin",
             "/doc/city/it/turin.ttl", "/ontology", "/ontology.ttl", "/context.jsonld",
             "/.well-known/void", "/.well-known/void.ttl", "/dump.ttl", "/dump.nt"]


def names(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(",")}


def assert_open(response) -> None:
    """The response may be read by a page of any origin, without credentials."""
    assert response.headers.get_list("access-control-allow-origin") == ["*"]
    assert "access-control-allow-credentials" not in response.headers
    exposed = names(response.headers["access-control-expose-headers"])
    assert {"etag", "last-modified", "content-type", "link", "content-location",
            "retry-after", "vary"} <= exposed


def preflight(client, path: str, method: str = "GET", headers: str = "accept"):
    return client.options(path, headers={"Origin": ORIGIN, "Access-Control-Request-Method":
                                         method, "Access-Control-Request-Headers": headers})


# --- preflights -----------------------------------------------------------------------


@pytest.mark.parametrize("path", READ_ONLY)
def test_preflight_is_answered(client, path):
    response = preflight(client, path)
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == "*"
    methods = names(response.headers["access-control-allow-methods"])
    assert {"get", "head", "options"} <= methods
    assert ("post" in methods) == (path == "/sparql")
    assert names(response.headers["allow"]) == methods
    assert {"accept", "content-type"} <= names(response.headers["access-control-allow-headers"])
    assert response.headers["access-control-max-age"] == MAX_AGE
    assert "access-control-allow-credentials" not in response.headers


def test_preflight_of_a_yasgui_post(client):
    """What a browser asks before YASGUI's POST when the page sets a header of its own."""
    response = preflight(client, "/sparql", "POST", "accept,content-type,cache-control")
    assert response.status_code == 204
    assert {"accept", "content-type", "cache-control"} <= names(
        response.headers["access-control-allow-headers"])
    assert "post" in names(response.headers["access-control-allow-methods"])


def test_a_plain_options_says_what_the_route_allows(client):
    response = client.options("/sparql")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    assert client.options("/doc/city/it/turin").headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", ["/", "/search", "/static/style.css"])
def test_pages_and_static_files_are_left_alone(client, path):
    response = preflight(client, path)
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in client.get(path).headers


def test_the_policy_is_written_once():
    assert names(ALLOWED_HEADERS) >= {"accept", "content-type"}
    assert names(EXPOSED) >= {"etag", "last-modified", "allow"}


# --- answers --------------------------------------------------------------------------


def test_a_cross_origin_get_query_is_open(client):
    response = client.get("/sparql", params={"query": ASK}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.json()["boolean"] is True
    assert_open(response)


def test_a_cross_origin_post_query_is_open(client):
    form = client.post("/sparql", data={"query": ASK}, headers={
        "Origin": ORIGIN, "Accept": "application/sparql-results+json,*/*;q=0.9"})
    assert form.status_code == 200 and form.json()["boolean"] is True
    assert_open(form)
    direct = client.post("/sparql", content=ASK, headers={
        "Origin": ORIGIN, "Content-Type": "application/sparql-query"})
    assert direct.status_code == 200 and direct.json()["boolean"] is True
    assert_open(direct)


@pytest.mark.parametrize("path", [p for p in READ_ONLY if p != "/sparql"])
def test_every_read_only_answer_is_open(client, path):
    response = client.get(path, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert response.status_code in (200, 303)
    assert_open(response)


def test_a_route_header_is_not_repeated(client):
    """`/dump.*` and the documents set Allow-Origin themselves: still one header."""
    for path in ("/dump.nt", "/context.jsonld", "/doc/city/it/turin.ttl"):
        assert client.get(path).headers.get_list("access-control-allow-origin") == ["*"]


# --- errors are open too --------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("GET", "/doc/no/such/thing", {}, 404),
    ("GET", "/queries/no-such-query", {}, 404),
    ("GET", "/sparql", {"params": {"query": "SELECT WHERE {"}}, 400),
    ("GET", "/queries/members-at", {}, 400),  # its network is required
    ("GET", "/sparql", {"params": {"query": ASK}, "headers": {"Accept": "image/png"}}, 406),
    ("PUT", "/sparql", {"content": ASK}, 405),
    ("POST", "/sparql", {"content": ASK, "headers": {"Content-Type": "text/plain"}}, 415),
    ("POST", "/sparql", {"content": b"#" * (MAX_BODY + 1),  # refused by SizeLimits
                         "headers": {"Content-Type": "application/sparql-query"}}, 413),
])
def test_errors_are_open(client, method, path, kwargs, status):
    headers = {"Origin": ORIGIN, **kwargs.pop("headers", {})}
    response = client.request(method, path, headers=headers, **kwargs)
    assert response.status_code == status
    assert_open(response)


def test_a_timeout_is_open(stores):
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 60 } "
            "?d ?e ?f FILTER(STR(?a) < STR(?d)) }")
    with TestClient(create_app(stores["embedded"], timeout=0.05)) as slow_client:
        response = slow_client.get("/sparql", params={"query": slow},
                                   headers={"Origin": ORIGIN})
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert_open(response)


# --- still read-only ------------------------------------------------------------------


@pytest.mark.parametrize("request_kwargs", [
    {"data": {"update": "CLEAR ALL"}},
    {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
    {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
], ids=["update-form", "update-direct", "update-as-query"])
def test_an_update_across_origins_is_still_refused(client, request_kwargs):
    kwargs = dict(request_kwargs)
    asked = preflight(client, "/sparql", "POST", "content-type")
    assert asked.status_code == 204  # the browser may ask; the answer is still no
    headers = {"Origin": ORIGIN, **kwargs.pop("headers", {})}
    response = client.post("/sparql", headers=headers, **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert_open(response)
    count = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert count.json()["boolean"] is False


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_writing_methods_are_not_offered(client, method):
    response = preflight(client, "/sparql", method)
    assert method.lower() not in names(response.headers["access-control-allow-methods"])
    assert client.request(method, "/sparql", headers={"Origin": ORIGIN}).status_code == 405
