"""Issue 12, point 7: pages people can read. Links show names, not IRIs; a size claim shows
its words and its measure; the page of a saved query offers the networks, fields and
countries the store knows as choices, and shows the resources of its answer by name.

The expected values are read from the data the graph is built from: data/network_claims.csv
(a claim's network, snapshot, measure, value, qualifier, role, kind and quote; its IRI is
claim/{network}-{snapshot}/{claim}, its source's label "{network}: {snapshot}"),
data/*_attestations.csv, data/uccn_members.csv (the creative fields), data/countries.csv
(ISO code and English name of every country) and the networks' English labels in
data/seed-003.ttl."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.namespaces import CCN
from ccgraph.web.pages import saved

DATA = Path(__file__).resolve().parents[2] / "data"
HTML = {"Accept": "text/html"}
CLAIMS = list(csv.DictReader((DATA / "network_claims.csv").open(encoding="utf-8")))
# one resource of each kind a person meets, the records without a label among them
PAGES = ("/", "/doc/city/it/turin", "/doc/network/gai", "/doc/network/eurocities",
         "/doc/field/design", "/doc/country/it", "/doc/source/seed-003",
         "/doc/source/gai-torino-1997", "/doc/list/gai/torino-1997",
         "/doc/attestation/gai/torino-1997/city/it/aosta",
         "/doc/membership/uccn/city/it/turin/design", "/doc/claim/seed-003/4",
         "/doc/measure/members", "/doc/org/unesco", "/doc/role/external-partner")
SLUG_PATH = re.compile(r"[a-z0-9-]+(/[a-z0-9-]+)+")


def page(client, path: str, **params) -> str:
    response = client.get(path, headers=HTML, params=params)
    assert response.status_code == 200, response.text
    return response.text


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment: tags out, white space squeezed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def links_to(document: str, href: str) -> set[str]:
    """The texts of the links to `href`."""
    return {text_of(text) for text in
            re.findall(rf'<a href="{re.escape(href)}"[^>]*>(.*?)</a>', document, re.S)}


def network_names() -> dict[str, str]:
    """Each network's slug and English label, as data/seed-003.ttl declares them."""
    graph = Graph().parse(DATA / "seed-003.ttl")
    return {str(n).rsplit("/", 1)[-1]: str(label) for n in graph.subjects(RDF.type, CCN.Network)
            for label in graph.objects(n, RDFS.label)
            if isinstance(label, Literal) and label.language == "en"}


def claim_path(row: dict[str, str]) -> str:
    return f"claim/{row['network']}-{row['snapshot']}/{row['claim']}"


def measured(row: dict[str, str]) -> str:
    """A claim of network_claims.csv as its page says it: "more than 130 members"."""
    return " ".join(p for p in (row["qualifier"], f"{int(row['value']):,}", row["measure"]) if p)


# --- links show names --------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_no_link_to_a_resource_shows_its_iri_or_its_path(client, path):
    document = page(client, path)
    shown = re.findall(r'<a href="/id/([^"]+)"[^>]*>(.*?)</a>', document, re.S)
    assert shown
    for target, text in shown:
        text = text_of(text)
        assert text and "://" not in text and not SLUG_PATH.fullmatch(text), (target, text)


def test_attestations_are_named_by_member_and_source(client):
    # gai_attestations.csv: Turin,City,IT,1997-07-25,torino-1997,...;
    # eurocities_attestations.csv: Turin,City,IT,2015,torino-2015,...
    document = page(client, "/doc/city/it/turin")
    for network, snapshot in (("gai", "torino-1997"), ("eurocities", "torino-2015")):
        rows = csv.DictReader((DATA / f"{network}_attestations.csv").open(encoding="utf-8"))
        assert any(r["member"] == "Turin" and r["snapshot"] == snapshot for r in rows)
        assert links_to(document, f"/id/attestation/{network}/{snapshot}/city/it/turin") == {
            f"Turin named by {network}: {snapshot}"}


def test_a_membership_is_named_by_member_network_and_field(client):
    # uccn_members.csv: Turin,Italy,IT,Design,2014,2014-12-01
    assert any(r["city"] == "Turin" and r["field"] == "Design" for r in
               csv.DictReader((DATA / "uccn_members.csv").open(encoding="utf-8")))
    expected = f"Turin in {network_names()['uccn']} (Design)"
    document = page(client, "/doc/membership/uccn/city/it/turin/design")
    assert f"<h1>{html.escape(expected, quote=False)}</h1>" in document
    assert expected in links_to(page(client, "/doc/field/design"),
                                "/id/membership/uccn/city/it/turin/design")


