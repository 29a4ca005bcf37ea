"""Issue 15 (1): every validation result located in its source — the file and line, and for
a table the row and column — in the text, JSON and Turtle reports, under CCGRAPH_BASE too.

Expected lines are those the fixtures are written with (counted in the text below, or
found in the file by what the row says), never the program's answers."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SH, SKOS

from ccgraph import namespaces as ns
from ccgraph.cli import main
from ccgraph.locations import Location, Locator
from ccgraph.sources import DATA_DIR, completed, load_files
from ccgraph.statements import positions
from ccgraph.validation import SOURCE_COLUMN, SOURCE_FILE, SOURCE_LINE, SOURCE_ROW, validate
from validating import reports

EX = "https://w3id.org/ccgraph/id/"
TURTLE = """\
@prefix ccn: <https://w3id.org/ccgraph/ontology#> .
@prefix id: <https://w3id.org/ccgraph/id/> .
@base <https://w3id.org/ccgraph/id/city/> .
# id:city/it/turin in a comment is not a statement
<it/turin> a ccn:City ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Turin"@en,
        "Torino"@it ;
    ccn:note \"\"\"a long string
    that names id:city/it/milan ; and <it/milan>\"\"\" .

id:city\\/it\\/milan
    ccn:country id:country\\/it ;
    ccn:near [ ccn:of id:city\\/it\\/turin ] ,
        ( id:x id:y ) .
