"""Issue 15 (4): the maintainer's path of docs/maintaining.md, walked. The worked examples
are read from the page itself (its `csv append FILE` and `diff FILE` blocks), applied to a
copy of data/, and must validate; a mistake planted in each kind — a designation round, a
member list, a correction — is reported at its line in every format. The page's CI
recipes and the repository's .pre-commit-hooks.yaml are checked too."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import SH

from ccgraph.cli import build_parser, main
from ccgraph.sources import DATA_DIR
from ccgraph.validation import SOURCE_FILE, SOURCE_LINE
from validating import reports

ROOT = Path(__file__).parents[1]
PAGE = (ROOT / "docs" / "maintaining.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^ *```(csv append|diff) (\S+)\n(.*?)^ *```", re.S | re.M)
FORMATS = ("text", "json", "turtle", "junit", "sarif", "github")


def blocks() -> list[tuple[str, str, list[str]]]:
    found = []
    for kind, file, body in BLOCK.findall(PAGE):
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        found.append((kind, file.removeprefix("data/"), lines))
    return found


def apply(folder: Path, edits: list[tuple[str, str, list[str]]]) -> None:
    for kind, file, lines in edits:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        if kind == "csv append":
            text = text if text.endswith("\n") else text + "\n"
            text += "".join(line + "\n" for line in lines)
        else:
            old = [line[1:] for line in lines if line.startswith("-")]
            new = [line[1:] for line in lines if line.startswith("+")]
            for before, after in zip(old, new, strict=True):
                assert text.count(before.strip()) == 1, before
                text = text.replace(before.strip(), after.strip())
        path.write_text(text, encoding="utf-8")


def test_the_page_has_the_three_worked_examples():
    edited = [(kind, file) for kind, file, _ in blocks()]
    assert edited == [("csv append", "uccn_members.csv"), ("diff", "sources.ttl"),
                      ("csv append", "uccn_totals.csv"),
                      ("csv append", "eurocities_snapshots.csv"),
                      ("csv append", "eurocities_attestations.csv"),
                      ("csv append", "network_claims.csv"), ("diff", "uccn_members.csv")]


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    apply(folder, blocks())
    return folder


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_worked_examples_validate(worked: Path, capsys):
    code, out, err = run(capsys, str(worked))
    assert (code, err) == (0, "")
    assert out.startswith("Conforms: True\nResults: ")
    members = (worked / "uccn_members.csv").read_text(encoding="utf-8")
    assert "\nTrieste,Italy,IT,Literature,2027," in members
    assert ",1.5535,110.3593," in members


def line_of(path: Path, start: str) -> int:
    [number] = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(start)]
    return number


def plant(folder: Path, file: str, start: str, old: str, new: str) -> int:
    """Replace `old` by `new` in the row starting with `start`; its line."""
    path = folder / file
    number = line_of(path, start)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return number


def located(fmt: str, out: str, err: str) -> set[tuple[str, int]]:
    """(file name, line) of every problem a report names, read as a CI system would."""
    spots: set[tuple[str, int]] = set()

    def add(file: str, line: object) -> None:
        if line:
            spots.add((Path(file).name, int(str(line))))

    if fmt in ("text", "turtle"):
        for line in (out + err).splitlines():
            match = re.match(r"^(?:ccgraph: error: )?(\S+?):(\d+): ", line)
            if match:
                add(*match.groups())
    if fmt == "turtle" and out:
        graph = Graph().parse(data=out, format="turtle")
        for result in graph.subjects(SH.focusNode, None):
            add(str(graph.value(result, SOURCE_FILE)), graph.value(result, SOURCE_LINE))
    elif fmt == "json":
        document = json.loads(out)
        for item in document.get("results", []) + document.get("errors", []):
            if item["location"]:
                add(item["location"]["file"], item["location"]["line"])
    elif fmt == "junit":
        for element in ET.fromstring(out).iter():
            if element.tag in ("failure", "error"):
                match = re.match(r"^(\S+?):(\d+): ", element.get("message", ""))
                if match:
                    add(*match.groups())
    elif fmt == "sarif":
        for result in json.loads(out)["runs"][0]["results"]:
            for location in result.get("locations", []):
                physical = location.get("physicalLocation")
                if physical:
                    add(physical["artifactLocation"]["uri"], physical["region"]["startLine"])
    elif fmt == "github":
        for match in re.finditer(r"^::(?:error|warning|notice) file=([^,]+),line=(\d+)", out,
                                 re.M):
            add(match.group(1).replace("%3A", ":").replace("%2C", ","), match.group(2))
    return spots


@pytest.fixture(scope="module")
def designation_mistake(tmp_path_factory) -> tuple[int, dict[str, str]]:
    """The worked examples with the round's first row given to Turin, a Creative City of
    Design since 2014: one city in two fields at once, which a shape refuses. Validated once,
    the text report on stdout and every other format written with --report: (the row's
    line, {format: report})."""
    folder = tmp_path_factory.mktemp("designation") / "data"
    shutil.copytree(DATA_DIR, folder)
    apply(folder, blocks())
    line = plant(folder, "uccn_members.csv", "Trieste,", "Trieste,", "Turin,")
    code, written = reports([str(folder)], "text", [f for f in FORMATS if f != "text"],
                            folder.parent)
    assert code == 1
    return line, written


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_mistake_in_a_designation_round_is_reported_at_its_line(designation_mistake, fmt):
    line, reports = designation_mistake
    assert ("uccn_members.csv", line) in located(fmt, reports[fmt], "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_mistake_in_a_member_list_is_reported_at_its_line(worked: Path, capsys, fmt):
    """An attestation naming a snapshot that is not in the snapshots table (exit 2)."""
    line = plant(worked, "eurocities_attestations.csv", "Lyon,City,FR,2026-06-30,",
                 "example-list-2026", "example-list-2062")
    code, out, err = run(capsys, str(worked), "--format", fmt)
    assert code == 2
    assert located(fmt, out, err) == {("eurocities_attestations.csv", line)}
    assert "did you mean 'example-list-2026'?" in out + err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_mistake_in_a_correction_is_reported_at_its_line(worked: Path, capsys, fmt):
    """The corrected coordinates with a latitude out of range (exit 2)."""
    line = plant(worked, "uccn_members.csv", "Kuching,", ",1.5535,", ",155.35,")
    code, out, err = run(capsys, str(worked), "--format", fmt)
    assert code == 2
    assert located(fmt, out, err) == {("uccn_members.csv", line)}
    assert "column lat" in out + err or '"column": "lat"' in out


def test_the_ci_recipes_are_yaml_running_real_commands():
    recipes = re.findall(r"```yaml\n(.*?)```", PAGE, re.S)
    assert len(recipes) == 3
    parser = build_parser()
    commands = []
    for recipe in recipes:
        document = yaml.safe_load(recipe)
        text = json.dumps(document)
        commands += re.findall(r"ccgraph (validate[^\"]*?)(?: >|\")", text)
    written = set()
    for command in commands:
        args = parser.parse_args(shlex.split(command))  # exits on a wrong option
        written |= {args.format} | {fmt for fmt, _ in args.report}
    assert written == {"github", "sarif", "junit"}
    assert "sarif_file: ccgraph.sarif" in PAGE and "--report sarif=ccgraph.sarif" in PAGE


def test_the_pre_commit_hooks():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"ccgraph-validate", "ccgraph-validate-files"}
    for hook in hooks:
        assert hook["entry"] == "ccgraph validate" and hook["language"] == "python"
        pattern = re.compile(hook["files"])
        for name in ("data/a.ttl", "x/b.trig", "c.jsonld", "data/uccn_members.csv"):
            assert pattern.search(name)
        assert not pattern.search("README.md")
    assert by_id["ccgraph-validate"]["pass_filenames"] is False
    assert by_id["ccgraph-validate"]["args"] == ["data"]
    assert by_id["ccgraph-validate-files"]["pass_filenames"] is True
    build_parser().parse_args(["validate", *by_id["ccgraph-validate"]["args"]])
