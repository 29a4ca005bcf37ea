"""A private copy of the project's sources for tests that change them: `CCGRAPH_HOME`
points ccgraph at it (tests/conftest.py's `project` fixture), and what the tests add."""

from __future__ import annotations

import shutil
from pathlib import Path

from ccgraph.sources import ROOT

# cities in the shipped data: 405 in the UCCN table (406 rows, Lyon twice) + 25 more that
# the seeds name + 34 more that the network tables name (data/*_attestations.csv: 26 in
# Italy, 8 elsewhere); NEW_CITY makes one more
SHIPPED_CITIES = 464
COUNT_CITIES = (
    "PREFIX ccn: <https://w3id.org/ccgraph/ontology#> "
    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ccn:City }"
)
NEW_CITY = """
<https://w3id.org/ccgraph/id/city/it/lecce> a <https://w3id.org/ccgraph/ontology#City> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Lecce"@en .
"""


def copy_sources(target: Path) -> Path:
    """ontology/, shapes/, data/ and queries/ copied into `target`; `target`."""
    for part in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / part, target / part)
    return target


# the tables that make most of the shipped triples (the UCCN table above all); without them
# the data keep every kind of statement, the GAI tables, the gazetteer and both seeds, and
# what grows with the data (owlrl's closure, pure Python) takes a third of the time
BULK_TABLES = ("uccn_members.csv", "uccn_totals.csv", "bjcem_attestations.csv",
               "bjcem_snapshots.csv", "eurocities_attestations.csv", "eurocities_snapshots.csv",
               "network_claims.csv")