"""


def test_turtle_statements_are_found_on_the_lines_they_are_written_on(tmp_path: Path):
    path = tmp_path / "places.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    spots = positions(path, "turtle")
    turin, milan = URIRef(EX + "city/it/turin"), URIRef(EX + "city/it/milan")
    ccn = "https://w3id.org/ccgraph/ontology#"
    assert spots.subjects == {turin: 5, milan: 11}  # the comment and the string do not count
    assert spots.triples[(turin, RDF.type, URIRef(ccn + "City"))] == 5
    assert spots.triples[(turin, RDFS.label, Literal("Turin", lang="en"))] == 6
    assert spots.triples[(turin, RDFS.label, Literal("Torino", lang="it"))] == 7
    assert spots.pairs[(turin, URIRef(ccn + "note"))] == 8
    assert spots.triples[(milan, URIRef(ccn + "country"), URIRef(EX + "country/it"))] == 12
    assert spots.pairs[(milan, URIRef(ccn + "near"))] == 13
    assert (milan, URIRef(ccn + "of")) not in spots.pairs  # inside a blank node


def test_trig_nquads_and_jsonld(tmp_path: Path):
    trig = tmp_path / "g.trig"
    trig.write_text(
        "@prefix id: <https://w3id.org/ccgraph/id/> .\n"
        "id:graph1 {\n"
        "  id:a id:p id:b .\n"
        "}\n"
        "GRAPH id:graph2 { id:c id:p id:d }\n", encoding="utf-8")
    spots = positions(trig, "trig")
    a, c, p = URIRef(EX + "a"), URIRef(EX + "c"), URIRef(EX + "p")
    assert spots.triples[(a, p, URIRef(EX + "b"))] == 3
    assert spots.triples[(c, p, URIRef(EX + "d"))] == 5
    nq = tmp_path / "g.nq"
    nq.write_text(f"<{EX}a> <{EX}p> <{EX}b> <{EX}g> .\n\n<{EX}c> <{EX}p> \"x\" <{EX}g> .\n",
                  encoding="utf-8")
    spots = positions(nq, "nquads")
    assert spots.triples[(c, p, Literal("x"))] == 3
    assert (c, p, URIRef(EX + "g")) not in spots.triples  # the graph is not an object
    jsonld = tmp_path / "g.jsonld"
    jsonld.write_text('{\n  "@context": {"id": "https://w3id.org/ccgraph/id/"},\n'
                      '  "@graph": [\n    {"@id": "id:a"},\n    {\n      "@id": "id:c"\n'
                      '    }\n  ]\n}\n', encoding="utf-8")
    assert positions(jsonld, "json-ld").subjects == {a: 4, c: 6}


@pytest.mark.parametrize("name", ["seed-000.ttl", "seed-003.ttl"])
def test_positions_of_wanted_iris_are_those_of_the_whole_file(name):
    """A validation locates its few focus nodes: reading only their statements gives
    what reading every statement gives for them, and nothing about other nodes."""
    path = DATA_DIR / name
    whole = positions(path, "turtle")
    turin = ns.city("IT", "Turin")
    design = ns.membership(ns.network("uccn"), turin, ns.field("Design"))
    wanted = {turin, design, ns.network("uccn"), ns.network("gai")}
    assert wanted & set(whole.subjects), "the seed names none of them"
    some = positions(path, "turtle", wanted=wanted)
    assert some.subjects == {s: n for s, n in whole.subjects.items() if s in wanted}
    assert some.pairs == {k: n for k, n in whole.pairs.items() if k[0] in wanted}
    assert some.triples == {k: n for k, n in whole.triples.items() if k[0] in wanted}
    assert some.objects == {o: n for o, n in whole.objects.items() if o in wanted}
    assert any(isinstance(k[2], Literal) for k in some.triples)  # its literals are kept


def uccn_rows() -> list[tuple[int, dict[str, str]]]:
    """The rows of the shipped table with the line each starts on, found by its text."""
    lines = (DATA_DIR / "uccn_members.csv").read_text(encoding="utf-8").splitlines()
    with (DATA_DIR / "uccn_members.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = []
    for row in rows:
        start = f"{row['city']},{row['country']},{row['country_iso2']},{row['field']},"
        quoted = f'"{row["city"]}",'
        numbers = [n for n, line in enumerate(lines, 1) if line.startswith((start, quoted))
                   and row["field"] in line]
        assert len(numbers) == 1, row
        found.append((numbers[0], row))
    return found


def test_every_membership_of_the_table_is_located_at_its_row_and_column():
    locator = Locator([DATA_DIR / "uccn_members.csv"])
    uccn = ns.network("uccn")
    for number, (line, row) in enumerate(uccn_rows(), 1):
        city = ns.city(row["country_iso2"], row["city"])
        membership = ns.membership(uccn, city, ns.field(row["field"]))
        name = str(locator.files[0])
        where = locator.locate(membership, ORG.role, ns.field(row["field"]))
        assert where == Location(where.file, line, "field", number), row
        assert name.endswith(where.file)
        assert locator.locate(membership, ORG.member, city).column == "city"
        # a missing value: the first row that made the node, no column
        missing = locator.locate(membership, SKOS.prefLabel, None)
        assert (missing.line, missing.column) == (line, None)



def test_locating_under_a_profiler_keeps_the_profiler(tmp_path: Path):
    """Rows are traced with sys.setprofile: run under cProfile (a profiler written in C,
    which sys.setprofile cannot take back), locating still works and the profiler is
    active again afterwards."""
    import cProfile
    import sys

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        locator = Locator([DATA_DIR / "uccn_members.csv"])
        membership = ns.membership(ns.network("uccn"), ns.city("IT", "Turin"),
                                   ns.field("Design"))
        where = locator.locate(membership, ORG.role, ns.field("Design"))
        still = sys.getprofile()
    finally:
        profiler.disable()
    assert still is profiler
    [(line, _)] = [(n, r) for n, r in uccn_rows() if (r["city"], r["field"]) == ("Turin", "Design")]
    assert (where.line, where.column) == (line, "field")

BROKEN = """\
@prefix ccn: <https://w3id.org/ccgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# no role, two start dates
<https://w3id.org/ccgraph/id/membership/uccn/city/it/turin/broken>
    a ccn:Membership ;
    org:member <https://w3id.org/ccgraph/id/city/it/turin> ;
    org:organization <https://w3id.org/ccgraph/id/network/uccn> ;
    ccn:startDate "2014-12-01"^^xsd:date,
        "2015-01-01"^^xsd:date ;
    prov:wasDerivedFrom <https://w3id.org/ccgraph/id/source/uccn-reference> .
