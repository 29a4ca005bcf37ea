"""The saved queries as a REST API (`/queries`, `/queries/{name}`) and its OpenAPI document,
in process, over the embedded store of the shipped data.

Expected answers are written from the sources, as in tests/test_queries.py: seed 003 (GAI
"gathers 33 Public Administrations", 31 cities, a province and a region, read at its
reference date 2021-03-01, so no GAI member is valid on 2020-01-01), seed 000 (180 UCCN
cities at the end of 2017), data/uccn_members.csv (Turin, Design, 2014-12-01; Lyon, Media
Arts, 2008 until 2023-10-31) and the Music rows of BJCEM's countries.
"""

from __future__ import annotations

import csv
import io
import json
import warnings

import jsonschema
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from rdflib import Literal, URIRef

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.cli import main
from ccgraph.errors import InputError
from ccgraph.results import to_csv, to_json
from ccgraph.store import Answer
from ccgraph.web import pages
from ccgraph.web.app import create_app
from ccgraph.web.openapi import FORMATS, param_schema

from .responses import media

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GAI_2022 = {"network": "gai", "date": "2022-01-01", "certainty": "certain"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NETWORKS = {"uccn", "uccn-italy", "eurocities", "gai", "bjcem"}  # DESIGN.md section 4
# Music rows of data/uccn_members.csv in BJCEM's countries certain on 2021-03-01 (not
# Croatia, Portugal, Spain: gone by its complete list of December 2019), designated by 2019
BJCEM_MUSIC_2021 = {"FR": 1, "GB": 2, "IT": 2, "MA": 1, "PS": 1, "RS": 1, "TR": 1}


@pytest.fixture(scope="module")
def spec(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert media(response) == "application/json"
    return response.json()


def ask(client, path: str, accept: str | None = None, **params: str):
    return client.get(path, params=params, headers={"Accept": accept} if accept else {})


def iri(path: str) -> str:
    return str(ns.ID[path])


def cli_csv(stores, capsys, name: str, **values: str) -> str:
    """What `ccgraph query run NAME -p k=v ... --format csv` writes, over the same store."""
    args = [arg for key, value in values.items() for arg in ("-p", f"{key}={value}")]
    location = str(stores["embedded"].location)
    assert main(["query", "run", name, *args, "--format", "csv", "--data-dir", location]) == 0
    return capsys.readouterr().out


# --- the catalogue -------------------------------------------------------------------------


def test_catalogue_in_json(client):
    response = ask(client, "/queries")
    assert response.status_code == 200 and media(response) == "application/json"
    body = response.json()
    listed = {q["name"]: q for q in body["queries"]}
    assert set(listed) == set(queries.catalogue())
    assert body["openapi"] == "http://testserver/openapi.json"
    members_at = listed["members-at"]
    assert members_at["url"] == "http://testserver/queries/members-at"
    assert members_at["columns"] == ["member", "label", "kind", "country", "field", "role",
                                     "start", "end", "status"]
    assert "membership" in members_at["tags"] and members_at["summary"]
    assert [(p["name"], p["type"], p["required"], p["default"], p["allowed"])
            for p in members_at["params"]] == [
        ("network", "network", True, None, None), ("date", "date", False, "today", None),
        ("country", "country", False, None, None), ("field", "field", False, None, None),
        ("certainty", "choice", False, "any", ["any", "certain"])]
    assert all(p["description"] for p in members_at["params"])
    assert listed["seats"]["params"] == []


def test_catalogue_in_html_has_a_form_per_query(client):
    response = ask(client, "/queries", BROWSER)
    assert response.status_code == 200 and media(response) == "text/html"
    page = response.text
    for name, query in queries.catalogue().items():
        assert f'<form method="get" action="http://testserver/queries/{name}">' in page
        for param in query.params:
            assert f'id="{name}-{param.name}" name="{param.name}"' in page
    assert "".join(f'<option value="{n}">' for n in sorted(NETWORKS)) in page
    assert 'id="members-at-network" name="network" list="known-network" type="text" ' \
           "required>" in page


def test_catalogue_format_switch(client):
    assert media(ask(client, "/queries", "application/json", format="html")) == "text/html"
    assert media(ask(client, "/queries", BROWSER, format="json")) == "application/json"
    assert ask(client, "/queries", format="csv").status_code == 400


# --- answers in each format ------------------------------------------------------------------


def test_gai_members_in_json(client):
    response = ask(client, "/queries/members-at", **GAI_2022)
    assert response.status_code == 200 and media(response) == "application/json"
    assert "X-Result-Truncated" not in response.headers
    rows = response.json()
    assert len(rows) == 33  # "As of today it gathers 33 Public Administrations"
    assert all(list(row) == list(queries.get("members-at").columns) for row in rows)
    assert sorted(r["kind"] for r in rows) == ["City"] * 31 + ["Province", "Region"]
    assert [r["label"] for r in rows][:3] == ["Ancona", "Asti", "Bari"]
    assert {(r["role"], r["country"], r["field"], r["start"], r["end"]) for r in rows} == \
        {("Member", "IT", None, None, None)}


def test_no_gai_member_before_its_founding(client):
    response = ask(client, "/queries/members-at", network="gai", date="1996-12-31")
    assert response.status_code == 200 and response.json() == []
    # between seed 003's first and last day its list may not have been made yet
    statuses = {r["label"]: r["status"] for r in
                ask(client, "/queries/members-at", network="gai", date="2020-01-01").json()}
    assert statuses["Turin"] == "certain" and statuses["Cagliari"] == "possible"


def test_json_values_are_typed(client):
    turin = ask(client, "/queries/members-at", network="uccn", date="2020-01-01", country="it",
                field="design").json()
    assert turin == [{"member": iri("city/it/turin"), "label": "Turin", "kind": "City",
                      "country": "IT", "field": "Design", "role": "Design",
                      "start": "2014-12-01", "end": None, "status": "certain"}]
    france = ask(client, "/queries/members-at", network="uccn", date="2020-01-01",
                 country="FR").json()
    lyon = [(r["start"], r["end"]) for r in france if r["label"] == "Lyon"]
    assert lyon == [("2008", "2023-10-31")]  # a year stays a year: no day is invented
    assert ask(client, "/queries/country-counts", network="gai", date="2021-03-01").json() == \
        [{"country": "IT", "members": 33, "possible": 39}]
    assert ask(client, "/queries/timeline", network="gai").json()[0] == \
        {"year": "1997", "joined": 35, "total": 35, "possible": 54}
    claims = {r["claim"]: r for r in ask(client, "/queries/claims-check").json()}
    gai = claims[iri("claim/seed-003/7")]
    assert (gai["as_of"], gai["claimed"], gai["counted"], gai["agrees"], gai["possible"]) == \
        ("2021-03-01", 33, 33, True, 39)
    sectors = claims[iri("claim/seed-000/1")]  # "7 settori": the graph cannot count them
    assert (sectors["claimed"], sectors["counted"], sectors["agrees"]) == (7, None, None)


@pytest.mark.parametrize(("path", "accept", "fmt"), [
    ("/queries/members-at", "application/sparql-results+json", None),
    ("/queries/members-at", None, "srj"),
    ("/queries/members-at.srj", BROWSER, None),
])
def test_sparql_results_json(client, stores, path, accept, fmt):
    params = {**GAI_2022, **({"format": fmt} if fmt else {})}
    response = ask(client, path, accept, **params)
    assert response.status_code == 200
    assert media(response) == "application/sparql-results+json"
    body = response.json()
    assert body["head"]["vars"] == list(queries.get("members-at").columns)
    assert len(body["results"]["bindings"]) == 33
    assert response.text == to_json(queries.run(stores["embedded"], "members-at", GAI_2022))


@pytest.mark.parametrize(("name", "values"), [
    ("members-at", GAI_2022),
    ("countries-with-field", {"date": "2021-03-01"}),  # BJCEM and Music by default
    ("networks-of", {"member": "Turin", "date": "2021-03-01"}),
])
def test_same_rows_as_the_command_line(client, stores, capsys, name, values):
    expected = cli_csv(stores, capsys, name, **values)
    for response in (ask(client, f"/queries/{name}.csv", **values),
                     ask(client, f"/queries/{name}", "text/csv", **values),
                     ask(client, f"/queries/{name}", BROWSER, **values, format="csv")):
        assert response.status_code == 200 and media(response) == "text/csv"
        assert response.text == expected
    assert expected == to_csv(queries.run(stores["embedded"], name, values))
    records = ask(client, f"/queries/{name}", **values).json()
    header, *rows = list(csv.reader(io.StringIO(expected)))
    assert [list(r) for r in records] == [header] * len(rows)
    assert [["" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
             for v in r.values()] for r in records] == rows


def test_bjcem_countries_with_a_city_of_music(client):
    rows = ask(client, "/queries/countries-with-field", date="2021-03-01").json()
    assert {r["country"]: r["members"] for r in rows} == BJCEM_MUSIC_2021
    assert {r["label"] for r in rows} >= {"Italy", "France", "United Kingdom"}


def test_html_table(client):
    for response in (ask(client, "/queries/members-at", BROWSER, **GAI_2022),
                     ask(client, "/queries/members-at.html", **GAI_2022),
                     ask(client, "/queries/members-at", "application/json", **GAI_2022,
                         format="html")):
        assert response.status_code == 200 and media(response) == "text/html"
        page = response.text
        assert page.count("<tr>") == 1 + 33
        assert f'<td><a href="/id/city/it/turin" title="{iri("city/it/turin")}">Turin</a>' \
               "</td><td>Turin</td><td>City</td><td>IT</td><td></td><td>Member</td>" in page
        assert "<code>network=gai</code>, <code>date=2022-01-01</code>" in page
        assert '<a href="http://testserver/queries/members-at.csv?network=gai&amp;' \
               'date=2022-01-01&amp;certainty=certain" type="text/csv">csv</a>' in page


def test_html_is_escaped(stores):
    query = queries.get("seats")
    hostile = "<script>alert(1)</script>"
    answer = Answer(query.columns, ((URIRef("javascript:alert(1)"), Literal(hostile),
                                     URIRef('https://example.org/"><b>')),))
    page = pages.answer(stores["embedded"], query, answer, {"x": hostile},
                        links={"csv": "?a=1&b=2"}, index="/queries")
    assert hostile not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert 'href="https://example.org/&#34;&gt;&lt;b&gt;"' in page
    assert 'href="?a=1&amp;b=2"' in page


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/json"),
    ("*/*", "application/json"),
    (BROWSER, "text/html"),
    ("text/csv;q=0.5, application/json;q=0.9", "application/json"),
    ("text/*", "text/csv"),
    ("application/sparql-results+json, text/csv;q=0.1", "application/sparql-results+json"),
])
def test_content_negotiation(client, accept, expected):
    response = ask(client, "/queries/seats", accept)
    assert response.status_code == 200 and media(response) == expected


