"""Loading the sources: one named graph per file, deterministic, self-contained, rebasable."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, XSD

from ccgraph import namespaces as ns
from ccgraph.bounds import DERIVED_GRAPH
from ccgraph.namespaces import CCN
from ccgraph.sources import DATA_DIR, ONTOLOGY_GRAPH, ROOT, data_files, load_dataset


def test_one_named_graph_per_data_file(dataset):
    names = {g.identifier for g in dataset.graphs() if len(g)}
    expected = {ns.graph_name(path.stem) for path in data_files()} | {ONTOLOGY_GRAPH,
                                                                       DERIVED_GRAPH}
    assert names == expected


def test_build_is_deterministic(dataset):
    again = load_dataset()
    for graph in dataset.graphs():
        assert isomorphic(graph, again.graph(graph.identifier)), graph.identifier


def test_data_is_inside_the_project():
    # CI and users have only the project: no file refers to ../shared.
    for path in [*DATA_DIR.rglob("*.ttl"), *ROOT.glob("src/ccgraph/*.py")]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
    for local in (
        "sources/seed-000.txt",
        "sources/seed-003.txt",
        "sources/SOURCES.md",
        "uccn_members.csv",
    ):
        assert (DATA_DIR / local).is_file(), local


def test_no_example_org_in_shipped_data():
    for path in [*DATA_DIR.glob("*.ttl"), *DATA_DIR.glob("*.csv"), ROOT / "ontology" / "ccn.ttl"]:
        assert "example.org" not in path.read_text(encoding="utf-8"), path


def test_membership_without_start_is_attested_on_its_sources_date(dataset):
    # Turin's GAI membership has no start; each source dated by a reference date attests it
    # (seed 003: 2021-03-01; the GAI snapshots: 1997-07-25, 2000-11-18, ...)
    turin_gai = ns.membership(ns.network("gai"), ns.city("IT", "Turin"), ns.role("member"))
    seed = ns.source("seed-003")
    reference_date = dataset.value(seed, CCN.referenceDate)
    assert reference_date is not None and reference_date.datatype == XSD.date
    attested = {str(d) for d in dataset.objects(turin_gai, CCN.attestedOn)}
    assert {"1997-07-25", "2000-11-18", "2021-03-01", "2025-12-18"} <= attested
    # ... and the derived triple sits in the graph of the source that attests it.
    assert (turin_gai, CCN.attestedOn, reference_date) in dataset.graph(ns.graph_name("seed-003"))


def test_time_bounds_are_derived_into_their_own_graph(dataset):
    # GAI was founded in 1997 and Turin is on the list of its founders of 1997-07-25; it
    # is on every later list, so nothing bounds its end
    derived = dataset.graph(DERIVED_GRAPH)
    turin_gai = ns.membership(ns.network("gai"), ns.city("IT", "Turin"), ns.role("member"))
    assert derived.value(turin_gai, CCN.earliestStart) == Literal("1997-01-01",
                                                                   datatype=XSD.date)
    assert derived.value(turin_gai, CCN.earliestStartBasis) == ns.network("gai")
    assert derived.value(turin_gai, CCN.latestStart) == Literal("1997-07-25", datatype=XSD.date)
    assert derived.value(turin_gai, CCN.latestStartBasis) == \
        ns.ID["attestation/gai/torino-1997/city/it/turin"]
    assert derived.value(turin_gai, CCN.earliestEnd) is None
    assert derived.value(turin_gai, CCN.latestEnd) is None
    # Aosta: a founder that seed 003's complete list (2019-10-30 ... 2021-03-01) omits
    aosta = ns.membership(ns.network("gai"), ns.city("IT", "Aosta"), ns.role("member"))
    assert derived.value(aosta, CCN.earliestEnd) == Literal("1997-07-26", datatype=XSD.date)
    assert derived.value(aosta, CCN.latestEnd) == Literal("2021-03-01", datatype=XSD.date)
    assert derived.value(aosta, CCN.latestEndBasis) == ns.ID["list/gai/torino-seed"]
    # only bounds, their bases and the claims' counts are derived, and nothing else is
    # in that graph
    assert {p for _, p, _ in derived} == {
        CCN.earliestStart, CCN.latestStart, CCN.earliestEnd, CCN.latestEnd,
        CCN.earliestStartBasis, CCN.latestStartBasis, CCN.earliestEndBasis,
        CCN.latestEndBasis, CCN.certainCount, CCN.possibleCount}


def test_size_claims_are_counted_into_the_derived_graph(dataset):
    derived = dataset.graph(DERIVED_GRAPH)
    claim = ns.ID["claim/gai-torino-1997/gai-torino-1997-members"]

    def counts(node):
        return derived.value(node, CCN.certainCount), derived.value(node, CCN.possibleCount)

    # GAI's founding document lists its 35 founding administrations, a complete list of
    # 1997-07-25: on that day all 35 are certain members
    assert counts(claim)[0] == Literal(35, datatype=XSD.integer)
    # seed 003's complete list of the 33 GAI cities, written by 2021-03-01: 33 certain
    seed = ns.ID["claim/seed-003/7"]
    assert dataset.value(seed, CCN.claimedValue) == Literal(33, datatype=XSD.integer)
    certain, possible = counts(seed)
    assert certain == Literal(33, datatype=XSD.integer) and int(possible) >= 33
    # an undated claim is counted at no date
    assert counts(ns.ID["claim/gai-gai-site-current/gai-site-current-members"]) == (None, None)
    assert all(int(c) <= int(p) for c, p in (counts(n) for n in
               set(derived.subjects(CCN.certainCount, None))))


def test_membership_with_a_start_gets_no_attestation(dataset):
    turin_uccn = ns.membership(ns.network("uccn"), ns.city("IT", "Turin"), ns.field("Design"))
    assert dataset.value(turin_uccn, CCN.startDate) == Literal("2014-12-01", datatype=XSD.date)
    assert dataset.value(turin_uccn, CCN.attestedOn) is None


def test_seed_and_table_statements_of_one_membership_merge(dataset):
    # Turin's Design membership is stated by the table and by both seeds: one resource,
    # three sources, each statement in its own graph.
    turin_uccn = ns.membership(ns.network("uccn"), ns.city("IT", "Turin"), ns.field("Design"))
    sources = set(dataset.objects(turin_uccn, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert sources == {ns.source("uccn-reference"), ns.source("seed-000"), ns.source("seed-003")}
    for stem in ("uccn_members", "seed-000", "seed-003"):
        assert (turin_uccn, ORG.member, ns.city("IT", "Turin")) in dataset.graph(
            ns.graph_name(stem)
        )


def test_rebase_moves_every_resource_iri(monkeypatch):
    monkeypatch.setenv("CCGRAPH_BASE", "https://kg.city.test/ccgraph")
    moved = load_dataset()
    iris = {
        t
        for quad in moved.quads((None, None, None, None))
        for t in quad[:3]
        if isinstance(t, URIRef)
    }
    assert not any(str(iri).startswith((str(ns.ID), str(ns.GRAPH))) for iri in iris)
    assert URIRef("https://kg.city.test/ccgraph/id/city/it/turin") in iris
    # Ontology terms are not resources: they keep their namespace.
    assert CCN.Membership in iris
    assert {g.identifier for g in moved.graphs() if len(g)} >= {
        URIRef("https://kg.city.test/ccgraph/graph/seed-000")
    }


def test_slugs_are_ascii_and_stable():
    assert ns.slug("Kraków") == "krakow"
    assert ns.slug("Reggio Emilia") == "reggio-emilia"
    assert ns.slug("Huai'an") == "huai-an"
    assert ns.slug("Saint-Étienne") == "saint-etienne"
    assert ns.slug("Wrocław") == "wroclaw"
    assert ns.slug("Łódź") == "lodz"
    for path in data_files():
        if path.suffix == ".ttl":
            for iri in re.findall(r"<(https://w3id\.org/ccgraph/id/[^>]+)>", path.read_text()):
                assert re.fullmatch(r"[a-z0-9/-]+", iri.removeprefix(str(ns.ID))), iri
