"""Resource IRIs, their documents and the pages, in process, over the embedded store of the
shipped data: every status code, every format by Accept and by extension, and content
written from the sources (data/uccn_members.csv, the seeds)."""

from __future__ import annotations

import json
import re
import warnings
from datetime import date

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, ORG, RDF, VOID, XSD

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.describe import describe
from ccgraph.export import CONTEXT_FILE, context
from ccgraph.namespaces import CCN
from ccgraph.sources import load_dataset, load_ontology
from ccgraph.store import MemoryStore
from ccgraph.web.app import create_app

from .responses import media

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

HTML, TURTLE, JSONLD, NTRIPLES = ("text/html", "text/turtle", "application/ld+json",
                                  "application/n-triples")
PARSERS = {TURTLE: "turtle", JSONLD: "json-ld", NTRIPLES: "nt", "application/trig": "trig"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TURIN = ns.ID["city/it/turin"]
UCCN_DESIGN = ns.ID["membership/uccn/city/it/turin/design"]
# one resource of every kind the namespaces module mints under id/
RESOURCES = (
    "city/it/turin", "city/es/granada", "city/ni/granada", "province/it/matera",
    "region/it/piedmont", "country/it", "country/xk", "network/uccn", "network/uccn-italy",
    "network/eurocities", "network/gai", "network/bjcem", "org/unesco",
    "unit/eurocities/culture-forum", "event/bjcem-biennial", "field/design",
    "field/architecture", "role/external-partner", "measure/members",
    "scheme/creative-fields", "membership/uccn/city/it/turin/design",
    "membership/bjcem/country/dz/external-partner", "source/seed-003", "claim/seed-003/1",
)


def get(client: TestClient, path: str, accept: str | None = None, **kwargs):
    headers = {"Accept": accept} if accept else {}
    return client.get(path, headers=headers, follow_redirects=False, **kwargs)


def parse(response) -> Graph:
    return Graph().parse(data=response.content, format=PARSERS[media(response)])


def text_of(html: str) -> str:
    """The visible text of a page, tags removed and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


# --- 303 and 200 ------------------------------------------------------------------------


@pytest.mark.parametrize("path", RESOURCES)
def test_resource_iri_redirects_to_its_document(client, path):
    response = get(client, f"/id/{path}", BROWSER)
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{path}"


@pytest.mark.parametrize("path", RESOURCES)
def test_every_kind_of_resource_has_an_html_page(client, path):
    response = get(client, f"/doc/{path}", BROWSER)
    assert response.status_code == 200, response.text
    assert media(response) == HTML
    assert response.headers["vary"] == "Accept"
    for alternate, kind in ((".ttl", TURTLE), (".jsonld", JSONLD)):
        assert f'<link rel="alternate" type="{kind}" href="/doc/{path}{alternate}"' in response.text


def test_following_the_redirect_gives_the_page(client):
    response = client.get("/id/city/it/turin", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert str(response.url).endswith("/doc/city/it/turin")
    assert "<h1>Turin</h1>" in response.text


@pytest.mark.parametrize("accept, expected", [
    (TURTLE, TURTLE), (JSONLD, JSONLD), (NTRIPLES, NTRIPLES), (HTML, HTML), (BROWSER, HTML),
    ("*/*", HTML), (None, HTML), ("application/ld+json;q=0.9, text/turtle;q=0.5", JSONLD),
])
def test_document_by_accept(client, accept, expected):
    response = get(client, "/doc/city/it/turin", accept)
    assert response.status_code == 200
    assert media(response) == expected
    assert response.headers["vary"] == "Accept"
    if expected != HTML:
        ext = {TURTLE: "ttl", JSONLD: "jsonld", NTRIPLES: "nt"}[expected]
        assert response.headers["content-location"] == f"/doc/city/it/turin.{ext}"
        assert (TURIN, CCN.country, ns.ID["country/it"]) in parse(response)


@pytest.mark.parametrize("ext, expected", [
    ("ttl", TURTLE), ("jsonld", JSONLD), ("nt", NTRIPLES), ("html", HTML),
])
def test_document_by_extension_whatever_the_accept_header(client, ext, expected):
    response = get(client, f"/doc/network/bjcem.{ext}", "image/png")
    assert response.status_code == 200
    assert media(response) == expected
    assert "vary" not in response.headers


# --- 404, 406, 400 ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/id/city/it/nowhere", "/doc/city/it/nowhere", "/doc/city/it/nowhere.ttl",
    "/id/city/it", "/id/", "/doc/", "/id/network",
    # not slug-like: refused before the store is asked
    "/id/city/IT/turin", "/id/city/it/turin/", "/id/city/it/tur%20in", "/id/city/it/turin.ttl",
    "/id/city//turin", "/doc/city/it/turin.exe", "/doc/city/it/turin.trig",
    "/id/city/it/turin%3E%20%3Fp%20%3Fo%20%7D%20%23", "/doc/city/it/tur%C3%ACn",
    "/id/city/it/turin%0A", "/ontology.exe", "/.well-known/void.html", "/dump.xml",
])
def test_unknown_or_malformed_paths_are_404(client, path):
    response = get(client, path, TURTLE)
    assert response.status_code == 404
    assert media(response) == TURTLE  # in the format asked: a comment, no triple
    assert len(parse(response)) == 0 and response.text.startswith("# 404 Not Found: ")


def test_a_browser_gets_a_404_page(client):
    response = get(client, "/doc/city/it/nowhere", BROWSER)
    assert response.status_code == 404
    assert media(response) == HTML
    assert "https://w3id.org/ccgraph/id/city/it/nowhere" in response.text


@pytest.mark.parametrize("path", ["/doc/city/it/turin", "/ontology", "/.well-known/void"])
def test_unacceptable_accept_is_406(client, path):
    response = get(client, path, "image/png")
    assert response.status_code == 406
    assert media(response) == "text/plain"


@pytest.mark.parametrize("at", ["2020-13-01", "2021-02-30", "yesterday", "2020-1-1",
                                "2020-01-01T00:00", "2020-01-01' } #"])
@pytest.mark.parametrize("path", ["/doc/network/bjcem", "/doc/field/design"])
def test_bad_date_is_400(client, path, at):
    page = get(client, path, BROWSER, params={"at": at})
    assert page.status_code == 400
    assert media(page) == HTML
    assert "is not a date (YYYY-MM-DD)" in page.text
    plain = get(client, path, params={"at": at})  # no Accept: HTML, but a plain-text error
    assert plain.status_code == 400
    assert media(plain) == "text/plain"


def test_overlong_search_is_400(client):
    assert get(client, "/", BROWSER, params={"q": "x" * 301}).status_code == 400


# --- what the pages show ----------------------------------------------------------------


def test_turin_page_shows_its_memberships_names_country_and_coordinates(client):
    html = get(client, "/doc/city/it/turin", HTML).text
    text = text_of(html)
    # data/uccn_members.csv: Turin, Design, 2014, 2014-12-01
    assert ("since 1 December 2014 UNESCO Creative Cities Network Design") in text
    assert '<time datetime="2014-12-01">1 December 2014</time>' in html
    # no start date: the bounds. Seed 003 (dated 30 October 2019 to 1 March 2021) names
    # Turin in the Italian coordination; GAI's founding list of 25 July 1997 names it
    # (data/gai_attestations.csv), and GAI was founded in 1997
    assert "began by 1 March 2021 Coordination of Italian UNESCO Creative Cities" in text
    assert ("began between 1 January 1997 and 25 July 1997 "
            "GAI – Association for the Circuit of Young Italian Artists") in text
    assert "(start unknown)" not in text
    assert "English Turin" in text and "Italian Torino" in text
    assert '<a href="/id/country/it">Italy</a>' in html
    assert "45.070312, 7.6868565" in text
    # it is BJCEM's general secretariat and GAI's presidency (seed 003)
    assert re.search(r'href="/id/network/bjcem">BJCEM[^<]*</a>.*?secretariat', html, re.S)
    assert "Sources: UNESCO Creative Cities Network (UCCN) – reference data" in text


def test_a_year_stays_a_year(client):
    # data/uccn_members.csv: Lyon, Media Arts 2008 (no day), ended 2023; Literature 2023-10-31
    html = get(client, "/doc/city/fr/lyon", HTML).text
    text = text_of(html)
    assert '<time datetime="2008">2008</time>' in html
    assert "2008-01-01" not in html and "1 January 2008" not in text
    assert "2008 – 31 October 2023 UNESCO Creative Cities Network Media Arts" in text
    assert "since 31 October 2023 UNESCO Creative Cities Network Literature" in text


def test_bjcem_page_shows_its_seat_and_secretariat(client):
    html = get(client, "/doc/network/bjcem", HTML).text
    # seed 003: "based in Brussels, and the general secretariat holds office in Turin"
    assert '<dt>Seat</dt><dd><a href="/id/city/be/brussels">Brussels</a></dd>' in html
    assert '<dt>Secretariat</dt><dd><a href="/id/city/it/turin">Turin</a></dd>' in html
    assert '<time datetime="2001-07">July 2001</time>' in html  # founded July 2001
    assert f'<span id="members-date">{date.today().isoformat()}</span>' in html


def test_network_members_at_a_date_are_the_saved_query_answer(client, stores):
    html = get(client, "/doc/network/uccn", HTML, params={"at": "2015-01-01"}).text
    answer = queries.run(stores["embedded"], "members-at",
                         {"network": "uccn", "date": "2015-01-01"})
    members = {str(row[0]) for row in answer.rows}
    assert len(members) == 69  # the 2004-2014 designations (data/uccn_members.csv)
    assert f"<strong>{len(members)}</strong> members valid on 2015-01-01" in html
    listed = set(re.findall(r'<td><a href="/id/(city/[a-z]{2}/[a-z0-9-]+)">', html))
    assert listed == {m.removeprefix(ns.base() + "id/") for m in members}
    assert "city/it/turin" in listed and "city/gb/aberystwyth" not in listed


def test_network_claims_are_compared_with_the_graph(client):
    text = text_of(get(client, "/doc/network/uccn", HTML).text)
    assert "What the sources claim" in text
    assert "180" in text  # seed 003: "The 180 cities that compose the network"


def test_field_page_lists_its_holders_at_a_date(client):
    html = get(client, "/doc/field/design", HTML, params={"at": "2015-01-01"}).text
    text = text_of(html)
    assert "UNESCO Creative Cities Network" in text
    assert '<a href="/id/city/it/turin">Turin</a>' in html
    assert "Italian Design" in text and "French Design" in text


def test_country_page_lists_its_places_and_its_own_memberships(client):
    html = get(client, "/doc/country/it", HTML).text
    text = text_of(html)
    assert "<h1>Italy</h1>" in html
    assert "Memberships of Italy itself" in text  # a BJCEM member (seed 003)
    assert re.search(r'<a href="/id/city/it/turin">Turin</a>.*?UNESCO Creative Cities Network'
                     r'.*?Design.*?1 December 2014', html, re.S)
    assert '<a href="/id/province/it/matera">' in html


def test_generic_page_is_a_table_of_statements(client):
    html = get(client, "/doc/membership/uccn/city/it/turin/design", HTML).text
    assert '<a href="/id/city/it/turin">Turin</a>' in html
    assert '<a href="/id/field/design">Design</a>' in html
    assert '<time datetime="2014-12-01">1 December 2014</time>' in html
    assert ">org:member</a>" in html


def test_pages_link_locally_and_load_nothing_from_the_network(client):
    for path in ("/", "/doc/city/it/turin", "/doc/network/uccn", "/ontology"):
        html = get(client, path, HTML).text
        assert "<script" not in html
        assert not re.search(r'(src|href)="https?://[^"]*"[^>]*rel="stylesheet"', html)
        assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/style.css"]
        assert f'href="{ns.base()}id/' not in html
    css = get(client, "/static/style.css")
    assert css.status_code == 200 and media(css) == "text/css"
    assert "url(" not in css.text and "@import" not in css.text


# --- home and search --------------------------------------------------------------------


def test_home_lists_the_networks_and_fields(client):
    response = get(client, "/", BROWSER)
    assert response.status_code == 200 and media(response) == HTML
    for slug in ns.NETWORK_SLUGS:
        assert f'href="/id/network/{slug}"' in response.text
    assert 'href="/id/field/architecture"' in response.text
    assert '<link rel="alternate" type="text/turtle" href="/.well-known/void.ttl"' in response.text


@pytest.mark.parametrize("path", ["/?q=tur", "/search?q=TUR", "/search?q=Torino"])
def test_search_finds_turin(client, path):
    html = get(client, path, BROWSER).text
    assert '<a href="/id/city/it/turin">Turin</a>' in html


@pytest.mark.parametrize("query", ['") } ?s ?p ?o { ("', "tur' ", "<script>alert(1)</script>",
                                   "\\", "}}{{", "%"])
def test_search_text_is_a_literal_and_escaped(client, query):
    response = get(client, "/search", BROWSER, params={"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "0 results for" in text_of(response.text)


def test_search_with_control_characters_is_400(client):
    assert get(client, "/search", BROWSER, params={"q": "tur\x00in"}).status_code == 400


# --- the RDF documents ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["city/it/turin", "network/bjcem", "country/it",
                                  "membership/uccn/city/it/turin/design"])
def test_formats_parse_to_the_same_graph(client, stores, path):
    expected = describe(stores["embedded"], ns.ID[path])
    assert len(expected) > 0
    for ext in ("ttl", "jsonld", "nt"):
        assert isomorphic(parse(get(client, f"/doc/{path}.{ext}")), expected), ext


def test_turin_document_carries_its_memberships_whole(client):
    graph = parse(get(client, "/doc/city/it/turin.ttl"))
    assert (UCCN_DESIGN, ORG.member, TURIN) in graph
    assert (UCCN_DESIGN, ORG.organization, ns.ID["network/uccn"]) in graph
    assert (UCCN_DESIGN, ORG.role, ns.ID["field/design"]) in graph
    assert (UCCN_DESIGN, CCN.startDate, Literal("2014-12-01", datatype=XSD.date)) in graph
    assert (ns.ID["network/bjcem"], CCN.secretariat, TURIN) in graph  # who points at it
    assert (TURIN, ns.PREFIXES["rdfs"].label, Literal("Torino", lang="it")) in graph


def test_turtle_uses_the_project_prefixes(client):
    body = get(client, "/doc/network/bjcem.ttl").text
    declared = dict(re.findall(r"@prefix (\w*): <([^>]+)>", body))
    assert declared and all(ns.PREFIXES[p] == URIRef(iri) for p, iri in declared.items())
    graph = parse(get(client, "/doc/network/bjcem.ttl"))
    assert (ns.ID["network/bjcem"], CCN.seat, ns.ID["city/be/brussels"]) in graph


def test_jsonld_embeds_the_project_context_and_needs_no_network(client):
    from pyld import jsonld

    def no_network(url, options=None):
        raise AssertionError(f"a remote document was requested: {url}")

    jsonld.set_document_loader(no_network)
    response = get(client, "/doc/city/it/turin.jsonld")
    document = response.json()
    assert document["@context"] == context()
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nquads"), parse(response))


def test_iris_come_from_the_base_not_from_the_host(stores):
    with TestClient(create_app(stores["embedded"]), base_url="http://example.test") as other:
        graph = parse(get(other, "/doc/city/it/turin.ttl"))
    assert (TURIN, CCN.country, ns.ID["country/it"]) in graph


def test_a_configured_base_is_served_under_local_paths(monkeypatch):
    monkeypatch.setenv("CCGRAPH_BASE", "http://localhost:8000/")
    store = MemoryStore(load_dataset())
    with TestClient(create_app(store)) as local_client:
        assert get(local_client, "/id/city/it/turin").headers["location"] == "/doc/city/it/turin"
        graph = parse(get(local_client, "/doc/city/it/turin.ttl"))
        html = get(local_client, "/doc/city/it/turin", HTML).text
    turin = URIRef("http://localhost:8000/id/city/it/turin")
    assert (turin, CCN.country, URIRef("http://localhost:8000/id/country/it")) in graph
    assert "<h1>Turin</h1>" in html and 'href="/id/network/uccn"' in html


# --- ontology, context, VoID, dumps -----------------------------------------------------


@pytest.mark.parametrize("path, accept, expected", [
    ("/ontology", TURTLE, TURTLE), ("/ontology.ttl", None, TURTLE),
    ("/ontology", JSONLD, JSONLD), ("/ontology.jsonld", None, JSONLD),
    ("/ontology.nt", None, NTRIPLES),
])
def test_ontology_as_rdf(client, path, accept, expected):
    response = get(client, path, accept)
    assert response.status_code == 200
    assert media(response) == expected
    assert isomorphic(parse(response), load_ontology())


def test_ontology_page_documents_every_term(client):
    response = get(client, "/ontology", BROWSER)
    assert response.status_code == 200 and media(response) == HTML
    html, ontology = response.text, load_ontology()
    kinds = (ns.PREFIXES["owl"].Class, ns.PREFIXES["owl"].ObjectProperty,
             ns.PREFIXES["owl"].DatatypeProperty)
    terms = {s for kind in kinds for s in ontology.subjects(RDF.type, kind)
             if str(s).startswith(str(CCN))}
    assert {str(t).removeprefix(str(CCN)) for t in terms} == set(CCN.__annotations__)
    for term in terms:
        assert f'id="{str(term).removeprefix(str(CCN))}"' in html, term
    text = text_of(html)
    assert "city · città" in text  # labels in English and Italian
    assert "Una città o un comune" in text  # Italian comment
    # ccn:startDate: domain Membership, range a union of the three precisions
    start = html[html.index('id="startDate"'):]
    start = start[:start.index("</article>")]
    assert re.search(r"Domain.*?ccn:Membership", start, re.S)
    assert "xsd:date</a> or <a" in start and "xsd:gYear</a>" in start
    city = html[html.index('id="City"'):]
    assert re.search(r"Subclass of.*?ccn:AdministrativeArea.*?schema:City",
                     city[:city.index("</article>")], re.S)


def test_context_is_the_file(client):
    response = get(client, "/context.jsonld")
    assert response.status_code == 200
    assert media(response) == JSONLD
    assert response.json() == json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path, accept, expected", [
    ("/.well-known/void", None, TURTLE), ("/.well-known/void", BROWSER, TURTLE),
    ("/.well-known/void", JSONLD, JSONLD), ("/.well-known/void.jsonld", None, JSONLD),
    ("/.well-known/void.ttl", None, TURTLE), ("/.well-known/void.nt", None, NTRIPLES),
])
def test_void_formats(client, path, accept, expected):
    response = get(client, path, accept)
    assert response.status_code == 200
    assert media(response) == expected
    assert (None, RDF.type, VOID.Dataset) in parse(response)


def test_void_describes_the_dataset_and_its_dumps(client, stores):
    graph = parse(get(client, "/.well-known/void"))
    dataset = graph.value(None, RDF.type, VOID.Dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    triples = int(graph.value(dataset, VOID.triples))
    count = stores["embedded"].select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert triples == int(count) > 7000
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert graph.value(dataset, VOID.uriSpace) == Literal(ns.base() + "id/")
    assert graph.value(dataset, DCTERMS.license) == URIRef(
        "https://www.apache.org/licenses/LICENSE-2.0")
    vocabularies = set(graph.objects(dataset, VOID.vocabulary))
    assert {URIRef(str(CCN)), URIRef(str(ORG))} <= vocabularies
    assert ns.ID["network/uccn"] in set(graph.objects(dataset, VOID.rootResource))
    dumps = set(graph.objects(dataset, VOID.dataDump))
    distributions = set(graph.objects(dataset, DCAT.distribution))
    downloads = {graph.value(d, DCAT.downloadURL) for d in distributions} - {None}
    assert dumps == downloads and len(dumps) == 4
    services = {graph.value(d, DCAT.accessService) for d in distributions} - {None}
    assert [graph.value(s, DCAT.endpointURL) for s in services] == [
        URIRef("http://testserver/sparql")]
    for url in sorted(dumps):
        response = get(client, str(url).removeprefix("http://testserver"))
        assert response.status_code == 200, url
        if media(response) == "application/trig":
            back = Dataset()
            back.parse(data=response.content, format="trig")
            assert len({g.identifier for g in back.graphs() if len(g)}) > 5
            assert len({(s, p, o) for s, p, o, _ in back.quads()}) == triples
        else:
            assert len(parse(response)) == triples, url
