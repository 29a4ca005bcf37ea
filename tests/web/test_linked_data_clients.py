"""The tools a linked-data user already has, run against `ccgraph serve` (the live server
of tests/conftest.py): SPARQLWrapper with every return format, rdflib's `SPARQLStore` with
its defaults, and content negotiation as RDF/XML clients and browsers send it (issue 12,
point 3). Expected values come from the sources: data/uccn_members.csv, the seeds, and the
list of networks in DESIGN §4; never from the program's output.

Also, without a server: `formats.negotiate` (RFC 9110 §12.5.1) and `rdfxml.negotiate_graph`
on their edge cases, and the RDF/XML writer (`rdfxml.RdfXmlSerializer`) on graphs RDF/XML
can and cannot carry."""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import xml.dom.minidom
from functools import cache

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef, plugin
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, OWL, RDF, RDFS, SDO, XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.serializer import Serializer
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper import RDFXML as RDFXML_FORMAT

from ccgraph import formats, rdfxml
from ccgraph import namespaces as ns
from ccgraph.errors import NotAcceptable
from ccgraph.namespaces import CCN
from ccgraph.sources import DATA_DIR

# SPARQLWrapper parses RDF/XML and JSON-LD into rdflib's ConjunctiveGraph, which warns
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

HTML, TURTLE_MEDIA, JSONLD_MEDIA, NTRIPLES, RDFXML = formats.media(
    ("html", "turtle", "jsonld", "ntriples", "rdfxml"))
DOCUMENT_TYPES = (HTML, TURTLE_MEDIA, JSONLD_MEDIA, NTRIPLES, RDFXML)  # as /doc offers them
RDFXML_FIRST = "application/rdf+xml, */*;q=0.1"
# what browsers send when a person opens a link
BROWSERS = {
    "firefox": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "chrome": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
              "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    "safari": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "old-ie": "image/jpeg, application/x-ms-application, image/gif, application/xaml+xml, "
              "image/pjpeg, application/x-ms-xbap, */*",
}
TURIN = ns.ID["city/it/turin"]
PREFIXES = (
    "PREFIX ccn: <https://w3id.org/ccgraph/ontology#> "
    "PREFIX org: <http://www.w3.org/ns/org#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
NETWORKS_QUERY = PREFIXES + "SELECT ?network WHERE { ?network a ccn:Network } ORDER BY ?network"
ITALIAN_UCCN = PREFIXES + (
    f"SELECT ?m WHERE {{ ?m a ccn:Membership ; org:organization <{ns.network('uccn')}> ; "
    f"org:member ?city . ?city ccn:country <{ns.ID['country/it']}> }}")
TURIN_LABELS = PREFIXES + (
    f"CONSTRUCT {{ <{TURIN}> rdfs:label ?l }} WHERE {{ <{TURIN}> rdfs:label ?l }}")
TURIN_ASK = PREFIXES + f'ASK {{ <{TURIN}> rdfs:label "Turin"@en }}'
NOWHERE_ASK = PREFIXES + f'ASK {{ <{TURIN}> rdfs:label "Milan"@en }}'
TURIN_DESCRIBE = f"DESCRIBE <{TURIN}>"
# DESIGN §4: "networks by slug (uccn, uccn-italy, eurocities, gai, bjcem)"
NETWORKS = {ns.network(slug) for slug in ("uccn", "uccn-italy", "eurocities", "gai", "bjcem")}
NETWORK_LABEL = ("UNESCO Creative Cities Network", "en")  # data/seed-000.ttl, seed-003.ttl


@cache
def uccn_rows() -> tuple[dict[str, str], ...]:
    with (DATA_DIR / "uccn_members.csv").open(encoding="utf-8", newline="") as table:
        return tuple(csv.DictReader(table))


def italian_uccn_memberships() -> int:
    """UCCN memberships of Italian cities in the reference table: one per (city, field)."""
    return len({(r["city"], r["field"]) for r in uccn_rows() if r["country_iso2"] == "IT"})


def turin() -> dict[str, str]:
    return next(r for r in uccn_rows() if r["city"] == "Turin" and r["country_iso2"] == "IT")


def turin_labels() -> set[tuple[str, str]]:
    row = turin()  # the table's name, and the Italian one its note gives ("Italian: Torino")
    return {(row["city"], "en"), (row["note"].removeprefix("Italian: "), "it")}


def labels_of(graph: Graph, subject: URIRef) -> set[tuple[str, str]]:
    return {(str(o), o.language) for o in graph.objects(subject, RDFS.label)
            if isinstance(o, Literal)}


def endpoint(live_server: str, query: str, fmt: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client


# --- SPARQLWrapper ---------------------------------------------------------------------


def test_sparqlwrapper_select_json(live_server):
    result = endpoint(live_server, NETWORKS_QUERY, JSON).query()
    assert result.info()["content-type"].startswith("application/sparql-results+json")
    rows = result.convert()["results"]["bindings"]
    assert {URIRef(row["network"]["value"]) for row in rows} == NETWORKS
    assert len(rows) == len(NETWORKS)


def test_sparqlwrapper_select_xml_is_the_default(live_server):
    client = endpoint(live_server, ITALIAN_UCCN)
    assert client.returnFormat == XML
    document = client.query().convert()
    assert isinstance(document, xml.dom.minidom.Document)
    assert len(document.getElementsByTagName("result")) == italian_uccn_memberships()


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_and_tsv(live_server, fmt, delimiter):
    body = endpoint(live_server, ITALIAN_UCCN, fmt).query().convert()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter))
    assert rows[0] in (["m"], ["?m"])
    assert len(rows) - 1 == italian_uccn_memberships()
    design = f"membership/uccn/city/it/turin/{turin()['field'].lower()}"
    assert any(design in row[0] for row in rows[1:])


