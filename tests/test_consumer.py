"""The README's consumer tour, run as it is written against a live `ccgraph serve`-style
server (uvicorn on 127.0.0.1): each curl line, the export loaded into Oxigraph's own CLI,
and the rdflib SPARQLStore snippet."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engines import oxigraph_command

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = re.search(r"A consumer's tour.*?```shell\n(.*?)```", README, flags=re.S)
SNIPPET = re.search(r"```py\n(.*?)```", README, flags=re.S)
SHOWN = "http://127.0.0.1:8000"


def tour_lines() -> list[str]:
    assert TOUR is not None
    return [line for line in TOUR.group(1).splitlines() if line.strip()]


@pytest.mark.parametrize("line", [line for line in tour_lines() if line.startswith("curl ")])
def test_readme_curl_line(live_server, line):
    result = subprocess.run(["bash", "-c", line.replace(SHOWN, live_server) + " --fail -sS"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    body = result.stdout
    if "/sparql" in line:  # memberships per network, as CSV
        assert body.splitlines()[0].strip() == "network,memberships"
        assert any(row.startswith("https://w3id.org/ccgraph/id/network/gai,")
                   for row in body.splitlines())
    elif "/id/city/it/turin" in line:  # Turin's document, as Turtle
        assert "<https://w3id.org/ccgraph/id/city/it/turin>" in body or "id:city/it/turin" in body
    elif "shared-members" in line:  # seed 003 and the UCCN table: 7 GAI creative cities
        assert len(body.strip().splitlines()) == 1 + 7
    elif "openapi" in line:
        assert '"openapi"' in body


def test_readme_export_line_loads_into_oxigraph(tmp_path):
    (line,) = [line for line in tour_lines() if line.startswith("ccgraph export")]
    command = line.replace("ccgraph ", f"{sys.executable} -m ccgraph.cli ", 1)
    command = command.replace("oxigraph load", f"{oxigraph_command()} load")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    query = subprocess.run(
        [oxigraph_command(), "query", "--location", str(tmp_path / "other-store"),
         "--query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
         "--results-format", "csv"],
        capture_output=True, text=True, timeout=60)
    assert query.returncode == 0, query.stderr
    # one graph per source: seed-000, seed-003, uccn-members, uccn-totals, countries,
    # gazetteer, vocabulary, sources, the snapshots and attestations of GAI, Eurocities and
    # BJCEM, network-claims, ontology, and the derived time bounds
    assert query.stdout.split() == ["n", "17"]


def test_readme_sparqlstore_snippet(live_server):
    assert SNIPPET is not None
    exec(compile(SNIPPET.group(1).replace(SHOWN, live_server), "README.md", "exec"), {})
