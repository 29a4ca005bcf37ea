"""The embedded store end to end, in fresh processes over a copy of the project:
built on first use, rebuilt when a source changes, and a failed build changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccgraph.sources import ROOT

COUNT_CITIES = (
    "PREFIX ccn: <https://w3id.org/ccgraph/ontology#> "
    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ccn:City }"
)
NEW_CITY = """
<https://w3id.org/ccgraph/id/city/it/lecce> a <https://w3id.org/ccgraph/ontology#City> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Lecce"@en .
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def ccgraph(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCGRAPH_HOME": str(project), "CCGRAPH_DATA_DIR": str(project / "store")}
    return subprocess.run(
        [sys.executable, "-m", "ccgraph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def cities(project: Path) -> tuple[int, str]:
    result = ccgraph(project, "sparql", COUNT_CITIES, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return int(result.stdout.splitlines()[1]), result.stderr


def pointer(project: Path) -> str:
    return (project / "store" / "current").read_text().strip()


def test_built_on_first_use_and_reused(project: Path):
    # 404 cities in the UCCN table (405 rows, Lyon twice) + 25 more the seeds name.
    assert cities(project)[0] == 429
    first = pointer(project)
    assert cities(project)[0] == 429
    assert pointer(project) == first
    stores = [p.name for p in (project / "store").iterdir() if p.is_dir()]
    assert stores == [first]


def test_rebuilt_when_a_source_changes(project: Path):
    assert cities(project)[0] == 429
    first = pointer(project)
    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write(NEW_CITY)
    assert cities(project)[0] == 430
    assert pointer(project) != first
    assert not (project / "store" / first).exists()  # the old one is cleaned up


def test_failed_build_leaves_the_previous_store_answering(project: Path):
    assert cities(project)[0] == 429
    first = pointer(project)
    listing = sorted(p.name for p in (project / "store").iterdir())
    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write('<https://w3id.org/ccgraph/id/x> <https://w3id.org/ccgraph/id/y> "oops .\n')

    explicit = ccgraph(project, "build")
    assert explicit.returncode == 2
    assert "gazetteer.ttl:" in explicit.stderr and "Traceback" not in explicit.stderr

    count, warning = cities(project)  # a reader still gets the whole previous store
    assert count == 429
    assert "answering from the previous store" in warning
    assert pointer(project) == first
    assert sorted(p.name for p in (project / "store").iterdir()) == listing  # nothing left over


def test_force_rebuilds_the_same_sources(project: Path):
    assert ccgraph(project, "build").returncode == 0
    inode = (project / "store" / pointer(project)).stat().st_ino
    forced = ccgraph(project, "build", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (project / "store" / pointer(project)).stat().st_ino != inode
    assert cities(project)[0] == 429
