"""Issue 13 (4): the light path of a saved query. `ccgraph query run` against the embedded
store imports neither rdflib nor a YAML library (nor pySHACL, OWL-RL, httpx, the web
stack), and writes, byte for byte, what the rdflib path writes: for every saved query, in
every format; the `#+` headers, read without YAML, are read as PyYAML reads them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import yaml

from ccgraph import queries
from ccgraph.errors import InputError
from ccgraph.queries import headers
from ccgraph.results import render
from ccgraph.sources import QUERIES_DIR
from ccgraph.store import EmbeddedStore

HEAVY = ("rdflib", "yaml", "pyshacl", "owlrl", "httpx", "starlette", "uvicorn", "jinja2")
FORMATS = ("csv", "tsv", "srj", "md", "json")  # json: records, through rdflib's terms

# every saved query: the showcase's questions (queries/showcase.yaml), then the others with
# parameters of each type, given as people give them (names, slugs, IRIs, codes)
SHOWCASE = [(item["query"], {k: str(v) for k, v in (item.get("params") or {}).items()})
            for item in yaml.safe_load((QUERIES_DIR / "showcase.yaml").read_text("utf-8"))]
OTHERS = [
    ("members-at", {"network": "uccn", "date": "2022-01-01"}),
    ("members-at", {"network": "uccn", "field": "music", "country": "it",
                    "certainty": "certain", "date": "2023-01-01"}),
    ("networks-of", {"member": "it/turin", "date": "2022-01-01", "certainty": "certain"}),
    ("country-counts", {"network": "https://w3id.org/ccgraph/id/network/uccn",
                        "date": "2022-01-01"}),
    ("joined-between", {"network": "uccn", "from": "2019-01-01", "to": "2020-01-01"}),
    ("timeline", {"network": "gai"}),
    ("multi-network", {"date": "2022-01-01", "min": "3"}),
    ("field-counts", {"network": "uccn", "date": "2025-12-31", "country": "IT"}),
]
CASES = SHOWCASE + OTHERS
BAD = [
    ("members-at", {"network": "nope"}),
    ("members-at", {"network": "uccn", "field": "Musc"}),
    ("members-at", {"network": "uccn", "country": "ZZ"}),
    ("members-at", {"network": "uccn", "date": "2022-13-01"}),
    ("members-at", {"network": "uccn", "certainty": "maybe"}),
    ("networks-of", {"member": "Nowhere"}),
    ("multi-network", {"min": "abc"}),
    ("members-at", {}),
]


def case_id(case: tuple[str, dict[str, str]]) -> str:
    name, values = case
    return "-".join([name, *values.values()])


@pytest.fixture(scope="module")
def rdflib_store():
    store = EmbeddedStore()  # built in the session's private folder if it is not yet
    yield store
    store.close()


@pytest.fixture(scope="module")
def native_store(rdflib_store):
    store = EmbeddedStore(rdflib_store.location, native=True)
    yield store
    store.close()


def test_every_saved_query_is_compared():
    assert {name for name, _ in CASES} == set(queries.catalogue())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_light_path_writes_what_the_rdflib_path_writes(case, fmt, rdflib_store,
                                                           native_store):
    name, values = case
    expected = render(queries.run(rdflib_store, name, values), fmt).encode("utf-8")
    written = BytesIO()
    queries.write(native_store, name, values, fmt, written)
    assert written.getvalue() == expected
    assert expected.count(b"\n") > 1  # a header and at least one row


@pytest.mark.parametrize("case", BAD, ids=case_id)
def test_the_light_path_refuses_what_the_rdflib_path_refuses(case, rdflib_store, native_store):
    name, values = case
    with pytest.raises(InputError) as rdflib_error:
        queries.run(rdflib_store, name, values)
    with pytest.raises(InputError) as native_error:
        queries.write(native_store, name, values, "csv", BytesIO())
    assert str(native_error.value) == str(rdflib_error.value)


def test_a_native_store_answers_in_pyoxigraph_terms(rdflib_store, native_store):
    import pyoxigraph as ox
    from rdflib import URIRef

    query = "SELECT ?n WHERE { ?n a <https://w3id.org/ccgraph/ontology#Network> } ORDER BY ?n"
    native, rdflib = native_store.select(query), rdflib_store.select(query)
    assert all(isinstance(row[0], ox.NamedNode) for row in native.rows)
    assert [URIRef(row[0].value) for row in native.rows] == [row[0] for row in rdflib.rows]
    graph = ("CONSTRUCT { ?n ?p ?o } "
             "WHERE { ?n a <https://w3id.org/ccgraph/ontology#Network> ; ?p ?o }")
    assert set(native_store.construct(graph)) == set(rdflib_store.construct(graph))


@pytest.mark.parametrize("xdg", [None, "/srv/data", "relative/data", ""])
@pytest.mark.parametrize("home", ["/home/someone", "/home/someone/"])
def test_the_data_folder_is_where_platformdirs_puts_it(home, xdg, monkeypatch):
    """The store's folder is worked out without importing platformdirs, as it works it out."""
    import platformdirs

    from ccgraph.store import builds

    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert builds._user_data_dir() == platformdirs.user_data_dir("ccgraph", appauthor=False)