def test_head(client):
    response = client.head("/queries/seats")
    assert response.status_code == 200 and response.content == b""


def test_result_cap_refuses_rather_than_cuts(stores):
    with TestClient(create_app(stores["embedded"], max_rows=5)) as capped:
        for path in ("/queries/members-at", "/queries/members-at.html"):
            response = ask(capped, path, **GAI_2022)
            assert response.status_code == 400 and "X-Result-Truncated" not in response.headers
            assert "more than 5 rows" in response.text
        seats = ask(capped, "/queries/seats")  # 4 rows: answered whole
        assert seats.status_code == 200 and len(seats.json()) == 4


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "values"), [
    ("members-at", {"network": "gai", "date": "2022-13-45"}),
    ("members-at", {"network": "nowhere", "date": "2022-01-01"}),
    ("members-at", {"date": "2022-01-01"}),                      # network is required
    ("members-at", {"network": "gai", "colour": "red"}),
    ("members-at", {"network": "uccn", "country": "XX"}),
    ("members-at", {"network": "uccn> } UNION { ?s ?p ?o } #"}),
    ("multi-network", {"min": "two"}),
    ("networks-of", {"member": 'Turin" } UNION { ?s ?p ?o } #'}),
    ("joined-between", {"network": "uccn", "from": "2019-01-01"}),
], ids=["bad-date", "unknown-network", "missing", "unknown-param", "unknown-country",
        "injected-network", "bad-integer", "injected-member", "missing-to"])
