"""The command line: exit codes, one-line errors naming file and line, stdout vs stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccgraph.cli import main
from ccgraph.sources import DATA_DIR

BROKEN_MEMBERSHIP = """\
@prefix ccn: <https://w3id.org/ccgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# Turin's Design membership with a second start date and no role: not conforming.
<https://w3id.org/ccgraph/id/membership/uccn/city/it/turin/broken>
    a ccn:Membership ;
    org:member <https://w3id.org/ccgraph/id/city/it/turin> ;
    org:organization <https://w3id.org/ccgraph/id/network/uccn> ;
    ccn:startDate "2014-12-01"^^xsd:date, "2015-01-01"^^xsd:date ;
    prov:wasDerivedFrom <https://w3id.org/ccgraph/id/source/uccn-reference> .
"""


def ccgraph(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "ccgraph.cli", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def test_shipped_data_conforms_and_the_turtle_report_is_rdf(capsys, tmp_path: Path):
    from rdflib import Graph
    from rdflib.namespace import SH

    turtle = tmp_path / "report.ttl"
    assert main(["validate", "--report", f"turtle={turtle}"]) == 0
    out = capsys.readouterr().out
    assert "Conforms: True" in out
    report = Graph().parse(turtle, format="turtle")
    [conforms] = report.objects(None, SH.conforms)
    assert conforms.toPython() is True


def test_broken_copy_does_not_conform(data_copy: Path, capsys):
    (data_copy / "broken.ttl").write_text(BROKEN_MEMBERSHIP, encoding="utf-8")
    assert main(["validate", str(data_copy), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    focus = "https://w3id.org/ccgraph/id/membership/uccn/city/it/turin/broken"
    paths = {r["path"] for r in report["results"] if r["focus"] == focus}
    assert "http://www.w3.org/ns/org#role" in paths
    assert "https://w3id.org/ccgraph/ontology#startDate" in paths


def test_malformed_turtle_is_one_line_with_file_and_line(data_copy: Path):
    bad = data_copy / "seed-000.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(
        4, '<https://w3id.org/ccgraph/id/x> <https://w3id.org/ccgraph/id/y> "unterminated .'
    )
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ccgraph("validate", str(data_copy))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"ccgraph: error: {bad}:5: bad syntax")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--inference", "magic"], "invalid choice: 'magic'"),
        (["validate", "no/such/file.ttl"], "no/such/file.ttl: no such file or folder"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(args, expected, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err
    assert captured.err.count("\n") == 1


def test_build_prints_summary(capsys):
    assert main(["build"]) == 0
    out = capsys.readouterr().out
    assert "UNESCO Creative Cities Network" in out
    assert "triples" in out


# --- saved queries and ad-hoc SPARQL from the command line ---------------------------


def test_query_run_csv_columns_and_answer(capsys):
    args = ["query", "run", "shared-members", "--param", "network_a=gai",
            "--param", "network_b=uccn", "--at", "2022-01-01", "--format", "csv"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "member,label,country,status"
    # seed 003 (GAI's 31 municipalities) x the reference table (designations to 2021-11-08)
    assert [line.split(",")[1] for line in lines[1:]] == [
        "Bologna", "Como", "Milan", "Modena", "Parma", "Rome", "Turin"]


def test_query_run_json_is_sparql_results_json(capsys):
    assert main(["query", "run", "seats", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["head"]["vars"] == ["network", "role", "place"]
    places = {b["place"]["value"] for b in document["results"]["bindings"]}
    assert places == {"https://w3id.org/ccgraph/id/city/be/brussels",
                      "https://w3id.org/ccgraph/id/city/it/turin"}
    assert all(b["place"]["type"] == "uri" for b in document["results"]["bindings"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["query", "run", "no-such-query"], "no-such-query"),
     (["query", "run", "members-at"], "network"),
     (["query", "run", "members-at", "--param", "network=uccn", "--param", "colour=red"],
      "colour"),
     (["query", "run", "members-at", "--param", "network=uccn", "--at", "2022-02-30"],
      "2022-02-30"),
     (["query", "run", "networks-of", "--param", "member=Granada"], "city/ni/granada"),
     (["query", "run", "members-at", "--param", "network"], "KEY=VALUE"),
     (["sparql", "DELETE WHERE { ?s ?p ?o }"], "updates are refused"),
     (["sparql", "SELECT ?s WHERE { ?s ?p"], "malformed query")],
    ids=["unknown-query", "missing-param", "unknown-param", "bad-date", "ambiguous-name",
         "bad-param-syntax", "update", "malformed"],
)
def test_query_errors_are_one_line_exit_2(args, expected, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err
    assert captured.err.count("\n") == 1


def test_sparql_ask_and_select(capsys):
    assert main(["sparql", "ASK { ?s a <https://w3id.org/ccgraph/ontology#Network> }"]) == 0
    assert capsys.readouterr().out == "true\n"
    query = ("SELECT (COUNT(DISTINCT ?n) AS ?networks) "
             "WHERE { ?n a <https://w3id.org/ccgraph/ontology#Network> }")
    assert main(["sparql", query, "--format", "csv", "--store", "memory"]) == 0
    assert capsys.readouterr().out.splitlines() == ["networks", "5"]


@pytest.mark.parametrize("store", ["embedded", "memory"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
     ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM / FROM NAMED"),
     ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD is refused")],
    ids=["service", "remote-from", "load"],
)
def test_sparql_never_reaches_the_network(query, expected, store, capsys):
    assert main(["sparql", query, "--store", store]) == 2
    assert expected in capsys.readouterr().err


def test_sparql_from_a_graph_the_store_holds(capsys):
    query = ("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/ccgraph/graph/sources> "
             "WHERE { ?s a <https://w3id.org/ccgraph/ontology#Source> }")
    assert main(["sparql", query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "5"]


def test_sparql_construct_prints_turtle(capsys):
    query = ("CONSTRUCT { ?n a <https://w3id.org/ccgraph/ontology#Network> } "
             "WHERE { ?n a <https://w3id.org/ccgraph/ontology#Network> }")
    assert main(["sparql", query]) == 0
    from rdflib import Graph

    assert len(Graph().parse(data=capsys.readouterr().out, format="turtle")) == 5
