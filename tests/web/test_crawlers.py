"""Crawlers (issue 12 point 4), in process over the embedded store of the shipped data:
`/robots.txt`, `/sitemap.xml` listing every resource's page (a sitemap index past the
protocol's 50,000 URLs), and 404s as an HTML page for people and in the asked format for
machines."""

from __future__ import annotations

import urllib.robotparser
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from rdflib import Graph

from ccgraph import namespaces as ns
from ccgraph.values import is_slug_path
from ccgraph.web import documents

from .responses import media
from .test_documents import RESOURCES

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ROOT = "http://testserver/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EVERY_SUBJECT = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER (isIRI(?s)) }"


def robots(client) -> urllib.robotparser.RobotFileParser:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and media(response) == "text/plain"
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(response.text.splitlines())
    return parser


def locations(response, kind: str = "url") -> list[str]:
    assert response.status_code == 200, response.text
    assert media(response) == "application/xml"
    tree = ET.fromstring(response.content)
    assert tree.tag == SITEMAP + ("urlset" if kind == "url" else "sitemapindex")
    return [entry.findtext(SITEMAP + "loc") for entry in tree.iter(SITEMAP + kind)]


# --- robots.txt -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/", "/doc/city/it/turin", "/id/city/it/turin", "/doc/network/uccn.ttl", "/ontology",
    "/.well-known/void", "/dump.ttl", "/sparql", "/queries", "/sitemap.xml",
])
def test_robots_allow_the_pages_and_documents(client, path):
    assert robots(client).can_fetch("AnyBot", ROOT.rstrip("/") + path)


@pytest.mark.parametrize("path", [
    "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    "/queries/members-at?network=gai", "/queries/members-at.csv", "/search?q=turin",
])
def test_robots_keep_crawlers_off_the_query_answers(client, path):
    assert not robots(client).can_fetch("AnyBot", ROOT.rstrip("/") + path)


def test_robots_keep_crawlers_off_dated_pages_and_name_the_sitemap(client):
    text = client.get("/robots.txt").text
    assert "Disallow: /*?at=\n" in text  # wildcards: RFC 9309, read by the big crawlers
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[-1] == f"Sitemap: {ROOT}sitemap.xml"
    assert lines.index("Allow: /") > max(
        n for n, line in enumerate(lines) if line.startswith("Disallow"))
    assert robots(client).site_maps() == [f"{ROOT}sitemap.xml"]


# --- sitemap.xml --------------------------------------------------------------------------


def test_the_sitemap_lists_every_resource_page(client, stores):
    listed = locations(client.get("/sitemap.xml"))
    assert len(listed) == len(set(listed))
    space = ns.base() + "id/"
    subjects = {str(s) for (s,) in stores["embedded"].select(EVERY_SUBJECT).rows}
    pages = {ROOT + "doc/" + s.removeprefix(space) for s in subjects
             if s.startswith(space) and is_slug_path(s.removeprefix(space))}
    assert set(listed) == pages | {ROOT, ROOT + "ontology"}
    assert len(pages) > 1500
    for path in RESOURCES:  # every kind of resource
        assert f"{ROOT}doc/{path}" in listed


def test_every_page_the_sitemap_lists_is_a_page(client):
    listed = locations(client.get("/sitemap.xml"))
    for url in listed[:: max(1, len(listed) // 40)]:  # a sample: ~40 pages of every kind
        response = client.get(url, headers={"Accept": BROWSER})
        assert response.status_code == 200, url
        assert media(response) == "text/html"


def test_lastmod_is_when_the_store_was_built(client):
    response = client.get("/sitemap.xml")
    tree = ET.fromstring(response.content)
    lastmods = {entry.findtext(SITEMAP + "lastmod") for entry in tree.iter(SITEMAP + "url")}
    assert len(lastmods) == 1
    document = client.get("/doc/city/it/turin.ttl")  # not dated: modified when built
    from datetime import datetime

    assert datetime.fromisoformat(lastmods.pop()) == parsedate_to_datetime(
        document.headers["last-modified"])


def test_past_the_limit_a_sitemap_index(client, monkeypatch):
    whole = locations(client.get("/sitemap.xml"))
    monkeypatch.setattr(documents, "SITEMAP_LIMIT", 1000)
    index = locations(client.get("/sitemap.xml"), kind="sitemap")
    parts = -(-len(whole) // 1000)
    assert index == [f"{ROOT}sitemap-{n}.xml" for n in range(1, parts + 1)]
    listed = []
    for url in index:
        part = locations(client.get(url.removeprefix(ROOT.rstrip("/"))))
        assert 0 < len(part) <= 1000
        listed += part
    assert listed == whole
    for beyond in (f"/sitemap-{parts + 1}.xml", "/sitemap-0.xml"):
        assert client.get(beyond).status_code == 404
    monkeypatch.setattr(documents, "SITEMAP_LIMIT", 50_000)
    assert client.get("/sitemap-1.xml").status_code == 404  # one sitemap: no parts


# --- 404 for people and for machines --------------------------------------------------------

MISSING = ["/no/such/route", "/doc/city/it/nowhere", "/id/city/it/nowhere",
           "/queries/nope", "/ontology/9.9.9", "/dump.xml", "/sitemap-7.xml"]


@pytest.mark.parametrize("path", MISSING)
def test_a_person_gets_an_html_404_page(client, path):
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert media(response) == "text/html"
    assert "404" in response.text and "<html" in response.text.lower()


@pytest.mark.parametrize("path", MISSING)
@pytest.mark.parametrize(("accept", "expected"), [
    ("application/json", "application/problem+json"),
    ("application/ld+json", "application/problem+json"),
    ("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"), ("text/plain", "text/plain"),
    (None, "text/plain"), ("*/*", "text/plain"),
])
def test_a_machine_gets_its_404_in_the_format_it_asked(client, path, accept, expected):
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 404
    assert media(response) == expected
    assert "Accept" in response.headers["vary"]
    if expected == "application/problem+json":
        assert response.json()["status"] == 404
    elif expected in ("text/turtle", "application/n-triples", "application/rdf+xml"):
        parser = {"text/turtle": "turtle", "application/n-triples": "nt",
                  "application/rdf+xml": "xml"}[expected]
        assert len(Graph().parse(data=response.text, format=parser)) == 0  # it parses
        assert "404 Not Found" in response.text
    else:
        assert response.text.count("\n") == 1