def test_bad_values_get_the_library_message(client, stores, name, values):
    with pytest.raises(InputError) as caught:
        queries.run(stores["embedded"], name, values)
    for fmt in FORMATS:
        response = ask(client, f"/queries/{name}.{fmt}", **values)
        assert response.status_code == 400
        assert media(response) == "text/plain"
        assert response.text == f"{caught.value}\n"
        assert "\n" not in response.text.rstrip("\n")


def test_the_messages_name_parameter_and_value(client):
    text = ask(client, "/queries/members-at", **{**GAI_2022, "date": "2022-13-45"}).text
    assert "'date'" in text and "'2022-13-45'" in text
    text = ask(client, "/queries/members-at", network="nowhere").text
    assert "'network'" in text and "'nowhere'" in text and "gai" in text


@pytest.mark.parametrize(("path", "params"), [
    ("/queries/members-at?network=gai&network=uccn", "repeated"),
    ("/queries/members-at?network=gai&format=xml", "bad format"),
    ("/queries/members-at.csv?network=gai&format=json", "format and extension disagree"),
])
def test_bad_requests(client, path, params):
    response = client.get(path)
    assert response.status_code == 400, params
    assert response.text.count("\n") == 1


@pytest.mark.parametrize("path", ["/queries/nope", "/queries/nope.csv",
                                  "/queries/members-at.xml", "/queries/members-at/more"])