def test_a_complete_member_list_is_named_by_network_and_source(client):
    # gai_attestations.csv: torino-1997 rows have complete_list = yes
    expected = f"Complete member list of {network_names()['gai']}, gai: torino-1997"
    assert expected in text_of(page(client, "/doc/list/gai/torino-1997"))
    assert links_to(page(client, "/doc/source/gai-torino-1997"),
                    "/id/list/gai/torino-1997") == {expected}


# --- claims show their words and their measure -------------------------------------------


def test_a_claim_of_millions_shows_its_words_and_its_measure(client):
    # data/seed-003.ttl, claim:4: about network:eurocities, ccn:measure measure:citizens,
    # ccn:claimedValue 130000000, ccn:quote "130 million citizens"@en, asOf 2021-03-01
    document = page(client, "/doc/claim/seed-003/4")
    assert "<h1>130,000,000 citizens</h1>" in document
    assert '<blockquote class="words" lang="en">“130 million citizens”</blockquote>' in document
    assert "130000000" not in text_of(document)  # not even in the table of statements
    lead = text_of(re.search(r'<p class="lead">(.*?)</p>', document, re.S).group(1))
    assert lead == (f"In seed-003 “UNESCO Creative Cities of Design and cluster”, about "
                    f"{network_names()['eurocities']}, read as of 1 March 2021.")
    assert "130,000,000 citizens: “130 million citizens”" in links_to(
        page(client, "/doc/source/seed-003"), "/id/claim/seed-003/4")


@pytest.mark.parametrize("row", [r for r in CLAIMS if r["kind"] or r["role"] or r["qualifier"]
                                 or r["claim"] == "gai-torino-1997-members"],
                         ids=lambda r: r["claim"])
def test_a_claim_page_shows_its_words_measure_and_network(client, row):
    document = page(client, f"/doc/{claim_path(row)}")
    heading = text_of(re.search(r"<h1>(.*?)</h1>", document, re.S).group(1))
    assert heading.startswith(measured(row))
    if row["kind"] == "City":
        assert heading.endswith("(cities)")
    if row["role"]:
        assert heading.endswith(f"({row['role'].capitalize()})")
    quote = re.search(r'<blockquote class="words"[^>]*>(.*?)</blockquote>', document, re.S)
    assert quote and text_of(quote.group(1)) == f"“{row['quote']}”"
    assert links_to(document, f"/id/network/{row['network']}") == {
        network_names()[row["network"]]}
    assert f"{row['network']}: {row['snapshot']}" in links_to(
        document, f"/id/source/{row['network']}-{row['snapshot']}")


def test_network_claims_table_shows_each_claim_with_its_measure_and_words(client):
    document = page(client, "/doc/network/eurocities")
    body = re.search(r'<table class="history claims">.*?<tbody>(.*?)</tbody>', document, re.S)
    rows = [text_of(r) for r in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]
    for claim in (r for r in CLAIMS if r["network"] == "eurocities"):
        said = measured(claim) + (f" ({claim['role'].capitalize()})" if claim["role"] else "")
        assert any(f"{said} “{claim['quote']}”" in row for row in rows), claim["claim"]


# --- the page of a saved query -----------------------------------------------------------


@pytest.fixture(scope="module")
def members_at(stores) -> str:
    values = {"network": "gai", "date": "2022-01-01", "certainty": "certain"}
    found = queries.run(stores["embedded"], "members-at", values)
    return saved.answer(stores["embedded"], queries.get("members-at"), found, values,
                        links={"csv": "/queries/members-at.csv?network=gai", "html": "/x"},
                        index="/queries")


def options(document: str, select_id: str) -> list[tuple[str, str, bool]]:
    """The options of a <select>: (value, text, selected)."""
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', document, re.S)
    assert found, f"no select {select_id}"
    return [(html.unescape(value), text_of(text), bool(chosen)) for value, chosen, text in
            re.findall(r'<option value="([^"]*)"( selected)?>(.*?)</option>', found.group(1))]


def test_query_form_offers_the_networks_by_name(members_at):
    offered = options(members_at, "members-at-network")
    assert offered[0] == ("", "choose…", False)  # required, no default
    names = network_names()
    assert sorted(offered[1:]) == sorted((slug, name, slug == "gai")
                                         for slug, name in names.items())
    assert 'id="members-at-network" name="network" required>' in members_at


