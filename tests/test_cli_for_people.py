"""Issue 13, point 2 (in part): the command line for people — "did you mean", `ccgraph`
alone, a help written for users, `query show` once, and export's files and stdout."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from ccgraph.cli import main
from ccgraph.spelling import closest


@pytest.mark.parametrize(("argv", "suggestion"), [
    (["biuld"], "'build'"),
    (["valdiate"], "'validate'"),
    (["query", "rn", "members-at"], "'run'"),
    (["query", "run", "members-at", "--fromat", "csv"], "'--format'"),
    (["export", "--fromat", "trig"], "'--format'"),
    (["export", "--format", "turle"], "'turtle'"),
    (["query", "run", "membres-at"], "'members-at'"),
    (["query", "show", "claim-check"], "'claims-check'"),
    (["query", "run", "members-at", "-p", "netwrk=gai"], "'network'"),
    (["query", "run", "members-at", "-p", "network=eurocites"], "'eurocities'"),
    (["query", "run", "members-at", "-p", "network=gai", "-p", "certainty=certian"],
     "'certain'"),
    (["query", "run", "members-at", "-p", "network=uccn", "-p", "field=Desing"], "'Design'"),
])
def test_a_misspelling_gets_did_you_mean(capsys, argv, suggestion):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"(did you mean {suggestion}?)" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["query", "run", "zzzzzz"],  # nothing close: the list of queries only
    ["query", "run", "members-at", "-p", "network=nowhere-at-all"],
])
def test_nothing_close_suggests_nothing(capsys, argv):
    assert main(argv) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_closest_ignores_case_and_keeps_the_known_spelling():
    assert closest("DESING", ["Design", "Music"]) == "Design"
    assert closest("xyz", ["Design", "Music"]) is None


def test_ccgraph_alone_lists_the_commands():
    shown = subprocess.run([sys.executable, "-m", "ccgraph"], capture_output=True, text=True)
    assert shown.returncode == 0
    for command in ("build", "validate", "query", "sparql", "export", "serve", "push"):
        assert f"    {command} " in shown.stdout
    # written for users: what it is and where to start, no note to developers
    assert shown.stdout.split("\n\n")[1].startswith("A knowledge graph of the networks")
    assert "docs/cli.md" not in shown.stdout and "regenerated" not in shown.stdout


def test_query_show_prints_the_description_once(capsys):
    assert main(["query", "show", "coverage"]) == 0
    out = capsys.readouterr().out
    assert out.count("How well the graph knows a network's members at a date") == 1
    assert out.count("`listed_before` is the first day") == 1
    assert "#+ " not in out and "SELECT ?network ?date" in out


SMALL = Path(__file__).parent / "fixtures" / "shapes" / "valid" / "minimal.ttl"


@pytest.mark.parametrize(("mask", "mode", "command"), [
    (0o077, 0o600, "export"),
    (0o022, 0o644, "validate"),  # a report file is written as an export is
    (0o002, 0o664, "validate"),
])
def test_files_written_follow_the_umask(tmp_path, capsys, mask, mode, command):
    target = tmp_path / f"written-{mask:o}.ttl"
    args = (["export", "-o", str(target)] if command == "export"
            else ["validate", str(SMALL), "--report", f"turtle={target}"])
    old = os.umask(mask)
    try:
        assert main(args) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_export_to_dash_writes_stdout(tmp_path, monkeypatch, capsysbinary):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "ntriples", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert len(Graph().parse(data=out, format="nt")) > 1000
    assert not (tmp_path / "-").exists()