def imported(*args: str) -> set[str]:
    """The top-level names of the modules `python -X importtime -m ccgraph ARGS` imports;
    the command must succeed."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ccgraph", *args],
                          capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert len(lines) > 50  # importtime did report
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "srj", "md"])
def test_query_run_imports_no_rdflib_and_no_yaml(fmt, rdflib_store):
    modules = imported("query", "run", "members-at", "--param", "network=uccn",
                       "--format", fmt)
    assert "pyoxigraph" in modules and "ccgraph" in modules
    assert sorted(set(HEAVY) & modules) == []


def test_a_table_still_names_the_iris(rdflib_store):
    """A table for people takes rdflib's path, for the names (ccgraph.labels)."""
    assert "rdflib" in imported("query", "run", "seats", "--format", "table")


# --- the headers, read without YAML -----------------------------------------------------


def header_lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#+ ") and line != "#+":
            break
        lines.append(line[3:])
    return lines


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.rglob("*.rq")), ids=lambda p: p.name)
def test_every_shipped_header_reads_as_yaml_reads_it(path):
    lines = header_lines(path)
    assert lines
    assert headers.load(lines) == (yaml.safe_load("\n".join(lines)) or {})


@pytest.mark.parametrize("text", [
    "a: plain text, with (parentheses) and $dollars",
    "a: yes\nb: Off\nc: ~\nd: null\ne:\nf: 0\ng: 42\nh: 2022-01-01",
    "a: \"double: quoted # not a comment\"\nb: 'it''s'\nc: []\nd: [x, y-z, 2]",
    "# a comment\na: >\n  folded\n  lines\n\n  a paragraph\n\n\nb: |\n  literal\n    kept\n",
    "params:\n  - name: n\n    type: network\n    required: true\n  - name: d\n    default: today",
    "params:\n  - x\n  - y\nafter: z",
])
def test_the_subset_reads_as_yaml_reads_it(text):
    assert headers.load(text.split("\n")) == yaml.safe_load(text)


def test_a_date_is_a_date():
    assert headers.load(["a: 2022-01-01"]) == {"a": date(2022, 1, 1)}


@pytest.mark.parametrize("text", [
    "a: b # a comment after a value",
    "a: &anchor b",
    "a: *alias",
    "a: !!str 1",
    "a: 1.5",
    "a: 012",
    "a: 0x1f",
    "a: 1:20",
    "a: -1",
    "a: .inf",
    "a: 2022-02-30",
    "a: {b: c}",
    'a: [x, "y"]',
    "a: [x,\n  y]",
    'a: "tab\\tescaped"',
    "a: 'unclosed",
    "a: >-\n  chomped",
    "a: >\n    more\n  less",
    "a: text that goes\n  on on the next line",
    "a:\n  b: c",
    "a:\n- indentless",
    "a: b\na: again",
    "params:\n  - name: x\n    name: y",
    "params:\n  - name: x\n      deeper: y",
    "\ta: tab",
    "key without a colon",
])
def test_what_the_subset_does_not_read_is_refused(text):
    with pytest.raises(headers.Unsupported, match=r"^header line \d+: "):
        headers.load(text.split("\n"))


def test_a_header_the_subset_refuses_is_read_by_yaml(tmp_path):
    (tmp_path / "q.rq").write_text("#+ summary: all &amp; # a comment\n#+ columns: [x]\n"
                                   "SELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    query = queries.catalogue(tmp_path)["q"]
    assert (query.summary, query.columns) == ("all &amp;", ("x",))