def test_query_form_offers_the_creative_fields(members_at):
    fields = {r["field"] for r in csv.DictReader((DATA / "uccn_members.csv").open(
        encoding="utf-8"))}
    offered = options(members_at, "members-at-field")
    assert offered[0] == ("", "any", False)  # optional, no default
    assert {text for _, text, _ in offered[1:]} == fields
    assert ("crafts-and-folk-art", "Crafts and Folk Art", False) in offered


def test_query_form_offers_the_countries_by_name(members_at):
    countries = {(r["iso2"], f"{r['name_en']} ({r['iso2']})", False)
                 for r in csv.DictReader((DATA / "countries.csv").open(encoding="utf-8"))}
    offered = options(members_at, "members-at-country")
    assert offered[0] == ("", "any", False)
    assert set(offered[1:]) == countries and len(offered) == 1 + len(countries)


def test_query_form_offers_allowed_values_and_a_date_picker(members_at):
    # queries/members-at.rq: certainty, allowed [any, certain], default any
    assert options(members_at, "members-at-certainty") == [("any", "any", False),
                                                           ("certain", "certain", True)]
    assert '<input type="date" id="members-at-date" name="date" value="2022-01-01">' \
        in members_at
    assert '<input type="hidden" name="format" value="html">' in members_at


def test_query_form_selects_a_default_given_by_name(stores):
    # queries/countries-with-field.rq: field, default Music; network, default bjcem
    found = queries.run(stores["embedded"], "countries-with-field", {})
    document = saved.answer(stores["embedded"], queries.get("countries-with-field"), found,
                            {}, links={}, index="/queries")
    assert ("music", "Music", True) in options(document, "countries-with-field-field")
    assert ("bjcem", network_names()["bjcem"], True) in options(
        document, "countries-with-field-network")


def test_answer_shows_resources_by_name_linked_to_their_pages(members_at):
    # gai_attestations.csv: Turin, Piedmont Region and the Province of Matera are members
    for path, name in (("city/it/turin", "Turin"), ("region/it/piedmont", "Piedmont Region"),
                       ("province/it/matera", "Province of Matera")):
        assert f'<td><a href="/id/{path}" title="{ns.ID[path]}">{name}</a></td>' in members_at
    assert f">{ns.ID['city/it/turin']}</a>" not in members_at


def test_claims_check_answer_names_networks_claims_and_sources(stores):
    found = queries.run(stores["embedded"], "claims-check", {})
    document = saved.answer(stores["embedded"], queries.get("claims-check"), found, {},
                            links={}, index="/queries")
    names = network_names()
    for row in (r for r in CLAIMS if r["network"] == "gai"):
        cells = re.search(rf'<tr><td><a href="/id/network/gai"[^>]*>([^<]*)</a></td>'
                          rf'<td><a href="/id/{re.escape(claim_path(row))}"[^>]*>([^<]*)</a>'
                          rf'</td><td><a href="/id/source/gai-{row["snapshot"]}"[^>]*>([^<]*)</a>',
                          document)
        assert cells, row["claim"]
        network, claim, source = map(html.unescape, cells.groups())
        assert network == names["gai"]
        assert claim.startswith(measured(row)) and row["quote"][:40] in claim
        assert source == f"gai: {row['snapshot']}"
    assert "https://w3id.org/" not in text_of(re.search(r"<tbody>(.*?)</tbody>", document,
                                                        re.S).group(1))


def test_saved_query_page_over_http_has_names_and_choices(client):
    document = page(client, "/queries/members-at.html", network="gai", date="2022-01-01")
    assert f'<a href="/id/city/it/turin" title="{ns.ID["city/it/turin"]}">Turin</a>' in document
    assert ("gai", network_names()["gai"], True) in options(document, "members-at-network")


def test_integers_are_written_with_their_thousands(client):
    # data/seed-003.ttl, claim:4: ccn:claimedValue 130000000 (a whole number: 130,000,000)
    document = page(client, "/doc/claim/seed-003/4")
    statements = re.search(r'<table class="props">(.*?)</table>', document, re.S).group(1)
    assert re.search(r">claimed value</a></td><td>130,000,000\s*</td>", statements)
    assert f"<code>{ns.ID['claim/seed-003/4']}</code>" in document