@pytest.mark.parametrize(("query", "expected"), [(TURIN_ASK, True), (NOWHERE_ASK, False)])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(live_server, fmt, query, expected):
    answer = endpoint(live_server, query, fmt).query().convert()
    if fmt == JSON:
        assert answer["boolean"] is expected
    elif fmt == XML:
        boolean = answer.getElementsByTagName("boolean")[0].firstChild.data
        assert boolean == str(expected).lower()
    else:
        assert answer.decode("utf-8").split()[-1].lower() in (str(expected).lower(),
                                                              str(int(expected)))


def test_sparqlwrapper_construct_default_is_rdf_xml(live_server):
    client = endpoint(live_server, TURIN_LABELS)
    result = client.query()
    assert result.info()["content-type"].startswith(RDFXML)
    graph = result.convert()  # SPARQLWrapper parses RDF/XML into an rdflib graph
    assert labels_of(graph, TURIN) == turin_labels()


def test_sparqlwrapper_describe_default_is_rdf_xml(live_server):
    result = endpoint(live_server, TURIN_DESCRIBE).query()
    assert result.info()["content-type"].startswith(RDFXML)
    graph = result.convert()
    assert labels_of(graph, TURIN) == turin_labels()
    assert (TURIN, CCN.country, ns.ID["country/it"]) in graph
    row = turin()
    assert (TURIN, SDO.latitude, Literal(row["lat"], datatype=XSD.decimal)) in graph


