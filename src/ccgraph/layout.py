"""Where the RDF sources are: the folder holding ontology/, shapes/, data/ and queries/.

This module knows where the sources live and which files a change of them rebuilds the
store for (`watched_files`, `digest`); reading them is `ccgraph.sources`'s. It imports no
RDF library: a saved query run from the command line reads it at every start.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

HOME_ENV = "CCGRAPH_HOME"
PACKAGED = Path(__file__).resolve().parent / "home"  # the folders, as a wheel carries them


def home() -> Path:
    """The folder holding ontology/, shapes/, data/ and queries/: $CCGRAPH_HOME when set
    (an edited checkout, another data folder), else the copies an installed wheel carries
    (ccgraph/home/), else the checkout the package runs from (an editable install)."""
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured)
    return PACKAGED if PACKAGED.is_dir() else Path(__file__).resolve().parents[2]


ROOT = home()
ONTOLOGY_FILE = ROOT / "ontology" / "ccn.ttl"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"


def watched_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The files whose content the store is built from, or may be: the ontology and every
    Turtle and CSV file of the data folder. A superset of the sources (`sources.data_files`
    reads only the CSV tables it knows), so that telling which CSV is a known table needs
    no table's mapper, and so no RDF library."""
    try:
        found = sorted(p for p in data_dir.iterdir() if p.suffix in (".ttl", ".csv"))
    except OSError:
        found = []
    return [ONTOLOGY_FILE, *found]


def digest(paths: Iterable[Path]) -> str:
    """A content hash of the given files (with their names), for rebuild-on-change."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()