def test_unknown_query(client, path):
    response = client.get(path, params={"network": "gai"})
    assert response.status_code == 404


def test_unknown_query_names_the_known_ones(client):
    text = client.get("/queries/nope").text
    assert "'nope'" in text and "members-at" in text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/queries", "/queries/members-at", "/openapi.json"])
def test_other_methods(client, method, path):
    response = client.request(method, path, params={"network": "gai"})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("path", ["/queries", "/queries/members-at?network=gai"])
@pytest.mark.parametrize("accept", ["application/xml", "text/turtle",
                                    "application/json;q=0, text/*;q=0"])
def test_unacceptable(client, path, accept):
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    assert "application/json" in response.text


# --- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_is_valid(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_openapi_yaml_is_the_same_document(client, spec):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200 and media(response) == "application/yaml"
    assert yaml.safe_load(response.text) == spec


def test_every_query_is_an_operation_with_every_parameter(spec):
    assert {"/queries", "/sparql"} <= set(spec["paths"])
    operations = {path: item["get"] for path, item in spec["paths"].items()
                  if path.startswith("/queries/")}
    assert set(operations) == {f"/queries/{name}" for name in queries.catalogue()}
    for name, query in queries.catalogue().items():
        operation = operations[f"/queries/{name}"]
        assert operation["summary"] == query.summary
        assert operation["description"] == query.description
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert list(parameters) == [p.name for p in query.params] + ["format"]
        for param in query.params:
            declared = parameters[param.name]
            assert declared["in"] == "query"
            assert declared["required"] == (param.required and param.default is None)
            assert declared["description"] == param.description
        assert set(operation["responses"]) == {"200", "400", "406", "503"}
        content = operation["responses"]["200"]["content"]
        assert list(content) == list(FORMATS.values())
        rows = content["application/json"]["schema"]["items"]
        assert rows["required"] == list(query.columns) == list(rows["properties"])


def test_parameter_types(spec):
    def schema(name: str, param: str) -> dict:
        parameters = spec["paths"][f"/queries/{name}"]["get"]["parameters"]
        return next(p for p in parameters if p["name"] == param)["schema"]

    assert schema("members-at", "date") == {
        "anyOf": [{"type": "string", "format": "date"}, {"const": "today"}], "default": "today"}
    assert schema("joined-between", "from") == {"type": "string", "format": "date"}
    assert schema("multi-network", "min") == {"type": "integer", "default": 2}
    assert schema("networks-of", "member") == {"type": "string"}
    assert schema("members-at", "country") == {"type": "string", "pattern": "^[A-Za-z]{2}$"}
    network = schema("countries-with-field", "network")
    assert network["default"] == "bjcem"
    assert set(network["anyOf"][0]["enum"]) == NETWORKS
    assert network["anyOf"][1] == {"type": "string"}  # an IRI is accepted too
    field = schema("countries-with-field", "field")
    assert field["default"] == "Music"
    assert {"Music", "Design", "Media Arts", "Crafts and Folk Art"} <= \
        set(field["anyOf"][0]["enum"])
    allowed = queries.Param("size", "integer", default="3", allowed=("1", "3"))
    assert param_schema(allowed) == {"type": "string", "enum": ["1", "3"], "default": 3}


@pytest.mark.parametrize(("name", "values"), [
    ("members-at", GAI_2022), ("claims-check", {}), ("timeline", {"network": "uccn"}),
    ("multi-network", {"date": "2022-01-01"}),
])
def test_answers_match_their_schemas(client, spec, name, values):
    content = spec["paths"][f"/queries/{name}"]["get"]["responses"]["200"]["content"]
    for media_type in ("application/json", "application/sparql-results+json"):
        schema = {**content[media_type]["schema"], "components": spec["components"]}
        body = json.loads(ask(client, f"/queries/{name}", media_type, **values).text)
        assert body
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


# --- the document against the app: schemathesis ------------------------------------------------


def test_the_app_does_what_its_document_says(stores):
    """Every operation, with values generated from its parameters' schemas: no server
    error, and status codes, media types and bodies as the document says. A value can fit
    its schema and still name nothing in the graph (a member "Load"): that is a 400, so the
    check that every schema-valid request is accepted does not apply."""
    api = schemathesis.openapi.from_asgi("/openapi.json", create_app(stores["embedded"]))
    excluded = [schemathesis.checks.positive_data_acceptance]

    @settings(max_examples=6, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        for result in api.get_all_operations():
            data.draw(result.ok().as_strategy()).call_and_validate(excluded_checks=excluded)

    check()
