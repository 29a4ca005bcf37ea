"""Caches (`ccgraph.web.caching`, issue 12 point 4), in process over the embedded store of the
shipped data unless said otherwise: an ETag and a Last-Modified on every GET answer, 304 on
If-None-Match (weak comparison, `*`, lists) or If-Modified-Since (If-None-Match winning),
Cache-Control, Vary: Accept where the answer depends on it, HEAD everywhere GET works, a
streamed body never held, and every validator changed by a rebuild of the store."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import warnings
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import StreamingResponse
from starlette.routing import Route

from ccgraph.store import EmbeddedStore
from ccgraph.web.app import create_app
from ccgraph.web.caching import ERRORS, POLICY, Caching, Conditions, Validators, Version
from projects import COUNT_CITIES, NEW_CITY, SHIPPED_CITIES

from .responses import media

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TURTLE, JSONLD = "text/turtle", "application/ld+json"
CITIES = ("/sparql", {"query": COUNT_CITIES})
# every kind of GET answer: pages, documents, the endpoint, the saved queries, the dumps...
ANSWERS = [
    ("/", None), ("/search?q=turin", None), ("/doc/city/it/turin", BROWSER),
    ("/doc/city/it/turin", TURTLE), ("/doc/city/it/turin.jsonld", None),
    ("/doc/network/uccn?at=2020-01-01", BROWSER), ("/ontology", BROWSER), ("/ontology.ttl", None),
    ("/ontology/0.1.0", TURTLE), ("/context.jsonld", None), ("/.well-known/void", None),
    ("/dump.nt", None), ("/sparql?query=ASK%7B%7D", None), ("/sparql", TURTLE),
    ("/queries", None), ("/queries/members-at.csv?network=gai&date=2022-01-01", None),
    ("/queries/members-at?network=gai&date=2022-01-01", "application/json"),
    ("/openapi.json", None), ("/robots.txt", None), ("/sitemap.xml", None),
    ("/static/style.css", None),
]


def get(client, path: str, accept: str | None = None, **headers: str):
    if accept:
        headers["Accept"] = accept
    return client.get(path, headers=headers, follow_redirects=False)


def when(response) -> datetime:
    return parsedate_to_datetime(response.headers["last-modified"])


# --- validators ------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "accept"), ANSWERS)
def test_every_get_answer_has_validators_and_a_policy(client, path, accept):
    response = get(client, path, accept)
    assert response.status_code == 200, response.text
    assert response.headers["etag"].startswith('W/"')
    assert when(response) <= datetime.now(UTC)
    assert response.headers["cache-control"] == POLICY
    again = get(client, path, accept)
    assert again.headers["etag"] == response.headers["etag"]
    assert again.headers["last-modified"] == response.headers["last-modified"]


@pytest.mark.parametrize(("path", "accept"), ANSWERS)
def test_a_matching_etag_gets_304_without_a_body(client, path, accept):
    first = get(client, path, accept)
    response = get(client, path, accept, **{"If-None-Match": first.headers["etag"]})
    assert response.status_code == 304
    assert response.content == b""
    for header in ("etag", "last-modified", "cache-control"):
        assert response.headers[header] == first.headers[header]
    assert response.headers.get("vary") == first.headers.get("vary")
    assert "content-length" not in response.headers or response.headers["content-length"] == "0"


@pytest.mark.parametrize(("path", "accepts"), [
    ("/doc/city/it/turin", (BROWSER, TURTLE, JSONLD)),
    ("/sparql", (TURTLE, JSONLD)),
    ("/sparql?query=ASK%7B%7D", ("application/sparql-results+json", "text/csv")),
    ("/queries/members-at?network=gai&date=2022-01-01", ("application/json", "text/csv")),
    ("/.well-known/void", (TURTLE, JSONLD)),
])
def test_two_representations_of_one_url_have_two_etags(client, path, accepts):
    answers = [get(client, path, accept) for accept in accepts]
    assert len({media(a) for a in answers}) == len(accepts)
    assert len({a.headers["etag"] for a in answers}) == len(accepts)
    for answer in answers:
        assert answer.headers["vary"] == "Accept"
    # a representation's tag does not validate another one
    other = get(client, path, accepts[1], **{"If-None-Match": answers[0].headers["etag"]})
    assert other.status_code == 200 and media(other) == media(answers[1])


def test_a_url_that_names_its_format_does_not_vary(client):
    turtle = get(client, "/doc/city/it/turin.ttl", TURTLE)
    browser = get(client, "/doc/city/it/turin.ttl", BROWSER)
    assert turtle.headers["etag"] == browser.headers["etag"]
    assert "vary" not in turtle.headers
    assert get(client, "/doc/city/it/turin.ttl").headers["etag"] != get(
        client, "/doc/city/it/turin.nt").headers["etag"]


# --- If-None-Match and If-Modified-Since ------------------------------------------------


def test_if_none_match_compares_weakly_and_takes_lists_and_star(client):
    tag = get(client, "/doc/city/it/turin.ttl").headers["etag"]
    strong = tag.removeprefix("W/")
    for condition in (tag, strong, f'"nope", {tag}', f'W/"a,b", {strong} ', "*", ' * '):
        response = get(client, "/doc/city/it/turin.ttl", **{"If-None-Match": condition})
        assert response.status_code == 304, condition
    for condition in ('"nope"', 'W/"nope", "other"', "garbage"):
        response = get(client, "/doc/city/it/turin.ttl", **{"If-None-Match": condition})
        assert response.status_code == 200, condition


def test_star_is_no_match_for_what_does_not_exist(client):
    response = get(client, "/doc/city/it/nowhere", **{"If-None-Match": "*"})
    assert response.status_code == 404
    assert response.headers["cache-control"] == ERRORS
    assert "etag" not in response.headers


def test_if_modified_since(client):
    first = get(client, "/dump.nt")
    modified = when(first)
    for since, status in ((modified, 304), (modified + timedelta(days=1), 304),
                          (modified - timedelta(seconds=1), 200)):
        response = get(client, "/dump.nt", **{"If-Modified-Since": format_datetime(since, True)})
        assert response.status_code == status, since
    for garbage in ("yesterday", "", "Mon, 99 Foo 2020 00:00:00 GMT"):
        response = get(client, "/dump.nt", **{"If-Modified-Since": garbage})
        assert response.status_code == 200, garbage
    assert get(client, "/doc/city/it/nowhere", **{
        "If-Modified-Since": format_datetime(modified, True)}).status_code == 404


def test_if_none_match_wins_over_if_modified_since(client):
    first = get(client, "/dump.nt")
    later = format_datetime(when(first) + timedelta(days=1), True)
    earlier = format_datetime(when(first) - timedelta(days=1), True)
    stale = get(client, "/dump.nt", **{"If-None-Match": '"old"', "If-Modified-Since": later})
    assert stale.status_code == 200
    fresh = get(client, "/dump.nt", **{"If-None-Match": first.headers["etag"],
                                       "If-Modified-Since": earlier})
    assert fresh.status_code == 304


def test_a_matching_etag_is_answered_before_any_query(client, monkeypatch):
    path, params = CITIES
    first = client.get(path, params=params)
    assert first.status_code == 200 and first.json()["results"]["bindings"][0]["n"]["value"] \
        == str(SHIPPED_CITIES)
    context = client.app.state.context
    asked = []

    async def spy(request, function, *args):
        asked.append(function)
        raise AssertionError("the store was asked")

    for name in ("call", "respond"):  # every way a route asks the workers
        if hasattr(context, name):
            monkeypatch.setattr(context, name, spy)
    response = client.get(path, params=params, headers={"If-None-Match": first.headers["etag"]})
    assert response.status_code == 304 and asked == []


def test_dated_answers_are_modified_today_at_the_earliest(client, stores):
    midnight = datetime.combine(datetime.now().date(), datetime.min.time()).astimezone(UTC)
    page = get(client, "/doc/network/uccn", BROWSER)
    assert when(page) >= midnight.replace(microsecond=0)
    document = get(client, "/doc/network/uccn.ttl")
    built = datetime.fromtimestamp(int(stores["embedded"].path.stat().st_mtime), UTC)
    assert when(document) == built


# --- Cache-Control and Vary -------------------------------------------------------------------


@pytest.mark.parametrize(("path", "status"), [
    ("/doc/city/it/nowhere", 404), ("/no/such/route", 404), ("/queries/nope", 404),
    ("/sparql?query=SELECT", 400), ("/doc/network/uccn?at=someday", 400),
])
def test_errors_are_not_stored_and_vary(client, path, status):
    response = get(client, path)
    assert response.status_code == status
    assert response.headers["cache-control"] == ERRORS
    assert "Accept" in response.headers["vary"]
    assert "etag" not in response.headers and "last-modified" not in response.headers


def test_sparql_answers_vary_on_accept(client):
    path, params = CITIES
    for response in (client.get(path, params=params),
                     client.post(path, data=params, headers={"Accept": "text/csv"})):
        assert response.status_code == 200
        assert response.headers["vary"] == "Accept"
    assert "etag" not in client.post(path, data=params).headers  # POST answers are not cached


def test_vary_is_merged_not_repeated(client):
    response = get(client, "/doc/city/it/turin", TURTLE)
    assert response.headers.get_list("vary") == ["Accept"]


# --- HEAD ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "accept"), [*ANSWERS, ("/doc/city/it/nowhere", None),
                                              ("/id/city/it/turin", None)])
def test_head_answers_as_get_without_a_body(client, path, accept):
    got = get(client, path, accept)
    head = client.head(path, headers={"Accept": accept} if accept else {},
                       follow_redirects=False)
    assert head.status_code == got.status_code
    assert head.content == b""
    for header in ("content-type", "etag", "last-modified", "cache-control", "vary",
                   "location", "content-location"):
        assert head.headers.get(header) == got.headers.get(header), header


def test_head_of_sparql_with_a_query(client):
    path, params = CITIES
    head = client.head(path, params=params, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.content == b""
    assert media(head) == "text/csv" and head.headers["vary"] == "Accept"
    conditional = client.head(path, params=params, headers={
        "Accept": "text/csv", "If-None-Match": head.headers["etag"]})
    assert conditional.status_code == 304


class Stub:
    """A Context as the middleware sees it, over no store."""

    async def store(self):
        return object()

    def generation(self) -> str:
        return "stub-1"


ROWS = 1000


def streaming_app(made: list[int]) -> Caching:
    """`/rows`: ROWS lines, streamed, each one noted in `made` as it is made."""

    async def rows():
        for n in range(ROWS):
            made.append(n)
            yield f"row {n}\n".encode()
            await asyncio.sleep(0)

    async def endpoint(request):
        return StreamingResponse(rows(), media_type="text/csv")

    return Caching(Starlette(routes=[Route("/rows", endpoint)]), Stub())


def call(app, method: str, spec: str, **headers: str) -> list[tuple[dict, int]]:
    """The messages `app` sends for `method /rows` (ASGI spec version `spec`), each with
    the number of rows made when it was sent."""
    made: list[int] = []
    sent: list[tuple[dict, int]] = []

    async def run():
        asked = asyncio.Event()

        async def receive():
            if not asked.is_set():
                asked.set()
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client stays: only a finished answer ends

        async def send(message):
            sent.append((message, len(made)))

        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": spec},
                 "http_version": "1.1", "method": method, "scheme": "http", "path": "/rows",
                 "raw_path": b"/rows", "query_string": b"", "root_path": "",
                 "server": ("testserver", 80), "client": ("127.0.0.1", 1),
                 "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
        await app(scope, receive, send)

    app = streaming_app(made) if app is None else app
    asyncio.run(run())
    return sent


@pytest.mark.parametrize("spec", ["2.3", "2.4"])
def test_a_streamed_body_is_passed_on_as_it_comes(spec):
    sent = call(None, "GET", spec)
    start, *bodies = sent
    assert start[0]["status"] == 200
    assert dict(start[0]["headers"])[b"etag"].startswith(b'W/"')
    assert bodies[0][1] == 1  # the first row went out before the second was made
    assert len(bodies) == ROWS + 1 and bodies[-1][1] == ROWS


@pytest.mark.parametrize("spec", ["2.3", "2.4"])
@pytest.mark.parametrize(("method", "condition", "status"), [
    ("HEAD", None, 200), ("GET", "*", 304), ("HEAD", "*", 304)])
def test_a_streamed_body_stops_for_head_and_304(spec, method, condition, status):
    headers = {"If-None-Match": condition} if condition else {}
    sent = call(None, method, spec, **headers)
    assert [m["type"] for m, _ in sent] == ["http.response.start", "http.response.body"]
    assert sent[0][0]["status"] == status and sent[1][0]["body"] == b""
    assert sent[-1][1] <= 1  # the rows stopped at the first one


def test_a_matching_tag_stops_a_stream_before_it_starts():
    tag = dict(call(None, "HEAD", "2.3")[0][0]["headers"])[b"etag"].decode()
    sent = call(None, "GET", "2.3", **{"If-None-Match": tag})
    assert sent[0][0]["status"] == 304 and sent[-1][1] == 0


def test_conditions_parse():
    given = Conditions.of(Headers(headers={"If-None-Match": 'W/"a", "b,c"'}))
    assert given.tags == {"a", "b,c"} and given.matches('W/"b,c"') and given.matches('"a"')
    assert Conditions.of(Headers(headers={})) == Conditions()
    version = Version("g", datetime(2020, 1, 1, tzinfo=UTC))
    validators = Validators.of(version, {"path": "/dump.nt", "query_string": b""},
                               Headers(headers={}))
    assert validators.modified == version.built and not validators.vary


# --- over HTTP, and across a rebuild --------------------------------------------------------


def test_a_real_server_answers_head_and_304(live_server):
    with httpx.Client(base_url=live_server, timeout=60) as http:  # a loaded machine is slow
        path, params = CITIES
        first = http.get(path, params=params)
        assert first.status_code == 200 and first.headers["vary"] == "Accept"
        again = http.get(path, params=params, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        head = http.head(path, params=params)
        assert head.status_code == 200 and head.headers["etag"] == first.headers["etag"]
        assert http.head("/sparql").status_code == 200
        assert http.get("/dump.nt").status_code == 200  # the connection is still good


def build(project: Path) -> None:
    env = {**os.environ, "CCGRAPH_HOME": str(project), "CCGRAPH_DATA_DIR": str(project / "store")}
    done = subprocess.run([sys.executable, "-m", "ccgraph.cli", "build"], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_rebuild_changes_every_etag(project):
    build(project)
    store = EmbeddedStore(project / "store", auto_build=False)
    path, params = CITIES
    with TestClient(create_app(store, workers=1)) as private:
        before = {url: get(private, url) for url in ("/doc/city/it/turin.ttl", "/dump.nt")}
        count = private.get(path, params=params)
        assert count.json()["results"]["bindings"][0]["n"]["value"] == str(SHIPPED_CITIES)
        before["sparql"] = count
        with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
            handle.write(NEW_CITY)
        build(project)
        for url in ("/doc/city/it/turin.ttl", "/dump.nt"):
            response = get(private, url, **{"If-None-Match": before[url].headers["etag"]})
            assert response.status_code == 200
            assert response.headers["etag"] != before[url].headers["etag"]
            assert when(response) > when(before[url])  # the build took more than a second
            since = get(private, url, **{"If-Modified-Since": before[url].headers["last-modified"]})
            assert since.status_code == 200
        response = private.get(path, params=params,
                               headers={"If-None-Match": count.headers["etag"]})
        assert response.status_code == 200
        assert response.json()["results"]["bindings"][0]["n"]["value"] == str(SHIPPED_CITIES + 1)
        assert "lecce" in get(private, "/dump.nt").text
    store.close()