@pytest.mark.parametrize("query", [TURIN_LABELS, TURIN_DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize(("fmt", "accept", "media", "parser"), [
    (TURTLE, None, TURTLE_MEDIA, "turtle"),
    (JSONLD, None, JSONLD_MEDIA, "json-ld"),
    (RDFXML_FORMAT, None, RDFXML, "xml"),  # the same Accept as the default, XML
    (N3, None, TURTLE_MEDIA, "turtle"),  # N3 asks for Turtle, N-Triples or N3: Turtle first
    (TURTLE, NTRIPLES, NTRIPLES, "nt"),  # SPARQLWrapper has no N-Triples format: ask for it
], ids=["turtle", "jsonld", "rdfxml", "n3", "ntriples"])
def test_sparqlwrapper_graph_formats(live_server, query, fmt, accept, media, parser):
    client = endpoint(live_server, query, fmt)
    if accept:
        client.addCustomHttpHeader("Accept", accept)
    result = client.query()
    assert result.info()["content-type"].startswith(media)
    converted = result.convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(
        data=converted, format=parser)
    assert labels_of(graph, TURIN) == turin_labels()


def test_sparqlwrapper_update_is_refused(live_server):
    client = endpoint(live_server, PREFIXES + f'INSERT DATA {{ <{TURIN}> rdfs:label "Milan"@en }}')
    client.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as refused:  # SPARQLWrapper names 400, 401,
        client.query()  # 404, 414 and 500 only: a 403 arrives as urllib's own HTTPError
    assert refused.value.code == 403
    assert "read-only" in refused.value.read().decode("utf-8")
    assert endpoint(live_server, NOWHERE_ASK, JSON).query().convert()["boolean"] is False


# --- rdflib's SPARQLStore ----------------------------------------------------------------


def test_sparqlstore_select(live_server):
    graph = Graph(SPARQLStore(query_endpoint=live_server + "/sparql"))
    rows = list(graph.query(ITALIAN_UCCN))
    assert len(rows) == italian_uccn_memberships()
    networks = {row[0] for row in graph.query(NETWORKS_QUERY)}
    assert networks == NETWORKS


def test_sparqlstore_construct(live_server):
    graph = Graph(SPARQLStore(query_endpoint=live_server + "/sparql"))
    answer = graph.query(TURIN_LABELS).graph
    assert answer is not None
    assert labels_of(answer, TURIN) == turin_labels()
    label = graph.query(PREFIXES + "CONSTRUCT { ?n rdfs:label ?l } WHERE { "
                        "?n a ccn:Network ; rdfs:label ?l }").graph
    assert {s for s, _, _ in label} == NETWORKS
    assert NETWORK_LABEL in labels_of(label, ns.network("uccn"))


# --- content negotiation on the live server ----------------------------------------------


def fetch(live_server: str, path: str, accept: str | None, **params) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(live_server + path, headers=headers, params=params, follow_redirects=True,
                     timeout=30)


def rdfxml_of(response: httpx.Response) -> Graph:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == RDFXML
    return Graph().parse(data=response.content, format="xml")


@pytest.mark.parametrize("accept", [RDFXML_FIRST, RDFXML, "*/*;q=0.1, application/rdf+xml"])
@pytest.mark.parametrize("path", ["/doc/city/it/turin", "/id/city/it/turin"])
def test_rdf_xml_document(live_server, path, accept):
    graph = rdfxml_of(fetch(live_server, path, accept))
    assert labels_of(graph, TURIN) == turin_labels()
    assert (TURIN, RDF.type, CCN.City) in graph


@pytest.mark.parametrize("accept", [RDFXML_FIRST, RDFXML])
def test_rdf_xml_ontology(live_server, accept):
    graph = rdfxml_of(fetch(live_server, "/ontology", accept))
    turtle = Graph().parse(data=fetch(live_server, "/ontology", TURTLE_MEDIA).content,
                           format="turtle")
    assert isomorphic(graph, turtle)
    assert (CCN.Network, RDF.type, OWL.Class) in graph


def test_rdf_xml_void(live_server):
    graph = rdfxml_of(fetch(live_server, "/.well-known/void", RDFXML_FIRST))
    turtle = Graph().parse(data=fetch(live_server, "/.well-known/void", TURTLE_MEDIA).content,
                           format="turtle")
    assert isomorphic(graph, turtle)


@pytest.mark.parametrize("path", ["/doc/city/it/turin.rdf", "/ontology.rdf",
                                  "/.well-known/void.rdf"])
def test_rdf_extension(live_server, path):
    graph = rdfxml_of(fetch(live_server, path, "image/png"))  # the extension decides
    turtle = fetch(live_server, path.removesuffix(".rdf") + ".ttl", None)
    assert isomorphic(graph, Graph().parse(data=turtle.content, format="turtle"))


def test_rdf_xml_construct(live_server):
    response = fetch(live_server, "/sparql", RDFXML_FIRST, query=TURIN_LABELS)
    assert labels_of(rdfxml_of(response), TURIN) == turin_labels()


@pytest.mark.parametrize("path", ["/doc/city/it/turin", "/ontology"])
@pytest.mark.parametrize("accept", ["text/html", *BROWSERS.values()],
                         ids=["text/html", *BROWSERS])
def test_people_still_get_html(live_server, path, accept):
    response = fetch(live_server, path, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == HTML
    assert "<html" in response.text.lower()


# --- RDF/XML of graphs it cannot or can hardly carry, from /sparql ------------------------

HARD = {  # CONSTRUCTs whose RDF/XML needs care; each has one triple per network (5)
    "digit-led-local-name": "<http://example.org/1p>",  # splits as ns .../1, local name p
    "hyphen": "<http://example.org/p-1>",
}
IMPOSSIBLE = {  # predicates no RDF/XML can carry
    "ends-in-a-digit": "<http://example.org/p/1>",
    "ends-in-a-slash": "<http://example.org/>",
    "rdf-li": "<http://www.w3.org/1999/02/22-rdf-syntax-ns#li>",
}


def network_construct(predicate: str, obj: str = "?l", bind: str = "") -> str:
    """A triple (or a few) per network, from its English label."""
    return (PREFIXES + f"CONSTRUCT {{ ?n {predicate} {obj} }} WHERE {{ ?n a ccn:Network ; "
            f'rdfs:label ?l FILTER(LANG(?l) = "en") {bind} }}')


@pytest.mark.parametrize("predicate", HARD.values(), ids=HARD)
def test_rdf_xml_of_hard_predicates(live_server, predicate):
    query = network_construct(predicate)
    graph = rdfxml_of(fetch(live_server, "/sparql", RDFXML, query=query))
    triples = Graph().parse(data=fetch(live_server, "/sparql", NTRIPLES, query=query).content,
                            format="nt")
    assert len(graph) == len(NETWORKS)
    assert isomorphic(graph, triples)


def test_rdf_xml_of_blank_nodes(live_server):
    # Oxigraph labels blank nodes in hex, often starting with a digit: not an XML name
    query = network_construct("org:hasMember", "[ rdfs:label ?l ]")
    graph = rdfxml_of(fetch(live_server, "/sparql", RDFXML, query=query))
    assert set(graph.subjects(ORG.hasMember, None)) == NETWORKS
    assert len(list(graph.objects(None, RDFS.label))) == len(NETWORKS)


@pytest.mark.parametrize("predicate", IMPOSSIBLE.values(), ids=IMPOSSIBLE)
def test_rdf_xml_only_is_refused_with_the_reason(live_server, predicate):
    response = fetch(live_server, "/sparql", RDFXML, query=network_construct(predicate))
    assert response.status_code == 406
    assert predicate.strip("<>") in response.text and "RDF/XML" in response.text


@pytest.mark.parametrize("predicate", IMPOSSIBLE.values(), ids=IMPOSSIBLE)
def test_rdf_xml_first_falls_back_to_turtle(live_server, predicate):
    response = fetch(live_server, "/sparql", RDFXML_FIRST, query=network_construct(predicate))
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == TURTLE_MEDIA
    assert len(Graph().parse(data=response.content, format="turtle")) == len(NETWORKS)


def test_rdf_xml_keeps_carriage_returns(live_server):
    query = network_construct("rdfs:comment", "?c", 'BIND(CONCAT(?l, "\\r\\n") AS ?c)')
    graph = rdfxml_of(fetch(live_server, "/sparql", RDFXML, query=query))
    comments = [str(o) for o in graph.objects(None, RDFS.comment)]
    assert len(comments) == len(NETWORKS)
    assert all(comment.endswith("\r\n") for comment in comments)


# --- formats.negotiate, without a server ---------------------------------------------------

ROWS = formats.media(formats.ROWS)
GRAPHS = formats.media(formats.GRAPHS)


@pytest.mark.parametrize(("accept", "offered", "expected"), [
    # the case of issue 12: the explicit type wins over */*, wherever it is in the header
    (RDFXML_FIRST, DOCUMENT_TYPES, RDFXML),
    ("*/*;q=0.1, application/rdf+xml", DOCUMENT_TYPES, RDFXML),
    (RDFXML_FIRST, GRAPHS, RDFXML),
    # SPARQLStore's header, in either order (it is built from a set)
    ("application/rdf+xml, application/sparql-results+xml", GRAPHS, RDFXML),
    ("application/sparql-results+xml, application/rdf+xml", ROWS, ROWS[1]),
    # browsers get HTML; so does an unspecific client
    *((accept, DOCUMENT_TYPES, HTML) for accept in BROWSERS.values()),
    ("*/*", DOCUMENT_TYPES, HTML),
    (None, DOCUMENT_TYPES, HTML),
    ("", GRAPHS, TURTLE_MEDIA),
    (" , ", GRAPHS, TURTLE_MEDIA),
    ("text/html", DOCUMENT_TYPES, HTML),
    # the highest q wins; on equal q the more specific range; then the server's order
    ("text/turtle;q=0.5, */*;q=0.5", DOCUMENT_TYPES, TURTLE_MEDIA),
    ("text/*;q=0.5, */*;q=0.5", ("application/json", "text/csv"), "text/csv"),
    ("application/ld+json;q=0.9, text/turtle;q=0.5", DOCUMENT_TYPES, JSONLD_MEDIA),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.9", GRAPHS, TURTLE_MEDIA),
    ("text/*, */*;q=0.9", GRAPHS, TURTLE_MEDIA),
    # each type takes the q of the most specific range that matches it
    ("text/turtle;q=0, */*", GRAPHS, JSONLD_MEDIA),
    ("text/*;q=0, text/turtle", (TURTLE_MEDIA, "text/csv"), TURTLE_MEDIA),
    ("application/*;q=0.2, application/n-triples;q=0.3", GRAPHS, NTRIPLES),
    # duplicates: the highest q among equally specific ranges
    ("text/turtle;q=0.2, text/turtle;q=0.8, application/ld+json;q=0.5", GRAPHS, TURTLE_MEDIA),
    # parameters other than q are not compared; case does not matter
    ("text/turtle;charset=utf-8", GRAPHS, TURTLE_MEDIA),
    ("TEXT/Turtle;Q=0.4, application/ld+json;q=0.3", GRAPHS, TURTLE_MEDIA),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded, x";q=0.9, '
     "text/turtle;q=0.8", GRAPHS, JSONLD_MEDIA),  # a comma inside a quoted string
    ("text/turtle;level=1;q=0.3, application/ld+json;q=0.2", GRAPHS, TURTLE_MEDIA),
    ("text/turtle;q=0.5;ext=1, application/ld+json;q=0.4", GRAPHS, TURTLE_MEDIA),
    # old Java clients: a bare *
    ("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", (TURTLE_MEDIA, HTML), HTML),
    ("*", GRAPHS, TURTLE_MEDIA),
    # q read leniently: out of range clamped; not a number is 0
    ("text/turtle;q=2, application/ld+json;q=0.9", GRAPHS, TURTLE_MEDIA),
    ("text/turtle;q=nan, application/ld+json;q=0.1", GRAPHS, JSONLD_MEDIA),
    ("text/turtle;q=abc, application/ld+json;q=0.1", GRAPHS, JSONLD_MEDIA),
    ("text/turtle;q=-1, application/ld+json;q=0.1", GRAPHS, JSONLD_MEDIA),
])
def test_negotiate(accept, offered, expected):
    assert formats.negotiate(accept, offered) == expected


@pytest.mark.parametrize("accept", [
    "image/png", "garbage", "*/turtle", "text/turtle;q=0, application/*;q=0",
    "application/rdf+xml;q=0, */*;q=0",
])
def test_negotiate_nothing_acceptable(accept):
    with pytest.raises(NotAcceptable):
        formats.negotiate(accept, GRAPHS)


def graph_of(*triples) -> Graph:
    graph = ns.new_graph()
    for triple in triples:
        graph.add(triple)
    return graph


S = URIRef("http://example.org/s")
UNWRITABLE = graph_of((S, URIRef("http://example.org/p/1"), Literal("x")))
WRITABLE = graph_of((S, URIRef("http://example.org/1p"), Literal("x")))


@pytest.mark.parametrize(("accept", "graph", "expected"), [
    (RDFXML, WRITABLE, RDFXML),
    (RDFXML_FIRST, UNWRITABLE, TURTLE_MEDIA),
    (RDFXML + ", application/n-triples;q=0.5", UNWRITABLE, NTRIPLES),
    ("text/turtle", UNWRITABLE, TURTLE_MEDIA),
    (None, UNWRITABLE, TURTLE_MEDIA),
])
def test_negotiate_graph(accept, graph, expected):
    assert rdfxml.negotiate_graph(accept, GRAPHS, graph) == expected


def test_negotiate_graph_names_the_obstacle():
    with pytest.raises(NotAcceptable) as refused:
        rdfxml.negotiate_graph(RDFXML, GRAPHS, UNWRITABLE)
    message = str(refused.value)
    assert "<http://example.org/p/1>" in message and "text/turtle" in message
    with pytest.raises(NotAcceptable, match="none of the result formats"):
        rdfxml.negotiate_graph("image/png", GRAPHS, UNWRITABLE)


# --- the RDF/XML writer ---------------------------------------------------------------------

P = URIRef("http://example.org/p")
RDF_NS = str(RDF)
CARRIED = {  # graphs RDF/XML carries, each read back the same
    "digit-led-local-name": [(S, URIRef("http://example.org/1p"), Literal("x"))],
    "hyphen-and-dot": [(S, URIRef("http://example.org/a.b-1"), Literal("x"))],
    "hex-blank-nodes": [(BNode("1abc"), P, BNode("2def")), (BNode("2def"), P, BNode("1abc"))],
    "carriage-return-and-markup": [(S, P, Literal("a\r\nb ]]> & <c> \"d\" 'e'"))],
    "datatype-with-ampersand": [(S, P, Literal("x", datatype=URIRef("http://e.org/d?a&b")))],
    "object-with-ampersand": [(S, P, URIRef("http://example.org/o?a=1&b=2"))],
    "language": [(S, P, Literal("Torino", lang="it"))],
    "xml-literal": [(S, P, Literal("<a>b</a>", datatype=RDF.XMLLiteral))],
    "rdf-member": [(S, URIRef(RDF_NS + "_1"), Literal("x"))],
    "non-ascii": [(S, URIRef("http://example.org/città"), Literal("Forlì ✓ 𝄞"))],
}
REFUSED = {  # graphs it cannot carry, and the words that say why
    "ends-in-a-digit": ([(S, URIRef("http://example.org/p/1"), Literal("x"))], "predicate"),
    "ends-in-a-slash": ([(S, URIRef("http://example.org/"), Literal("x"))], "predicate"),
    "urn": ([(S, URIRef("urn:isbn:123"), Literal("x"))], "predicate"),
    "percent-escape": ([(S, URIRef("http://example.org/%41"), Literal("x"))], "predicate"),
    "rdf-li": ([(S, URIRef(RDF_NS + "li"), Literal("x"))], "syntax"),
    "rdf-about": ([(S, URIRef(RDF_NS + "about"), Literal("x"))], "syntax"),
    "xmlns": ([(S, URIRef("http://www.w3.org/2000/xmlns/p"), Literal("x"))], "XML"),
    "control-character": ([(S, P, Literal("a\x01b"))], "U+0001"),
    "non-character": ([(S, P, Literal("a\ufffeb"))], "U+FFFE"),
}


def test_the_registry_writes_rdf_xml_with_its_own_serializer():
    assert plugin.get("xml", Serializer) is rdfxml.RdfXmlSerializer


@pytest.mark.parametrize("triples", CARRIED.values(), ids=CARRIED)
def test_rdf_xml_carries(triples):
    graph = graph_of(*triples)
    prefixes = sorted(graph.namespaces())
    written = graph.serialize(format="xml", encoding="utf-8")
    assert sorted(graph.namespaces()) == prefixes  # the input is not changed
    assert rdfxml.rdfxml_obstacle(graph) is None
    assert isomorphic(Graph().parse(data=written, format="xml"), graph)


@pytest.mark.parametrize(("triples", "why"), REFUSED.values(), ids=REFUSED)
def test_rdf_xml_refuses(triples, why):
    graph = graph_of(*triples)
    assert why in (rdfxml.rdfxml_obstacle(graph) or "")
    with pytest.raises(NotAcceptable, match="RDF/XML"):
        graph.serialize(format="xml")


def test_rdf_xml_of_the_project_keeps_its_prefixes():
    graph = graph_of((TURIN, RDF.type, CCN.City), (TURIN, RDFS.label, Literal("Turin", lang="en")),
                     (TURIN, CCN.country, ns.ID["country/it"]))
    written = graph.serialize(format="xml")
    declared = set(re.findall(r'xmlns:(\w+)="([^"]*)"', written))
    assert declared == {("ccn", str(CCN)), ("rdf", str(RDF)), ("rdfs", str(RDFS))}
    assert "<ccn:country " in written and "<rdf:type " in written


IRI_CHARS = st.sampled_from("abcXYZ019-._~/#%:é·")


@settings(max_examples=300, deadline=None)
@given(local=st.text(IRI_CHARS, max_size=8),
       value=st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
       blank=st.text("0123456789abcdef", min_size=1, max_size=6))
def test_rdf_xml_either_carries_or_refuses(local, value, blank):
    """Whatever the predicate, the text and the blank node's label: RDF/XML written that
    reads back as the same graph, or NotAcceptable; never ill-formed or changed RDF/XML."""
    graph = graph_of((S, URIRef("http://example.org/" + local), Literal(value)),
                     (BNode(blank), P, S))
    try:
        written = graph.serialize(format="xml", encoding="utf-8")
    except NotAcceptable:
        assert rdfxml.rdfxml_obstacle(graph) is not None
        return
    assert isomorphic(Graph().parse(data=written, format="xml"), graph)

