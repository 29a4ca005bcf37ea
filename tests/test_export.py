"""Exports: each format parses back to the same graph, JSON-LD also through an independent
processor (pyld) with no remote context, stable prefixes, and atomic -o."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import ORG

from ccgraph import namespaces as ns
from ccgraph.cli import main
from ccgraph.export import CONTEXT_FILE, context, serialize
from ccgraph.reasoning import INFERRED_GRAPH
from ccgraph.store import merged
from projects import BULK_TABLES

FORMATS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def merge(dataset):
    return merged(dataset)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_is_isomorphic(dataset, merge, fmt):
    back = Graph().parse(data=serialize(dataset, fmt), format=FORMATS[fmt])
    assert len(back) == len(merge)
    assert isomorphic(back, merge)


def test_trig_keeps_one_named_graph_per_source(dataset):
    back = Dataset()
    back.parse(data=serialize(dataset, "trig"), format="trig")
    expected = {g.identifier: g for g in dataset.graphs() if len(g)}
    got = {g.identifier: g for g in back.graphs() if len(g)}
    assert set(got) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_jsonld_expands_to_the_same_graph_with_pyld(dataset, merge):
    from pyld import jsonld

    def no_network(url, options=None):
        raise AssertionError(f"a remote document was requested: {url}")

    jsonld.set_document_loader(no_network)
    document = json.loads(serialize(dataset, "jsonld"))
    assert document["@context"] == context()  # the project's own context, embedded
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nquads"), merge)


def test_context_file_is_the_prefix_map():
    declared = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    expected = {p: str(n) for p, n in ns.PREFIXES.items() if p not in ("sh", "ccnsh")}
    assert {k: v for k, v in declared.items() if not k.startswith("@")} == expected


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_prefixes_are_the_projects(dataset, fmt):
    text = serialize(dataset, fmt).decode()
    prefixes = {line.split()[1].rstrip(":") for line in text.splitlines()
                if line.startswith("@prefix")}
    assert prefixes <= set(ns.PREFIXES)


# the tables and seed that do not bear on Turin's GAI membership (tests/projects.py)
UNRELATED = (*BULK_TABLES, "seed-003.ttl")


def test_inferred_adds_the_inference_graph(project, tmp_path):
    """`ccgraph export --inferred`, run as a command on a copy of the sources that keeps
    the GAI tables, the gazetteer and the first seed."""
    for name in UNRELATED:
        (project / "data" / name).unlink()
    target = tmp_path / "all.trig"
    env = {**os.environ, "CCGRAPH_HOME": str(project), "CCGRAPH_DATA_DIR": str(project / "store")}
    done = subprocess.run([sys.executable, "-m", "ccgraph", "export", "--format", "trig",
                           "--inferred", "-o", str(target)], env=env, capture_output=True,
                          text=True)
    assert (done.returncode, done.stderr) == (0, "")
    back = Dataset()
    back.parse(target, format="trig")
    triple = (ns.city("IT", "Turin"), ORG.memberOf, ns.network("gai"))
    assert triple in back.graph(INFERRED_GRAPH)
    assert [g.identifier for g in back.graphs() if triple in g] == [INFERRED_GRAPH]


def test_output_is_atomic(tmp_path, monkeypatch, capsys):
    target = tmp_path / "graph.ttl"
    target.write_text("previous export\n", encoding="utf-8")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    assert main(["export", "-o", str(target)]) == 2
    assert "graph.ttl: cannot write: disk full" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no partial file left
    monkeypatch.undo()
    assert main(["export", "-o", str(target)]) == 0
    assert Graph().parse(target, format="turtle")
    assert capsys.readouterr().out == ""


def test_output_into_a_missing_folder_is_an_input_error(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "no" / "such" / "file.ttl")]) == 2
    assert "no such folder" in capsys.readouterr().err