"""
BROKEN_ID = "membership/uccn/city/it/turin/broken"
MODENA = "membership/uccn/city/it/modena/media-arts"


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """A copy of data/ with a Turtle file missing a role and a row dated before UCCN was
    founded (2004): Modena's Media Arts row says 2001."""
    folder = tmp_path_factory.mktemp("planted") / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    table = folder / "uccn_members.csv"
    text = table.read_text(encoding="utf-8")
    row = "Modena,Italy,IT,Media Arts,2021,2021-11-08,"
    assert text.count(row) == 1
    table.write_text(text.replace(row, "Modena,Italy,IT,Media Arts,2001,,"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def planted_reports(planted: Path) -> dict[str, str]:
    """One validation of the planted copy: JSON on stdout, text and Turtle with --report."""
    code, written = reports([str(planted)], "json", ["text", "turtle"], planted.parent)
    assert code == 1
    return written


def modena_line(folder: Path) -> int:
    lines = (folder / "uccn_members.csv").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("Modena,"))


def report_of(folder: Path, capsys, *args: str) -> dict:
    code = main(["validate", str(folder), "--format", "json", *args])
    assert code == 1
    return json.loads(capsys.readouterr().out)


def violations(report: dict, base: str = EX) -> dict[tuple[str, str | None], dict]:
    return {(r["focus"].removeprefix(base), r["path"]): r["location"]
            for r in report["results"] if r["severity"] == str(SH.Violation)}


def test_the_json_report_locates_each_violation(planted: Path, planted_reports: dict):
    found = violations(json.loads(planted_reports["json"]))
    file = str(planted / "broken.ttl")
    # missing role: the node's first statement
    assert found[(BROKEN_ID, str(ORG.role))] == {"file": file, "line": 7, "row": None,
                                                 "column": None}
    # two start dates: the line of the last one written
    assert found[(BROKEN_ID, "https://w3id.org/ccgraph/ontology#startDate")]["line"] == 12
    modena = found[(MODENA, None)]
    assert (modena["file"], modena["line"]) == (str(planted / "uccn_members.csv"),
                                                modena_line(planted))
    assert modena["row"] == modena_line(planted) - 1  # the header is line 1


def test_the_text_report_starts_each_line_with_file_and_line(planted: Path,
                                                             planted_reports: dict):
    lines = planted_reports["text"].splitlines()
    assert f"{planted / 'broken.ttl'}:7: Violation  id:{BROKEN_ID}  org:role  A membership " \
        "has exactly one org:role, a ccn:CreativeField or a ccn:MembershipRole." in lines
    assert any(line.startswith(f"{planted / 'uccn_members.csv'}:{modena_line(planted)}: ")
               and f"id:{MODENA}" in line for line in lines)


def test_the_turtle_report_carries_the_location(planted: Path, planted_reports: dict):
    report = Graph().parse(data=planted_reports["turtle"], format="turtle")
    focus = URIRef(EX + BROKEN_ID)
    [result] = [r for r in report.subjects(SH.focusNode, focus)
                if report.value(r, SH.resultPath) == ORG.role]
    file = str(planted / "broken.ttl")
    assert report.value(result, SOURCE_FILE) == Literal(file)
    assert report.value(result, SOURCE_LINE).toPython() == 7
    assert report.value(result, SOURCE_ROW) is None and report.value(result, SOURCE_COLUMN) is None
    assert Literal(f"{file}:7: A membership has exactly one org:role, a ccn:CreativeField or a "
                   "ccn:MembershipRole.") in set(report.objects(result, SH.resultMessage))


def test_locations_survive_rebasing(planted: Path, capsys, monkeypatch):
    base = "https://kg.city.test/ccgraph/"
    monkeypatch.setenv("CCGRAPH_BASE", base)
    found = violations(report_of(planted, capsys), base + "id/")
    assert found[(BROKEN_ID, str(ORG.role))]["line"] == 7
    assert found[(MODENA, None)]["line"] == modena_line(planted)


def test_a_table_value_that_breaks_a_shape_names_its_column(tmp_path: Path):
    """Architecture was added in 2025: a row of 2021 in that field breaks a shape on the
    membership's ccn:startDate, which the row's designation_date cell gives."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    table = folder / "uccn_members.csv"
    text = table.read_text(encoding="utf-8")
    row = "Modena,Italy,IT,Media Arts,2021,2021-11-08,"
    table.write_text(text.replace(row, "Modena,Italy,IT,Architecture,2021,2021-11-08,"),
                     encoding="utf-8")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".ttl", ".csv"))
    report = validate(completed(load_files(files)), sources=files)
    [result] = [r for r in report.results if r.severity == SH.Violation]
    assert str(result.focus) == EX + "membership/uccn/city/it/modena/architecture"
    line = modena_line(folder)
    assert result.location == Location(str(table), line, "designation_date", line - 1)
    assert str(result.location) == f"{table}:{line}: column designation_date"


def test_no_sources_no_locations():
    graph = Graph().parse(data=BROKEN, format="turtle")
    assert all(r.location is None for r in validate(graph).results)


MEMBERSHIP = "https://w3id.org/ccgraph/id/membership/uccn/city/it/turin/broken"
OTHERS = {
    "mine.trig": ("@prefix ccn: <https://w3id.org/ccgraph/ontology#> .\n"
                  "@prefix org: <http://www.w3.org/ns/org#> .\n"
                  "<https://w3id.org/ccgraph/id/graph/mine> {\n"
                  f"  <{MEMBERSHIP}> a ccn:Membership ;\n"
                  "    org:organization <https://w3id.org/ccgraph/id/network/uccn> .\n"
                  "}\n", 4),
    "mine.jsonld": ("{\n"
                    '  "@context": {"ccn": "https://w3id.org/ccgraph/ontology#",\n'
                    '               "org": "http://www.w3.org/ns/org#"},\n'
                    '  "@graph": [\n'
                    "    {\n"
                    f'      "@id": "{MEMBERSHIP}",\n'
                    '      "@type": "ccn:Membership",\n'
                    '      "org:organization": {"@id": '
                    '"https://w3id.org/ccgraph/id/network/uccn"}\n'
                    "    }\n  ]\n}\n", 6),
    "mine.nt": (f"<{MEMBERSHIP}> <{RDF.type}> <https://w3id.org/ccgraph/ontology#Membership> ."
                "\n\n"
                f"<{MEMBERSHIP}> <{ORG.organization}> <https://w3id.org/ccgraph/id/network/uccn>"
                " .\n", 1),
}


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_others_files_are_located_with_the_paths_as_given(name, tmp_path: Path, capsys,
                                                           monkeypatch):
    text, line = OTHERS[name]
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    given = f"theirs/{name}"
    assert main(["validate", given, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [role] = [r for r in report["results"] if r["focus"] == MEMBERSHIP
              and r["path"] == str(ORG.role)]
    assert role["location"] == {"file": given, "line": line, "row": None, "column": None}


def test_a_users_table_is_located_with_the_path_as_given(tmp_path: Path, capsys, monkeypatch):
    """A table in the project's format, alone in someone else's folder: without the
    vocabulary and the networks, its roles and network are not described, and each result
    is found at its row (and the column its value came from)."""
    header = ("city,country,country_iso2,field,designation_year,designation_date,end_year,"
              "note,lat,lon,sources\n")
    (tmp_path / "uccn_members.csv").write_text(
        header + "Modena,Italy,IT,Media Arts,2021,2021-11-08,,,,,a source\n"
        "Matera,Italy,IT,Architecture,2021,2021-11-08,,,,,a source\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "uccn_members.csv", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    matera = EX + "membership/uccn/city/it/matera/architecture"
    [role] = [r for r in report["results"] if r["focus"] == matera
              and r["path"] == str(ORG.role)]
    assert role["location"] == {"file": "uccn_members.csv", "line": 3, "row": 2,
                                "column": "field"}
    [city] = [r for r in report["results"] if r["focus"] == EX + "city/it/modena"]
    assert city["location"] == {"file": "uccn_members.csv", "line": 2, "row": 1,
                                "column": "country_iso2"}


def test_locating_leaves_the_data_as_it_was(planted: Path):
    files = sorted(p for p in planted.iterdir() if p.suffix in (".ttl", ".csv"))
    dataset = completed(load_files(files))
    graphs = {g.identifier: len(g) for g in dataset.graphs()}
    report = validate(dataset, sources=files)
    assert any(r.location for r in report.results)
    assert {g.identifier: len(g) for g in dataset.graphs()} == graphs
